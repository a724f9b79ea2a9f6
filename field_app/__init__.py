"""GridWatch field_app."""

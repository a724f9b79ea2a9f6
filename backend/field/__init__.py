"""GridWatch field."""

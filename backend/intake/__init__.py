"""GridWatch intake."""

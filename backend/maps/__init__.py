"""GridWatch maps."""

"""GridWatch knowledge."""

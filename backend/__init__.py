"""GridWatch backend."""

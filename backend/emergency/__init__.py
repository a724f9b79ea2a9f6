"""GridWatch emergency."""

"""GridWatch stats."""

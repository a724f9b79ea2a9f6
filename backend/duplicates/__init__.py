"""GridWatch duplicates."""

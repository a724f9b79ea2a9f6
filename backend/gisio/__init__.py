"""GridWatch gisio."""

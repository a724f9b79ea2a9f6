"""GridWatch map_viewer."""

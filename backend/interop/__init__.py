"""GridWatch interop."""

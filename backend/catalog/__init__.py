"""The national component/event catalog: validation, loading and lookups."""

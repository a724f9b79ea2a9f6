"""Read-only lookups: catalog, grids, components, departments."""

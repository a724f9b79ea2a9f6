"""GridWatch gis_data."""

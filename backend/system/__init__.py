"""Health and landing pages."""

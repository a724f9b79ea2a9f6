"""Fixtures for the hardening tests: the API fixtures of tests/backend (an app on each backend
with the small district loaded, one user per role) plus cheap password hashing."""

from __future__ import annotations

from tests.backend.conftest import _cheap_password_hashing, client, district, settings

__all__ = ["_cheap_password_hashing", "client", "district", "settings"]

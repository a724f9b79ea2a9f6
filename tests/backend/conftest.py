"""Fixtures for API tests: an app on each backend with a small district loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.main import create_app
from tests.backend.district import District, build_district


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2's production cost (64 MiB, 3 passes) is the point in production, not in tests."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters

    set_parameters(CHEAPEST)
    yield
    set_parameters(None)


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    return Settings(database_url=db_url, demo_mode=True, photo_dir=tmp_path / "photos")


@pytest.fixture
def district(db) -> District:
    return build_district(db)


@pytest.fixture
def client(settings, district) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c

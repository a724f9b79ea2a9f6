"""Fixtures for intake and exchange tests: the backend tests' district and app, an Open311 key,
and a real uvicorn server on 127.0.0.1 for third-party clients (georeport, OWSLib) that speak
HTTP through ``requests``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from backend.interop.clients import create_api_client
from backend.main import create_app
from tests.backend import conftest as backend_fixtures
from tests.live_app import serve_in_thread

# The backend tests' fixtures, shared: the district, its settings and a TestClient on the app.
_cheap_password_hashing = backend_fixtures._cheap_password_hashing
settings = backend_fixtures.settings
district = backend_fixtures.district
client = backend_fixtures.client


@pytest.fixture
def open311_key(db: Session, district) -> str:
    _, key = create_api_client(db_session=db, name="citizen-app", kind="open311")
    db.commit()
    return key


@pytest.fixture
def live_server(settings, district) -> Iterator[str]:
    """The app served by uvicorn in a thread; yields its base URL."""
    with serve_in_thread(create_app(settings), start_timeout=60, lifespan="on") as url:
        yield url

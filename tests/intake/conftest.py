"""Fixtures for intake and exchange tests: the backend tests' district and app, an Open311 key,
and a real uvicorn server on 127.0.0.1 for third-party clients (georeport, OWSLib) that speak
HTTP through ``requests``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy.orm import Session

from backend.interop.clients import create_api_client
from backend.main import create_app
from tests.backend import conftest as backend_fixtures

# The backend tests' fixtures, shared: the district, its settings and a TestClient on the app.
_cheap_password_hashing = backend_fixtures._cheap_password_hashing
settings = backend_fixtures.settings
district = backend_fixtures.district
client = backend_fixtures.client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def open311_key(db: Session, district) -> str:
    _, key = create_api_client(db_session=db, name="citizen-app", kind="open311")
    db.commit()
    return key


@pytest.fixture
def live_server(settings, district) -> Iterator[str]:
    """The app served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

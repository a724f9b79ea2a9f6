"""Fixtures for the field app: the test district (tests/backend/district.py) on each backend, a
TestClient, and a real uvicorn server on 127.0.0.1 that counts the bytes it sends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.main import create_app
from tests.backend.district import District, build_district
from tests.field_app.browser import CHROMIUM, CHROMIUM_ARGS
from tests.live_app import free_port, serve_in_thread


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2's production cost is the point in production, not in tests."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters

    set_parameters(CHEAPEST)
    yield
    set_parameters(None)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, demo_mode=True, photo_dir=tmp_path / "photos")


@pytest.fixture
def district(db) -> District:
    return build_district(db)


@pytest.fixture
def client(settings: Settings, district: District) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@dataclass
class ByteCounter:
    """Bytes the server put on the wire (status line + headers + body), per request path."""

    records: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, bytes)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.records.clear()

    def total(self, *, exclude_prefix: tuple[str, ...] = ()) -> int:
        with self.lock:
            return sum(n for _, path, n in self.records if not path.startswith(exclude_prefix))


class CountingApp:
    """ASGI wrapper: measures what each response costs on the wire, seen from the server."""

    def __init__(self, app, counter: ByteCounter) -> None:
        self.app, self.counter = app, counter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        size = 0

        async def counting_send(message):
            nonlocal size
            if message["type"] == "http.response.start":
                size += len(b"HTTP/1.1 200 OK\r\n") + sum(len(k) + len(v) + 4 for k, v in message["headers"]) + 2
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if not message.get("more_body"):
                    with self.counter.lock:
                        self.counter.records.append((scope["method"], scope["path"], size))
            await send(message)

        return await self.app(scope, receive, counting_send)


@dataclass
class LiveServer:
    url: str
    district: District
    settings: Settings
    counter: ByteCounter

    def api(self, who: str = "operator") -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.district.headers(who), timeout=30)


@pytest.fixture
def live_server(settings: Settings, district: District) -> Iterator[LiveServer]:
    """create_app(settings) served by uvicorn in a thread on a free loopback port."""
    counter = ByteCounter()
    with serve_in_thread(CountingApp(create_app(settings), counter), lifespan="on",
                         timeout_graceful_shutdown=2) as url:
        yield LiveServer(url, district, settings, counter)


@pytest.fixture
def server_process(settings: Settings, district: District) -> Iterator[str]:
    """``gridwatch serve`` as its own process on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": settings.database_url, "GRIDWATCH_PHOTO_DIR": str(settings.photo_dir),
           "GRIDWATCH_DEMO_MODE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module (contexts, not browsers, are the unit of isolation).

    Not per session: Playwright's sync API cannot run twice at once in a thread, and other test
    folders start their own on the same xdist worker.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (browser tests need it)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()

"""Fixtures for map_viewer: small reference layers, a loopback web server, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

import map_viewer
from map_viewer import STATIC_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

# A 6 x 6 block of 200 m grid cells in central Beijing, lon/lat (EPSG:4490).
LON0, LAT0, CELL = 116.390, 39.900, 0.002


def make_grids(n: int = 6) -> gpd.GeoDataFrame:
    cells = [(i, j) for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame(
        {"code": [f"G{i}{j}" for i, j in cells], "cases": [(i * 7 + j * 3) % 11 for i, j in cells]},
        geometry=[
            box(LON0 + i * CELL, LAT0 + j * CELL, LON0 + (i + 1) * CELL, LAT0 + (j + 1) * CELL)
            for i, j in cells
        ],
        crs=4490,
    )


def make_communities() -> gpd.GeoDataFrame:
    half = 3 * CELL
    return gpd.GeoDataFrame(
        {"name": ["East", "West"]},
        geometry=[
            box(LON0, LAT0, LON0 + half, LAT0 + 2 * half),
            box(LON0 + half, LAT0, LON0 + 2 * half, LAT0 + 2 * half),
        ],
        crs=4490,
    )


def make_streets() -> gpd.GeoDataFrame:
    end = 6 * CELL
    return gpd.GeoDataFrame(
        {"name": ["Chang'an Jie", "Wangfujing"]},
        geometry=[
            LineString([(LON0, LAT0 + 0.0051), (LON0 + end, LAT0 + 0.0055)]),
            LineString([(LON0 + 0.0041, LAT0), (LON0 + 0.0043, LAT0 + end)]),
        ],
        crs=4490,
    )


def case_points(n: int = 40) -> list[tuple[float, float]]:
    """(lon, lat) of n cases scattered over the grid block, the same every run."""
    rng = random.Random(7)
    return [(LON0 + rng.uniform(0, 6 * CELL), LAT0 + rng.uniform(0, 6 * CELL)) for _ in range(n)]


@pytest.fixture
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {"grids": make_grids(), "communities": make_communities(), "streets": make_streets()}


@pytest.fixture
def cases() -> list[tuple[float, float]]:
    return case_points()


@pytest.fixture(autouse=True)
def default_local_assets() -> Iterator[None]:
    """Every test starts and ends with the default asset base URL."""
    map_viewer.use_local_assets()
    yield
    map_viewer.use_local_assets()


# --- a loopback web server: /static from map_viewer/static, pages from a temp dir ---------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, pages: Path, **kwargs: Any) -> None:
        self.pages = pages
        super().__init__(*args, directory=str(pages), **kwargs)

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if url_path.startswith("/static/"):
            # SimpleHTTPRequestHandler's own translation, rooted at map_viewer/static.
            self.directory = str(STATIC_DIR)
            return super().translate_path(path[len("/static") :])
        self.directory = str(self.pages)
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass


@dataclass
class LocalSite:
    root: str
    pages: Path

    def publish(self, name: str, html: str) -> str:
        (self.pages / name).write_text(html, encoding="utf-8")
        return f"{self.root}/{name}"


@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSite]:
    pages = tmp_path_factory.mktemp("pages")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, pages=pages))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalSite(root=f"http://127.0.0.1:{server.server_address[1]}", pages=pages)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- headless Chromium that records everything that could go wrong ------------------------


@dataclass
class PageLog:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        return {urlsplit(u).hostname or "" for u in self.requests if urlsplit(u).scheme in ("http", "https")}

    def assert_clean(self) -> None:
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.bad_status == [], f"HTTP errors: {self.bad_status}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (browser tests need it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, PageLog]]]:
    """open_page(url, allow=pred) -> (page, log); requests whose URL fails ``allow`` are aborted."""
    contexts = []

    def _open(url: str, *, allow: Callable[[str], bool], offline: bool = False) -> tuple[Any, PageLog]:
        log = PageLog()
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        contexts.append(context)
        if offline:
            context.set_offline(True)

        def route(r: Any) -> None:
            if allow(r.request.url):
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: log.requests.append(req.url))
        page.on("requestfailed", lambda req: log.failed.append(f"{req.url} {req.failure}"))
        page.on(
            "response", lambda res: res.status >= 400 and log.bad_status.append(f"{res.status} {res.url}")
        )
        page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
        page.on("pageerror", lambda err: log.page_errors.append(str(err)))
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        return page, log

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

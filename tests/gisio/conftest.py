"""Fixtures for gisio and demo tests: small districts from gis_data, a CLI runner bound to a
database, and a second empty database on the same backend (for round trips)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backend.cli import app
from backend.config import Settings, get_settings
from backend.demo import DemoInfo, prepare_demo
from backend.demo_accounts import Account
from gis_data.demo_district import DemoDistrict, helsinki_district, synthetic_district
from tests.conftest import _empty_postgis, create_postgis_database


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2's production cost is the point in production, not in tests."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters

    set_parameters(CHEAPEST)
    yield
    set_parameters(None)


@dataclass
class DemoDb:
    settings: Settings
    info: DemoInfo
    seconds: float  # to build it
    cases: int  # asked for
    now: datetime  # end of its history


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Path:
    """A folder every xdist worker of this run sees (the run's base temp), or this session's."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"gisio-demo-{backend}"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session", params=["spatialite", "postgis"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoDb:
    """A demo database (1,500 cases) per backend, built once per test run: the first worker to
    get here builds it under a file lock, the others reuse it (xdist's loadgroup cannot keep
    these tests on one worker with pytest 9)."""
    folder = _shared_folder(tmp_path_factory, request.param)
    if request.param == "postgis":
        admin = request.getfixturevalue("postgis_admin_url")
    with (folder / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = folder / "demo.json"
        if built.exists():
            meta = json.loads(built.read_text(encoding="utf-8"))
            settings = Settings(database_url=meta["url"], demo_mode=True, photo_dir=folder / "photos")
            info = DemoInfo(lines=meta["lines"], accounts=[Account(**a) for a in meta["accounts"]],
                            pages=tuple(tuple(p) for p in meta["pages"]), reused=False)
            return DemoDb(settings, info, meta["seconds"], meta["cases"], datetime.fromisoformat(meta["now"]))
        if request.param == "spatialite":
            url = f"sqlite:///{folder / 'demo.sqlite'}"
        else:
            url = create_postgis_database(admin, "gw_demo")  # one run at a time per test cluster
        settings = Settings(database_url=url, demo_mode=True, photo_dir=folder / "photos")
        now = datetime.now(UTC).replace(microsecond=0)
        start = time.perf_counter()
        info = prepare_demo(settings, cases=1_500, now=now)
        seconds = time.perf_counter() - start
        built.write_text(json.dumps({
            "url": url, "lines": info.lines, "accounts": [asdict(a) for a in info.accounts],
            "pages": info.pages, "seconds": seconds, "cases": 1_500, "now": now.isoformat(),
        }), encoding="utf-8")
        return DemoDb(settings, info, seconds, 1_500, now)


@pytest.fixture(scope="session")
def small_district() -> DemoDistrict:
    """A 600 m synthetic district: 5 communities, ~70 grids, ~2,000 components."""
    return synthetic_district(seed=3, size_m=600.0)


@pytest.fixture(scope="session")
def helsinki() -> DemoDistrict:
    return helsinki_district()


@pytest.fixture
def second_db_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Another migrated, empty database on the backend of ``db_url``."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "second.sqlite"
        shutil.copyfile(request.getfixturevalue("spatialite_template"), path)
        yield f"sqlite:///{path}"
        return
    from backend.migrate import upgrade

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = create_postgis_database(request.getfixturevalue("postgis_admin_url"), f"gw_second_{worker}")
    upgrade(url)
    yield url
    _empty_postgis(url)


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """``run_cli(url, "grids", "import", ...)``: the gridwatch CLI in-process against ``url``."""
    runner = CliRunner()

    def run(url: str, *args: str):
        monkeypatch.setenv("GRIDWATCH_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        finally:
            get_settings.cache_clear()

    return run

"""Shared fixtures. Database tests take ``db_url`` and run once per backend:
``[spatialite]`` on a fresh file copied from a migrated template, ``[postgis]`` on a
per-worker database emptied after each test.

PostGIS comes from GRIDWATCH_TEST_POSTGIS_URL (set by ``make test``, which starts a
throwaway cluster). Without it the PostGIS variants are skipped, unless
GRIDWATCH_REQUIRE_POSTGIS=1 (as in ``make test``), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.db import make_engine, make_sessionmaker
from backend.migrate import upgrade
from backend.models import Base

BACKENDS = ["spatialite", "postgis"]
ARTIFACTS = Path(__file__).parent / "artifacts"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgis_admin_url() -> str:
    url = os.environ.get("GRIDWATCH_TEST_POSTGIS_URL")
    if not url:
        if os.environ.get("GRIDWATCH_REQUIRE_POSTGIS") == "1":
            pytest.fail("GRIDWATCH_TEST_POSTGIS_URL is not set but PostGIS tests are required")
        pytest.skip("no PostGIS: set GRIDWATCH_TEST_POSTGIS_URL or run `make test`")
    return url


def create_postgis_database(admin_url: str, name: str) -> str:
    """(Re)create database ``name`` with PostGIS on the server of ``admin_url``; return its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def postgis_worker_url(postgis_admin_url: str) -> str:
    url = create_postgis_database(postgis_admin_url, f"gw_test_{_worker()}")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def spatialite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    # Fold the WAL into the main file so a plain copy is a complete database.
    eng = make_engine(url)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


def _empty_postgis(url: str) -> None:
    eng = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "spatialite":
        template = request.getfixturevalue("spatialite_template")
        path = tmp_path / "gridwatch.sqlite"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgis_worker_url")
        yield url
        _empty_postgis(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    session = make_sessionmaker(engine)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """List every database test by backend, so a run shows both [spatialite] and [postgis]."""
    by_backend: dict[str, dict[str, int]] = {b: {} for b in BACKENDS}
    lines: list[str] = []
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") not in ("call", "setup") or not nodeid:
                continue
            if outcome == "passed" and report.when != "call":
                continue
            for backend in BACKENDS:
                if f"[{backend}" in nodeid or f"-{backend}]" in nodeid or f"-{backend}-" in nodeid:
                    by_backend[backend][outcome] = by_backend[backend].get(outcome, 0) + 1
                    lines.append(f"{outcome.upper():7} {nodeid}")
    if not lines:
        return
    terminalreporter.section("database tests by backend")
    for line in sorted(lines, key=lambda s: s.split(" ", 1)[1]):
        terminalreporter.write_line(line)
    for backend, counts in by_backend.items():
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none ran"
        terminalreporter.write_line(f"[{backend}] {summary}")

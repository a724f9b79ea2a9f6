"""Fixtures for the statistics tests.

The scenario (tests/stats/scenario.py: a month of cases with known timestamps, driven through
the real case service) takes seconds to build, and statistics only read it, so it is built once
per backend per test worker: ``env`` is parametrised ``[spatialite]`` / ``[postgis]`` like every
database test, on a database of its own (a SpatiaLite file, or a PostGIS database
``gw_stats_<worker>``). A test that writes (the settings endpoint) restores what it changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.migrate import upgrade
from tests.backend.district import build_district
from tests.conftest import BACKENDS, create_postgis_database
from tests.stats.scenario import Scenario, build_scenario


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2's production cost is the point in production, not in tests."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters

    set_parameters(CHEAPEST)
    yield
    set_parameters(None)


@dataclass
class StatsEnv:
    backend: str
    url: str
    scenario: Scenario
    client: TestClient
    db: Session
    settings: Settings

    def headers(self, who: str = "analyst") -> dict[str, str]:
        return self.scenario.district.headers(who)

    def get(self, path: str, who: str = "analyst", **params):
        return self.client.get(path, params=params or None, headers=self.headers(who))


@pytest.fixture(scope="session", params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        _cheap_password_hashing: None) -> Iterator[StatsEnv]:
    folder = tmp_path_factory.mktemp(f"stats-{request.param}")
    if request.param == "spatialite":
        path = folder / "scenario.sqlite"
        shutil.copyfile(request.getfixturevalue("spatialite_template"), path)
        url = f"sqlite:///{path}"
    else:
        admin = request.getfixturevalue("postgis_admin_url")
        url = create_postgis_database(admin, f"gw_stats_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
        upgrade(url)
    engine = make_engine(url)
    db = make_sessionmaker(engine)()
    scenario = build_scenario(db, build_district(db))
    settings = Settings(database_url=url, demo_mode=True, photo_dir=folder / "photos")
    with TestClient(create_app(settings)) as client:
        yield StatsEnv(request.param, url, scenario, client, db, settings)
    db.close()
    engine.dispose()

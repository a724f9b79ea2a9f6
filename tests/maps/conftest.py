"""Fixtures for the map tests: the small test district (tests/backend/district.py) with cases
seeded through the case service (tests/maps/seed.py), on each backend.

The map API only reads, so one seeded database per test module and backend serves every
test in it (``map_env``): seeding ~20 cases through the service costs more than the tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.migrate import upgrade
from tests.backend.district import District, build_district
from tests.conftest import BACKENDS, create_postgis_database
from tests.maps.seed import Seeded, seed_cases


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2's production cost (64 MiB, 3 passes) is the point in production, not in tests."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters

    set_parameters(CHEAPEST)
    yield
    set_parameters(None)


@pytest.fixture(scope="module", params=BACKENDS)
def map_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database of its own for one test module on each backend."""
    module = Path(request.module.__file__).stem
    if request.param == "spatialite":
        path = tmp_path_factory.mktemp(module) / "gridwatch.sqlite"
        shutil.copyfile(request.getfixturevalue("spatialite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin = request.getfixturevalue("postgis_admin_url")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = create_postgis_database(admin, f"gw_{module}_{worker}"[:60])
    upgrade(url)
    yield url


@dataclass
class MapEnv:
    settings: Settings
    district: District
    seeded: Seeded
    client: TestClient


@pytest.fixture(scope="module")
def map_env(map_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MapEnv]:
    engine = make_engine(map_db_url)
    with make_sessionmaker(engine)() as db:
        district = build_district(db)
        seeded = seed_cases(db, district)
    engine.dispose()
    settings = Settings(database_url=map_db_url, demo_mode=True, photo_dir=tmp_path_factory.mktemp("photos"))
    with TestClient(create_app(settings)) as client:
        yield MapEnv(settings, district, seeded, client)


@pytest.fixture
def district(map_env: MapEnv) -> District:
    return map_env.district


@pytest.fixture
def seeded(map_env: MapEnv) -> Seeded:
    return map_env.seeded


@pytest.fixture
def client(map_env: MapEnv) -> TestClient:
    return map_env.client


@pytest.fixture
def db(map_env: MapEnv) -> Iterator:
    engine = make_engine(map_env.settings.database_url)
    session = make_sessionmaker(engine)()
    yield session
    session.rollback()
    session.close()
    engine.dispose()

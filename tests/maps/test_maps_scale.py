"""City scale on both databases: with more cases than the marker cap, the case map sends the
newest 2,000 and says so, every case still counts per grid, and no payload grows with the
number of cases. Also the dispatcher's status classes, warning included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from backend.admin.service import default_work_calendar
from backend.config import Settings
from backend.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.maps.service import MARKER_CAP, status_class
from backend.models import Case
from backend.spatial import point_value
from tests.backend.district import District, build_district, cell_centre, grid_code

pytestmark = pytest.mark.db
EDITION = "GB/T 47678.5-2026"


def _bulk_cases(db, n: int, start: int, now: datetime) -> None:
    """``n`` filed cases spread over the nine grids, one minute apart (bulk rows: only the
    columns the maps read; the workflow is exercised elsewhere)."""
    rows = []
    for k in range(start, start + n):
        row, col = k % 3, (k // 3) % 3
        lon, lat = cell_centre(row, col)
        rows.append({
            "ref": f"GW-SCALE-{k:07d}", "source": "inspector", "edition": EDITION, "kind": "event",
            "minor_code": "06010", "status": "filed", "grid_code": grid_code(row, col),
            "community_code": grid_code(row, col)[:12], "street_code": grid_code(row, col)[:9],
            "reported_at": now - timedelta(minutes=k), "filed_at": now - timedelta(minutes=k),
            "updated_at": now, "geom": point_value(lon + (k % 7) * 1e-5, lat + (k % 5) * 1e-5),
            "rework_count": 0, "return_count": 0, "extension_count": 0, "version": 1, "priority": "normal",
            "description": "", "address": "", "reporter_name": "", "reporter_contact": "", "emergency": False,
        })
    db.execute(insert(Case), rows)
    db.commit()


@pytest.fixture(scope="module")
def scale(map_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, District]]:
    engine = make_engine(map_db_url)
    with make_sessionmaker(engine)() as db:
        district = build_district(db)
        _bulk_cases(db, 300, 0, datetime.now(UTC))
    settings = Settings(database_url=map_db_url, demo_mode=True, photo_dir=tmp_path_factory.mktemp("photos"))
    with TestClient(create_app(settings)) as client:
        client.engine = engine  # for adding more cases during the test
        yield client, district
    engine.dispose()


def _sizes(client: TestClient, district: District) -> dict[str, int]:
    out = {}
    for kind in ("cases", "density", "choropleth", "hotspots", "closure"):
        r = client.get(f"/api/maps/{kind}", headers=district.headers("dispatcher"))
        assert r.status_code == 200, r.text
        out[kind] = len(r.content)
    return out


def test_payloads_do_not_grow_with_the_cases(scale) -> None:
    client, district = scale
    small = _sizes(client, district)
    with make_sessionmaker(client.engine)() as db:
        _bulk_cases(db, 2_700, 300, datetime.now(UTC))  # 3,000 in all: above the cap
    big = _sizes(client, district)
    payload = client.get("/api/maps/cases", headers=district.headers("dispatcher")).json()
    assert payload["total"] == 3_000 and payload["shown"] == MARKER_CAP and payload["capped"]
    assert "仅显示最新 2,000 个，共 3,000 个" in payload["notice_zh"]
    assert payload["cases"]["ref"][0] == "GW-SCALE-0000000"  # newest first
    assert sum(payload["themes"][0]["values"]) == 3_000  # all of them per grid
    assert len(json.dumps(payload)) < 400_000
    for kind in ("density", "choropleth", "hotspots", "closure"):
        assert big[kind] == pytest.approx(small[kind], rel=0.25), kind  # same shape, other numbers
    assert big["cases"] < 2 * MARKER_CAP * 150  # bounded by the cap, not by the 3,000 cases


def test_status_classes_of_the_dispatcher_map() -> None:
    calendar = default_work_calendar("Asia/Shanghai")
    dispatched = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
    due = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday 18:00: 15 working hours later
    at = lambda h: dispatched + timedelta(hours=h)  # noqa: E731
    assert status_class("dispatched", dispatched, due, at(1), calendar) == "progress"
    assert status_class("dispatched", dispatched, due, at(31), calendar) == "warning"  # Tue 16:00: 13/15 h
    assert status_class("handled", dispatched, due, at(34), calendar) == "overdue"
    assert status_class("filed", None, None, at(1), calendar) == "new"
    assert status_class("closed", dispatched, due, at(40), calendar) == "closed"
    assert status_class("answered", None, None, at(1), calendar) == "closed"


def test_the_working_clock_agrees_with_deadline_state() -> None:
    """The maps' one-pass clock gives exactly the states of backend.worktime, across weekends,
    the 2026 National Day holiday and its make-up working days."""
    import random

    from backend.maps.deadlines import WorkingClock
    from backend.worktime import deadline_state

    calendar = default_work_calendar("Asia/Shanghai")
    rng = random.Random(3)
    origin = datetime(2026, 9, 20, tzinfo=UTC)
    triples = []
    for _ in range(2000):
        start = origin + timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
        due = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 12))
        now = start + timedelta(minutes=rng.randrange(-60, 60 * 24 * 14))
        triples.append((start, due, now))
    clock = WorkingClock.covering(calendar, [t for triple in triples for t in triple])
    states = [clock.state(*t) for t in triples]
    assert states == [deadline_state(*t, calendar) for t in triples]
    assert {s.value for s in states} == {"normal", "warning", "overdue"}

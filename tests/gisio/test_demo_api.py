"""The demo database works with the real application: the printed accounts log in, the history
lands where intake would put it, and the waiting work can be carried on through the API."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.cases.locate import SpatialCache, place_report
from backend.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.models import Case, User
from backend.spatial import to_shapely


@pytest.fixture(scope="session")
def _clients():
    """Started apps by database: built once even when the test order alternates backends."""
    started: dict[str, TestClient] = {}
    yield started
    for c in started.values():
        c.__exit__(None, None, None)


@pytest.fixture
def client(demo, _clients) -> TestClient:
    url = demo.settings.database_url
    if url not in _clients:
        c = TestClient(create_app(demo.settings))
        c.__enter__()  # runs the app's start-up (lifespan) once
        _clients[url] = c
    return _clients[url]


def _login(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_every_printed_account_logs_in(client, demo):
    for account in demo.info.accounts:
        if "<" in account.username:  # "dept-<code>": a pattern, checked through dept-sz below
            continue
        headers = _login(client, account.username, account.password)
        me = client.get("/api/auth/me", headers=headers).json()
        assert me["role"] == account.role
    _login(client, "dept-sz", "department-demo")


def test_cases_land_where_intake_would_put_them(demo):
    engine = make_engine(demo.settings.database_url)
    db = make_sessionmaker(engine)()
    try:
        cases = list(db.scalars(select(Case).order_by(Case.id)))
        cache = SpatialCache()
        for case in random.Random(1).sample(cases, 150):
            xy = to_shapely(case.geom)
            place = place_report(db_session=db, cache=cache, lon=xy.x, lat=xy.y, crs="cgcs2000",
                                 minor_code=case.minor_code, kind=case.kind)
            assert (place.grid_code, place.community_code, place.street_code) == (
                case.grid_code, case.community_code, case.street_code)
            assert place.observation_point_id == case.observation_point_id
            assert place.component_id == case.component_id, case.ref
    finally:
        db.close()
        engine.dispose()


def test_waiting_work_goes_on_through_the_api(client, demo):
    dispatcher = _login(client, "dispatcher", "dispatcher-demo")
    waiting = client.get("/api/cases", params={"status": "return_requested"}, headers=dispatcher)
    assert waiting.status_code == 200, waiting.text
    items = waiting.json()["items"]
    assert items, "the demo keeps return requests waiting for the dispatcher"
    case_id = items[0]["id"]
    r = client.post(f"/api/cases/{case_id}/actions", json={"action": "approve_return"}, headers=dispatcher)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "filed"
    # a dispatched case's own department asks for more time
    engine = make_engine(demo.settings.database_url)
    db = make_sessionmaker(engine)()
    try:
        case = db.scalar(select(Case).where(Case.status == "dispatched", Case.department_id.is_not(None))
                         .order_by(Case.id.desc()))
        username = db.scalar(select(User.username).where(User.role == "department",
                                                         User.department_id == case.department_id))
    finally:
        db.close()
        engine.dispose()
    department = _login(client, username, "department-demo")
    r = client.post(f"/api/cases/{case.id}/actions", json={"action": "request_extension", "note": "需协调材料"},
                    headers=department)
    assert r.status_code == 200, r.text
    detail = client.get(f"/api/cases/{case.id}", headers=dispatcher).json()
    assert detail["status"] == "extension_requested"
    actions = [e["action"] for e in detail["events"]]
    assert actions[0] == "report" and actions[-1] == "request_extension" and "dispatch" in actions
    tasks = 0
    for name in ("inspector", "inspector2", "inspector3", "inspector4", "inspector5"):
        listing = client.get("/api/tasks", headers=_login(client, name, "inspector-demo"))
        assert listing.status_code == 200, listing.text
        tasks += len(listing.json())
    assert tasks > 0

"""The admin API over HTTP on both backends: every route is admin-only, changes take effect,
bad input gets a 4xx with an English and a Chinese message."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from backend.admin.service import get_work_calendar
from backend.auth.service import STAFF_ROLES
from backend.catalog.parse import BUNDLED_CATALOG, parse_catalog
from backend.catalog.service import get_active_edition, load_catalog
from backend.models import CatalogClass
from tests.backend.helpers_auth import (
    DEFAULT_PASSWORD,
    app_client,
    headers_for,
    login,
    make_department,
    make_user,
)

NEW = "GB/T 47678.5-2026"
OLD = "CJ/T 214-2007"
COVER = f"/api/admin/catalog/{NEW}/component/01001"
CALENDAR = {"timezone": "Asia/Shanghai", "periods": [["08:30", "12:00"], ["14:00", "17:30"]],
            "weekend": [6], "holidays": ["2026-10-01"], "makeup_workdays": ["2026-10-11"]}

# Every admin route with a plausible body; the role test checks this list covers the router.
CLASS_PATH = "/api/admin/catalog/{edition}/{kind}/{minor_code}"
ADMIN_CALLS = [
    ("POST", "/api/admin/users", {"username": "new.user", "password": DEFAULT_PASSWORD, "role": "analyst"}),
    ("GET", "/api/admin/users", None),
    ("GET", "/api/admin/users/{user_id}", None),
    ("PATCH", "/api/admin/users/{user_id}", {"display_name": "x"}),
    ("POST", "/api/admin/users/{user_id}/password", {"password": "another-pass-1"}),
    ("POST", "/api/admin/departments", {"code": "NEWD", "name_zh": "新部门"}),
    ("GET", "/api/admin/departments", None),
    ("GET", "/api/admin/departments/{department_id}", None),
    ("PATCH", "/api/admin/departments/{department_id}", {"contact": "0512-1234"}),
    ("GET", "/api/admin/catalog/active-edition", None),
    ("PUT", "/api/admin/catalog/active-edition", {"edition": NEW}),
    ("GET", "/api/admin/catalog", None),
    ("GET", CLASS_PATH, None),
    ("PATCH", CLASS_PATH, {"filing_condition": "井盖缺失或破损"}),
    ("POST", "/api/admin/routing-rules", {"area_level": "county", "area_code": "320508", "department_id": 0}),
    ("GET", "/api/admin/routing-rules", None),
    ("GET", "/api/admin/routing-rules/{rule_id}", None),
    ("PATCH", "/api/admin/routing-rules/{rule_id}", {"note": "x"}),
    ("DELETE", "/api/admin/routing-rules/{rule_id}", None),
    ("GET", "/api/admin/calendar", None),
    ("PUT", "/api/admin/calendar", CALENDAR),
]


@pytest.fixture
def client(db_url, tmp_path):
    with app_client(db_url, tmp_path) as c:
        yield c


@pytest.fixture
def admin(client, db):
    return headers_for(client, db, "admin")


@pytest.fixture
def catalog(db):
    load_catalog(db_session=db, rows=parse_catalog(BUNDLED_CATALOG))
    db.commit()


def assert_error(resp, status: int, text: str = "") -> dict:
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["message"] and error["message_zh"], error
    assert text in error["message"], error
    return error


def _call(client, method, template, body, headers, **ids):
    path = template.format(edition=NEW, kind="component", minor_code="01001", **ids)
    if body and "department_id" in body:
        body = {**body, "department_id": ids["department_id"]}
    return client.request(method, path, json=body, headers=headers)


def test_every_admin_route_is_admin_only(client, db, admin, catalog):
    openapi = client.app.openapi()["paths"]
    routes = {(m.upper(), p) for p, ops in openapi.items() if p.startswith("/api/admin") for m in ops}
    assert routes == {(m, p) for m, p, _ in ADMIN_CALLS}
    ids = {"department_id": make_department(db, code="ROAD").id, "user_id": make_user(db, "inspector").id,
           "rule_id": 0}
    for role in STAFF_ROLES:
        if role == "admin":
            continue
        headers = headers_for(client, db, role)
        for method, path, body in ADMIN_CALLS:
            error = assert_error(_call(client, method, path, body, headers, **ids), 403)
            assert "admin" in error["message"] and role in error["message"], (role, method, path)
    for method, path, body in ADMIN_CALLS:
        resp = _call(client, method, path, body, {}, **ids)
        assert_error(resp, 401)
        assert resp.headers["www-authenticate"] == "Bearer"
    # The same calls as the admin all succeed (the rule is the one the POST creates).
    for method, path, body in ADMIN_CALLS:
        resp = _call(client, method, path, body, admin, **ids)
        assert resp.status_code < 300, (method, path, resp.text)
        if method == "POST" and path.endswith("routing-rules"):
            ids["rule_id"] = resp.json()["id"]


def test_user_lifecycle(client, db, admin):
    dept = make_department(db, code="SANITATION", name_zh="环卫处")
    resp = client.post("/api/admin/users", headers=admin, json={
        "username": "zhao.liu", "password": DEFAULT_PASSWORD, "role": "department",
        "display_name": "赵六", "department_id": dept.id})
    assert resp.status_code == 201, resp.text
    user = resp.json()
    assert user["active"] and user["department_id"] == dept.id and "password" not in resp.text
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "zhao.liu", "password": DEFAULT_PASSWORD, "role": "analyst"}), 409, "already taken")
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "x.y", "password": "short", "role": "analyst"}), 422, "at least 8")
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "x.y", "password": DEFAULT_PASSWORD, "role": "department"}), 422, "department_id")
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "x.y", "password": DEFAULT_PASSWORD, "role": "operator", "department_id": 99999}),
        422, "Unknown department")
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "x.y", "password": DEFAULT_PASSWORD, "role": "citizen"}), 422, "Unknown role")

    listed = client.get("/api/admin/users", headers=admin, params={"role": "department"}).json()
    assert [u["username"] for u in listed] == ["zhao.liu"]
    uid = user["id"]
    resp = client.patch(f"/api/admin/users/{uid}", headers=admin, json={
        "role": "inspector", "department_id": None, "grid_codes": ["320508011201009"]})
    assert resp.status_code == 200, resp.text
    assert (resp.json()["role"], resp.json()["department_id"], resp.json()["grid_codes"]) == (
        "inspector", None, ["320508011201009"])
    assert_error(client.patch(f"/api/admin/users/{uid}", headers=admin, json={"grid_codes": ["abc"]}),
                 422, "15 digits")
    assert_error(client.patch(f"/api/admin/users/{uid}", headers=admin, json={"role": "department"}),
                 422, "department_id")
    assert_error(client.get("/api/admin/users/999999", headers=admin), 404, "No user")
    assert_error(client.patch(f"/api/admin/users/{uid}", headers=admin, json={"password": "x"}), 422)

    # Reset password: old sessions end, the new password works, the old one does not.
    old_session = login(client, "zhao.liu")
    assert client.post(f"/api/admin/users/{uid}/password", headers=admin,
                       json={"password": "fresh-password-9"}).status_code == 204
    assert client.get("/api/auth/me", headers=old_session).status_code == 401
    assert client.post("/api/auth/login", json={"username": "zhao.liu", "password": DEFAULT_PASSWORD}
                       ).status_code == 401
    session = login(client, "zhao.liu", "fresh-password-9")
    assert_error(client.post(f"/api/admin/users/{uid}/password", headers=admin, json={"password": "1234567"}),
                 422, "at least 8")

    # Deactivate: tokens revoked, login refused; reactivate: login works again.
    resp = client.patch(f"/api/admin/users/{uid}", headers=admin, json={"active": False})
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert client.get("/api/auth/me", headers=session).status_code == 401
    assert client.get("/api/admin/users", headers=admin, params={"active": False}).json()[0]["id"] == uid
    assert client.patch(f"/api/admin/users/{uid}", headers=admin, json={"active": True}).status_code == 200
    assert client.get("/api/auth/me", headers=login(client, "zhao.liu", "fresh-password-9")).status_code == 200


def test_last_admin_cannot_lock_everyone_out(client, db, admin):
    me = client.get("/api/auth/me", headers=admin).json()
    assert_error(client.patch(f"/api/admin/users/{me['id']}", headers=admin, json={"active": False}),
                 409, "last active administrator")
    assert_error(client.patch(f"/api/admin/users/{me['id']}", headers=admin, json={"role": "analyst"}), 409)
    other = make_user(db, "admin")
    resp = client.patch(f"/api/admin/users/{other.id}", headers=admin, json={"role": "analyst"})
    assert resp.status_code == 200 and resp.json()["role"] == "analyst"


def test_departments(client, db, admin, catalog):
    resp = client.post("/api/admin/departments", headers=admin,
                       json={"code": "WATER", "name_zh": "水务局", "name_en": "Water bureau"})
    assert resp.status_code == 201, resp.text
    dept = resp.json()
    assert_error(client.post("/api/admin/departments", headers=admin, json={"code": "WATER", "name_zh": "重复"}),
                 409, "already used")
    assert_error(client.post("/api/admin/departments", headers=admin, json={"code": "bad code!", "name_zh": "x"}),
                 422)
    resp = client.patch(f"/api/admin/departments/{dept['id']}", headers=admin, json={"contact": "0512-6868"})
    assert resp.json()["contact"] == "0512-6868"
    assert_error(client.get("/api/admin/departments/424242", headers=admin), 404)

    rule = client.post("/api/admin/routing-rules", headers=admin, json={
        "area_level": "street", "area_code": "320508011", "department_id": dept["id"]}).json()
    assert_error(client.patch(f"/api/admin/departments/{dept['id']}", headers=admin, json={"active": False}),
                 409, "still used by routing rules")
    assert client.delete(f"/api/admin/routing-rules/{rule['id']}", headers=admin).status_code == 204
    resp = client.patch(f"/api/admin/departments/{dept['id']}", headers=admin, json={"active": False})
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert client.get("/api/admin/departments", headers=admin).json() == []
    assert len(client.get("/api/admin/departments", headers=admin, params={"include_inactive": True}).json()) == 1
    # A deactivated department can no longer be given work or staff.
    assert_error(client.patch(COVER, headers=admin, json={"default_department_id": dept["id"]}), 422, "deactivated")
    assert_error(client.post("/api/admin/users", headers=admin, json={
        "username": "late.joiner", "password": DEFAULT_PASSWORD, "role": "department",
        "department_id": dept["id"]}), 422, "deactivated")


def test_catalog_class_settings(client, db, admin, catalog):
    dept = make_department(db, code="MUNICIPAL", name_zh="市政处")
    resp = client.patch(COVER, headers=admin, json={
        "default_department_id": dept.id, "time_limit_value": 4, "time_limit_unit": "working_hours",
        "filing_condition": "井盖缺失、破损", "closing_condition": "已补装或更换"})
    assert resp.status_code == 200, resp.text
    encoded = f"/api/admin/catalog/{quote(NEW, safe='')}/component/01001"
    got = client.get(encoded, headers=admin).json()
    assert (got["name_zh"], got["default_department_id"], got["time_limit_value"], got["time_limit_unit"]) == (
        "供水井盖", dept.id, 4, "working_hours")
    db.expire_all()
    row = db.query(CatalogClass).filter_by(edition=NEW, kind="component", minor_code="01001").one()
    assert row.filing_condition == "井盖缺失、破损"

    assert_error(client.patch(COVER, headers=admin, json={"time_limit_unit": "fortnights"}), 422)
    assert_error(client.patch(COVER, headers=admin, json={"time_limit_value": -1}), 422)
    assert_error(client.patch(COVER, headers=admin, json={"time_limit_value": None}), 422, "both")
    assert_error(client.patch(COVER, headers=admin, json={"default_department_id": 987654}), 422,
                 "Unknown department")
    assert_error(client.patch(f"/api/admin/catalog/{NEW}/component/99999", headers=admin, json={}), 404)
    assert_error(client.get(f"/api/admin/catalog/{NEW}/gadget/01001", headers=admin), 404)
    cleared = client.patch(COVER, headers=admin, json={"time_limit_value": None, "time_limit_unit": None,
                                                      "active": False}).json()
    assert (cleared["time_limit_value"], cleared["active"]) == (None, False)
    listed = client.get("/api/admin/catalog", headers=admin, params={"kind": "component"}).json()
    assert len(listed) == 153 and {c["edition"] for c in listed} == {NEW}
    assert len(client.get("/api/admin/catalog", headers=admin,
                          params={"kind": "component", "include_inactive": False}).json()) == 152


def test_active_edition(client, db, admin, catalog):
    assert client.get("/api/admin/catalog/active-edition", headers=admin).json() == {"edition": NEW}
    resp = client.put("/api/admin/catalog/active-edition", headers=admin, json={"edition": OLD})
    assert resp.status_code == 200 and resp.json() == {"edition": OLD}
    assert client.get("/api/admin/catalog/active-edition", headers=admin).json() == {"edition": OLD}
    db.expire_all()
    assert get_active_edition(db_session=db, default=NEW) == OLD
    assert len(client.get("/api/admin/catalog", headers=admin, params={"kind": "event"}).json()) == 54
    assert_error(client.put("/api/admin/catalog/active-edition", headers=admin, json={"edition": "GB/T 1"}),
                 422, "Unknown catalog edition")


def test_active_edition_must_be_loaded(client, admin):
    assert_error(client.put("/api/admin/catalog/active-edition", headers=admin, json={"edition": OLD}),
                 422, "not loaded")


def test_routing_rule_crud(client, db, admin, catalog):
    roads, parks = make_department(db, code="ROADS").id, make_department(db, code="PARKS").id
    resp = client.post("/api/admin/routing-rules", headers=admin, json={
        "minor_code": "01001", "area_level": "community", "area_code": "320508011201",
        "department_id": roads, "priority": 5, "note": "供水井盖归市政"})
    assert resp.status_code == 201, resp.text
    rule = resp.json()
    assert rule["minor_code"] == "01001" and rule["priority"] == 5
    any_class = client.post("/api/admin/routing-rules", headers=admin, json={
        "area_level": "county", "area_code": "320508", "department_id": parks}).json()
    assert any_class["minor_code"] is None
    assert_error(client.post("/api/admin/routing-rules", headers=admin, json={
        "minor_code": "01001", "area_level": "community", "area_code": "320508011201",
        "department_id": parks, "priority": 5}), 409, "already covers")

    listed = client.get("/api/admin/routing-rules", headers=admin, params={"department_id": roads}).json()
    assert [r["id"] for r in listed] == [rule["id"]]
    resp = client.patch(f"/api/admin/routing-rules/{rule['id']}", headers=admin, json={
        "department_id": parks, "area_level": "grid", "area_code": "320508011201009", "minor_code": None})
    assert resp.status_code == 200, resp.text
    assert (resp.json()["department_id"], resp.json()["area_level"], resp.json()["minor_code"]) == (
        parks, "grid", None)
    assert_error(client.patch(f"/api/admin/routing-rules/{rule['id']}", headers=admin,
                              json={"area_level": "street"}), 422, "9 digits")
    assert client.get(f"/api/admin/routing-rules/{rule['id']}", headers=admin).json()["area_level"] == "grid"
    assert client.delete(f"/api/admin/routing-rules/{rule['id']}", headers=admin).status_code == 204
    assert_error(client.get(f"/api/admin/routing-rules/{rule['id']}", headers=admin), 404)
    assert_error(client.delete(f"/api/admin/routing-rules/{rule['id']}", headers=admin), 404)
    assert [r["id"] for r in client.get("/api/admin/routing-rules", headers=admin).json()] == [any_class["id"]]


@pytest.mark.parametrize(("body", "text"), [
    ({"area_level": "grid", "area_code": "32050801120100"}, "15 digits"),
    ({"area_level": "community", "area_code": "320508011"}, "12 digits"),
    ({"area_level": "street", "area_code": "32050801a"}, "9 digits"),
    ({"area_level": "county", "area_code": "３２０５０８"}, "6 digits"),  # full-width digits
    ({"area_level": "county", "area_code": "320508", "minor_code": "77777"}, "Unknown catalog class"),
    ({"area_level": "county", "area_code": "320508", "minor_code": "01"}, "Unknown catalog class"),
    ({"area_level": "county", "area_code": "320508", "department_id": 55555}, "Unknown department"),
    ({"area_level": "province", "area_code": "32"}, "area_level"),
])
def test_routing_rule_validation(client, db, admin, catalog, body, text):
    dept = make_department(db)
    resp = client.post("/api/admin/routing-rules", headers=admin, json={"department_id": dept.id, **body})
    assert_error(resp, 422, text)


def test_work_calendar_round_trip(client, db, admin):
    default = client.get("/api/admin/calendar", headers=admin).json()
    assert "2026-10-01" in default["holidays"] and "2026-02-14" in default["makeup_workdays"]
    assert default["weekend"] == [5, 6] and default["timezone"] == "Asia/Shanghai"
    resp = client.put("/api/admin/calendar", headers=admin, json=CALENDAR)
    assert resp.status_code == 200, resp.text
    stored = client.get("/api/admin/calendar", headers=admin).json()
    assert stored == resp.json()
    assert [[a[:5], b[:5]] for a, b in stored["periods"]] == CALENDAR["periods"]
    assert (stored["weekend"], stored["holidays"], stored["makeup_workdays"]) == (
        [6], ["2026-10-01"], ["2026-10-11"])
    db.expire_all()
    calendar = get_work_calendar(db_session=db, default_timezone="UTC")
    assert calendar.seconds_per_working_day == 7 * 3600 and calendar.timezone == "Asia/Shanghai"


def test_work_calendar_default_follows_settings_timezone(db):
    calendar = get_work_calendar(db_session=db, default_timezone="Asia/Urumqi")
    assert calendar.timezone == "Asia/Urumqi" and len(calendar.holidays) >= 30


@pytest.mark.parametrize(("change", "text"), [
    ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
    ({"periods": [["09:00", "12:00"], ["11:00", "17:00"]]}, "overlap"),
    ({"periods": [["12:00", "09:00"]]}, "must end after"),
    ({"periods": []}, ""),
    ({"weekend": [7]}, "weekday"),
    ({"holidays": ["2026-02-30"]}, ""),
    ({"holidays": ["2026-10-11"]}, "both holidays and make-up"),
    ({"extra": 1}, ""),
])
def test_work_calendar_validation(client, admin, change, text):
    resp = client.put("/api/admin/calendar", headers=admin, json={**CALENDAR, **change})
    assert_error(resp, 422, text)
    # Nothing was stored: the default calendar is still in force.
    assert client.get("/api/admin/calendar", headers=admin).json()["weekend"] == [5, 6]


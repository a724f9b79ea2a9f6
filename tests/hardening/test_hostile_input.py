"""Hostile input: SQL injection and path traversal in every query and path parameter the OpenAPI
document declares and in upload file names; invalid coordinates; none may cause a 5xx, change
data or reach a file outside the stores."""

from __future__ import annotations

import json
import math
import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from backend.photos import testimages
from tests.hardening.factories import report_body, submit_report, table_counts
from tests.hardening.routes import fill_path

pytestmark = pytest.mark.db

INJECTIONS = [
    "' OR '1'='1", "1; DROP TABLE case_record; --", "1) UNION SELECT password_hash FROM app_user --",
    "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "\x00", "99999999999999999999999", "NaN", "a" * 5000,
]
# A route that takes long to answer (a PDF rendered in Chromium) gets only these.
CORE_INJECTIONS = ["' OR '1'='1", "../../../../etc/passwd", "\x00", "99999999999999999999999"]
TABLES = ["case_record", "case_event", "photo", "app_user", "api_token", "unit_grid", "catalog_class"]


def test_every_query_and_path_parameter_survives_injection(client, district, db):
    submit_report(client, district, who="inspector", photo=True)
    before = table_counts(db, TABLES)
    openapi = client.get("/openapi.json").json()
    raw = TestClient(client.app, raise_server_exceptions=False)
    problems, probes = [], 0
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if method != "get":
                continue
            params = [p for p in operation.get("parameters", []) if p["in"] in ("query", "path")]
            admitted_role = "admin" if path.startswith("/api/admin") else "operator"
            headers = district.headers(admitted_role)
            slow = False
            for param in params:
                for payload in CORE_INJECTIONS if slow else INJECTIONS:
                    started = time.perf_counter()
                    if param["in"] == "path":
                        url = fill_path(path.replace("{" + param["name"] + "}", "__X__"), operation)
                        url = url.replace("__X__", quote(payload, safe=""))
                        r = raw.get(url, headers=headers)
                    else:
                        r = raw.get(fill_path(path, operation), params={param["name"]: payload}, headers=headers)
                    slow = slow or time.perf_counter() - started > 0.3
                    probes += 1
                    if r.status_code >= 500:
                        problems.append(f"GET {path} {param['name']}={payload[:40]!r}: {r.status_code}")
                    elif "root:x:0:0" in r.text or "[fonts]" in r.text:
                        problems.append(f"GET {path} {param['name']}={payload[:40]!r}: leaked a system file")
    assert probes > 200
    assert problems == [], "\n".join(problems[:30])
    assert table_counts(db, TABLES) == before  # nothing dropped, nothing changed


@pytest.mark.parametrize("path", [
    "/static/../backend/config.py", "/static/%2e%2e/%2e%2e/backend/config.py", "/static/vendor/..%2f..%2f..%2fpyproject.toml",
    "/field/..%2f..%2fbackend%2fconfig.py", "/field/%2e%2e/%2e%2e/pyproject.toml", "/static/backend/../../main.py",
    "/api/photos/..%2f..%2fetc%2fpasswd", "/stats/assets/..%2f..%2fconfig.py",
])
def test_static_and_file_routes_do_not_traverse(client, district, path):
    r = TestClient(client.app, raise_server_exceptions=False).get(path, headers=district.headers("operator"))
    assert r.status_code in (400, 401, 403, 404, 422), (path, r.status_code)
    assert "GRIDWATCH" not in r.text and "[project]" not in r.text


def test_upload_file_names_cannot_choose_where_files_go(client, district, settings, tmp_path):
    names = ["../../../../tmp/gw-evil.jpg", "..\\..\\evil.jpg", "/etc/cron.d/evil", "evil\x00.jpg", "%2e%2e%2fevil.jpg",
             "a" * 1000 + ".jpg", "照片.jpg"]
    for i, name in enumerate(names):
        body = report_body()
        r = client.post("/api/reports", data={"report": json.dumps(body)}, headers=district.headers("inspector"),
                        files=[("photos", (name, testimages.jpeg(200, 150, seed=900 + i), "image/jpeg"))])
        assert r.status_code == 201, (name, r.text)
    stored = [p for p in settings.photo_dir.rglob("*") if p.is_file()]
    assert stored and all(p.resolve().is_relative_to(settings.photo_dir.resolve()) for p in stored)
    assert all("evil" not in p.name and "照片" not in p.name for p in stored)  # content-addressed names only


INVALID_POSITIONS = {
    "NaN": (math.nan, 31.3015),
    "infinity": (math.inf, 31.3015),
    "lon out of range": (200.0, 31.3015),
    "lat out of range": (120.6015, -91.0),
    "swapped lon/lat": (31.3015, 120.6015),
    "outside the jurisdiction (Beijing)": (116.397, 39.909),
    "null island": (0.0, 0.0),
}


@pytest.mark.parametrize("label", list(INVALID_POSITIONS))
def test_invalid_coordinates_are_refused_and_create_nothing(client, district, db, label):
    lon, lat = INVALID_POSITIONS[label]
    before = table_counts(db, ["case_record", "photo"])
    raw = TestClient(client.app, raise_server_exceptions=False)
    body = json.dumps({**report_body(), "lon": lon, "lat": lat}, allow_nan=True)  # NaN/Infinity literals
    r = raw.post("/api/reports", content=body, headers={"content-type": "application/json",
                                                        **district.headers("inspector")})
    assert r.status_code == 422, (label, r.status_code, r.text[:300])
    assert r.json()["error"]["message_zh"]
    r = raw.post("/api/reports", data={"report": body}, headers=district.headers("inspector"),
                 files=[("photos", ("p.jpg", testimages.jpeg(200, 150, seed=77), "image/jpeg"))])
    assert r.status_code == 422, (label, "multipart", r.status_code, r.text[:300])
    assert table_counts(db, ["case_record", "photo"]) == before


@pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "inf,-inf,1,1", "1,2,3", "a,b,c,d", "121,31,120,32",
                                  "-200,0,0,1", "1e308,1e308,1e309,1e309", ""])
def test_invalid_bboxes_are_refused(client, district, bbox):
    r = TestClient(client.app, raise_server_exceptions=False).get(
        "/api/cases", params={"bbox": bbox}, headers=district.headers("dispatcher"))
    assert r.status_code in (200, 422), (bbox, r.status_code)
    assert r.status_code == 422 or bbox == ""

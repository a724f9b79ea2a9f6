"""Oversized bodies are refused with a bilingual 413 before they cost memory: declared by
Content-Length, streamed in chunks, multipart uploads, and on every kind of write route."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.main import create_app

pytestmark = pytest.mark.db
MB = 1024 * 1024


def _assert_413(r) -> None:
    assert r.status_code == 413, r.text[:300]
    body = r.json()["error"]
    assert body["code"] == "payload_too_large" and body["message_zh"] and body["details"]["limit_bytes"]


def test_declared_oversized_json_is_refused_on_every_write_route(client, district):
    openapi = client.get("/openapi.json").json()
    big = b'{"x": "' + b"a" * (11 * MB) + b'"}'
    writes = [(m.upper(), p) for p, ops in openapi["paths"].items() for m in ops if m in ("post", "put", "patch")]
    assert len(writes) > 10
    for method, path in writes:
        concrete = path.replace("{", "").replace("}", "")
        r = client.request(method, concrete, content=big,
                           headers={"content-type": "application/json", **district.headers("admin")})
        _assert_413(r)


def test_a_streamed_body_is_cut_off_at_the_limit(client, district):
    def chunks():
        for _ in range(12):
            yield b"a" * MB

    r = client.post("/api/reports", content=chunks(),
                    headers={"content-type": "application/json", **district.headers("inspector")})
    _assert_413(r)


def test_multipart_uploads_have_their_own_larger_limit(db_url, district, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_MAX_UPLOAD_BODY_BYTES", str(2 * MB))
    settings = Settings(database_url=db_url, demo_mode=True, photo_dir=tmp_path / "p")
    with TestClient(create_app(settings)) as c:
        report = json.dumps({"client_uuid": "0" * 32, "kind": "event", "minor_code": "06036", "lon": 120.6015,
                             "lat": 31.3015})
        r = c.post("/api/reports", data={"report": report}, headers=district.headers("inspector"),
                   files=[("photos", ("big.jpg", b"\xff\xd8" + b"0" * (3 * MB), "image/jpeg"))])
        _assert_413(r)
        # 1.5 MB of JSON-limit-sized body is fine for multipart (it is under its 2 MB limit).
        r = c.post("/api/reports", data={"report": report}, headers=district.headers("inspector"),
                   files=[("photos", ("small.jpg", b"\xff\xd8" + b"0" * (MB // 2), "image/jpeg"))])
        assert r.status_code == 422  # reached the photo checks: not a valid JPEG
    assert not list((tmp_path / "p").rglob("*.original.*"))


def test_small_bodies_pass(client, district):
    r = client.post("/api/auth/login", json={"username": "operator", "password": "correct-horse-battery"})
    assert r.status_code == 200

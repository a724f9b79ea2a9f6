"""Security headers on pages, API answers, static files and error bodies; no external source in
the CSP; HSTS only when configured; no cookies, so no CSRF surface; CORS closed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.main import create_app
from backend.security.headers import tile_origin

PAGES = ["/", "/docs", "/field/", "/map/cases", "/health", "/openapi.json", "/static/vendor/leaflet/leaflet.js",
         "/api/cases", "/no/such/page"]
REQUIRED = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
            "permissions-policy")


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path)
    missing = [h for h in REQUIRED if h not in r.headers]
    assert missing == [], f"{path} ({r.status_code}) lacks {missing}"
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    # No external source at all: every script, style, font and image comes from us.
    assert not re.search(r"https?://|\*(?!\.)", csp), csp
    assert "strict-transport-security" not in r.headers  # not configured: no HSTS


def test_hsts_and_the_tile_server_only_when_configured(db_url, district, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_HSTS_SECONDS", "31536000")
    settings = Settings(database_url=db_url, demo_mode=True, photo_dir=tmp_path / "p",
                        tile_url="https://tiles.intranet.gov.cn/{z}/{x}/{y}.png")
    with TestClient(create_app(settings)) as c:
        r = c.get("/")
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "img-src 'self' data: blob: https://tiles.intranet.gov.cn;" in r.headers["content-security-policy"]


def test_tile_origin():
    assert tile_origin("") is None
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None  # our own server: already 'self'
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"


def test_error_bodies_and_rate_limit_answers_carry_headers_too(client):
    r = client.post("/api/reports", content=b"x" * (11 * 1024 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "content-security-policy" in r.headers


def test_no_cookies_and_no_cors_so_no_csrf_surface(client, district):
    """Credentials travel only in the Authorization header, which a browser never adds to a
    cross-site form post; so a forged form has no credentials to ride on."""
    r = client.post("/api/auth/login", json={"username": "operator", "password": "correct-horse-battery"})
    assert r.status_code == 200 and "set-cookie" not in r.headers
    # A cross-site HTML form can only send urlencoded/multipart/text bodies, with no Authorization.
    forged = client.post("/api/reports", data={"report": "{}"}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 401
    forged_login = client.post("/api/auth/login", data={"username": "operator", "password": "x"},
                               headers={"Origin": "https://evil.example"})
    assert forged_login.status_code == 422  # login takes JSON only: no login CSRF either
    preflight = client.options("/api/cases", headers={"Origin": "https://evil.example",
                                                       "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers
    token_answer = client.post("/api/auth/login", json={"username": "operator", "password": "correct-horse-battery"})
    assert token_answer.headers.get("cache-control") == "no-store"

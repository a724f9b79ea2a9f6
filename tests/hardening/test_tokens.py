"""Bearer tokens expire, can be revoked (sign-out), and die with a deactivated account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.auth.service import hash_token
from backend.models import ApiToken, utcnow
from tests.backend.district import PASSWORD

pytestmark = pytest.mark.db


def _login(client, who="dispatcher") -> dict:
    r = client.post("/api/auth/login", json={"username": who, "password": PASSWORD})
    assert r.status_code == 200
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_an_expired_token_is_refused(client, district, db):
    headers = _login(client)
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    token = headers["Authorization"].split()[1]
    db.execute(update(ApiToken).where(ApiToken.token_hash == hash_token(token))
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    r = client.get("/api/auth/me", headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_sign_out_revokes_only_that_token(client, district):
    first, second = _login(client), _login(client)
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/cases", headers=first).status_code == 401
    assert client.get("/api/cases", headers=second).status_code == 200


def test_deactivating_an_account_kills_its_tokens(client, district):
    headers = _login(client, "analyst")
    r = client.patch(f"/api/admin/users/{district.user_ids['analyst']}", json={"active": False},
                     headers=district.headers("admin"))
    assert r.status_code == 200, r.text
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_forged_and_malformed_tokens_are_refused(client, district):
    for value in ("Bearer ", "Bearer x", "Basic YWRtaW46YWRtaW4=", "Bearer " + "A" * 5000,
                  "Bearer ' OR 1=1 --", "bearer\tabc"):
        r = client.get("/api/cases", headers={"Authorization": value})
        assert r.status_code == 401, value

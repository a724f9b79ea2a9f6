"""Sign-in, tokens and role checks, over HTTP on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import pytest
from fastapi import Depends
from sqlalchemy import select, update

from backend.auth import passwords, service
from backend.auth.deps import CurrentUser, require_roles
from backend.errors import Conflict, Unauthorized, Unprocessable
from backend.models import ApiToken, User, utcnow
from tests.backend.helpers_auth import DEFAULT_PASSWORD, app_client, login, make_department, make_user

GRID = "320508011201009"
LeaderOrDispatcher = Annotated[User, Depends(require_roles("dispatcher", "shift_leader"))]


@pytest.fixture
def client(db_url, tmp_path):
    with app_client(db_url, tmp_path) as c:
        yield c


def test_login_returns_token_and_user(client, db):
    user = make_user(db, "inspector", username="zhang.san", display_name="张三", grid_codes=[GRID])
    resp = client.post("/api/auth/login", json={"username": "zhang.san", "password": DEFAULT_PASSWORD})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "bearer" and len(body["access_token"]) >= 40
    assert body["user"] == {"id": user.id, "username": "zhang.san", "display_name": "张三",
                            "role": "inspector", "department_id": None, "grid_codes": [GRID]}
    assert "password" not in resp.text and "argon2" not in resp.text
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json() == body["user"]


def test_bad_password_and_unknown_user_get_the_same_answer(client, db):
    make_user(db, "operator", username="li.si")
    wrong = client.post("/api/auth/login", json={"username": "li.si", "password": "not-the-password"})
    unknown = client.post("/api/auth/login", json={"username": "nobody", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    error = wrong.json()["error"]
    assert error["code"] == "unauthorized" and error["message"] and error["message_zh"] != error["message"]
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_hashes_are_argon2id_and_never_returned(client, db):
    user = make_user(db, "admin", username="root.admin")
    stored = db.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and DEFAULT_PASSWORD not in stored
    headers = login(client, "root.admin")
    for path in ("/api/auth/me", "/api/admin/users", f"/api/admin/users/{user.id}"):
        resp = client.get(path, headers=headers)
        assert resp.status_code == 200, path
        assert "$argon2" not in resp.text and "password" not in resp.text


def test_login_upgrades_a_hash_made_with_older_parameters(db):
    user = make_user(db, "analyst")
    old_hash = user.password_hash
    assert passwords.needs_rehash("not-a-hash")
    previous = passwords._hasher
    try:
        passwords.set_parameters(None)  # the production profile
        assert passwords.needs_rehash(old_hash)
        service.authenticate(db_session=db, username=user.username, password=DEFAULT_PASSWORD)
        assert user.password_hash != old_hash and not passwords.needs_rehash(user.password_hash)
    finally:
        passwords._hasher = previous


def test_token_expires_after_its_ttl(db):
    user = make_user(db, "dispatcher")
    token = service.issue_token(db_session=db, user=user, ttl_minutes=30)
    db.commit()
    stored = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == service.hash_token(token) and token not in stored.token_hash
    assert len(stored.token_hash) == 64
    now = utcnow()
    assert service.user_for_token(db_session=db, token=token, now=now + timedelta(minutes=29)).id == user.id
    with pytest.raises(Unauthorized):
        service.user_for_token(db_session=db, token=token, now=now + timedelta(minutes=31))
    with pytest.raises(Unauthorized):
        service.user_for_token(db_session=db, token="made-up-token")
    with pytest.raises(ValueError):
        service.issue_token(db_session=db, user=user, ttl_minutes=0)


def test_expired_token_is_refused_over_http(client, db):
    user = make_user(db, "shift_leader")
    headers = login(client, user.username)
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    db.execute(update(ApiToken).where(ApiToken.user_id == user.id)
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    resp = client.get("/api/auth/me", headers=headers)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    assert "sign in again" in resp.json()["error"]["message"]


def test_login_expiry_follows_the_configured_ttl(db_url, tmp_path, db):
    user = make_user(db, "analyst")
    with app_client(db_url, tmp_path, token_ttl_minutes=90) as c:
        resp = c.post("/api/auth/login", json={"username": user.username, "password": DEFAULT_PASSWORD})
    expires = datetime.fromisoformat(resp.json()["expires_at"])
    assert timedelta(minutes=89) < expires - utcnow() <= timedelta(minutes=90)


def test_logout_revokes_only_the_presented_token(client, db):
    user = make_user(db, "operator")
    first, second = login(client, user.username), login(client, user.username)
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/auth/me", headers=first).status_code == 401
    assert client.post("/api/auth/logout", headers=first).status_code == 401
    assert client.get("/api/auth/me", headers=second).status_code == 200


def test_deactivated_users_tokens_stop_working(client, db):
    user = make_user(db, "inspector")
    headers = login(client, user.username)
    db.execute(update(User).where(User.id == user.id).values(active=False))
    db.commit()
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    resp = client.post("/api/auth/login", json={"username": user.username, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 401 and "deactivated" in resp.json()["error"]["message"]
    wrong = client.post("/api/auth/login", json={"username": user.username, "password": "wrong-password"})
    assert "deactivated" not in wrong.json()["error"]["message"]  # nothing revealed without the password


def test_revoke_all_tokens_counts_live_tokens(db):
    user = make_user(db, "department")
    tokens = [service.issue_token(db_session=db, user=user, ttl_minutes=5) for _ in range(3)]
    service.revoke_token(db_session=db, token=tokens[0])
    service.revoke_token(db_session=db, token="unknown")  # no error
    assert service.revoke_all_tokens(db_session=db, user_id=user.id) == 2
    db.commit()
    for token in tokens:
        with pytest.raises(Unauthorized):
            service.user_for_token(db_session=db, token=token)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer nope"])
def test_missing_or_bad_authorization_header_is_401(client, header):
    headers = {} if header is None else {"Authorization": header}
    resp = client.get("/api/auth/me", headers=headers)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    assert resp.json()["error"]["message_zh"]


def test_create_user_validates_its_input(db):
    dept = make_department(db)
    cases = [
        (dict(role="citizen"), Unprocessable, "Unknown role"),
        (dict(role="superuser"), Unprocessable, "Unknown role"),
        (dict(role="department"), Unprocessable, "department_id"),
        (dict(role="operator", password="short"), Unprocessable, "at least 8 characters"),
        (dict(role="inspector", grid_codes=["12345"]), Unprocessable, "15 digits"),
        (dict(role="operator", department_id=999_999), Unprocessable, "Unknown department"),
        (dict(role="operator", username="has space"), Unprocessable, "without spaces"),
    ]
    for overrides, error, text in cases:
        kwargs = {"username": "wang.wu", "password": DEFAULT_PASSWORD, **overrides}
        with pytest.raises(error) as info:
            service.create_user(db_session=db, **kwargs)
        assert text in info.value.message, overrides
        assert info.value.message_zh != info.value.message
    user = service.create_user(db_session=db, username=" wang.wu ", password=DEFAULT_PASSWORD,
                               role="department", department_id=dept.id,
                               grid_codes=[GRID, GRID, "320508011201001"])
    assert user.username == "wang.wu"
    assert service.grid_codes_of(db_session=db, user_id=user.id) == ["320508011201001", GRID]
    with pytest.raises(Conflict):
        service.create_user(db_session=db, username="wang.wu", password=DEFAULT_PASSWORD, role="analyst")


def test_require_roles_is_least_privilege(client, db):
    @client.app.get("/test-only/dispatch")
    def dispatch_only(user: CurrentUser, who: LeaderOrDispatcher) -> dict:
        return {"id": who.id, "same": who.id == user.id}

    dispatcher = make_user(db, "dispatcher")
    ok = client.get("/test-only/dispatch", headers=login(client, dispatcher.username))
    assert ok.status_code == 200 and ok.json() == {"id": dispatcher.id, "same": True}
    admin_headers = login(client, make_user(db, "admin").username)
    denied = client.get("/test-only/dispatch", headers=admin_headers)
    assert denied.status_code == 403  # admin is not implicitly allowed
    error = denied.json()["error"]
    assert error["code"] == "forbidden" and "dispatcher" in error["message"] and "dispatcher" in error["message_zh"]
    assert client.get("/test-only/dispatch").status_code == 401
    with pytest.raises(ValueError):
        require_roles("dispatcher", "emperor")
    with pytest.raises(ValueError):
        require_roles()


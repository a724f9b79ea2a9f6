"""Test helpers for anything behind a login: build the app, make users, sign in.

Import them: ``from tests.backend.helpers_auth import app_client, make_user, login``.

Importing this module switches password hashing to argon2-cffi's CHEAPEST profile (hashes are
still Argon2id): the production cost (~0.3 s a hash) would make every login in the suite slow.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from argon2.profiles import CHEAPEST
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.auth import passwords
from backend.auth.service import create_user
from backend.config import Settings
from backend.main import create_app
from backend.models import Department, User

passwords.set_parameters(CHEAPEST)

DEFAULT_PASSWORD = "correct-horse-42"
_serial = itertools.count(1)


def settings_for(db_url: str, tmp_path: Path, **overrides) -> Settings:
    return Settings(database_url=db_url, demo_mode=True, photo_dir=tmp_path / "photos", **overrides)


@contextmanager
def app_client(db_url: str, tmp_path: Path, **overrides) -> Iterator[TestClient]:
    """A TestClient on a fresh app for ``db_url`` (lifespan run, engine disposed at the end)."""
    app = create_app(settings_for(db_url, tmp_path, **overrides))
    with TestClient(app) as client:
        yield client


def make_department(db: Session, *, code: str | None = None, name_zh: str = "测试部门", **fields) -> Department:
    """A committed, active department."""
    dept = Department(code=code or f"D{next(_serial):04d}", name_zh=name_zh, active=True, **fields)
    db.add(dept)
    db.commit()
    return dept


def make_user(
    db: Session,
    role: str,
    *,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    department_id: int | None = None,
    grid_codes: Sequence[str] = (),
    display_name: str = "",
) -> User:
    """A committed user through the real ``create_user``; a ``department`` user gets a fresh
    department unless one is given."""
    if role == "department" and department_id is None:
        department_id = make_department(db).id
    user = create_user(
        db_session=db,
        username=username or f"{role}{next(_serial)}",
        password=password,
        role=role,
        display_name=display_name,
        department_id=department_id,
        grid_codes=grid_codes,
    )
    db.commit()
    return user


def login(client: TestClient, username: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    """Sign in over HTTP and return the ``Authorization`` header to send."""
    resp = client.post("/api/auth/login", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def headers_for(client: TestClient, db: Session, role: str, **user_fields) -> dict[str, str]:
    """Make a user with ``role`` and sign in as them."""
    user = make_user(db, role, **user_fields)
    return login(client, user.username)

"""API clients: Open311 apps (``api_key``) and the upper platform (inbound transfers).

A key is shown once when created; only its SHA-256 is stored (like bearer tokens). Each client
reports through its own service account (role ``citizen``: it can create cases through intake,
has no password and can never sign in).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Unauthorized, Unprocessable
from backend.models import ApiClient, User
from backend.models.intake import API_CLIENT_KINDS

UNUSABLE_PASSWORD = "!"  # not an argon2 hash: no password can ever match it


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_client(*, db_session: Session, name: str, kind: str) -> tuple[ApiClient, str]:
    """Create a client and its service account; returns (client, plain key shown once)."""
    if kind not in API_CLIENT_KINDS:
        raise Unprocessable(f"Unknown client kind {kind!r}; use one of {', '.join(API_CLIENT_KINDS)}.",
                            f"未知的接入方类型 {kind!r}，可选：{'、'.join(API_CLIENT_KINDS)}。")
    if db_session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise Conflict(f"An API client named {name!r} exists already.", f"接入方 {name!r} 已存在。")
    account = User(username=f"api:{name}"[:64], display_name=name, password_hash=UNUSABLE_PASSWORD,
                   role="citizen", active=True)
    db_session.add(account)
    db_session.flush()
    key = secrets.token_urlsafe(32)
    client = ApiClient(name=name, kind=kind, key_hash=hash_key(key), user_id=account.id, active=True)
    db_session.add(client)
    db_session.flush()
    return client, key


def authenticate(*, db_session: Session, key: str | None, kind: str) -> tuple[ApiClient, User]:
    """The active client of ``kind`` holding ``key``; Unauthorized otherwise."""
    if not key:
        raise Unauthorized("An api_key is required.", "缺少 api_key。")
    client = db_session.scalar(select(ApiClient).where(ApiClient.key_hash == hash_key(key),
                                                       ApiClient.kind == kind, ApiClient.active.is_(True)))
    if client is None:
        raise Unauthorized("The api_key is not valid.", "api_key 无效。")
    user = db_session.get(User, client.user_id)
    if user is None or not user.active:
        raise Unauthorized("The api_key's account is deactivated.", "api_key 对应的账号已停用。")
    return client, user

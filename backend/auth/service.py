"""Accounts and bearer tokens: keyword-only functions, no web imports.

Tokens are 256-bit random strings (``secrets.token_urlsafe(32)``); only their SHA-256 hex digest
is stored, so a leaked database does not leak usable tokens. A random token of that length
needs no salt or slow hash: there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.auth import passwords
from backend.cases.workflow_model import Role
from backend.errors import Conflict, Unauthorized, Unprocessable
from backend.models import ApiToken, Department, User, UserGrid, utcnow

# Staff roles an account can have; citizens report through intake and have no account here.
STAFF_ROLES: tuple[str, ...] = tuple(r.value for r in Role if r is not Role.CITIZEN)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # hashing megabytes of "password" is a denial of service
GRID_CODE_RE = re.compile(r"^\d{15}$")
_USERNAME_RE = re.compile(r"^[^\s\x00-\x1f\x7f]{2,64}$")

BAD_LOGIN = ("Wrong username or password.", "用户名或密码错误。")
BAD_TOKEN = (
    "Not signed in, or the sign-in has expired or was revoked: sign in again.",
    "未登录或登录已失效（过期或已注销），请重新登录。",
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- validation shared with the admin API -------------------------------------------------


def check_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise Unprocessable(
            f"Unknown role {role!r}; use one of: {', '.join(STAFF_ROLES)}.",
            f"未知角色 {role!r}，可选：{'、'.join(STAFF_ROLES)}。",
            {"field": "role", "allowed": list(STAFF_ROLES)},
        )
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            {"field": "password"},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Unprocessable(
            f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.",
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符。",
            {"field": "password"},
        )
    return password


def check_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME_RE.match(username):
        raise Unprocessable(
            "The username must be 2 to 64 characters without spaces.",
            "用户名须为 2 到 64 个字符，且不含空格。",
            {"field": "username"},
        )
    return username


def check_grid_codes(grid_codes: Sequence[str]) -> list[str]:
    """Strip, de-duplicate and sort; every code must be a 15-digit unit-grid code."""
    codes = sorted({c.strip() for c in grid_codes})
    bad = [c for c in codes if not GRID_CODE_RE.match(c)]
    if bad:
        raise Unprocessable(
            f"Grid codes must be 15 digits (county 6 + street 3 + community 3 + grid 3): {', '.join(bad)}.",
            f"网格编码须为 15 位数字（区县 6 + 街道 3 + 社区 3 + 网格 3）：{'、'.join(bad)}。",
            {"field": "grid_codes", "invalid": bad},
        )
    return codes


def check_department(*, db_session: Session, department_id: int) -> Department:
    """The department, which must exist and be active (422 otherwise: it is a reference in a body)."""
    dept = db_session.get(Department, department_id)
    if dept is None:
        raise Unprocessable(
            f"Unknown department id {department_id}.",
            f"部门不存在（id {department_id}）。",
            {"field": "department_id"},
        )
    if not dept.active:
        raise Unprocessable(
            f"Department {dept.code} ({dept.name_zh}) is deactivated.",
            f"部门 {dept.code}（{dept.name_zh}）已停用。",
            {"field": "department_id"},
        )
    return dept


def check_role_department(role: str, department_id: int | None) -> None:
    if role == Role.DEPARTMENT and department_id is None:
        raise Unprocessable(
            "A user with the department role must belong to a department (department_id).",
            "专业部门角色的用户必须指定所属部门（department_id）。",
            {"field": "department_id"},
        )


# ---- accounts ------------------------------------------------------------------------------


def create_user(
    *,
    db_session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    department_id: int | None = None,
    grid_codes: Sequence[str] = (),
) -> User:
    """Create a staff account (flushed, not committed). 409 if the username is taken."""
    username = check_username(username)
    check_role(role)
    check_password(password)
    check_role_department(role, department_id)
    if department_id is not None:
        check_department(db_session=db_session, department_id=department_id)
    codes = check_grid_codes(grid_codes)
    if db_session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            f"The username {username!r} is already taken.",
            f"用户名 {username!r} 已被使用。",
            {"field": "username"},
        )
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        role=role,
        department_id=department_id,
        active=True,
        created_at=utcnow(),
    )
    db_session.add(user)
    db_session.flush()
    db_session.add_all(UserGrid(user_id=user.id, grid_code=c) for c in codes)
    db_session.flush()
    return user


def set_password(*, db_session: Session, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(check_password(password))
    db_session.flush()


def set_grid_codes(*, db_session: Session, user_id: int, grid_codes: Sequence[str]) -> list[str]:
    """Replace the grids a user patrols; returns the stored (sorted) codes."""
    codes = check_grid_codes(grid_codes)
    for row in db_session.scalars(select(UserGrid).where(UserGrid.user_id == user_id)):
        db_session.delete(row)
    db_session.flush()
    db_session.add_all(UserGrid(user_id=user_id, grid_code=c) for c in codes)
    db_session.flush()
    return codes


def grid_codes_of(*, db_session: Session, user_id: int) -> list[str]:
    return list(
        db_session.scalars(
            select(UserGrid.grid_code).where(UserGrid.user_id == user_id).order_by(UserGrid.grid_code)
        )
    )


def authenticate(*, db_session: Session, username: str, password: str) -> User:
    """The user whose password matches; one message for an unknown user and a wrong password.

    A deactivated account is refused with its own message, but only after the right password,
    so the message reveals nothing to someone guessing.
    """
    user = db_session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        passwords.burn_verify_time(password)
        raise Unauthorized(*BAD_LOGIN)
    if not passwords.verify_password(user.password_hash, password):
        raise Unauthorized(*BAD_LOGIN)
    if not user.active:
        raise Unauthorized(
            "This account is deactivated; ask an administrator.", "该账号已停用，请联系系统管理员。"
        )
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db_session.flush()
    return user


# ---- tokens --------------------------------------------------------------------------------


def issue_token(*, db_session: Session, user: User, ttl_minutes: int) -> str:
    """A new bearer token for ``user``, valid ``ttl_minutes``; only its hash is stored."""
    if ttl_minutes <= 0:
        raise ValueError("ttl_minutes must be positive")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db_session.add(
        ApiToken(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=ttl_minutes),
        )
    )
    db_session.flush()
    return token


def token_row(*, db_session: Session, token: str) -> ApiToken | None:
    return db_session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def user_for_token(*, db_session: Session, token: str, now: datetime | None = None) -> User:
    """The active user a valid token belongs to; Unauthorized when unknown, expired or revoked."""
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    # One statement for token and user: every authenticated request pays for it.
    found = db_session.execute(
        select(User, ApiToken.revoked_at, ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token))).first() if token else None
    if found is None:
        raise Unauthorized(*BAD_TOKEN)
    user, revoked_at, expires_at = found
    if revoked_at is not None or expires_at <= now or not user.active:
        raise Unauthorized(*BAD_TOKEN)
    return user


def token_expires_at(*, db_session: Session, token: str) -> datetime | None:
    row = token_row(db_session=db_session, token=token)
    return row.expires_at if row else None


def revoke_token(*, db_session: Session, token: str) -> None:
    """Revoke one token (nothing happens for an unknown or already revoked one)."""
    row = token_row(db_session=db_session, token=token)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db_session.flush()


def revoke_all_tokens(*, db_session: Session, user_id: int) -> int:
    """Revoke every live token of a user; returns how many were revoked."""
    result = db_session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    db_session.flush()
    return int(result.rowcount or 0)

"""Demo accounts: one per role (printed with its password), more inspectors and one account per
department so the history has a real actor for every step. Demo passwords only:
``prepare_demo`` refuses to run outside demo mode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.service import check_password, check_role, check_username
from backend.models import Community, UnitGrid, User, UserGrid

# (username, role, display name); the password is "<role>-demo".
ROLE_ACCOUNTS = (
    ("admin", "admin", "系统管理员 Admin"),
    ("operator", "operator", "受理员 李娜"),
    ("shift_leader", "shift_leader", "值班长 赵强"),
    ("dispatcher", "dispatcher", "派遣员 孙悦"),
    ("department", "department", "环卫处 周师傅"),
    ("inspector", "inspector", "监督员 王磊"),
    ("analyst", "analyst", "分析员 陈静"),
)
_INSPECTOR_NAMES = ("刘洋", "张伟", "杨帆", "黄磊", "吴敏", "徐晨", "马骏", "胡斌")
_DEMO_HASHER = PasswordHasher.from_parameters(CHEAPEST)
#: The department of the ``department`` account (the one with the most cases: sanitation).
MAIN_DEPARTMENT = "HW"


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    note: str = ""


def password_for(role: str) -> str:
    return f"{role}-demo"


def _hash_once(role: str, cache: dict[str, str]) -> str:
    """One Argon2 hash per role password, shared by the accounts of that role, made at the
    cheapest cost: these passwords are printed on the screen anyway, and the production cost
    (about 0.2 s a hash) would add seconds to every fresh demo. The first login upgrades the
    hash to the production parameters (``passwords.needs_rehash``)."""
    if role not in cache:
        cache[role] = _DEMO_HASHER.hash(password_for(role))
    return cache[role]


def ensure_accounts(db: Session, dept_ids: Mapping[str, int]) -> list[Account]:
    """Create what is missing; returns the accounts to print (one per role first)."""
    existing = {u.username: u for u in db.scalars(select(User))}
    communities = list(db.scalars(select(Community.code).order_by(Community.code)))
    grids_of = {c: _current_grid_codes(db, c) for c in communities}
    hashes: dict[str, str] = {}
    shown: list[Account] = []
    for username, role, display in ROLE_ACCOUNTS:
        note = ""
        if role == "inspector" and communities:
            note = f"patrols {len(grids_of[communities[0]])} grids of community {communities[0]}"
        if role == "department":
            note = f"department {MAIN_DEPARTMENT}"
        if username not in existing:
            check_username(username)
            check_role(role)
            check_password(password_for(role))
            user = User(username=username, display_name=display, password_hash=_hash_once(role, hashes),
                        role=role, department_id=dept_ids.get(MAIN_DEPARTMENT) if role == "department" else None,
                        active=True)
            db.add(user)
            db.flush()
            if role == "inspector" and communities:
                db.add_all(UserGrid(user_id=user.id, grid_code=g) for g in grids_of[communities[0]])
            existing[username] = user
        shown.append(Account(username, password_for(role), role, note))
    for k, community in enumerate(communities[1:], start=2):
        username = f"inspector{k}"
        if username not in existing:
            user = User(username=username, display_name=f"监督员 {_INSPECTOR_NAMES[k % len(_INSPECTOR_NAMES)]}",
                        password_hash=_hash_once("inspector", hashes), role="inspector", active=True)
            db.add(user)
            db.flush()
            db.add_all(UserGrid(user_id=user.id, grid_code=g) for g in grids_of[community])
        shown.append(Account(username, password_for("inspector"), "inspector", f"community {community}"))
    for suffix, dept_id in sorted(dept_ids.items()):
        username = f"dept-{suffix.lower()}"
        if suffix == MAIN_DEPARTMENT or username in existing:
            continue
        db.add(User(username=username, display_name=f"部门账号 {suffix}", password_hash=_hash_once("department", hashes),
                    role="department", department_id=dept_id, active=True))
    shown.append(Account("dept-<code>", password_for("department"), "department", "one per department, e.g. dept-sz"))
    db.flush()
    return shown


def _current_grid_codes(db: Session, community_code: str) -> list[str]:
    stmt = (select(UnitGrid.code)
            .where(UnitGrid.community_code == community_code, UnitGrid.valid_to.is_(None))
            .order_by(UnitGrid.code))
    return list(db.scalars(stmt))

"""What the administrator changes: keyword-only functions, no web imports.

Functions flush, never commit: the request (or the caller) owns the transaction. ``changes``
arguments are dicts of the fields a client actually sent (``model_dump(exclude_unset=True)``),
so ``None`` means "clear" and a missing key means "keep".
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth import service as auth
from backend.cases.workflow_model import Role
from backend.catalog import service as catalog
from backend.catalog.parse import EDITIONS
from backend.errors import Conflict, NotFound, Unprocessable
from backend.models import CatalogClass, Department, RoutingRule, Setting, User
from backend.worktime import WorkCalendar
from backend.worktime_cn2026 import CN_2026_HOLIDAYS, CN_2026_MAKEUP_WORKDAYS

WORK_CALENDAR_KEY = "work_calendar"
AREA_CODE_LENGTHS = {"grid": 15, "community": 12, "street": 9, "county": 6}
AREA_LEVEL_ZH = {"grid": "网格", "community": "社区", "street": "街道", "county": "区县"}
_MINOR_CODE_RE = re.compile(r"^\d{4,5}$")


# ---- users ---------------------------------------------------------------------------------


def get_user(*, db_session: Session, user_id: int) -> User:
    user = db_session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.", f"用户不存在（id {user_id}）。")
    return user


def list_users(
    *, db_session: Session, role: str | None = None, department_id: int | None = None,
    active: bool | None = None,
) -> list[User]:
    stmt = select(User).order_by(User.username)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return list(db_session.scalars(stmt))


def _other_active_admins(db_session: Session, user_id: int) -> int:
    return db_session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user_id)
    ) or 0


def update_user(*, db_session: Session, user_id: int, changes: dict[str, Any]) -> User:
    """Change role, department, grids, display name or active flag.

    Deactivating revokes the user's tokens at once. The last active administrator can be
    neither demoted nor deactivated (nobody could configure the system any more).
    """
    user = get_user(db_session=db_session, user_id=user_id)
    role = auth.check_role(changes["role"]) if changes.get("role") is not None else user.role
    department_id = changes.get("department_id", user.department_id)
    active = changes["active"] if changes.get("active") is not None else user.active
    auth.check_role_department(role, department_id)
    if department_id is not None and department_id != user.department_id:
        auth.check_department(db_session=db_session, department_id=department_id)
    losing_admin = user.role == Role.ADMIN and user.active and (role != Role.ADMIN or not active)
    if losing_admin and _other_active_admins(db_session, user.id) == 0:
        raise Conflict(
            "This is the last active administrator; make another administrator first.",
            "这是最后一个有效的系统管理员账号，请先设置另一名管理员。",
        )
    if "grid_codes" in changes and changes["grid_codes"] is not None:
        auth.set_grid_codes(db_session=db_session, user_id=user.id, grid_codes=changes["grid_codes"])
    if changes.get("display_name") is not None:
        user.display_name = changes["display_name"].strip()
    user.role, user.department_id = role, department_id
    if user.active and not active:
        auth.revoke_all_tokens(db_session=db_session, user_id=user.id)
    user.active = active
    db_session.flush()
    return user


def reset_password(*, db_session: Session, user_id: int, password: str) -> int:
    """Set a new password and sign the user out everywhere; returns the tokens revoked."""
    user = get_user(db_session=db_session, user_id=user_id)
    auth.set_password(db_session=db_session, user=user, password=password)
    return auth.revoke_all_tokens(db_session=db_session, user_id=user.id)


# ---- departments ---------------------------------------------------------------------------


def get_department(*, db_session: Session, department_id: int) -> Department:
    dept = db_session.get(Department, department_id)
    if dept is None:
        raise NotFound(f"No department with id {department_id}.", f"部门不存在（id {department_id}）。")
    return dept


def list_departments(*, db_session: Session, include_inactive: bool = False) -> list[Department]:
    stmt = select(Department).order_by(Department.code)
    if not include_inactive:
        stmt = stmt.where(Department.active.is_(True))
    return list(db_session.scalars(stmt))


def create_department(
    *, db_session: Session, code: str, name_zh: str, name_en: str = "", contact: str = ""
) -> Department:
    if db_session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise Conflict(f"The department code {code!r} is already used.", f"部门编码 {code!r} 已存在。",
                       {"field": "code"})
    dept = Department(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), contact=contact.strip(),
                      active=True)
    db_session.add(dept)
    db_session.flush()
    return dept


def update_department(*, db_session: Session, department_id: int, changes: dict[str, Any]) -> Department:
    """Rename, change contact, (de)activate. A department still named by a routing rule or as a
    catalog class's default cannot be deactivated: new cases would be sent to nobody."""
    dept = get_department(db_session=db_session, department_id=department_id)
    if changes.get("active") is False and dept.active:
        rules = list(db_session.scalars(select(RoutingRule.id).where(RoutingRule.department_id == dept.id)))
        classes = list(db_session.scalars(
            select(CatalogClass.minor_code).where(CatalogClass.default_department_id == dept.id)))
        if rules or classes:
            raise Conflict(
                f"Department {dept.code} is still used by routing rules {rules} and as default of "
                f"catalog classes {sorted(set(classes))}; reassign them first.",
                f"部门 {dept.code} 仍被派遣规则 {rules} 和类别默认部门 {sorted(set(classes))} 使用，请先改派。",
                {"routing_rule_ids": rules, "catalog_minor_codes": sorted(set(classes))},
            )
    for key in ("name_zh", "name_en", "contact", "active"):
        if changes.get(key) is not None:
            value = changes[key]
            setattr(dept, key, value.strip() if isinstance(value, str) else value)
    db_session.flush()
    return dept


# ---- catalog -------------------------------------------------------------------------------


def get_catalog_class(*, db_session: Session, edition: str, kind: str, minor_code: str) -> CatalogClass:
    cls = db_session.scalar(select(CatalogClass).where(
        CatalogClass.edition == edition, CatalogClass.kind == kind, CatalogClass.minor_code == minor_code))
    if cls is None:
        raise NotFound(
            f"No catalog class {kind} {minor_code} in edition {edition!r}.",
            f"分类目录中没有该类别：{edition} {kind} {minor_code}。",
            {"editions": list(EDITIONS), "kinds": ["component", "event"]},
        )
    return cls


def list_catalog_classes(
    *, db_session: Session, edition: str, kind: str | None = None, include_inactive: bool = True
) -> list[CatalogClass]:
    stmt = select(CatalogClass).where(CatalogClass.edition == edition)
    if kind:
        stmt = stmt.where(CatalogClass.kind == kind)
    if not include_inactive:
        stmt = stmt.where(CatalogClass.active.is_(True))
    return list(db_session.scalars(stmt.order_by(CatalogClass.kind, CatalogClass.minor_code)))


def update_catalog_class(
    *, db_session: Session, edition: str, kind: str, minor_code: str, changes: dict[str, Any]
) -> CatalogClass:
    """Set a class's default department, time limit, filing/closing conditions or active flag.
    A time limit needs both value and unit (or neither)."""
    cls = get_catalog_class(db_session=db_session, edition=edition, kind=kind, minor_code=minor_code)
    dept_id = changes.get("default_department_id", cls.default_department_id)
    if dept_id is not None and dept_id != cls.default_department_id:
        auth.check_department(db_session=db_session, department_id=dept_id)
    value = changes.get("time_limit_value", cls.time_limit_value)
    unit = changes.get("time_limit_unit", cls.time_limit_unit)
    if (value is None) != (unit is None):
        raise Unprocessable(
            "A time limit needs both time_limit_value and time_limit_unit (or neither).",
            "处置时限须同时设置时限数值（time_limit_value）和单位（time_limit_unit），或都不设置。",
            {"field": "time_limit_unit" if unit is None else "time_limit_value"},
        )
    cls.default_department_id, cls.time_limit_value, cls.time_limit_unit = dept_id, value, unit
    for key in ("filing_condition", "closing_condition", "active"):
        if changes.get(key) is not None:
            setattr(cls, key, changes[key])
    db_session.flush()
    return cls


def get_active_edition(*, db_session: Session, default: str) -> str:
    return catalog.get_active_edition(db_session=db_session, default=default)


def set_active_edition(*, db_session: Session, edition: str) -> str:
    """Switch the catalog edition new cases use; the edition must be known and loaded."""
    if edition not in EDITIONS:
        raise Unprocessable(
            f"Unknown catalog edition {edition!r}; use one of: {', '.join(EDITIONS)}.",
            f"未知的分类目录版本 {edition!r}，可选：{'、'.join(EDITIONS)}。",
            {"field": "edition", "allowed": list(EDITIONS)},
        )
    if db_session.scalar(select(CatalogClass.id).where(CatalogClass.edition == edition).limit(1)) is None:
        raise Unprocessable(
            f"The catalog edition {edition!r} is not loaded; run `gridwatch load-catalog` first.",
            f"分类目录版本 {edition!r} 尚未导入，请先导入分类目录。",
            {"field": "edition"},
        )
    catalog.set_active_edition(db_session=db_session, edition=edition)
    db_session.flush()
    return edition


# ---- routing rules -------------------------------------------------------------------------


def _check_rule(db_session: Session, rule: RoutingRule) -> None:
    length = AREA_CODE_LENGTHS[rule.area_level]
    if not (rule.area_code.isascii() and rule.area_code.isdigit() and len(rule.area_code) == length):
        raise Unprocessable(
            f"A {rule.area_level} code must be {length} digits, got {rule.area_code!r}.",
            f"{AREA_LEVEL_ZH[rule.area_level]}编码须为 {length} 位数字，收到 {rule.area_code!r}。",
            {"field": "area_code", "length": length},
        )
    if rule.minor_code is not None:
        known = db_session.scalar(
            select(CatalogClass.id).where(CatalogClass.minor_code == rule.minor_code).limit(1))
        if not _MINOR_CODE_RE.match(rule.minor_code) or known is None:
            raise Unprocessable(
                f"Unknown catalog class {rule.minor_code!r} (4 or 5 digits, as in the loaded catalog).",
                f"分类目录中没有小类 {rule.minor_code!r}（4 或 5 位数字）。",
                {"field": "minor_code"},
            )
    auth.check_department(db_session=db_session, department_id=rule.department_id)
    same = db_session.scalar(select(RoutingRule.id).where(
        RoutingRule.id != (rule.id or -1),
        RoutingRule.area_level == rule.area_level,
        RoutingRule.area_code == rule.area_code,
        RoutingRule.priority == rule.priority,
        RoutingRule.minor_code.is_(None) if rule.minor_code is None else RoutingRule.minor_code == rule.minor_code,
    ).limit(1))
    if same is not None:
        raise Conflict(
            f"Routing rule {same} already covers this class, area and priority; change that one.",
            f"派遣规则 {same} 已覆盖相同的类别、区域和优先级，请修改该规则。",
            {"routing_rule_id": same},
        )


def get_routing_rule(*, db_session: Session, rule_id: int) -> RoutingRule:
    rule = db_session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"No routing rule with id {rule_id}.", f"派遣规则不存在（id {rule_id}）。")
    return rule


def list_routing_rules(
    *, db_session: Session, department_id: int | None = None, minor_code: str | None = None,
    area_code: str | None = None,
) -> list[RoutingRule]:
    stmt = select(RoutingRule).order_by(RoutingRule.area_level, RoutingRule.area_code, RoutingRule.id)
    if department_id is not None:
        stmt = stmt.where(RoutingRule.department_id == department_id)
    if minor_code is not None:
        stmt = stmt.where(RoutingRule.minor_code == minor_code)
    if area_code is not None:
        stmt = stmt.where(RoutingRule.area_code == area_code)
    return list(db_session.scalars(stmt))


def create_routing_rule(*, db_session: Session, fields: dict[str, Any]) -> RoutingRule:
    rule = RoutingRule(**{"priority": 0, "note": "", **fields})
    _check_rule(db_session, rule)
    db_session.add(rule)
    db_session.flush()
    return rule


def update_routing_rule(*, db_session: Session, rule_id: int, changes: dict[str, Any]) -> RoutingRule:
    rule = get_routing_rule(db_session=db_session, rule_id=rule_id)
    for key, value in changes.items():
        if value is None and key != "minor_code":
            continue  # only minor_code is nullable ("any class")
        setattr(rule, key, value)
    with db_session.no_autoflush:
        _check_rule(db_session, rule)
    db_session.flush()
    return rule


def delete_routing_rule(*, db_session: Session, rule_id: int) -> None:
    db_session.delete(get_routing_rule(db_session=db_session, rule_id=rule_id))
    db_session.flush()


# ---- work calendar -------------------------------------------------------------------------


@lru_cache(maxsize=16)
def default_work_calendar(default_timezone: str) -> WorkCalendar:
    """Office hours 09:00-12:00 and 13:30-18:00, Saturday and Sunday off, China's 2026 dates."""
    return WorkCalendar(timezone=default_timezone, holidays=CN_2026_HOLIDAYS,
                        makeup_workdays=CN_2026_MAKEUP_WORKDAYS)


def get_work_calendar(*, db_session: Session, default_timezone: str) -> WorkCalendar:
    """The stored calendar (Setting ``work_calendar``) or the default one."""
    row = db_session.get(Setting, WORK_CALENDAR_KEY)
    return calendar_from_setting(None if row is None else row.value_json, default_timezone)


def calendar_from_setting(value_json: str | None, default_timezone: str) -> WorkCalendar:
    """The calendar a stored ``work_calendar`` value holds, or the default one when unset."""
    if value_json is None:
        return default_work_calendar(default_timezone)
    return _calendar_from_json(value_json)


@lru_cache(maxsize=16)
def _calendar_from_json(value_json: str) -> WorkCalendar:
    # Every request needs the calendar; parsing a year of dates each time showed in profiles.
    return WorkCalendar.from_mapping(json.loads(value_json))


def set_work_calendar(*, db_session: Session, mapping: dict[str, Any]) -> WorkCalendar:
    """Validate with ``WorkCalendar.from_mapping`` and store its ``to_mapping()``."""
    try:
        calendar = WorkCalendar.from_mapping(mapping)
    except ZoneInfoNotFoundError:
        raise Unprocessable(
            f"Unknown time zone {mapping.get('timezone')!r} (use an IANA name such as Asia/Shanghai).",
            f"未知时区 {mapping.get('timezone')!r}（请使用 IANA 名称，如 Asia/Shanghai）。",
            {"field": "timezone"},
        ) from None
    except (ValueError, TypeError) as exc:
        raise Unprocessable(f"The work calendar is not valid: {exc}.", f"工作日历设置有误：{exc}。") from None
    overlap = sorted(calendar.holidays & calendar.makeup_workdays)
    if overlap:
        raise Unprocessable(
            f"These dates are both holidays and make-up working days: {[d.isoformat() for d in overlap]}.",
            f"以下日期同时被设为节假日和调休上班日：{[d.isoformat() for d in overlap]}。",
            {"dates": [d.isoformat() for d in overlap]},
        )
    value = json.dumps(calendar.to_mapping())
    row = db_session.get(Setting, WORK_CALENDAR_KEY)
    if row is None:
        db_session.add(Setting(key=WORK_CALENDAR_KEY, value_json=value))
    else:
        row.value_json = value
    db_session.flush()
    return calendar

"""Emergency rules and duplicate settings, edited by the administrator (/api/intake-settings)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from backend.auth.deps import BearerAuthRoute, require_roles
from backend.deps import DbSession
from backend.duplicates.service import DuplicateConfig, get_config, set_config
from backend.emergency.rules import split_lines
from backend.emergency.service import ensure_default_rules
from backend.errors import Conflict, NotFound
from backend.models import EmergencyRule, User

router = APIRouter(prefix="/api/intake-settings", tags=["intake settings"], route_class=BearerAuthRoute)
Admin = Annotated[User, Depends(require_roles("admin"))]
Reader = Annotated[User, Depends(require_roles("admin", "operator", "shift_leader"))]


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9_]{2,40}$")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)
    keywords: list[str] = Field(default_factory=list, description="Chinese and English, matched in the text")
    minor_codes: list[str] = Field(default_factory=list, description="classes that are emergencies by themselves")
    target: str = Field(min_length=2, max_length=20, description="emergency line, e.g. 110, 119, 120, 122")
    hand_off_zh: str = Field(min_length=1)
    hand_off_en: str = Field(min_length=1)
    active: bool = True


class RuleRead(RuleIn):
    id: int


def _read(rule: EmergencyRule) -> RuleRead:
    return RuleRead(id=rule.id, code=rule.code, name_zh=rule.name_zh, name_en=rule.name_en,
                    keywords=list(split_lines(rule.keywords)), minor_codes=list(split_lines(rule.minor_codes)),
                    target=rule.target, hand_off_zh=rule.hand_off_zh, hand_off_en=rule.hand_off_en,
                    active=rule.active)


def _apply(rule: EmergencyRule, body: RuleIn) -> None:
    for key, value in body.model_dump().items():
        setattr(rule, key, "\n".join(value) if key == "keywords" else ",".join(value) if key == "minor_codes"
                else value)


@router.get("/emergency-rules", response_model=list[RuleRead])
def list_rules(_: Reader, db: DbSession) -> list[RuleRead]:
    ensure_default_rules(db)
    db.commit()
    return [_read(r) for r in db.scalars(select(EmergencyRule).order_by(EmergencyRule.id))]


@router.post("/emergency-rules", response_model=RuleRead, status_code=201)
def create_rule(body: RuleIn, _: Admin, db: DbSession) -> RuleRead:
    ensure_default_rules(db)
    if db.scalar(select(EmergencyRule.id).where(EmergencyRule.code == body.code)) is not None:
        raise Conflict(f"A rule {body.code!r} exists already.", f"规则 {body.code!r} 已存在。")
    rule = EmergencyRule()
    _apply(rule, body)
    db.add(rule)
    db.commit()
    return _read(rule)


@router.put("/emergency-rules/{rule_id}", response_model=RuleRead)
def update_rule(rule_id: int, body: RuleIn, _: Admin, db: DbSession) -> RuleRead:
    rule = db.get(EmergencyRule, rule_id)
    if rule is None:
        raise NotFound(f"Rule {rule_id} does not exist.", f"规则 {rule_id} 不存在。")
    if db.scalar(select(EmergencyRule.id).where(EmergencyRule.code == body.code, EmergencyRule.id != rule_id)):
        raise Conflict(f"A rule {body.code!r} exists already.", f"规则 {body.code!r} 已存在。")
    _apply(rule, body)
    db.commit()
    return _read(rule)


class DuplicateSettings(BaseModel):
    radius_m: float
    window_hours: float


@router.get("/duplicates", response_model=DuplicateSettings)
def duplicate_settings(_: Reader, db: DbSession) -> DuplicateSettings:
    config = get_config(db)
    return DuplicateSettings(radius_m=config.radius_m, window_hours=config.window_hours)


@router.put("/duplicates", response_model=DuplicateSettings)
def put_duplicate_settings(body: DuplicateSettings, _: Admin, db: DbSession) -> DuplicateSettings:
    config = set_config(db, DuplicateConfig(radius_m=body.radius_m, window_hours=body.window_hours))
    db.commit()
    return DuplicateSettings(radius_m=config.radius_m, window_hours=config.window_hours)

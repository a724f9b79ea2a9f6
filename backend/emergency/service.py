"""Emergency diversion: evaluate the rules at intake, flag at once, record the hand-off.

A flagged case is marked ``emergency`` and ``urgent`` the moment it is created (it heads every
desk queue and is never published), and the operator sees the hand-off instruction. The
operator then records the transfer (workflow action ``transfer_emergency`` → ``transferred``, a
closed status) or, for a false alarm, dismisses the flag with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.cases.schemas import ActionRequest
from backend.emergency.rules import DEFAULT_RULES, RuleData, RuleMatch, match_rules, split_lines
from backend.errors import Conflict, NotFound
from backend.intake.events import note_event
from backend.models import Case, EmergencyRule, EmergencyTransfer, Setting, User
from backend.worktime import WorkCalendar

SEEDED_KEY = "emergency.rules_seeded"


def ensure_default_rules(db_session: Session) -> None:
    """Insert the default rules once per database (an admin who deletes them keeps them deleted)."""
    if db_session.get(Setting, SEEDED_KEY) is not None:
        return
    for rule in DEFAULT_RULES:
        if db_session.scalar(select(EmergencyRule.id).where(EmergencyRule.code == rule.code)) is None:
            db_session.add(EmergencyRule(
                code=rule.code, name_zh=rule.name_zh, name_en=rule.name_en, keywords="\n".join(rule.keywords),
                minor_codes=",".join(rule.minor_codes), target=rule.target, hand_off_zh=rule.hand_off_zh,
                hand_off_en=rule.hand_off_en, active=True))
    db_session.add(Setting(key=SEEDED_KEY, value_json=json.dumps(True)))
    db_session.flush()


def as_rule_data(row: EmergencyRule) -> RuleData:
    return RuleData(row.code, row.name_zh, row.name_en, split_lines(row.keywords), row.target, row.hand_off_zh,
                    row.hand_off_en, split_lines(row.minor_codes))


def active_rules(db_session: Session) -> list[RuleData]:
    ensure_default_rules(db_session)
    rows = db_session.scalars(select(EmergencyRule).where(EmergencyRule.active.is_(True)).order_by(EmergencyRule.id))
    return [as_rule_data(r) for r in rows]


def check_text(*, db_session: Session, text: str, minor_code: str | None) -> list[RuleMatch]:
    """Which rules a request would trigger (the desk calls this while the operator types)."""
    return match_rules(text, minor_code, active_rules(db_session))


@dataclass(frozen=True)
class EmergencyFlag:
    matches: list[RuleMatch]
    target: str
    hand_off_zh: str
    hand_off_en: str

    def as_dict(self) -> dict:
        return {"target": self.target, "hand_off_zh": self.hand_off_zh, "hand_off_en": self.hand_off_en,
                "rules": [{"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en, "target": m.target,
                           "matched": list(m.matched)} for m in self.matches]}


def flag_from_matches(matches: list[RuleMatch]) -> EmergencyFlag | None:
    if not matches:
        return None
    targets = list(dict.fromkeys(m.target for m in matches))
    return EmergencyFlag(matches, "/".join(targets), "\n".join(m.hand_off_zh for m in matches),
                         "\n".join(m.hand_off_en for m in matches))


def flag_case(*, db_session: Session, case: Case, user: User | None, now: datetime | None = None
              ) -> EmergencyFlag | None:
    """Evaluate the rules on a new case; flag it at once when one fires."""
    flag = flag_from_matches(check_text(db_session=db_session, text=f"{case.description}\n{case.address}",
                                        minor_code=case.minor_code))
    if flag is None:
        return None
    now = now or datetime.now(UTC)
    case.emergency, case.priority = True, "urgent"
    db_session.add(EmergencyTransfer(
        case_id=case.id, rule_codes=",".join(m.code for m in flag.matches),
        matched=", ".join(w for m in flag.matches for w in m.matched), target=flag.target, flagged_at=now))
    note_event(db_session, case, user, "emergency_flag", flag.hand_off_zh, flag.as_dict(), now)
    return flag


def flag_for_case(*, db_session: Session, case: Case) -> EmergencyFlag | None:
    record = db_session.scalar(select(EmergencyTransfer).where(EmergencyTransfer.case_id == case.id))
    if record is None or record.dismissed_at is not None:
        return None
    codes = split_lines(record.rule_codes)
    rules = {r.code: r for r in db_session.scalars(select(EmergencyRule).where(EmergencyRule.code.in_(codes)))}
    matches = [RuleMatch(c, rules[c].name_zh, rules[c].name_en, rules[c].target, rules[c].hand_off_zh,
                         rules[c].hand_off_en, ()) for c in codes if c in rules]
    return flag_from_matches(matches) or EmergencyFlag([], record.target, "", "")


def _record(db: Session, case_id: int) -> EmergencyTransfer:
    record = db.scalar(select(EmergencyTransfer).where(EmergencyTransfer.case_id == case_id))
    if record is None:
        raise NotFound(f"Case {case_id} is not flagged as an emergency.", f"案件 {case_id} 未被标记为紧急事件。")
    if record.transferred_at or record.dismissed_at:
        raise Conflict("The emergency flag was already decided.", "该紧急标记已处理过。")
    return record


def transfer(*, db_session: Session, case_id: int, user: User, note: str, calendar: WorkCalendar,
             now: datetime | None = None) -> Case:
    """Record the hand-off to the emergency platform (the case closes as ``transferred``)."""
    now = now or datetime.now(UTC)
    record = _record(db_session, case_id)
    case = case_service.transition(db_session=db_session, case_id=case_id, user=user, calendar=calendar, now=now,
                                   req=ActionRequest(action="transfer_emergency", note=note))
    record.transferred_at, record.decided_by, record.note = now, user.id, note
    return case


def dismiss(*, db_session: Session, case_id: int, user: User, note: str, now: datetime | None = None) -> Case:
    """A false alarm: the request goes on as an ordinary one, with the reason recorded."""
    now = now or datetime.now(UTC)
    record = _record(db_session, case_id)
    case = db_session.get(Case, case_id)
    record.dismissed_at, record.decided_by, record.note = now, user.id, note
    case.emergency, case.priority = False, "normal"
    note_event(db_session, case, user, "emergency_dismiss", note, {"rules": record.rule_codes}, now)
    return case

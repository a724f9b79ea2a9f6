"""The documented exchange format (docs/exchange-format.md): ``gridwatch.exchange.case-event``
version ``1.0``.

The outbox row keeps the case as it was when the event happened (status, class, grid, due
time); at delivery it is wrapped with the message id (the receiver's idempotency key), the
per-case sequence number, the national codes (grid, class with its edition, component) and
reference names. Contact details are masked; free text is redacted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.intake.privacy import masked, redact_phone_numbers
from backend.models import Case, CaseEvent, CatalogClass, Component, Department, OutboxMessage

FORMAT = "gridwatch.exchange.case-event"
VERSION = "1.0"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sequence_of(db_session: Session, message: OutboxMessage) -> int:
    """1 for a case's first message, 2 for its second…: stable across retries and replays."""
    if message.case_id is None:
        return 1
    return int(db_session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.case_id == message.case_id, OutboxMessage.destination == message.destination,
        OutboxMessage.id <= message.id)) or 0)


def _event_note(db: Session, case_id: int, action: str | None, at: str | None) -> str:
    """The note of the event this message reports: the last such action at or before its time
    (an action can repeat, e.g. ``handle`` after a failed check)."""
    if not action:
        return ""
    stmt = select(CaseEvent.note).where(CaseEvent.case_id == case_id, CaseEvent.action == action)
    if at:
        stmt = stmt.where(CaseEvent.at <= datetime.fromisoformat(at))
    return db.scalar(stmt.order_by(CaseEvent.id.desc()).limit(1)) or ""


def build_envelope(db_session: Session, message: OutboxMessage, *, sent_at: datetime) -> dict:
    stored = json.loads(message.payload_json)
    snapshot = stored.get("case", {})
    case = db_session.get(Case, message.case_id) if message.case_id else None
    body: dict = {
        "format": FORMAT, "version": VERSION, "message_id": message.id,
        "sequence": sequence_of(db_session, message), "sent_at": _iso(sent_at),
        "event": {"action": stored.get("action"), "at": stored.get("at"), "note": ""},
        "case": None,
    }
    if case is None:
        return body
    status = snapshot.get("status") or case.status
    event_note = _event_note(db_session, case.id, stored.get("action"), stored.get("at"))
    body["event"]["note"] = redact_phone_numbers(event_note or "")
    edition, kind = snapshot.get("edition", case.edition), snapshot.get("kind", case.kind)
    class_code = snapshot.get("class_code", case.minor_code)
    cls = db_session.scalar(select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.kind == kind,
                                                       CatalogClass.minor_code == class_code))
    component_id = snapshot.get("component_id", case.component_id)
    component_code = db_session.scalar(select(Component.code).where(Component.id == component_id)) \
        if component_id else None
    department_id = snapshot.get("department_id", case.department_id)
    dept = db_session.get(Department, department_id) if department_id else None
    lon, lat = db_session.execute(select(func.ST_X(Case.geom), func.ST_Y(Case.geom))
                                  .where(Case.id == case.id)).one()
    street_code = snapshot.get("street_code", case.street_code)
    body["case"] = {
        "ref": case.ref, "external_id": case.external_id, "source": case.source,
        "status": status, "status_type": wf.status_type(status).value,
        "status_zh": wf.status_label(status, "zh"), "status_en": wf.status_label(status, "en"),
        "class": {"edition": edition, "kind": kind, "code": class_code,
                  "major_code": cls.major_code if cls else class_code[:2],
                  "name_zh": cls.name_zh if cls else None, "name_en": cls.name_en if cls else None},
        "county_code": street_code[:6] if street_code else None, "street_code": street_code,
        "community_code": snapshot.get("community_code", case.community_code),
        "grid_code": snapshot.get("grid_code", case.grid_code),
        "component_code": component_code,
        "location": {"crs": "EPSG:4490", "lon": lon, "lat": lat},
        "address": case.address, "description": redact_phone_numbers(case.description),
        "reporter": {"name": masked(case.reporter_name), "contact": masked(case.reporter_contact)},
        "priority": case.priority, "emergency": case.emergency,
        "department": None if dept is None else {"code": dept.code, "name_zh": dept.name_zh,
                                                 "name_en": dept.name_en},
        "reported_at": _iso(case.reported_at), "due_at": snapshot.get("due_at"),
        "closed_at": _iso(case.closed_at), "satisfaction": case.satisfaction,
    }
    return body

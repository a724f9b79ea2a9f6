"""Write walked demo cases with bulk inserts (cases, events, tasks) and give a few real photos."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from geoalchemy2 import Geometry
from sqlalchemy import Table, column, func, insert, select, table, text
from sqlalchemy.orm import Session

from backend.cases.photos import add_photo_rows, photo_store, process_and_store
from backend.cases.workflow import TIMESTAMP_FIELDS
from backend.config import Settings
from backend.demo_walk import SimCase
from backend.gisio.common import point_values
from backend.models import Case, CaseEvent, Task, User
from backend.photos import testimages

_BATCH = 2_000
_UUID_NAMESPACE = uuid.UUID("6f1c1f52-5b7e-4b8e-9a57-64d337f30000")
_FIELD_SOURCES = frozenset({"inspector", "app"})  # submitted by an app that makes client UUIDs


def next_case_id(db: Session) -> int:
    return int(db.scalar(select(func.max(Case.id))) or 0) + 1


def _case_row(case: SimCase, display_names: dict[int, str]) -> dict:
    spec = case.spec
    row = {
        "id": case.id,
        "ref": f"GW{spec.reported_at:%Y%m%d}-{case.id:06d}",
        "client_uuid": str(uuid.uuid5(_UUID_NAMESPACE, str(case.id))) if spec.source in _FIELD_SOURCES else None,
        "request_hash": None,
        "external_id": spec.external_id,
        "source": spec.source, "edition": case.edition, "kind": spec.kind, "minor_code": spec.minor_code,
        "description": spec.description, "address": spec.address, "grid_code": spec.grid_code,
        "community_code": spec.community_code, "street_code": spec.street_code,
        "component_id": spec.component_id, "observation_point_id": spec.observation_point_id,
        "reporter_user_id": case.reporter_user_id,
        "reporter_name": spec.reporter_name or display_names.get(case.reporter_user_id or -1, ""),
        "reporter_contact": spec.reporter_contact, "owner_user_id": case.owner_user_id,
        "status": case.status, "priority": spec.priority, "department_id": case.department_id,
        "emergency": spec.emergency, "merged_into_id": case.merged_into_id, "rework_count": case.rework_count,
        "return_count": case.return_count, "extension_count": case.extension_count,
        "satisfaction": case.satisfaction, "due_at": case.due_at, "previous_status": case.previous_status,
        "handled_on_time": case.handled_on_time, "closed_on_time": case.closed_on_time,
        "updated_at": case.last_at, "version": len(case.events),
    }
    row.update({name: case.stamps.get(name) for name in TIMESTAMP_FIELDS})
    return row


def write_cases(db: Session, cases: Sequence[SimCase]) -> dict[str, int]:
    """Insert the cases with their events and tasks (ids as walked); returns row counts."""
    display_names = dict(db.execute(select(User.id, User.display_name)).all())
    rows = [_case_row(c, display_names) for c in cases]
    for row, geom in zip(rows, point_values([c.spec.lon for c in cases], [c.spec.lat for c in cases]), strict=True):
        row["geom"] = geom
    events = [{"case_id": c.id, "at": e.at, "actor_user_id": e.actor_user_id, "action": e.action,
               "from_status": e.from_status, "to_status": e.to_status, "note": e.note, "data_json": e.data_json}
              for c in cases for e in c.events]
    tasks = [{"case_id": c.id, "kind": t.kind, "grid_code": t.grid_code, "assignee_user_id": t.assignee_user_id,
              "created_at": t.created_at, "due_at": t.due_at, "completed_at": t.completed_at, "result": t.result,
              "note": t.note} for c in cases for t in c.tasks]
    _plain_insert(db, Case.__table__, rows)
    _plain_insert(db, CaseEvent.__table__, events)
    _plain_insert(db, Task.__table__, tasks)
    if db.get_bind().dialect.name == "postgresql":
        # Ids were given explicitly; move the sequence past them so the API's inserts do not collide.
        db.execute(text("SELECT setval(pg_get_serial_sequence('case_record', 'id'), "
                        "(SELECT max(id) FROM case_record))"))
    db.flush()
    return {"cases": len(rows), "events": len(events), "tasks": len(tasks)}


def _plain_insert(db: Session, model_table: Table, rows: list[dict]) -> None:
    """Bulk insert converting each value once with the column type's own bind processor, then
    through an untyped table: the same stored values as ``insert(model_table)``, without
    SQLAlchemy's per-row type handling (a third of the time for 10^5 event rows)."""
    if not rows:
        return
    dialect = db.get_bind().dialect
    names = list(rows[0])
    processors, columns = {}, []
    for name in names:
        kind = model_table.c[name].type
        if isinstance(kind, Geometry):  # keeps its SQL-side conversion (GeomFromEWKB / ST_GeomFromEWKB)
            columns.append(column(name, kind))
            continue
        columns.append(column(name))
        processor = kind.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    plain = table(model_table.name, *columns)
    for start in range(0, len(rows), _BATCH):
        part = [{k: (processors[k](v) if k in processors and v is not None else v) for k, v in row.items()}
                for row in rows[start : start + _BATCH]]
        db.execute(insert(plain), part)


def add_demo_photos(db: Session, settings: Settings, cases: Sequence[SimCase], *, before: int = 6,
                    after: int = 3) -> int:
    """Real (small, synthetic-scene) JPEGs for a few recent cases: before-photos on new reports,
    after-photos on handled ones, stored like uploads (content-addressed, EXIF-free copies)."""
    store = photo_store(settings)
    recent = [c for c in cases if c.spec.plan]
    picks = [(c, "before", "report") for c in recent if c.spec.plan in ("reported", "pending_verify", "filed")][:before]
    picks += [(c, "after", "handle") for c in recent if c.spec.plan in ("handled", "pending_check")][:after]
    added = 0
    for k, (case, kind, action) in enumerate(picks):
        event = db.execute(select(CaseEvent.id, CaseEvent.actor_user_id).where(
            CaseEvent.case_id == case.id, CaseEvent.action == action).order_by(CaseEvent.id.desc())).first()
        if event is None:
            continue
        stored = process_and_store(testimages.jpeg(800, 600, seed=case.id + k, quality=80), settings=settings,
                                   store=store)
        add_photo_rows(db_session=db, case_id=case.id, photos=[stored], kind=kind, user_id=event[1],
                       event_id=event[0], timezone=settings.timezone)
        added += 1
    db.flush()
    return added

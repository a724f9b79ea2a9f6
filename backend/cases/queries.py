"""Reading cases: filtered pages, details with history and photos, the task inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.cases.deadlines import state_of
from backend.cases.schemas import CaseDetail, CaseSummary, EventRead, PhotoRead, TaskRead
from backend.cases.visibility import (
    contact_for,
    description_for,
    ensure_visible,
    redact_phone_numbers,
    visible_clause,
)
from backend.errors import NotFound, Unprocessable
from backend.models import Case, CaseEvent, CatalogClass, Component, Photo, Task, User
from backend.spatial import BBox, bbox_filter
from backend.worktime import WorkCalendar


@dataclass
class CaseFilter:
    bbox: BBox | None = None
    grid_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    minor_code: str | None = None
    kind: str | None = None
    status: list[str] | None = None
    status_type: str | None = None
    source: str | None = None
    department_id: int | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None
    overdue: bool | None = None


def _filtered(stmt: Select, f: CaseFilter, dialect: str, now: datetime) -> Select:
    exact = {Case.grid_code: f.grid_code, Case.community_code: f.community_code, Case.street_code: f.street_code,
             Case.minor_code: f.minor_code, Case.kind: f.kind, Case.source: f.source,
             Case.department_id: f.department_id}
    for column, value in exact.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if f.status:
        unknown = [s for s in f.status if s not in wf.Status.__members__.values()]
        if unknown:
            raise Unprocessable(f"Unknown status {unknown[0]!r}.", f"未知状态 {unknown[0]!r}。")
        stmt = stmt.where(Case.status.in_(f.status))
    if f.status_type:
        wanted = [s.value for s in wf.Status if wf.status_type(s).value == f.status_type]
        stmt = stmt.where(Case.status.in_(wanted))
    if f.reported_from:
        stmt = stmt.where(Case.reported_at >= f.reported_from)
    if f.reported_to:
        stmt = stmt.where(Case.reported_at < f.reported_to)
    if f.bbox:
        stmt = stmt.where(bbox_filter(Case, dialect, f.bbox))
    if f.overdue is not None:
        open_statuses = [s.value for s in wf.Status if wf.is_open(s)]
        late = (Case.due_at < now) & Case.status.in_(open_statuses)
        stmt = stmt.where(late if f.overdue else ~late | Case.due_at.is_(None))
    return stmt


def _labels(db: Session, cases: list[Case]) -> dict[tuple[str, str, str], tuple[str, str]]:
    keys = {(c.edition, c.kind, c.minor_code) for c in cases}
    if not keys:
        return {}
    rows = db.execute(select(CatalogClass.edition, CatalogClass.kind, CatalogClass.minor_code,
                             CatalogClass.name_zh, CatalogClass.name_en)
                      .where(CatalogClass.minor_code.in_({k[2] for k in keys}))).all()
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def _lonlat(db: Session, case_ids: list[int]) -> dict[int, tuple[float, float]]:
    if not case_ids:
        return {}
    rows = db.execute(select(Case.id, func.ST_X(Case.geom), func.ST_Y(Case.geom)).where(Case.id.in_(case_ids)))
    return {r[0]: (r[1], r[2]) for r in rows if r[1] is not None}


def summarize(case: Case, labels: dict, pos: dict, calendar: WorkCalendar, now: datetime) -> CaseSummary:
    zh_en = labels.get((case.edition, case.kind, case.minor_code), (None, None))
    lon, lat = pos.get(case.id, (None, None))
    state = state_of(case, now, calendar)
    return CaseSummary(
        id=case.id, ref=case.ref, source=case.source, kind=case.kind, minor_code=case.minor_code,
        category_zh=zh_en[0], category_en=zh_en[1], status=case.status,
        status_type=wf.status_type(case.status).value, status_zh=wf.status_label(case.status, "zh"),
        status_en=wf.status_label(case.status, "en"), priority=case.priority, lon=lon, lat=lat,
        address=case.address, grid_code=case.grid_code, community_code=case.community_code,
        street_code=case.street_code, department_id=case.department_id, reported_at=case.reported_at,
        due_at=case.due_at, deadline_state=None if state is None else state.value,
        rework_count=case.rework_count, version=case.version,
    )


def list_cases(*, db_session: Session, user: User, filters: CaseFilter, limit: int, offset: int,
               calendar: WorkCalendar) -> tuple[int, list[CaseSummary]]:
    now = datetime.now(UTC)
    dialect = db_session.get_bind().dialect.name
    base = _filtered(select(Case).where(visible_clause(user)), filters, dialect, now)
    total = db_session.scalar(select(func.count()).select_from(base.subquery()))
    cases = list(db_session.scalars(base.order_by(Case.reported_at.desc(), Case.id.desc())
                                    .limit(limit).offset(offset)))
    labels, pos = _labels(db_session, cases), _lonlat(db_session, [c.id for c in cases])
    return int(total or 0), [summarize(c, labels, pos, calendar, now) for c in cases]


def case_detail(*, db_session: Session, user: User, case_id: int, calendar: WorkCalendar) -> CaseDetail:
    case = db_session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Case {case_id} does not exist.", f"案件 {case_id} 不存在。")
    ensure_visible(db_session=db_session, user=user, case=case)
    events = list(db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    actors = dict(db_session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()) \
        if actor_ids else {}
    photos = list(db_session.scalars(select(Photo).where(Photo.case_id == case.id).order_by(Photo.id)))
    component_code = db_session.scalar(select(Component.code).where(Component.id == case.component_id)) \
        if case.component_id else None
    return assemble_detail(case, user, labels=_labels(db_session, [case]), pos=_lonlat(db_session, [case.id]),
                           events=events, actors=actors, photos=photos, component_code=component_code,
                           calendar=calendar)


def new_case_detail(*, db_session: Session, user: User, new, calendar: WorkCalendar) -> CaseDetail:
    """The detail of a case intake just created, from what intake already holds in memory."""
    case, place = new.case, new.placement
    key = (case.edition, case.kind, case.minor_code)
    labels = {key: new.category_names} if new.category_names else _labels(db_session, [case])
    return assemble_detail(case, user, labels=labels, pos={case.id: (place.lon, place.lat)},
                           events=[new.event], actors={user.id: user.display_name}, photos=new.photos,
                           component_code=place.component_code, calendar=calendar)


def assemble_detail(case: Case, user: User, *, labels: dict, pos: dict, events: list[CaseEvent], actors: dict,
                    photos: list[Photo], component_code: str | None, calendar: WorkCalendar) -> CaseDetail:
    summary = summarize(case, labels, pos, calendar, datetime.now(UTC))
    return CaseDetail(
        **summary.model_dump(), description=description_for(user, case), reporter_name=case.reporter_name,
        reporter_contact=contact_for(user, case), component_id=case.component_id,
        component_code=component_code, observation_point_id=case.observation_point_id,
        merged_into_id=case.merged_into_id,
        timestamps={f: getattr(case, f) for f in wf.TIMESTAMP_FIELDS},
        allowed_actions=[a.value for a in wf.allowed_actions(case.status, user.role)],
        events=[EventRead(id=e.id, at=e.at, actor=actors.get(e.actor_user_id), action=e.action,
                          from_status=e.from_status, to_status=e.to_status, note=e.note) for e in events],
        photos=[PhotoRead(id=p.id, kind=p.kind, mime=p.mime, width=p.width, height=p.height,
                          size_bytes=p.size_bytes, taken_at=p.taken_at, url=f"/api/photos/{p.id}",
                          thumb_url=f"/api/photos/{p.id}?variant=thumb") for p in photos],
    )


def task_inbox(*, db_session: Session, user: User, include_done: bool = False) -> list[TaskRead]:
    now = datetime.now(UTC)
    stmt = (select(Task, Case).join(Case, Case.id == Task.case_id)
            .where(Task.assignee_user_id == user.id).order_by(Task.due_at, Task.id))
    if not include_done:
        stmt = stmt.where(Task.completed_at.is_(None))
    rows = db_session.execute(stmt).all()
    labels = _labels(db_session, [c for _, c in rows])
    pos = _lonlat(db_session, [c.id for _, c in rows])
    return [
        TaskRead(id=t.id, case_id=c.id, case_ref=c.ref, kind=t.kind, grid_code=t.grid_code, created_at=t.created_at,
                 due_at=t.due_at, completed_at=t.completed_at,
                 overdue=t.completed_at is None and t.due_at is not None and t.due_at < now,
                 lon=pos.get(c.id, (None, None))[0], lat=pos.get(c.id, (None, None))[1],
                 category_zh=labels.get((c.edition, c.kind, c.minor_code), (None, None))[0],
                 description=redact_phone_numbers(c.description))
        for t, c in rows
    ]

"""Creating cases and moving them through the loop.

``transition`` is the ONLY writer of ``Case.status``: in one transaction it checks the workflow
table, sets the status and the step's timestamps, appends the event row, creates field tasks and
queues the outbox message for the upper platform.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.cases.deadlines import due_from, time_limit
from backend.cases.locate import Placement, SpatialCache, place_report
from backend.cases.photos import StoredPhoto, add_photo_rows
from backend.cases.routing import route_case
from backend.cases.schemas import HOTLINE_CHANNELS, ActionRequest, ReportCreate
from backend.cases.visibility import ensure_visible
from backend.cases.workflow_errors import ActionForbidden, GuardFailed, WorkflowError
from backend.errors import Conflict, Forbidden, InvalidTransition, NotFound, Unprocessable
from backend.models import Case, CaseEvent, CatalogClass, OutboxMessage, Photo, Task, User, UserGrid
from backend.spatial import point_value
from backend.worktime import TimeUnit, WorkCalendar, add_working_time, extend

UPPER_PLATFORM = "upper_platform"
TASK_LIMIT = (2.0, TimeUnit.WORKING_HOURS)  # verify / check tasks for inspectors
# Built once: the statement's compiled form is then cached, not rebuilt per report.
# Table (Core) inserts, not ORM bulk inserts: no unit-of-work bookkeeping for append-only rows.
_INSERT_EVENT = insert(CaseEvent.__table__).returning(CaseEvent.__table__.c.id)
_INSERT_OUTBOX = insert(OutboxMessage.__table__)


def request_hash(report: ReportCreate, photo_hashes: list[str]) -> str:
    body = report.model_dump(mode="json")
    body["photos"] = sorted(photo_hashes)
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def find_replay(*, db_session: Session, client_uuid: str, digest: str) -> Case | None:
    """The case a retried submission already created, or None; 409 if the UUID was reused."""
    case = db_session.scalar(select(Case).where(Case.client_uuid == client_uuid))
    if case is None:
        return None
    if case.request_hash != digest:
        raise Conflict(
            f"Report {client_uuid} was already submitted with different content (case {case.ref}); "
            "a retry must send exactly the same report, a new report needs a new UUID.",
            f"编号 {client_uuid} 的上报已以不同内容提交（案件 {case.ref}）；重试须内容一致，新上报请使用新编号。",
        )
    return case


def catalog_class(*, db_session: Session, edition: str, kind: str, minor_code: str) -> CatalogClass:
    cls = db_session.scalar(select(CatalogClass).where(
        CatalogClass.edition == edition, CatalogClass.kind == kind, CatalogClass.minor_code == minor_code,
        CatalogClass.active.is_(True)))
    if cls is None:
        raise Unprocessable(
            f"Unknown category: {kind} {minor_code} is not an active class of {edition}.",
            f"未知类别：{edition} 中没有启用的{'部件' if kind == 'component' else '事件'}小类 {minor_code}。",
        )
    return cls


@dataclass
class NewReport:
    """What intake created, so the response needs no second round of queries."""

    case: Case
    created: bool
    event: CaseEvent | None = None
    photos: list[Photo] = field(default_factory=list)
    placement: Placement | None = None
    category_names: tuple[str, str] | None = None  # (zh, en) of its catalog class


def create_report(
    *, db_session: Session, cache: SpatialCache, edition: str, user: User, report: ReportCreate,
    photos: list[StoredPhoto], timezone: str, now: datetime | None = None,
) -> NewReport:
    """Create the case with its photos (the caller commits).

    A replay with the same UUID and body returns the existing case with ``created=False``.
    New reports are the common case, so the UUID is not looked up first: the insert is tried and
    the unique constraint on ``client_uuid`` tells a replay apart (one statement less per report).
    """
    if user.role not in {r.value for r in wf.REPORT_ROLES}:
        raise Forbidden(f"Role {user.role} may not submit reports.", f"角色 {user.role} 无权上报。")
    digest = request_hash(report, [p.info.sha256 for p in photos])
    try:
        cls = catalog_class(db_session=db_session, edition=edition, kind=report.kind, minor_code=report.minor_code)
        place = place_report(db_session=db_session, cache=cache, lon=report.lon, lat=report.lat, crs=report.crs,
                             minor_code=report.minor_code, kind=report.kind)
    except Unprocessable:
        # A retry of a report accepted earlier still gets its case, even if the class has been
        # retired or the grids redrawn since.
        existing = find_replay(db_session=db_session, client_uuid=report.client_uuid, digest=digest)
        if existing is not None:
            return NewReport(existing, False)
        raise
    now = now or datetime.now(UTC)
    source = "inspector" if user.role == "inspector" else report.source
    case = _new_case(report, place, edition, user, source, digest, now)
    db_session.add(case)
    try:
        db_session.flush()
    except IntegrityError:
        # A replay, or two copies of the same submission racing (the other one won).
        db_session.rollback()
        existing = find_replay(db_session=db_session, client_uuid=report.client_uuid, digest=digest)
        if existing is None:
            raise
        return NewReport(existing, False)
    case.ref = f"GW{now:%Y%m%d}-{case.id:06d}"
    event = _append_event(db_session, case, user, "report", None,
                          case.status, "", {"source": source, "photos": len(photos)}, now)
    rows = add_photo_rows(db_session=db_session, case_id=case.id, photos=photos, kind="before",
                          user_id=user.id, event_id=event.id, timezone=timezone)
    _queue_outbox(db_session, case, "report", now)
    return NewReport(case, True, event, rows, place, (cls.name_zh, cls.name_en))


def _new_case(report: ReportCreate, place: Placement, edition: str, user: User, source: str,
              digest: str, now: datetime) -> Case:
    return Case(
        ref=f"pending-{report.client_uuid}"[:24], client_uuid=report.client_uuid, request_hash=digest,
        source=source, edition=edition, kind=report.kind, minor_code=report.minor_code,
        description=report.description, address=report.address, grid_code=place.grid_code,
        community_code=place.community_code, street_code=place.street_code,
        component_id=place.component_id, observation_point_id=place.observation_point_id,
        reporter_user_id=user.id, reporter_name=report.reporter_name or user.display_name,
        reporter_contact=report.reporter_contact, owner_user_id=user.id if user.role == "operator" else None,
        status=wf.INITIAL_STATUS.value, priority=report.priority, reported_at=now, updated_at=now,
        geom=point_value(place.lon, place.lat),
    )


def _append_event(db: Session, case: Case, user: User | None, action: str, from_status: str | None,
                  to_status: str, note: str, data: dict, now: datetime) -> CaseEvent:
    values = {"case_id": case.id, "at": now, "actor_user_id": None if user is None else user.id, "action": action,
              "from_status": from_status, "to_status": to_status, "note": note,
              "data_json": json.dumps(data, ensure_ascii=False, default=str)}
    # A Core insert: the event is append-only and never changed through the session, so the
    # unit of work would only add cost. The returned object is detached, for the response.
    event_id = db.execute(_INSERT_EVENT, values).scalar_one()
    return CaseEvent(id=event_id, **values)


def _queue_outbox(db: Session, case: Case, action: str, now: datetime) -> None:
    payload = {
        "format": "gridwatch.case-event", "version": 1, "action": action, "at": now.isoformat(),
        "case": {"ref": case.ref, "status": case.status, "edition": case.edition, "kind": case.kind,
                 "class_code": case.minor_code, "grid_code": case.grid_code,
                 "community_code": case.community_code, "street_code": case.street_code,
                 "component_id": case.component_id, "department_id": case.department_id,
                 "due_at": case.due_at.isoformat() if case.due_at else None},
    }
    db.execute(_INSERT_OUTBOX, {"destination": UPPER_PLATFORM, "case_id": case.id, "created_at": now,
                                "payload_json": json.dumps(payload, ensure_ascii=False), "next_attempt_at": now})


def _photo_count(db: Session, case: Case, since: datetime | None, *, kind: str | None, role: str) -> int:
    stmt = (select(func.count()).select_from(Photo).join(User, User.id == Photo.uploaded_by)
            .where(Photo.case_id == case.id, Photo.case_event_id.is_(None), User.role == role))
    if kind:
        stmt = stmt.where(Photo.kind == kind)
    if since is not None:
        stmt = stmt.where(Photo.created_at >= since)
    return int(db.scalar(stmt) or 0)


def _context(db: Session, case: Case, user: User, req: ActionRequest, calendar: WorkCalendar,
             now: datetime) -> dict:
    new_due = req.new_due
    if req.action == wf.Action.APPROVE_EXTENSION and new_due is None and req.extension_amount and case.due_at:
        _, unit = time_limit(db_session=db, case=case)
        new_due = extend(case.due_at, req.extension_amount, unit, calendar)
    department_id = req.department_id
    if req.action == wf.Action.DISPATCH and department_id is None:
        department_id = route_case(db_session=db, case=case)
    return {
        "case_id": case.id, "note": req.note, "department_id": department_id,
        "target_case_id": req.target_case_id, "new_due": new_due, "current_due": case.due_at,
        "category_code": case.minor_code,
        "needs_verification": case.source in HOTLINE_CHANNELS and case.verified_at is None,
        "is_hotline": case.source in HOTLINE_CHANNELS, "previous_status": case.previous_status,
        "after_photo_count": _photo_count(db, case, case.dispatched_at, kind="after", role="department"),
        "check_photo_count": _photo_count(db, case, case.check_requested_at, kind=None, role="inspector"),
    }


def transition(
    *, db_session: Session, case_id: int, user: User, req: ActionRequest, calendar: WorkCalendar,
    now: datetime | None = None,
) -> Case:
    """Apply one workflow action to a case (the caller commits)."""
    now = now or datetime.now(UTC)
    case = db_session.get(Case, case_id, with_for_update=db_session.get_bind().dialect.name != "sqlite")
    if case is None:
        raise NotFound(f"Case {case_id} does not exist.", f"案件 {case_id} 不存在。")
    ensure_visible(db_session=db_session, user=user, case=case)
    if req.expected_version is not None and req.expected_version != case.version:
        raise Conflict(f"Case {case.ref} changed meanwhile (version {case.version}); reload and try again.",
                       f"案件 {case.ref} 已被他人修改（版本 {case.version}），请刷新后重试。")
    ctx = _context(db_session, case, user, req, calendar, now)
    try:
        step = wf.plan_transition(case.status, req.action, user.role, ctx)
    except WorkflowError as exc:
        raise _as_domain_error(exc) from None
    old = case.status
    _apply(db_session, case, step, ctx, user, calendar, now)
    _append_event(db_session, case, user, str(step.action), old, case.status, req.note,
                  {k: ctx[k] for k in ("department_id", "target_case_id", "new_due") if ctx.get(k) is not None},
                  now)
    # Photos uploaded for this step belong to its event from now on.
    event_id = db_session.scalar(select(func.max(CaseEvent.id)).where(CaseEvent.case_id == case.id))
    for photo in db_session.scalars(select(Photo).where(Photo.case_id == case.id, Photo.case_event_id.is_(None),
                                                        Photo.uploaded_by == user.id)):
        photo.case_event_id = event_id
    _queue_outbox(db_session, case, str(step.action), now)
    return case


def _apply(db: Session, case: Case, step: wf.Transition, ctx: dict, user: User, calendar: WorkCalendar,
           now: datetime) -> None:
    A = wf.Action
    if step.next_status in (wf.Status.RETURN_REQUESTED, wf.Status.EXTENSION_REQUESTED,
                            wf.Status.SHELVING_REQUESTED, wf.Status.VOID_REQUESTED):
        case.previous_status = case.status
    case.status = step.next_status.value
    for stamp in step.timestamp_fields:
        setattr(case, stamp, now)
    case.updated_at = now
    action = step.action
    if action == A.DISPATCH:
        case.department_id = ctx["department_id"]
        case.due_at = due_from(db_session=db, case=case, start=now, calendar=calendar)
        case.handled_on_time = case.closed_on_time = None
    elif step.counts_as_rework:
        case.rework_count += 1
        case.due_at = due_from(db_session=db, case=case, start=now, calendar=calendar)
    elif action == A.APPROVE_RETURN:
        case.return_count += 1
        case.department_id, case.due_at = None, None
    elif action == A.APPROVE_EXTENSION:
        case.extension_count += 1
        case.due_at = ctx["new_due"]
    elif action == A.HANDLE:
        case.handled_on_time = case.due_at is None or now <= case.due_at
    elif action == A.CLOSE:
        case.closed_on_time = case.due_at is None or now <= case.due_at
    elif action == A.MERGE:
        _check_merge_target(db, case, ctx["target_case_id"])
        case.merged_into_id = ctx["target_case_id"]
    elif action == A.REOPEN:
        case.closed_at = None
    if action in (A.REQUEST_VERIFY, A.REQUEST_CHECK):
        _create_task(db, case, "verify" if action == A.REQUEST_VERIFY else "check", calendar, now)
    elif action in (A.VERIFY, A.VERIFY_FAIL, A.CHECK_PASS, A.CHECK_FAIL):
        _complete_task(db, case, "verify" if action in (A.VERIFY, A.VERIFY_FAIL) else "check", user,
                       "passed" if action in (A.VERIFY, A.CHECK_PASS) else "failed", ctx["note"], now)


def _check_merge_target(db: Session, case: Case, target_id: int) -> None:
    target = db.get(Case, target_id)
    if target is None or not wf.is_open(target.status) or target.merged_into_id is not None:
        raise Unprocessable(f"Case {target_id} cannot absorb duplicates: it does not exist or is closed.",
                            f"案件 {target_id} 不存在或已结束，不能作为合并目标。")


def _create_task(db: Session, case: Case, kind: str, calendar: WorkCalendar, now: datetime) -> None:
    assignee = db.scalar(select(User.id).join(UserGrid, UserGrid.user_id == User.id).where(
        UserGrid.grid_code == case.grid_code, User.role == "inspector", User.active.is_(True)).order_by(User.id))
    due = add_working_time(now, TASK_LIMIT[0], TASK_LIMIT[1], calendar)
    db.add(Task(case_id=case.id, kind=kind, grid_code=case.grid_code, assignee_user_id=assignee,
                created_at=now, due_at=due))


def _complete_task(db: Session, case: Case, kind: str, user: User, result: str, note: str,
                   now: datetime) -> None:
    task = db.scalar(select(Task).where(Task.case_id == case.id, Task.kind == kind,
                                        Task.completed_at.is_(None)).order_by(Task.id.desc()))
    if task is not None:
        task.completed_at, task.result, task.note = now, result, note
        task.assignee_user_id = task.assignee_user_id or user.id


def _as_domain_error(exc: WorkflowError) -> Forbidden | Unprocessable | InvalidTransition:
    details = {"code": exc.code}
    if isinstance(exc, ActionForbidden):
        return Forbidden(exc.message_en, exc.message_zh, details)
    if isinstance(exc, GuardFailed):
        return Unprocessable(exc.message_en, exc.message_zh, {**details, "guards": list(exc.guards)})
    return InvalidTransition(exc.message_en, exc.message_zh, details)

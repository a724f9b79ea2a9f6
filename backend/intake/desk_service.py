"""The hotline desk's steps: register, pre-check, claim, callback (满意度回访), reopen on a
justified complaint, and the operator's queues. Status changes go through the case service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.cases import workflow as wf
from backend.cases.locate import SpatialCache
from backend.cases.schemas import ActionRequest, ReportCreate
from backend.cases.visibility import contact_for, description_for, ensure_visible
from backend.duplicates.service import Candidate, find_duplicates, inform_reporters, reporters_of
from backend.emergency.service import EmergencyFlag, check_text, flag_for_case, flag_from_matches
from backend.errors import Conflict, Forbidden, NotFound
from backend.intake import desk_schemas as ds
from backend.intake.create import create_case
from backend.intake.events import note_event
from backend.intake.pipeline import after_create
from backend.intake.privacy import masked, redact_phone_numbers
from backend.knowledge.service import answer_text, search
from backend.models import Case, EmergencyTransfer, User
from backend.worktime import WorkCalendar


def desk_case(db: Session, user: User, case: Case, *, in_list: bool = False) -> ds.DeskCase:
    """One case as the desk shows it; in a list the contact is masked and free text redacted even
    for the owner (lists are screenshotted, exported and shared; the detail view is not)."""
    return ds.DeskCase(
        id=case.id, ref=case.ref, channel=case.source, status=case.status,
        status_zh=wf.status_label(case.status, "zh"), status_en=wf.status_label(case.status, "en"),
        status_type=wf.status_type(case.status).value, kind=case.kind, minor_code=case.minor_code,
        description=redact_phone_numbers(case.description) if in_list else description_for(user, case),
        address=case.address, grid_code=case.grid_code, caller_name=case.reporter_name,
        caller_contact=masked(case.reporter_contact) if in_list else contact_for(user, case),
        owner_user_id=case.owner_user_id,
        emergency=case.emergency, priority=case.priority, satisfaction=case.satisfaction,
        reported_at=case.reported_at, allowed_actions=[a.value for a in wf.allowed_actions(case.status, user.role)])


def emergency_read(flag: EmergencyFlag | None) -> ds.EmergencyRead | None:
    return None if flag is None else ds.EmergencyRead(**flag.as_dict())


def duplicate_reads(candidates: list[Candidate]) -> list[ds.DuplicateRead]:
    return [ds.DuplicateRead(case_id=c.case_id, ref=c.ref, status=c.status, reported_at=c.reported_at,
                             distance_m=c.distance_m, same_component=c.same_component,
                             description=redact_phone_numbers(c.description))
            for c in candidates]


def pre_check(*, db_session: Session, body: ds.PreCheck) -> ds.PreCheckResult:
    flag = flag_from_matches(check_text(db_session=db_session, text=body.description, minor_code=body.minor_code))
    duplicates: list[Candidate] = []
    if body.kind and body.minor_code and body.lon is not None and body.lat is not None:
        duplicates = find_duplicates(db_session=db_session, kind=body.kind, minor_code=body.minor_code,
                                     lon=body.lon, lat=body.lat)
    answers = [ds.ArticleHit(id=h.article.id, title_zh=h.article.title_zh, title_en=h.article.title_en,
                             answer_zh=answer_text(h.article, "zh"), answer_en=answer_text(h.article, "en"),
                             score=h.score)
               for h in search(db_session=db_session, query=body.description, minor_code=body.minor_code, limit=5)]
    return ds.PreCheckResult(emergency=emergency_read(flag), duplicates=duplicate_reads(duplicates), answers=answers)


def register(*, db_session: Session, cache: SpatialCache, edition: str, user: User, body: ds.DeskRequest,
             timezone: str) -> ds.DeskOutcome:
    """Create the hotline case (owned by this operator) and run the intake checks at once."""
    report = ReportCreate(
        client_uuid=body.client_uuid or str(uuid.uuid4()), source=body.channel, kind=body.kind,
        minor_code=body.minor_code, lon=body.lon, lat=body.lat, crs=body.crs, address=body.address,
        description=body.description, priority=body.priority, reporter_name=body.caller_name,
        reporter_contact=body.caller_contact)
    case, created = create_case(db_session=db_session, cache=cache, edition=edition, user=user, report=report,
                                photos=[], timezone=timezone)
    outcome = after_create(db_session=db_session, case=case, user=user, created=created)
    flag = outcome.emergency or flag_for_case(db_session=db_session, case=case)
    return ds.DeskOutcome(case=desk_case(db_session, user, case), created=created, emergency=emergency_read(flag),
                          duplicates=duplicate_reads(outcome.duplicates))


def get_case(db: Session, user: User, case_id: int) -> Case:
    case = db.get(Case, case_id)
    if case is None:
        raise NotFound(f"Case {case_id} does not exist.", f"案件 {case_id} 不存在。")
    ensure_visible(db_session=db, user=user, case=case)
    return case


def claim(*, db_session: Session, user: User, case_id: int) -> Case:
    """Take ownership of an unowned case (from another channel); an owned one stays with its owner."""
    case = get_case(db_session, user, case_id)
    if case.owner_user_id not in (None, user.id):
        raise Conflict("Another operator owns this case.", "该案件已由其他受理员负责。")
    if case.owner_user_id is None:
        case.owner_user_id = user.id
        note_event(db_session, case, user, "claim", "", {"owner_user_id": user.id})
    return case


def _require_owner(case: Case, user: User) -> None:
    if case.owner_user_id not in (None, user.id):
        raise Forbidden("Only the operator owning this case may call the caller back.",
                        "仅负责该案件的受理员可以回访来电人。")


def callback(*, db_session: Session, user: User, case_id: int, body: ds.CallbackRequest,
             calendar: WorkCalendar, now: datetime | None = None) -> Case:
    """Record the caller's satisfaction after closure; a justified dissatisfaction reopens the case."""
    now = now or datetime.now(UTC)
    case = get_case(db_session, user, case_id)
    _require_owner(case, user)
    if wf.is_open(case.status):
        raise Conflict("A callback is made after the case is finished.", "案件办结后方可回访。",
                       {"status": case.status})
    case.owner_user_id = user.id
    case.satisfaction = body.satisfaction
    note_event(db_session, case, user, "callback", body.note,
               {"satisfaction": body.satisfaction, "justified": body.justified}, now)
    inform_reporters(db_session=db_session, case=case, user=user, now=now)
    if body.satisfaction == "dissatisfied" and body.justified:
        reason = body.note.strip() or "来电人不满意，经核实诉求合理，重新办理。"
        case = case_service.transition(db_session=db_session, case_id=case_id, user=user, calendar=calendar,
                                       now=now, req=ActionRequest(action="reopen", note=reason))
    return case


def reporters(*, db_session: Session, user: User, case_id: int) -> list[ds.ReporterRead]:
    case = get_case(db_session, user, case_id)
    show = user.role == "operator" and case.owner_user_id in (None, user.id)
    return [ds.ReporterRead(origin_case_id=r.origin_case_id, channel=r.channel, name=r.name,
                            contact=r.contact if show else masked(r.contact), added_at=r.added_at,
                            informed_at=r.informed_at, informed_status=r.informed_status)
            for r in reporters_of(db_session, case.id)]


def queue(*, db_session: Session, user: User) -> ds.DeskQueue:
    """The operator's desk: undecided emergencies first, then own open cases, then callbacks due."""
    undecided = select(EmergencyTransfer.case_id).where(EmergencyTransfer.transferred_at.is_(None),
                                                        EmergencyTransfer.dismissed_at.is_(None))
    emergencies = db_session.scalars(select(Case).where(Case.id.in_(undecided), Case.status == "reported")
                                     .order_by(Case.reported_at))
    open_statuses = [s.value for s in wf.Status if wf.is_open(s)]
    mine = db_session.scalars(select(Case).where(Case.owner_user_id == user.id, Case.status.in_(open_statuses))
                              .order_by(Case.reported_at.desc()).limit(100))
    finished = [s.value for s in wf.Status if not wf.is_open(s) and s.value not in ("merged", "transferred")]
    due = db_session.scalars(select(Case).where(Case.owner_user_id == user.id, Case.status.in_(finished),
                                                Case.satisfaction.is_(None))
                             .order_by(Case.reported_at).limit(100))
    return ds.DeskQueue(emergencies=[desk_case(db_session, user, c, in_list=True) for c in emergencies],
                        open_cases=[desk_case(db_session, user, c, in_list=True) for c in mine],
                        callbacks_due=[desk_case(db_session, user, c, in_list=True) for c in due])

"""The hotline desk API (/api/desk): register, locate, pre-check, answer on the spot, send on,
emergencies, duplicates, ownership, callback, reporters, the operator's queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from backend.admin.service import get_work_calendar
from backend.auth.deps import BearerAuthRoute, require_roles
from backend.cases import service as case_service
from backend.cases.schemas import ActionRequest
from backend.catalog.service import get_active_edition
from backend.deps import AppSettings, DbSession
from backend.duplicates import service as duplicates
from backend.emergency import service as emergency
from backend.intake import desk_schemas as ds
from backend.intake import desk_service as desk
from backend.intake.geocode import geocode, reverse
from backend.knowledge.service import answer_from_article
from backend.models import User
from backend.worktime import WorkCalendar

router = APIRouter(prefix="/api/desk", tags=["hotline desk"], route_class=BearerAuthRoute)
Operator = Annotated[User, Depends(require_roles("operator"))]
Centre = Annotated[User, Depends(require_roles("operator", "shift_leader"))]


def _calendar(db: DbSession, settings: AppSettings) -> WorkCalendar:
    return get_work_calendar(db_session=db, default_timezone=settings.timezone)


Calendar = Annotated[WorkCalendar, Depends(_calendar)]


def _case(db, user, case_id: int) -> ds.DeskCase:
    return desk.desk_case(db, user, desk.get_case(db, user, case_id))


class GeoCandidateRead(BaseModel):
    kind: str
    code: str
    name: str
    lon: float
    lat: float
    score: float
    grid_code: str | None


@router.get("/geocode", response_model=list[GeoCandidateRead])
def geocode_address(_: Centre, db: DbSession, q: Annotated[str, Query(min_length=1, max_length=200)]
                    ) -> list[GeoCandidateRead]:
    """Candidates for an address: observation points, roads, communities, streets, grids."""
    return [GeoCandidateRead(**c.__dict__) for c in geocode(db_session=db, query=q)]


@router.get("/reverse")
def reverse_geocode(request: Request, _: Centre, db: DbSession, lon: float, lat: float,
                    crs: Annotated[str, Query(pattern="^(wgs84|cgcs2000|gcj02|bd09)$")] = "wgs84") -> dict:
    """Where a map click lands (grid, community, street, nearby observation point)."""
    return reverse(db_session=db, cache=request.app.state.spatial_cache, lon=lon, lat=lat, crs=crs).__dict__


@router.post("/check", response_model=ds.PreCheckResult)
def check(body: ds.PreCheck, _: Centre, db: DbSession) -> ds.PreCheckResult:
    """Emergency rules, possible duplicates and knowledge-base answers for what the caller says."""
    return desk.pre_check(db_session=db, body=body)


@router.post("/requests", response_model=ds.DeskOutcome, status_code=201)
def register(body: ds.DeskRequest, request: Request, response: Response, user: Operator, db: DbSession,
             settings: AppSettings) -> ds.DeskOutcome:
    """Register a request; the answer says at once whether it is an emergency and lists duplicates."""
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    outcome = desk.register(db_session=db, cache=request.app.state.spatial_cache, edition=edition, user=user,
                            body=body, timezone=settings.timezone)
    db.commit()
    if not outcome.created:
        response.status_code = 200
    return outcome


@router.get("/queue", response_model=ds.DeskQueue)
def my_queue(user: Operator, db: DbSession) -> ds.DeskQueue:
    return desk.queue(db_session=db, user=user)


@router.get("/cases/{case_id}", response_model=ds.DeskCase)
def get_case(case_id: int, user: Centre, db: DbSession) -> ds.DeskCase:
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/answer", response_model=ds.DeskCase)
def answer(case_id: int, body: ds.AnswerRequest, user: Operator, db: DbSession, calendar: Calendar) -> ds.DeskCase:
    """即时答复: answer on the spot from the knowledge base (the case closes as answered)."""
    answer_from_article(db_session=db, case_id=case_id, article_id=body.article_id, answer=body.answer, user=user,
                        calendar=calendar)
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/send-to-verify", response_model=ds.DeskCase)
def send_to_verify(case_id: int, body: ds.NoteRequest, user: Operator, db: DbSession,
                   calendar: Calendar) -> ds.DeskCase:
    """Send on: a verify task (核实) for the inspector of the case's grid."""
    case_service.transition(db_session=db, case_id=case_id, user=user, calendar=calendar,
                            req=ActionRequest(action="request_verify", note=body.note))
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/merge", response_model=ds.DeskCase)
def merge(case_id: int, body: ds.MergeRequest, user: Centre, db: DbSession, calendar: Calendar) -> ds.DeskCase:
    """Merge this request into an open case it duplicates; its reporters move to that case."""
    duplicates.merge(db_session=db, case_id=case_id, target_case_id=body.target_case_id, user=user,
                     note=body.note, calendar=calendar)
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/emergency/transfer", response_model=ds.DeskCase)
def transfer_emergency(case_id: int, body: ds.NoteRequest, user: Centre, db: DbSession,
                       calendar: Calendar) -> ds.DeskCase:
    """Record the hand-off to 110/119/120/122 (the case closes as transferred)."""
    emergency.transfer(db_session=db, case_id=case_id, user=user, note=body.note, calendar=calendar)
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/emergency/dismiss", response_model=ds.DeskCase)
def dismiss_emergency(case_id: int, body: ds.NoteRequest, user: Centre, db: DbSession) -> ds.DeskCase:
    """A false alarm: continue as an ordinary request (the reason is required and recorded)."""
    if not body.note.strip():
        from backend.errors import Unprocessable

        raise Unprocessable("Say why this is not an emergency.", "请说明为何不属于紧急事件。")
    emergency.dismiss(db_session=db, case_id=case_id, user=user, note=body.note)
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/claim", response_model=ds.DeskCase)
def claim(case_id: int, user: Operator, db: DbSession) -> ds.DeskCase:
    """Own the case from here to the callback."""
    desk.claim(db_session=db, user=user, case_id=case_id)
    db.commit()
    return _case(db, user, case_id)


@router.post("/cases/{case_id}/callback", response_model=ds.DeskCase)
def callback(case_id: int, body: ds.CallbackRequest, user: Operator, db: DbSession,
             calendar: Calendar) -> ds.DeskCase:
    """满意度回访: record satisfaction; a justified dissatisfaction reopens the case."""
    desk.callback(db_session=db, user=user, case_id=case_id, body=body, calendar=calendar)
    db.commit()
    return _case(db, user, case_id)


@router.get("/cases/{case_id}/reporters", response_model=list[ds.ReporterRead])
def case_reporters(case_id: int, user: Centre, db: DbSession) -> list[ds.ReporterRead]:
    """Everyone who reported this problem (merged duplicates included) and whether they were told."""
    return desk.reporters(db_session=db, user=user, case_id=case_id)


@router.post("/cases/{case_id}/inform")
def inform(case_id: int, user: Centre, db: DbSession) -> dict:
    """Tell every reporter of a finished case its outcome (recorded once per outcome)."""
    case = desk.get_case(db, user, case_id)
    informed = duplicates.inform_reporters(db_session=db, case=case, user=user)
    db.commit()
    return {"informed": informed}

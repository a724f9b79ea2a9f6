"""Case API: reports (idempotent, with photos), lists, details, actions, photos, the task inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.datastructures import UploadFile as StarletteUpload

from backend.admin.service import WORK_CALENDAR_KEY, calendar_from_setting, get_work_calendar
from backend.auth.deps import CurrentUser
from backend.cases import queries, service
from backend.cases.photos import (
    StoredPhoto,
    add_photo_rows,
    make_copies_later,
    photo_store,
    process_and_store,
    served_key,
)
from backend.cases.schemas import ActionRequest, CaseDetail, CasePage, ReportCreate, TaskRead
from backend.catalog.service import ACTIVE_EDITION_KEY, edition_from_setting
from backend.db import write_turn
from backend.deps import AppSettings, DbSession
from backend.errors import Conflict, NotFound, PayloadTooLarge, Unprocessable
from backend.models import Photo, Setting
from backend.photos.processing import PhotoError
from backend.worktime import WorkCalendar

router = APIRouter(prefix="/api", tags=["cases"])
MAX_PHOTOS_PER_REQUEST = 9


def work_calendar(db: DbSession, settings: AppSettings) -> WorkCalendar:
    return get_work_calendar(db_session=db, default_timezone=settings.timezone)


Calendar = Annotated[WorkCalendar, Depends(work_calendar)]

REPORT_BODY_DOC = {
    "requestBody": {"content": {
        "application/json": {"schema": ReportCreate.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "report": {"type": "string", "description": "the report as JSON (ReportCreate)"},
            "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    }, "required": True},
}


async def _read_report(request: Request, settings) -> tuple[ReportCreate, list[bytes]]:
    length = int(request.headers.get("content-length") or 0)
    limit = settings.max_photo_bytes * MAX_PHOTOS_PER_REQUEST + 1_000_000
    if length > limit:
        raise PayloadTooLarge(f"The request is {length / 1e6:.1f} MB; at most {limit / 1e6:.0f} MB is accepted.",
                              f"请求大小 {length / 1e6:.1f} MB，超过上限 {limit / 1e6:.0f} MB。")
    ctype = request.headers.get("content-type", "")
    try:
        if ctype.startswith("multipart/form-data"):
            form = await request.form(max_files=MAX_PHOTOS_PER_REQUEST, max_fields=20)
            raw = form.get("report")
            if not isinstance(raw, str):
                raise Unprocessable("Multipart reports need a 'report' field holding the report as JSON.",
                                    "multipart 上报需要包含 JSON 格式的 report 字段。")
            report = ReportCreate.model_validate_json(raw)
            # Starlette's form yields its own UploadFile class (FastAPI's is a subclass of it).
            files = [f for f in form.getlist("photos") if isinstance(f, StarletteUpload)]
            blobs = [await f.read() for f in files]
        else:
            report, blobs = ReportCreate.model_validate_json(await request.body()), []
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise Unprocessable(f"The report is not valid: {problems}", f"上报内容有误：{problems}",
                            exc.errors(include_url=False, include_context=False, include_input=False)) from None
    return report, blobs


async def _store_photos(blobs: list[bytes], settings) -> list[StoredPhoto]:
    store = photo_store(settings)
    stored = []
    for i, data in enumerate(blobs, start=1):
        try:
            stored.append(await run_in_threadpool(process_and_store, data, settings=settings, store=store))
        except PhotoError as exc:
            exc.message_en = f"Photo {i}: {exc.message_en}"
            exc.message_zh = f"第 {i} 张照片：{exc.message_zh}"
            raise
    return stored


@router.post("/reports", status_code=201, response_model=CaseDetail, openapi_extra=REPORT_BODY_DOC)
async def create_report(request: Request, response: Response, background: BackgroundTasks, user: CurrentUser,
                        db: DbSession, settings: AppSettings) -> CaseDetail:
    """Submit a report (JSON, or multipart with photos). Retrying with the same ``client_uuid``
    returns the same case (200); the same UUID with a different body is 409."""
    report, blobs = await _read_report(request, settings)
    # Files first (content-addressed, atomic), then one transaction for the case and its rows.
    stored = await _store_photos(blobs, settings)
    # The database work is blocking: keep it off the event loop.
    detail, created = await run_in_threadpool(
        _save_report, db, request.app.state.spatial_cache, user, report, stored, settings)
    if not created:
        response.status_code = 200
    if stored:
        background.add_task(make_copies_later, stored, settings)
    return detail


def _intake_settings(db, settings) -> tuple[str, WorkCalendar]:
    """The active catalog edition and the work calendar, in one query."""
    stored = dict(db.execute(select(Setting.key, Setting.value_json)
                             .where(Setting.key.in_((ACTIVE_EDITION_KEY, WORK_CALENDAR_KEY)))).all())
    return (edition_from_setting(stored.get(ACTIVE_EDITION_KEY), settings.catalog_edition),
            calendar_from_setting(stored.get(WORK_CALENDAR_KEY), settings.timezone))


def _save_report(db, cache, user, report: ReportCreate, stored: list[StoredPhoto],
                 settings) -> tuple[CaseDetail, bool]:
    edition, calendar = _intake_settings(db, settings)
    try:
        with write_turn(db):
            new = service.create_report(db_session=db, cache=cache, edition=edition, user=user, report=report,
                                        photos=stored, timezone=settings.timezone)
            db.commit()
    except IntegrityError:
        db.rollback()
        case = service.find_replay(db_session=db, client_uuid=report.client_uuid,
                                   digest=service.request_hash(report, [p.info.sha256 for p in stored]))
        if case is None:
            raise
        new = service.NewReport(case, False)
    if new.created:
        return queries.new_case_detail(db_session=db, user=user, new=new, calendar=calendar), True
    return queries.case_detail(db_session=db, user=user, case_id=new.case.id, calendar=calendar), False


@router.get("/cases", response_model=CasePage)
def list_cases(
    user: CurrentUser, db: DbSession, calendar: Calendar,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    grid: str | None = None, community: str | None = None, street: str | None = None,
    category: Annotated[str | None, Query(description="catalog minor code")] = None,
    kind: str | None = None, status: Annotated[list[str] | None, Query()] = None,
    status_type: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    source: str | None = None, department: int | None = None,
    reported_from: datetime | None = None, reported_to: datetime | None = None, overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> CasePage:
    filters = queries.CaseFilter(
        bbox=_parse_bbox(bbox), grid_code=grid, community_code=community, street_code=street,
        minor_code=category, kind=kind, status=status, status_type=status_type, source=source,
        department_id=department, reported_from=reported_from, reported_to=reported_to, overdue=overdue)
    total, items = queries.list_cases(db_session=db, user=user, filters=filters, limit=limit, offset=offset,
                                      calendar=calendar)
    return CasePage(total=total, limit=limit, offset=offset, items=items)


def _parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in raw.split(","))
    except ValueError:
        raise Unprocessable("bbox must be four numbers: minlon,minlat,maxlon,maxlat.",
                            "bbox 须为四个数：最小经度,最小纬度,最大经度,最大纬度。") from None
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise Unprocessable("bbox is out of range or min ≥ max.", "bbox 超出范围或最小值不小于最大值。")
    return minx, miny, maxx, maxy


@router.get("/cases/{case_id}", response_model=CaseDetail)
def get_case(case_id: int, user: CurrentUser, db: DbSession, calendar: Calendar) -> CaseDetail:
    return queries.case_detail(db_session=db, user=user, case_id=case_id, calendar=calendar)


@router.post("/cases/{case_id}/actions", response_model=CaseDetail)
def act_on_case(case_id: int, req: ActionRequest, user: CurrentUser, db: DbSession,
                calendar: Calendar) -> CaseDetail:
    """Perform one workflow action (the buttons are ``allowed_actions`` in the case detail)."""
    service.transition(db_session=db, case_id=case_id, user=user, req=req, calendar=calendar)
    try:
        db.commit()
    except StaleDataError:
        db.rollback()
        raise Conflict("The case changed while you were acting on it; reload and try again.",
                       "案件已被他人修改，请刷新后重试。") from None
    return queries.case_detail(db_session=db, user=user, case_id=case_id, calendar=calendar)


@router.post("/cases/{case_id}/photos", status_code=201, response_model=CaseDetail)
async def add_photos(case_id: int, photos: list[UploadFile], background: BackgroundTasks, user: CurrentUser,
                     db: DbSession, settings: AppSettings, calendar: Calendar,
                     kind: Annotated[str, Query(pattern="^(before|after|evidence)$")] = "after") -> CaseDetail:
    """Attach photos to a case, e.g. the department's after-photos before it reports "handled"."""
    queries.case_detail(db_session=db, user=user, case_id=case_id, calendar=calendar)  # 404 if not visible
    if not photos or len(photos) > MAX_PHOTOS_PER_REQUEST:
        raise Unprocessable(f"Send 1 to {MAX_PHOTOS_PER_REQUEST} photos.", f"请上传 1 至 {MAX_PHOTOS_PER_REQUEST} 张照片。")
    stored = await _store_photos([await p.read() for p in photos], settings)
    existing = set(db.scalars(select(Photo.sha256).where(Photo.case_id == case_id, Photo.kind == kind)))
    fresh = [p for p in stored if p.info.sha256 not in existing]  # a retried upload adds nothing
    add_photo_rows(db_session=db, case_id=case_id, photos=fresh, kind=kind, user_id=user.id, event_id=None,
                   timezone=settings.timezone)
    db.commit()
    background.add_task(make_copies_later, stored, settings)
    return queries.case_detail(db_session=db, user=user, case_id=case_id, calendar=calendar)


@router.get("/photos/{photo_id}", response_class=FileResponse)
def get_photo(photo_id: int, user: CurrentUser, db: DbSession, settings: AppSettings, calendar: Calendar,
              variant: Annotated[str, Query(pattern="^(display|thumb)$")] = "display") -> FileResponse:
    """An EXIF-free copy of a photo (the original, with its GPS, is never served here)."""
    photo = db.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"Photo {photo_id} does not exist.", f"照片 {photo_id} 不存在。")
    queries.case_detail(db_session=db, user=user, case_id=photo.case_id, calendar=calendar)
    store = photo_store(settings)
    key = served_key(store, photo, variant, max_pixels=settings.max_photo_pixels)
    media = "image/png" if key.endswith(".png") else "image/jpeg"
    return FileResponse(store.path_for(key), media_type=media,
                        headers={"Cache-Control": "private, max-age=86400"})


@router.get("/tasks", response_model=list[TaskRead])
def my_tasks(user: CurrentUser, db: DbSession, include_done: bool = False) -> list[TaskRead]:
    """The inspector's inbox of verify (核实) and check (核查) tasks, most urgent first."""
    return queries.task_inbox(db_session=db, user=user, include_done=include_done)

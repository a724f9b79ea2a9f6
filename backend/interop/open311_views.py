"""Open311 GeoReport v2 at /open311/v2: discovery, services, service definitions, requests
(POST with api_key and media upload, GET with the spec's filters, GET one), tokens.

Every error leaves in the spec's format (``[{"code", "description"}]`` or ``<errors>``) and in the
format the path asked for, whatever raised it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from backend.cases.photos import photo_store, process_and_store
from backend.cases.schemas import ReportCreate
from backend.catalog.service import get_active_edition
from backend.deps import AppSettings, DbSession
from backend.errors import DomainError
from backend.intake.create import create_case
from backend.intake.geocode import geocode
from backend.intake.pipeline import after_create
from backend.interop import open311_service as svc
from backend.interop.clients import authenticate
from backend.interop.open311_format import FORMATS, Open311Error, error_response, format_of, render
from backend.photos.processing import PhotoError

_STATUS_FOR = {401: 403, 422: 400}


class Open311Route(APIRoute):
    """Renders every failure in the spec's error format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def open311_errors(request: Request) -> Response:
            fmt = format_of(request.url.path)
            try:
                return await handler(request)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except DomainError as exc:
                return error_response(fmt, _STATUS_FOR.get(exc.status_code, exc.status_code),
                                      f"{exc.message} / {exc.message_zh}")
            except PhotoError as exc:
                return error_response(fmt, 400, f"media: {exc.message_en} / {exc.message_zh}")
            except (RequestValidationError, ValidationError) as exc:
                problems = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}"
                                     for e in exc.errors()[:5])
                return error_response(fmt, 400, problems)

        return open311_errors


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, f"format {fmt!r} is not supported; use json or xml")
    return fmt


def _lang(request: Request) -> str:
    return request.query_params.get("lang") or request.headers.get("accept-language", "zh-CN")


def _jurisdiction(value: str | None, settings) -> None:
    if value and value != settings.county_code:
        raise Open311Error(404, f"jurisdiction_id {value!r} not found; this endpoint serves {settings.county_code}")


@router.get("/discovery.{fmt}")
def discovery(fmt: str, request: Request, settings: AppSettings) -> Response:
    base = str(request.base_url).rstrip("/") + "/open311/v2"
    doc = svc.discovery(base_url=base, changeset=datetime(2026, 11, 25, tzinfo=UTC),
                        contact="GridWatch public-service centre 城市运行管理服务中心")
    return render(_fmt(fmt), "discovery", doc)


@router.get("/services.{fmt}")
def services(fmt: str, request: Request, db: DbSession, settings: AppSettings,
             jurisdiction_id: str | None = None) -> Response:
    _fmt(fmt)
    _jurisdiction(jurisdiction_id, settings)
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    return render(fmt, "services", svc.list_services(db_session=db, edition=edition, lang=_lang(request)))


@router.get("/services/{service_code}.{fmt}")
def service_definition(service_code: str, fmt: str, request: Request, db: DbSession, settings: AppSettings,
                       jurisdiction_id: str | None = None) -> Response:
    _fmt(fmt)
    _jurisdiction(jurisdiction_id, settings)
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    doc = svc.service_definition(db_session=db, edition=edition, code=service_code, lang=_lang(request))
    return render(fmt, "service_definition", doc)


def _split(value: str | None) -> list[str] | None:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return items or None


@router.get("/requests.{fmt}")
def list_requests(fmt: str, request: Request, db: DbSession, settings: AppSettings,
                  service_request_id: str | None = None, service_code: str | None = None,
                  start_date: str | None = None, end_date: str | None = None, status: str | None = None,
                  jurisdiction_id: str | None = None) -> Response:
    _fmt(fmt)
    _jurisdiction(jurisdiction_id, settings)
    query = svc.RequestQuery(
        service_request_ids=_split(service_request_id), service_codes=_split(service_code),
        start=svc.parse_w3c(start_date, "start_date"), end=svc.parse_w3c(end_date, "end_date"),
        statuses=_split(status))
    cases = svc.find_requests(db_session=db, query=query)
    records = svc.request_records(db_session=db, cases=cases, timezone=settings.timezone, lang=_lang(request))
    return render(fmt, "service_requests", records)


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(service_request_id: str, fmt: str, request: Request, db: DbSession, settings: AppSettings,
                jurisdiction_id: str | None = None) -> Response:
    _fmt(fmt)
    _jurisdiction(jurisdiction_id, settings)
    case = svc.find_request(db_session=db, service_request_id=service_request_id)
    records = svc.request_records(db_session=db, cases=[case], timezone=settings.timezone, lang=_lang(request))
    return render(fmt, "service_requests", records)


@router.get("/tokens/{token}.{fmt}")
def get_token(token: str, fmt: str, db: DbSession, settings: AppSettings,
              jurisdiction_id: str | None = None) -> Response:
    from sqlalchemy import select

    from backend.models import Case

    _fmt(fmt)
    _jurisdiction(jurisdiction_id, settings)
    case = db.scalar(select(Case).where(Case.client_uuid == token, Case.emergency.is_(False)))
    if case is None:
        raise Open311Error(404, f"token {token!r} not found")
    return render(fmt, "service_requests", [svc.token_record(case)])


def _location(form, db) -> tuple[float, float, str]:
    address = str(form.get("address_string") or "")[:300]
    lat, lon = form.get("lat"), form.get("long")
    if lat not in (None, "") and lon not in (None, ""):
        try:
            return float(lon), float(lat), address
        except ValueError:
            raise Open311Error(400, "lat and long must be numbers") from None
    query = address or str(form.get("address_id") or "")
    candidates = geocode(db_session=db, query=query) if query else []
    if not candidates:
        raise Open311Error(400, "a location is required: lat and long, or an address_string we can find")
    return candidates[0].lon, candidates[0].lat, address or candidates[0].name


@router.post("/requests.{fmt}")
async def create_request(fmt: str, request: Request, db: DbSession, settings: AppSettings) -> Response:
    """Create a request (form-encoded, or multipart with a ``media`` file). Requires ``api_key``."""
    _fmt(fmt)
    form = await request.form(max_files=1, max_fields=60)
    _jurisdiction(form.get("jurisdiction_id"), settings)
    _, user = authenticate(db_session=db, key=form.get("api_key"), kind="open311")
    code = str(form.get("service_code") or "")
    if not code:
        raise Open311Error(400, "service_code is required")
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    cls = svc.check_service(db_session=db, edition=edition, code=code)
    lon, lat, address = _location(form, db)
    attributes = {k[len("attribute["):-1]: str(v) for k, v in form.multi_items()
                  if k.startswith("attribute[") and k.endswith("]")}
    description = str(form.get("description") or "")[:3800] + svc.attribute_text(cls.kind, attributes)
    media_url = str(form.get("media_url") or "")
    if media_url:
        description += f"\n[media_url: {media_url[:150]}]"
    name = " ".join(str(form.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    contact = str(form.get("phone") or form.get("email") or "")[:100]
    report = ReportCreate(client_uuid=str(uuid.uuid4()), source="app", kind=cls.kind, minor_code=cls.minor_code,
                          lon=lon, lat=lat, address=address, description=description, reporter_name=name[:100],
                          reporter_contact=contact)
    media = form.get("media")
    photos = []
    if isinstance(media, UploadFile):
        data = await media.read()
        if data:
            photos.append(process_and_store(data, settings=settings, store=photo_store(settings)))
    case, created = create_case(
        db_session=db, cache=request.app.state.spatial_cache, edition=edition, user=user, report=report,
        photos=photos, timezone=settings.timezone)
    outcome = after_create(db_session=db, case=case, user=user, created=created)
    db.commit()
    notice = svc.SERVICE_NOTICE_EN if svc.is_english(_lang(request)) else svc.SERVICE_NOTICE_ZH
    if outcome.emergency is not None:
        notice = (f"This may be an emergency: call {outcome.emergency.target} now. "
                  f"可能属于紧急情况，请立即拨打 {outcome.emergency.target}。")
    body = [{"service_request_id": case.ref, "token": case.client_uuid, "service_notice": notice,
             "account_id": str(form.get("account_id") or "")}]
    return render(fmt, "service_requests", body, status=201)

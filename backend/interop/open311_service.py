"""Open311 GeoReport v2 documents built from the catalog and the cases (no web imports).

Service codes are ``<kind>-<minor code>`` of the active catalog edition (``event-06010``): the
two kinds share minor codes in GB/T 47678.5. Public output never carries the caller's name or
contact, and free text is passed through :func:`redact_phone_numbers`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.intake.privacy import redact_phone_numbers
from backend.interop.open311_format import Open311Error
from backend.models import Case, CaseEvent, CatalogClass, Department

MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
SERVICE_NOTICE_ZH = "如遇火灾、燃气泄漏、交通事故、违法犯罪或人身危险，请立即拨打 110/119/120。"
SERVICE_NOTICE_EN = "For fire, gas leaks, traffic accidents, crime or people in danger call 110/119/120 at once."


def is_english(lang: str | None) -> bool:
    return bool(lang) and not lang.lower().startswith("zh")


def service_code(kind: str, minor_code: str) -> str:
    return f"{kind}-{minor_code}"


def parse_service_code(code: str) -> tuple[str, str]:
    kind, _, minor = code.partition("-")
    if kind not in ("event", "component") or not minor.isdigit():
        raise Open311Error(404, f"service_code {code!r} not found")
    return kind, minor


def _class(db: Session, edition: str, code: str) -> CatalogClass:
    kind, minor = parse_service_code(code)
    cls = db.scalar(select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.kind == kind,
                                               CatalogClass.minor_code == minor, CatalogClass.active.is_(True)))
    if cls is None:
        raise Open311Error(404, f"service_code {code!r} not found")
    return cls


def list_services(*, db_session: Session, edition: str, lang: str | None) -> list[dict]:
    rows = db_session.scalars(select(CatalogClass).where(CatalogClass.edition == edition,
                                                         CatalogClass.active.is_(True))
                              .order_by(CatalogClass.kind.desc(), CatalogClass.minor_code))
    en = is_english(lang)
    return [{
        "service_code": service_code(c.kind, c.minor_code),
        "service_name": c.name_en if en else c.name_zh,
        "description": f"{c.name_zh} / {c.name_en}",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k for k in (c.name_zh, c.name_en, c.minor_code) if k),
        "group": f"{c.major_code} {c.major_name_zh} ({'component' if c.kind == 'component' else 'event'})",
    } for c in rows]


def service_definition(*, db_session: Session, edition: str, code: str, lang: str | None) -> dict:
    cls = _class(db_session, edition, code)
    en = is_english(lang)

    def text(zh: str, english: str) -> str:
        return english if en else zh

    attributes = [{
        "variable": True, "code": "hazard", "datatype": "singlevaluelist", "required": False,
        "datatype_description": text("是否危及人身安全", "Does it endanger people?"), "order": 1,
        "description": text("现场是否有人身安全隐患？", "Is anyone at risk on site?"),
        "values": [{"key": "no", "name": text("否", "No")}, {"key": "yes", "name": text("是", "Yes")}],
    }, {
        "variable": True, "code": "landmark", "datatype": "string", "required": False,
        "datatype_description": text("附近标志物", "Nearby landmark"), "order": 2,
        "description": text("附近的门牌、店铺或路口", "House number, shop or crossing nearby"),
    }]
    if cls.kind == "component":
        attributes.append({
            "variable": True, "code": "component_code", "datatype": "string", "required": False,
            "datatype_description": text("16 或 17 位部件编码", "16- or 17-digit component code"), "order": 3,
            "description": text("设施上标注的部件编码（如有）", "The code painted on the facility, if any"),
        })
    return {"service_code": service_code(cls.kind, cls.minor_code), "attributes": attributes}


def attribute_text(cls_kind: str, attributes: dict[str, str]) -> str:
    """Posted attribute[...] values as a line appended to the description (kept with the case)."""
    known = {"hazard": "安全隐患", "landmark": "标志物", "component_code": "部件编码"}
    if cls_kind != "component":
        known.pop("component_code")
    parts = [f"{label}: {attributes[key]}" for key, label in known.items() if attributes.get(key)]
    return ("\n[" + "; ".join(parts) + "]") if parts else ""


def check_service(*, db_session: Session, edition: str, code: str) -> CatalogClass:
    return _class(db_session, edition, code)


@dataclass
class RequestQuery:
    service_request_ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None


def parse_w3c(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2026-01-01T00:00:00Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _public(stmt):
    # Emergencies handed to 110/119/120 are not published: they may concern crimes or victims.
    return stmt.where(Case.emergency.is_(False))


def find_requests(*, db_session: Session, query: RequestQuery, now: datetime | None = None) -> list[Case]:
    stmt = _public(select(Case))
    if query.service_request_ids:
        stmt = stmt.where(Case.ref.in_(query.service_request_ids))
    else:
        now = now or datetime.now(UTC)
        end = query.end or now
        start = query.start or (end - MAX_RANGE)
        if end - start > MAX_RANGE:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days")
        stmt = stmt.where(Case.reported_at >= start, Case.reported_at <= end)
        if query.service_codes:
            pairs = [parse_service_code(c) for c in query.service_codes]
            stmt = stmt.where(or_(*[(Case.kind == k) & (Case.minor_code == m) for k, m in pairs]))
        if query.statuses:
            bad = [s for s in query.statuses if s not in ("open", "closed")]
            if bad:
                raise Open311Error(400, f"status must be open or closed, not {bad[0]!r}")
            wanted = [s.value for s in wf.Status if wf.status_type(s).value in query.statuses]
            stmt = stmt.where(Case.status.in_(wanted))
    return list(db_session.scalars(stmt.order_by(Case.reported_at.desc(), Case.id.desc()).limit(MAX_RESULTS)))


def find_request(*, db_session: Session, service_request_id: str) -> Case:
    case = db_session.scalar(_public(select(Case)).where(Case.ref == service_request_id))
    if case is None:
        raise Open311Error(404, f"service_request_id {service_request_id!r} not found")
    return case


def _last_notes(db: Session, case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    latest = (select(CaseEvent.case_id, func.max(CaseEvent.id).label("last_id"))
              .where(CaseEvent.case_id.in_(case_ids), CaseEvent.note != "").group_by(CaseEvent.case_id).subquery())
    rows = db.execute(select(CaseEvent.case_id, CaseEvent.note).join(latest, latest.c.last_id == CaseEvent.id))
    return {r[0]: r[1] for r in rows}


def request_records(*, db_session: Session, cases: list[Case], timezone: str, lang: str | None) -> list[dict]:
    """Public GeoReport v2 request documents, in the order given."""
    en = is_english(lang)
    zone = ZoneInfo(timezone)
    classes = {(c.edition, c.kind, c.minor_code): c for c in db_session.scalars(
        select(CatalogClass).where(CatalogClass.minor_code.in_({c.minor_code for c in cases})))} if cases else {}
    depts = {d.id: d for d in db_session.scalars(select(Department))} if cases else {}
    notes = _last_notes(db_session, [c.id for c in cases])
    coords = {r[0]: (r[1], r[2]) for r in db_session.execute(
        select(Case.id, func.ST_X(Case.geom), func.ST_Y(Case.geom)).where(Case.id.in_([c.id for c in cases])))}
    records = []
    for case in cases:
        cls = classes.get((case.edition, case.kind, case.minor_code))
        dept = depts.get(case.department_id)
        lon, lat = coords.get(case.id, (None, None))
        label = wf.status_label(case.status, "en" if en else "zh")
        note = redact_phone_numbers(notes.get(case.id, ""))
        if case.merged_into_id:
            note = (note + " " if note else "") + (f"merged into case {case.merged_into_id}" if en
                                                   else f"已合并至案件 {case.merged_into_id}")
        records.append({
            "service_request_id": case.ref,
            "status": wf.status_type(case.status).value,
            "status_notes": f"{label}: {note}" if note else label,
            "service_name": (cls.name_en if en else cls.name_zh) if cls else case.minor_code,
            "service_code": service_code(case.kind, case.minor_code),
            "description": redact_phone_numbers(case.description),
            "agency_responsible": ((dept.name_en or dept.name_zh) if en else dept.name_zh) if dept else "",
            "service_notice": SERVICE_NOTICE_EN if en else SERVICE_NOTICE_ZH,
            "requested_datetime": _w3c(case.reported_at, zone),
            "updated_datetime": _w3c(case.updated_at, zone),
            "expected_datetime": _w3c(case.due_at, zone) if case.due_at else None,
            "address": case.address,
            "address_id": case.grid_code or "",
            "zipcode": "",
            "lat": lat,
            "long": lon,
            "media_url": "",
        })
    return records


def _w3c(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds")


def discovery(*, base_url: str, changeset: datetime, contact: str) -> dict:
    stamp = changeset.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": "API keys are issued by the platform administrator. 接入密钥由平台管理员发放。",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base_url.rstrip("/"),
            "changeset": stamp,
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }


def token_record(case: Case) -> dict:
    return {"service_request_id": case.ref, "token": case.client_uuid}


def json_attributes(raw: dict[str, str]) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)

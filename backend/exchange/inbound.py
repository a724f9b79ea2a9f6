"""Cases transferred to us by the upper platform, received idempotently by their external id,
and their results reported back (pull here; push through the outbox, whose envelopes carry the
``external_id``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.cases.locate import SpatialCache
from backend.cases.schemas import ReportCreate
from backend.errors import Conflict, NotFound
from backend.intake.create import create_case
from backend.intake.pipeline import after_create
from backend.intake.privacy import redact_phone_numbers
from backend.models import Case, CaseEvent, Department, User

# uuid5 namespace: the same external id always maps to the same intake UUID.
EXTERNAL_NAMESPACE = uuid.UUID("5b0a3c1e-7d2f-4e55-9c1a-3f6b8e2d4a10")


class ReporterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=100)
    contact: str = Field(default="", max_length=100)


class TransferIn(BaseModel):
    """A case the upper platform hands to this district (docs/exchange-format.md, "Inbound")."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=64)
    kind: Literal["component", "event"]
    class_code: str = Field(pattern=r"^\d{4,5}$")
    lon: float
    lat: float
    crs: Literal["wgs84", "cgcs2000", "gcj02", "bd09"] = "cgcs2000"
    address: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=4000)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    reporter: ReporterIn = Field(default_factory=ReporterIn)


class TransferResult(BaseModel):
    external_id: str
    case_ref: str
    created: bool
    status: str
    status_type: str
    status_zh: str
    status_en: str
    department: str | None
    result_note: str
    closed_at: datetime | None
    satisfaction: str | None
    emergency: bool


def receive(*, db_session: Session, cache: SpatialCache, edition: str, user: User, transfer: TransferIn,
            timezone: str) -> tuple[Case, bool]:
    """Create the case once; a resend of the same transfer returns it (409 if the content changed)."""
    report = ReportCreate(
        client_uuid=str(uuid.uuid5(EXTERNAL_NAMESPACE, transfer.external_id)), source="provincial",
        kind=transfer.kind, minor_code=transfer.class_code, lon=transfer.lon, lat=transfer.lat, crs=transfer.crs,
        address=transfer.address, description=transfer.description, priority=transfer.priority,
        reporter_name=transfer.reporter.name, reporter_contact=transfer.reporter.contact)
    existing = db_session.scalar(select(Case).where(Case.external_id == transfer.external_id))
    try:
        case, created = create_case(db_session=db_session, cache=cache, edition=edition, user=user, report=report,
                                    photos=[], timezone=timezone)
    except Conflict:
        raise Conflict(f"Transfer {transfer.external_id} was already received with different content.",
                       f"外部编号 {transfer.external_id} 的转办件已接收，但内容不同。",
                       {"external_id": transfer.external_id}) from None
    if existing is not None and existing.id != case.id:
        raise Conflict(f"External id {transfer.external_id} belongs to another case ({existing.ref}).",
                       f"外部编号 {transfer.external_id} 已对应其他案件（{existing.ref}）。")
    if created:
        case.external_id = transfer.external_id
        db_session.flush()
        after_create(db_session=db_session, case=case, user=user, created=True, now=datetime.now(UTC))
    return case, created


def result_of(*, db_session: Session, case: Case, created: bool = False) -> TransferResult:
    note = db_session.scalar(select(CaseEvent.note).where(CaseEvent.case_id == case.id, CaseEvent.note != "")
                             .order_by(CaseEvent.id.desc()).limit(1)) or ""
    dept = db_session.get(Department, case.department_id) if case.department_id else None
    return TransferResult(
        external_id=case.external_id or "", case_ref=case.ref, created=created, status=case.status,
        status_type=wf.status_type(case.status).value, status_zh=wf.status_label(case.status, "zh"),
        status_en=wf.status_label(case.status, "en"), department=dept.name_zh if dept else None,
        result_note=redact_phone_numbers(note), closed_at=case.closed_at, satisfaction=case.satisfaction,
        emergency=case.emergency)


def find_by_external_id(*, db_session: Session, external_id: str) -> Case:
    case = db_session.scalar(select(Case).where(Case.external_id == external_id))
    if case is None:
        raise NotFound(f"No case with external id {external_id}.", f"没有外部编号为 {external_id} 的案件。")
    return case

"""Cases (grid reports and hotline/citizen requests share one table) and what hangs off them.

The status column is written only by ``cases.service.transition`` (see cases/workflow.py);
every change appends a ``CaseEvent`` row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType, UTCDateTime, point_column, utcnow

SOURCE_CHANNELS = (
    "inspector", "phone", "web", "wechat", "weibo", "sms", "app", "provincial", "media", "api", "video",
)
PHOTO_KINDS = ("before", "after", "evidence")


class Case(Base):
    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_record_status_due", "status", "due_at"),
        Index("ix_case_record_reported_at", "reported_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)  # human reference, e.g. GW20260314-00042
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)  # idempotent intake
    request_hash: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # upper platform's id
    source: Mapped[str] = mapped_column(String(20), index=True)
    edition: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))  # component | event
    minor_code: Mapped[str] = mapped_column(String(5), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    community_code: Mapped[str | None] = mapped_column(String(12), index=True)
    street_code: Mapped[str | None] = mapped_column(String(9), index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id"))
    observation_point_id: Mapped[int | None] = mapped_column(ForeignKey("observation_point.id"))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_contact: Mapped[str] = mapped_column(String(100), default="")  # private: masked by role
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # operator owning it
    status: Mapped[str] = mapped_column(String(24), index=True)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One timestamp per loop step, for deadlines and statistics.
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shelved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verify_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The status to restore when a request (void, return, …) is denied.
    previous_status: Mapped[str | None] = mapped_column(String(24))
    handled_on_time: Mapped[bool | None] = mapped_column(Boolean)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic concurrency
    geom = mapped_column(point_column(), nullable=True)

    # Concurrent actions on one case: the second commit fails (StaleDataError → 409) instead of
    # silently overwriting the first.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseEvent(Base):
    """Append-only audit of a case: who did what, from which status to which."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class Task(Base):
    """A field task for an inspector: verify (核实) a public report or check (核查) a handled case."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # verify | check
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(String(12))  # passed | failed
    note: Mapped[str] = mapped_column(Text, default="")


class Photo(Base):
    """A photo stored content-addressed; served copies carry no EXIF."""

    __tablename__ = "photo"
    __table_args__ = (UniqueConstraint("case_id", "sha256", "kind", name="uq_photo_case_sha_kind"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    case_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    mime: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gps_lon: Mapped[float | None] = mapped_column(Float)  # from the original's EXIF; private data
    gps_lat: Mapped[float | None] = mapped_column(Float)
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """Messages for external systems, sent by a worker with retries (order kept per case)."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "dead_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    destination: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    payload_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

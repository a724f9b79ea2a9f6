"""The component/event classification, both editions, with per-class local settings."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType

TIME_LIMIT_UNITS = ("working_hours", "working_days", "calendar_hours")


class CatalogClass(Base):
    """One minor class (小类) of components (部件) or events/items (事件/事项).

    The national code fields come from the standard; the default department, time limit and
    filing/closing conditions are local configuration, edited by the admin.
    """

    __tablename__ = "catalog_class"
    __table_args__ = (UniqueConstraint("edition", "kind", "minor_code", name="uq_catalog_class_edition_kind_minor"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    edition: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # component | event
    major_code: Mapped[str] = mapped_column(String(2))
    major_name_zh: Mapped[str] = mapped_column(String(100))
    minor_code: Mapped[str] = mapped_column(String(5))  # 4 digits (CJ/T 214) or 5 (GB/T 47678.5)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    default_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    time_limit_value: Mapped[float | None] = mapped_column(Float)
    time_limit_unit: Mapped[str | None] = mapped_column(String(20))
    filing_condition: Mapped[str] = mapped_column(Text, default="")
    closing_condition: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Deployment-wide configuration rows (active catalog edition, work calendar, …) as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)

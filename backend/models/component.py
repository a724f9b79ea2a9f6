"""The component (部件) inventory: coded public facilities with a position and a state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType, point_column

COMPONENT_STATES = ("intact", "damaged", "lost", "occupied", "abandoned", "removed")
ACCURACY_CLASSES = ("A", "B", "C")  # ±0.5 m, ±1 m, ±10 m


class Component(Base):
    __tablename__ = "component"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    # 16 digits (CJ/T 214-2007: 6+2+2+6) or 17 (GB/T 47678.5-2026: 6+2+3+6)
    code: Mapped[str] = mapped_column(String(17), unique=True)
    edition: Mapped[str] = mapped_column(String(40))
    minor_code: Mapped[str] = mapped_column(String(5), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    state: Mapped[str] = mapped_column(String(12), default="intact")
    managing_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    owner: Mapped[str] = mapped_column(String(200), default="")
    maintainer: Mapped[str] = mapped_column(String(200), default="")
    accuracy_class: Mapped[str | None] = mapped_column(String(1))
    initial_date: Mapped[date | None] = mapped_column(Date)
    changed_date: Mapped[date | None] = mapped_column(Date)
    data_source: Mapped[str] = mapped_column(String(40), default="")
    external_ref: Mapped[str] = mapped_column(String(100), default="")  # e.g. osm node id
    note: Mapped[str] = mapped_column(Text, default="")
    geom = mapped_column(point_column(), nullable=False)

"""The spatial backbone: county → street → community → unit grid, plus observation points.

Codes follow the national scheme: county 6 digits, street 9, community 12, grid 15.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType, area_column, line_column, point_column


class County(Base):
    __tablename__ = "county"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    geom = mapped_column(area_column(), nullable=True)


class Street(Base):
    """街道 / 乡镇 (9-digit code)."""

    __tablename__ = "street"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(String(6), ForeignKey("county.code"), index=True)
    geom = mapped_column(area_column(), nullable=True)


class Community(Base):
    """社区 / 村 (12-digit code)."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    street_code: Mapped[str] = mapped_column(String(9), ForeignKey("street.code"), index=True)
    geom = mapped_column(area_column(), nullable=True)


class UnitGrid(Base):
    """单元网格: about 10,000 m²; redrawn grids keep their history through valid_from/valid_to."""

    __tablename__ = "unit_grid"
    __table_args__ = (Index("ix_unit_grid_code_valid", "code", "valid_from"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(15), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    community_code: Mapped[str] = mapped_column(String(12), ForeignKey("community.code"), index=True)
    area_m2: Mapped[float] = mapped_column(Float)
    management_level: Mapped[str | None] = mapped_column(String(20))
    responsible_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # NULL = current
    geom = mapped_column(area_column(), nullable=False)


class StreetLine(Base):
    """Street centre-lines: a reference layer for the offline basemap and address lookup."""

    __tablename__ = "street_line"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    geom = mapped_column(line_column(), nullable=False)


class ObservationPoint(Base):
    """观察点: a place inside a grid tracked over time."""

    __tablename__ = "observation_point"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    watches: Mapped[str] = mapped_column(Text, default="")
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    geom = mapped_column(point_column(), nullable=False)

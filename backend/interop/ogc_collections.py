"""The collections OGC API – Features serves, as providers behind one small interface.

Each provider names its table, its feature id column, its temporal filter and the public
properties of a row. Cases publish what Open311 publishes: never the reporter's name or contact,
free text redacted, emergencies left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shapely.geometry import mapping
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.intake.privacy import redact_phone_numbers
from backend.models import Case, Community, Component, ObservationPoint, UnitGrid
from backend.spatial import BBox, bbox_filter, to_shapely

Interval = tuple[datetime | None, datetime | None]


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _validity(start_col, end_col) -> Callable[[Interval], ColumnElement[bool]]:
    """Rows valid at some moment of the interval (open ends allowed)."""
    def clause(interval: Interval) -> ColumnElement[bool]:
        start, end = interval
        parts = []
        if end is not None:
            parts.append(or_(start_col.is_(None), start_col <= _day(end)))
        if start is not None:
            parts.append(or_(end_col.is_(None), end_col >= _day(start)))
        return and_(*parts) if parts else and_(True)
    return clause


def _reported(interval: Interval) -> ColumnElement[bool]:
    start, end = interval
    parts = []
    if start is not None:
        parts.append(Case.reported_at >= start)
    if end is not None:
        parts.append(Case.reported_at <= end)
    return and_(*parts) if parts else and_(True)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass(frozen=True)
class Provider:
    id: str
    title_zh: str
    title_en: str
    model: Any
    id_column: Any
    properties: Callable[[Any], dict]
    temporal: Callable[[Interval], ColumnElement[bool]] | None = None
    base_filter: Callable[[], ColumnElement[bool]] | None = None
    temporal_note: str = ""

    def query(self, bbox: BBox | None, interval: Interval | None, dialect: str):
        stmt = select(self.model)
        if self.base_filter is not None:
            stmt = stmt.where(self.base_filter())
        if bbox is not None:
            stmt = stmt.where(bbox_filter(self.model, dialect, bbox))
        if interval is not None and self.temporal is not None:
            stmt = stmt.where(self.temporal(interval))
        return stmt

    def feature(self, row: Any) -> dict:
        geom = to_shapely(row.geom)
        return {"type": "Feature", "id": str(getattr(row, self.id_column.key)),
                "geometry": None if geom is None else mapping(geom),
                "properties": {k: _iso(v) for k, v in self.properties(row).items()}}

    def get(self, db: Session, feature_id: str) -> Any:
        column_type = self.id_column.type.python_type
        try:
            key = column_type(feature_id)
        except (TypeError, ValueError):
            return None
        stmt = select(self.model).where(self.id_column == key)
        if self.base_filter is not None:
            stmt = stmt.where(self.base_filter())
        return db.scalar(stmt)


def _case_properties(case: Case) -> dict:
    return {"ref": case.ref, "status": case.status, "status_type": wf.status_type(case.status).value,
            "status_zh": wf.status_label(case.status, "zh"), "status_en": wf.status_label(case.status, "en"),
            "source": case.source, "kind": case.kind, "class_code": case.minor_code, "edition": case.edition,
            "grid_code": case.grid_code, "community_code": case.community_code, "street_code": case.street_code,
            "department_id": case.department_id, "priority": case.priority,
            "description": redact_phone_numbers(case.description), "address": case.address,
            "reported_at": case.reported_at, "due_at": case.due_at, "closed_at": case.closed_at,
            "rework_count": case.rework_count, "merged_into_id": case.merged_into_id}


PROVIDERS: dict[str, Provider] = {p.id: p for p in (
    Provider("grids", "单元网格", "Unit grids", UnitGrid, UnitGrid.id,
             lambda g: {"code": g.code, "name": g.name, "community_code": g.community_code, "area_m2": g.area_m2,
                        "management_level": g.management_level,
                        "responsible_department_id": g.responsible_department_id,
                        "valid_from": g.valid_from, "valid_to": g.valid_to},
             temporal=_validity(UnitGrid.valid_from, UnitGrid.valid_to),
             temporal_note="valid_from/valid_to (grids redrawn over time)"),
    Provider("communities", "社区", "Communities", Community, Community.code,
             lambda c: {"code": c.code, "name": c.name, "street_code": c.street_code},
             base_filter=lambda: Community.geom.is_not(None)),
    Provider("observation-points", "观察点", "Observation points", ObservationPoint, ObservationPoint.code,
             lambda o: {"code": o.code, "name": o.name, "grid_code": o.grid_code, "watches": o.watches,
                        "active_from": o.active_from, "active_to": o.active_to},
             temporal=_validity(ObservationPoint.active_from, ObservationPoint.active_to),
             temporal_note="active_from/active_to"),
    Provider("components", "部件", "Components", Component, Component.code,
             lambda c: {"code": c.code, "edition": c.edition, "class_code": c.minor_code, "name": c.name,
                        "grid_code": c.grid_code, "state": c.state,
                        "managing_department_id": c.managing_department_id, "owner": c.owner,
                        "maintainer": c.maintainer, "accuracy_class": c.accuracy_class,
                        "initial_date": c.initial_date, "changed_date": c.changed_date,
                        "data_source": c.data_source},
             temporal=_validity(Component.initial_date, Component.changed_date),
             temporal_note="initial_date/changed_date"),
    Provider("cases", "案件", "Cases", Case, Case.ref, _case_properties, temporal=_reported,
             base_filter=lambda: and_(Case.emergency.is_(False), Case.geom.is_not(None)),
             temporal_note="reported_at"),
)}

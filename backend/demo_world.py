"""What the history generator needs from the database: grids, places, inventory, catalog, rules,
staff and the work calendar, read once into memory (gis_data indexes for the spatial parts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import shapely
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.admin.service import get_work_calendar
from backend.cases.routing import _LEVEL_ORDER
from backend.catalog.service import get_active_edition
from backend.config import Settings
from backend.demo_walk import SimCase, Staff
from backend.models import (
    CatalogClass,
    Community,
    Component,
    ObservationPoint,
    RoutingRule,
    Street,
    StreetLine,
    UnitGrid,
    User,
    UserGrid,
)
from backend.spatial import to_shapely
from backend.worktime import TimeUnit, WorkCalendar
from gis_data.grid_index import GridIndex
from gis_data.nearest import NearestIndex


@dataclass
class World:
    edition: str
    calendar: WorkCalendar
    classes: dict[tuple[str, str], CatalogClass]  # (kind, minor) → class of the active edition
    grid_codes: list[str]
    grid_geoms: list[shapely.Geometry]
    grid_community: dict[str, str]
    community_street: dict[str, str]
    grid_department: dict[str, int | None]
    community_names: dict[str, str]
    street_names: dict[str, str]
    grid_index: GridIndex
    op_ids: np.ndarray
    op_xy: np.ndarray
    op_watches: list[str]
    op_index: NearestIndex | None
    comp_ids: np.ndarray
    comp_minor: np.ndarray
    comp_state: np.ndarray
    comp_xy: np.ndarray
    comp_index: NearestIndex | None
    road_names: list[str]
    road_tree: shapely.STRtree | None
    rules: list[RoutingRule]
    staff: Staff

    def limits(self) -> dict[tuple[str, str], tuple[float, TimeUnit]]:
        return {key: (float(c.time_limit_value), TimeUnit(c.time_limit_unit))
                for key, c in self.classes.items() if c.time_limit_value is not None and c.time_limit_unit}

    def router(self) -> Callable[[SimCase], int | None]:
        """``backend.cases.routing.route_case`` over the rows read here (same precedence)."""
        defaults = {key: c.default_department_id for key, c in self.classes.items()}

        def route(case: SimCase) -> int | None:
            spec = case.spec
            areas = {"grid": spec.grid_code, "community": spec.community_code, "street": spec.street_code,
                     "county": spec.street_code[:6] if spec.street_code else None}
            found = [r for r in self.rules if r.minor_code in (None, spec.minor_code)
                     and areas.get(r.area_level) and areas[r.area_level] == r.area_code]
            if found:
                best = min(found, key=lambda r: (_LEVEL_ORDER.get(r.area_level, 9), r.minor_code is None,
                                                 -r.priority, r.id))
                return best.department_id
            if self.grid_department.get(spec.grid_code) is not None:
                return self.grid_department[spec.grid_code]
            return defaults.get((spec.kind, spec.minor_code))

        return route


def _staff(db: Session) -> Staff:
    def first(role: str) -> int:
        user = db.scalar(select(func.min(User.id)).where(User.role == role, User.active.is_(True)))
        if user is None:
            raise RuntimeError(f"the demo history needs an active {role} account")
        return int(user)

    inspector_of_grid = dict(db.execute(
        select(UserGrid.grid_code, func.min(User.id)).join(User, User.id == UserGrid.user_id)
        .where(User.role == "inspector", User.active.is_(True)).group_by(UserGrid.grid_code)).all())
    department_user = dict(db.execute(
        select(User.department_id, func.min(User.id))
        .where(User.role == "department", User.active.is_(True), User.department_id.is_not(None))
        .group_by(User.department_id)).all())
    return Staff(operator=first("operator"), shift_leader=first("shift_leader"), dispatcher=first("dispatcher"),
                 any_inspector=first("inspector"), inspector_of_grid=inspector_of_grid,
                 department_user=department_user, any_department_user=first("department"))


def load_world(db: Session, settings: Settings) -> World:
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    classes = {(c.kind, c.minor_code): c for c in db.scalars(
        select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.active.is_(True)))}
    today = date.today()
    grid_rows = db.execute(
        select(UnitGrid.code, UnitGrid.community_code, UnitGrid.responsible_department_id, UnitGrid.geom)
        .where(or_(UnitGrid.valid_to.is_(None), UnitGrid.valid_to >= today)).order_by(UnitGrid.code)).all()
    if not grid_rows:
        raise RuntimeError("no unit grids: load a district before generating history")
    communities = dict(db.execute(select(Community.code, Community.name)).all())
    comm_street = dict(db.execute(select(Community.code, Community.street_code)).all())
    streets = dict(db.execute(select(Street.code, Street.name)).all())
    geoms = [to_shapely(r[3]) for r in grid_rows]
    codes = [r[0] for r in grid_rows]
    index = GridIndex(geoms, codes, community_codes=[r[1] for r in grid_rows],
                      street_codes=[comm_street.get(r[1]) for r in grid_rows])
    ops = db.execute(select(ObservationPoint.id, ObservationPoint.watches, func.ST_X(ObservationPoint.geom),
                            func.ST_Y(ObservationPoint.geom)).order_by(ObservationPoint.id)).all()
    op_xy = np.array([[r[2], r[3]] for r in ops], dtype=float).reshape(-1, 2)
    comps = db.execute(select(Component.id, Component.minor_code, Component.state, func.ST_X(Component.geom),
                              func.ST_Y(Component.geom))
                       .where(Component.state != "removed")
                       .order_by(Component.id)).all()
    comp_xy = np.array([[r[3], r[4]] for r in comps], dtype=float).reshape(-1, 2)
    roads = db.execute(select(StreetLine.name, StreetLine.geom).where(StreetLine.name != "")).all()
    return World(
        edition=edition,
        calendar=get_work_calendar(db_session=db, default_timezone=settings.timezone),
        classes=classes,
        grid_codes=codes,
        grid_geoms=geoms,
        grid_community={r[0]: r[1] for r in grid_rows},
        community_street=comm_street,
        grid_department={r[0]: r[2] for r in grid_rows},
        community_names=communities,
        street_names=streets,
        grid_index=index,
        op_ids=np.array([r[0] for r in ops], dtype=np.int64),
        op_xy=op_xy,
        op_watches=[r[1] or "" for r in ops],
        op_index=NearestIndex([r[0] for r in ops], op_xy[:, 0], op_xy[:, 1]) if ops else None,
        comp_ids=np.array([r[0] for r in comps], dtype=np.int64),
        comp_minor=np.array([r[1] for r in comps], dtype=object),
        comp_state=np.array([r[2] for r in comps], dtype=object),
        comp_xy=comp_xy,
        comp_index=NearestIndex([r[0] for r in comps], comp_xy[:, 0], comp_xy[:, 1],
                                [r[1] for r in comps]) if comps else None,
        road_names=[r[0] for r in roads],
        road_tree=shapely.STRtree([to_shapely(r[1]) for r in roads]) if roads else None,
        rules=list(db.scalars(select(RoutingRule).order_by(RoutingRule.id))),
        staff=_staff(db),
    )

"""Read what is stored back into gis_data's GeoDataFrames (EPSG:4490), for export and analysis."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.models import Community, Component, Department, ObservationPoint, Street, StreetLine, UnitGrid
from backend.spatial import to_shapely
from gis_data.crs import STORED_CRS
from gis_data.grid_io import Hierarchy


def _frame(rows: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=STORED_CRS)
    return gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=STORED_CRS)


def grids_valid_on(on: date):
    """WHERE clause: grid versions valid on ``on`` (valid_to is the last valid day)."""
    return (UnitGrid.valid_from <= on) & or_(UnitGrid.valid_to.is_(None), UnitGrid.valid_to >= on)


def hierarchy_from_db(db: Session, *, on: date | None = None, history: bool = False) -> Hierarchy:
    """Streets, communities and the grids valid on ``on`` (default today) as a Hierarchy.

    ``history=True`` returns every grid version instead (codes repeat; ``valid_from`` and
    ``valid_to`` tell them apart), which ``import_hierarchy`` would refuse as duplicates.
    """
    on = on or date.today()
    streets = _frame(
        [{"code": s.code, "name": s.name, "geometry": to_shapely(s.geom)}
         for s in db.scalars(select(Street).where(Street.geom.is_not(None)).order_by(Street.code))],
        ["code", "name"],
    )
    communities = _frame(
        [{"code": c.code, "name": c.name, "street_code": c.street_code, "geometry": to_shapely(c.geom)}
         for c in db.scalars(select(Community).where(Community.geom.is_not(None)).order_by(Community.code))],
        ["code", "name", "street_code"],
    )
    dept_codes = dict(db.execute(select(Department.id, Department.code)).all())
    stmt = select(UnitGrid).order_by(UnitGrid.code, UnitGrid.valid_from)
    if not history:
        stmt = stmt.where(grids_valid_on(on))
    grids = _frame(
        [
            {
                "code": g.code, "name": g.name, "community_code": g.community_code, "street_code": g.code[:9],
                "area_m2": g.area_m2, "valid_from": g.valid_from.isoformat(),
                "valid_to": g.valid_to.isoformat() if g.valid_to else None,
                "responsible_department": dept_codes.get(g.responsible_department_id),
                "geometry": to_shapely(g.geom),
            }
            for g in db.scalars(stmt)
        ],
        ["code", "name", "community_code", "street_code", "area_m2", "valid_from", "valid_to",
         "responsible_department"],
    )
    return Hierarchy(
        streets=streets if len(streets) else None,
        communities=communities if len(communities) else None,
        grids=grids if len(grids) else None,
    )


def components_from_db(db: Session) -> gpd.GeoDataFrame:
    """The whole component inventory, with its managing department's code."""
    dept_codes = dict(db.execute(select(Department.id, Department.code)).all())
    columns = ["code", "edition", "minor_code", "name", "grid_code", "state", "managing_department", "owner",
               "maintainer", "accuracy_class", "initial_date", "data_source", "external_ref", "note"]
    rows = []
    for c in db.scalars(select(Component).order_by(Component.code)):
        row = {k: getattr(c, k) for k in columns if k != "managing_department"}
        row["managing_department"] = dept_codes.get(c.managing_department_id)
        row["geometry"] = to_shapely(c.geom)
        rows.append(row)
    return _frame(rows, columns)


def observation_points_from_db(db: Session) -> gpd.GeoDataFrame:
    columns = ["code", "name", "grid_code", "watches", "active_from", "active_to"]
    rows = [{**{k: getattr(p, k) for k in columns}, "geometry": to_shapely(p.geom)}
            for p in db.scalars(select(ObservationPoint).order_by(ObservationPoint.code))]
    return _frame(rows, columns)


def street_lines_from_db(db: Session) -> gpd.GeoDataFrame:
    rows = [{"name": s.name, "kind": s.kind, "geometry": to_shapely(s.geom)}
            for s in db.scalars(select(StreetLine).order_by(StreetLine.id))]
    return _frame(rows, ["name", "kind"])

"""Load the area hierarchy (county → street → community → unit grid) into the database.

Counties, streets and communities are upserted by code. Unit grids keep their history: a grid
whose geometry changed (redrawn) gets its current row closed (``valid_to`` = the day before the
new version's ``valid_from``) and a new row; a grid that did not move is updated in place.
The caller owns the transaction: a refused or failed load writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gisio.common import GisioError, LoadReport, chunks, optional, same_geometry, text_or_empty
from backend.models import Community, County, Street, UnitGrid
from backend.spatial import to_db_geom, to_shapely
from gis_data.crs import STORED_CRS
from gis_data.demo_district import DemoDistrict
from gis_data.grid_io import Hierarchy, metric_crs_for, reproject

_LEVELS = ("streets", "communities", "grids")


def _frames(source: Hierarchy | DemoDistrict) -> dict[str, gpd.GeoDataFrame]:
    frames = {}
    for level in _LEVELS:
        frame = getattr(source, level, None)
        if frame is not None and len(frame):
            frames[level] = reproject(frame, STORED_CRS).reset_index(drop=True)
    return frames


def _existing_codes(db: Session, model: Any, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(sorted(set(codes))):
        found.update(db.scalars(select(model.code).where(model.code.in_(part))))
    return found


def _check_parents(db: Session, frames: dict[str, gpd.GeoDataFrame]) -> None:
    """Every street/community/grid must find its parent in this import or in the database."""
    problems: list[str] = []
    for level, parent_model, column, parent_level in (
        ("communities", Street, "street_code", "streets"),
        ("grids", Community, "community_code", "communities"),
    ):
        frame = frames.get(level)
        if frame is None:
            continue
        if column not in frame.columns:
            frame[column] = frame["code"].astype(str).str[: 9 if column == "street_code" else 12]
        parents = frame[column].astype(str).tolist()
        known = set(frames[parent_level]["code"].astype(str)) if parent_level in frames else set()
        known |= _existing_codes(db, parent_model, [p for p in parents if p not in known])
        for i, (code, parent) in enumerate(zip(frame["code"].astype(str), parents, strict=True)):
            if parent not in known:
                what = "street" if column == "street_code" else "community"
                problems.append(
                    f"{level} feature {i} (code {code}): its {what} {parent} is neither in this import "
                    "nor in the database; import the parent layer too"
                )
    if problems:
        raise GisioError(f"Load refused, nothing was written: {len(problems)} problem(s).", problems)


def _county_codes(frames: dict[str, gpd.GeoDataFrame], extra: str | None) -> set[str]:
    codes = {extra} if extra else set()
    for frame in frames.values():
        codes.update(frame["code"].astype(str).str[:6])
    return codes


def _upsert_named(
    db: Session, model: Any, rows: list[dict[str, Any]], report: LoadReport, layer: str
) -> None:
    """Insert new codes, update names/parents/geometry of known ones (counties, streets, communities)."""
    by_code = {}
    for part in chunks([r["code"] for r in rows]):
        by_code.update({obj.code: obj for obj in db.scalars(select(model).where(model.code.in_(part)))})
    for row in rows:
        obj = by_code.get(row["code"])
        if obj is None:
            db.add(model(**{**row, "geom": None if row.get("geom") is None else to_db_geom(row["geom"])}))
            report.add(layer, "inserted")
            continue
        changed = False
        for key, value in row.items():
            if key == "geom":
                if value is not None and not same_geometry(to_shapely(obj.geom), value):
                    obj.geom, changed = to_db_geom(value), True
            elif value is not None and getattr(obj, key) != value:
                setattr(obj, key, value)
                changed = True
        report.add(layer, "updated" if changed else "unchanged")
    db.flush()


def _grid_areas(grids: gpd.GeoDataFrame) -> np.ndarray:
    if "area_m2" in grids.columns and grids["area_m2"].notna().all():
        return grids["area_m2"].astype(float).to_numpy()
    return reproject(grids, metric_crs_for(grids)).geometry.area.round(2).to_numpy()


def _load_grids(
    db: Session,
    grids: gpd.GeoDataFrame,
    valid_from: date,
    retire_missing: bool,
    department_ids: Mapping[str, int],
    report: LoadReport,
) -> None:
    codes = grids["code"].astype(str).tolist()
    communities = sorted(set(grids["community_code"].astype(str)))
    current: dict[str, UnitGrid] = {}
    for part in chunks(communities):
        stmt = select(UnitGrid).where(UnitGrid.community_code.in_(part), UnitGrid.valid_to.is_(None))
        current.update({g.code: g for g in db.scalars(stmt)})
    for part in chunks(codes):  # a grid may have moved to this code from another community's list
        stmt = select(UnitGrid).where(UnitGrid.code.in_(part), UnitGrid.valid_to.is_(None))
        current.update({g.code: g for g in db.scalars(stmt)})
    areas = _grid_areas(grids)
    closing = valid_from - timedelta(days=1)
    for i, row in enumerate(grids.itertuples(index=False)):
        code, geom = str(row.code), row.geometry
        dept_code = text_or_empty(getattr(row, "responsible_department", None))
        if dept_code and dept_code not in department_ids:
            raise GisioError(f"grids feature {i} (code {code}): unknown responsible department {dept_code!r}.")
        fields = {
            "name": text_or_empty(getattr(row, "name", "")),
            "community_code": str(row.community_code),
            "area_m2": float(areas[i]),
            "management_level": optional(getattr(row, "management_level", None)),
            "responsible_department_id": department_ids.get(dept_code) if dept_code else None,
        }
        old = current.get(code)
        if old is None:
            db.add(UnitGrid(code=code, valid_from=valid_from, valid_to=None, geom=to_db_geom(geom), **fields))
            report.add("grids", "inserted")
            continue
        keep_dept = fields["responsible_department_id"] is None  # a file without the column keeps it
        if keep_dept:
            fields["responsible_department_id"] = old.responsible_department_id
        if same_geometry(to_shapely(old.geom), geom):
            changed = any(getattr(old, k) != v for k, v in fields.items() if k != "area_m2")
            for key, value in fields.items():
                setattr(old, key, value)
            report.add("grids", "updated" if changed else "unchanged")
        else:
            # Closed even when drawn the same day (then it was never valid on a whole day): a new
            # row, not an edit in place, is what the intake's spatial cache notices (row count
            # and highest id), and the earlier shape stays on record.
            old.valid_to = closing
            db.add(UnitGrid(code=code, valid_from=valid_from, valid_to=None, geom=to_db_geom(geom), **fields))
            report.add("grids", "redrawn")
    if retire_missing:
        wanted = set(codes)
        for code, old in current.items():
            if code not in wanted and old.community_code in communities:
                # The day before valid_from even for a version drawn today: withdrawn, never valid.
                old.valid_to = closing
                report.add("grids", "retired")
    db.flush()


def load_hierarchy(
    db: Session,
    source: Hierarchy | DemoDistrict,
    *,
    valid_from: date | None = None,
    county_name: str | None = None,
    retire_missing: bool = True,
    department_ids: Mapping[str, int] | None = None,
) -> LoadReport:
    """Load streets, communities and grids (any layer may be absent) in the caller's transaction.

    Parameters
    ----------
    db
        The session; nothing is committed here.
    source
        A :class:`gis_data.grid_io.Hierarchy` (e.g. from ``import_hierarchy``) or a
        :class:`gis_data.demo_district.DemoDistrict`.
    valid_from
        First day of the grid versions written now (default today). Future dates are refused:
        the backend treats every row with ``valid_to`` unset or in the future as current.
    county_name
        Name of a county row created for a new county code (the code itself by default; a
        DemoDistrict brings its own).
    retire_missing
        Close the current grids of each imported community that the import no longer has (a
        community redrawn with fewer grids).
    department_ids
        Department code → id, for a ``responsible_department`` column in the grids layer.

    Raises
    ------
    GisioError
        A parent (street of a community, community of a grid) is neither imported nor stored,
        or a responsible department is unknown; nothing is written.
    """
    today = date.today()
    valid_from = valid_from or today
    if valid_from > today:
        raise GisioError(f"valid_from {valid_from} is in the future; load a redrawn grid on or after its day.")
    frames = _frames(source)
    report = LoadReport()
    if not frames:
        return report
    _check_parents(db, frames)
    county = getattr(source, "county_code", None)
    name = county_name or getattr(source, "county_name", None)
    county_codes = sorted(_county_codes(frames, county))

    def county_label(code: str) -> str:
        named = code == county or (county is None and len(county_codes) == 1)
        return name if name and named else code

    county_rows = [{"code": c, "name": county_label(c)} for c in county_codes]
    existing = _existing_codes(db, County, [r["code"] for r in county_rows])
    _upsert_named(db, County, [r for r in county_rows if r["code"] not in existing], report, "counties")
    if "streets" in frames:
        rows = [
            {"code": str(r.code), "name": text_or_empty(r.name), "county_code": str(r.code)[:6], "geom": r.geometry}
            for r in frames["streets"].itertuples(index=False)
        ]
        _upsert_named(db, Street, rows, report, "streets")
    if "communities" in frames:
        rows = [
            {"code": str(r.code), "name": text_or_empty(r.name), "street_code": str(r.code)[:9], "geom": r.geometry}
            for r in frames["communities"].itertuples(index=False)
        ]
        _upsert_named(db, Community, rows, report, "communities")
    if "grids" in frames:
        _load_grids(db, frames["grids"], valid_from, retire_missing, department_ids or {}, report)
    return report

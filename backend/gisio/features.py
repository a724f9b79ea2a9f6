"""Load departments, components, observation points and street lines into the database.

Everything is an upsert keyed by a stable identifier (department code, component code or the
source's own reference, observation point code, street line geometry), so loading the same data
twice changes nothing. Components go in with bulk statements: a city inventory has 10^5 rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import shapely
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from tqdm.auto import tqdm

from backend.gisio.common import (
    GisioError,
    LoadReport,
    as_multi,
    chunks,
    optional,
    point_values,
    require_columns,
    text_or_empty,
)
from backend.models import Component, Department, ObservationPoint, StreetLine
from backend.spatial import point_value, to_db_geom, to_shapely
from gis_data.crs import STORED_CRS
from gis_data.grid_io import reproject

_BATCH = 2_000  # rows per bulk statement (and per progress-bar step)
_COMPONENT_TEXT = ("name", "owner", "maintainer", "data_source", "external_ref", "note")


def load_departments(db: Session, departments: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Upsert departments by ``code`` (``name_zh``, ``name_en``, ``contact``); returns code → id."""
    existing = {d.code: d for d in db.scalars(select(Department))}
    for row in departments:
        code = str(row["code"])
        dept = existing.get(code)
        if dept is None:
            dept = Department(code=code, name_zh=str(row["name_zh"]), name_en=str(row.get("name_en", "")),
                              contact=str(row.get("contact", "")), active=True)
            db.add(dept)
            existing[code] = dept
        else:
            dept.name_zh = str(row["name_zh"])
            dept.name_en = str(row.get("name_en", dept.name_en))
    db.flush()
    return {code: d.id for code, d in existing.items()}


def _component_row(rec: Mapping[str, Any], department_ids: Mapping[str, int]) -> dict[str, Any]:
    dept = text_or_empty(rec.get("managing_department"))
    if dept and dept not in department_ids:
        raise GisioError(f"component {rec['code']}: unknown managing department {dept!r}; load departments first.")
    row = {
        "code": str(rec["code"]),
        "edition": str(rec["edition"]),
        "minor_code": str(rec["minor_code"]),
        "grid_code": optional(rec.get("grid_code")),
        "state": text_or_empty(rec.get("state")) or "intact",
        "managing_department_id": department_ids.get(dept) if dept else None,
        "accuracy_class": optional(rec.get("accuracy_class")),
        "initial_date": as_date(rec.get("initial_date")),
        "changed_date": as_date(rec.get("changed_date")),
    }
    row.update({key: text_or_empty(rec.get(key)) for key in _COMPONENT_TEXT})
    return row


def as_date(value: Any) -> date | None:
    """A frame cell as a date (pandas hands dates back as Timestamps, files as text)."""
    value = optional(value)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _known_components(
    db: Session, codes: list[str], refs: list[str]
) -> tuple[dict[str, int], dict[tuple[str, str], tuple[int, str]]]:
    """Stored components by code (code → id) and by (source reference, minor class) → (id, code).

    The class is part of the key: one OSM node can carry two facilities (a bus stop with an
    advertising box), which become two components with the same reference.
    """
    by_code: dict[str, int] = {}
    for part in chunks(codes):
        by_code.update(db.execute(select(Component.code, Component.id).where(Component.code.in_(part))).all())
    by_ref: dict[tuple[str, str], tuple[int, str]] = {}
    for part in chunks(sorted(set(refs))):
        stmt = select(Component.external_ref, Component.minor_code, Component.id, Component.code).where(
            Component.external_ref.in_(part))
        by_ref.update({(ref, minor): (cid, code) for ref, minor, cid, code in db.execute(stmt)})
    return by_code, by_ref


def load_components(
    db: Session,
    components: gpd.GeoDataFrame,
    *,
    department_ids: Mapping[str, int] | None = None,
    progress: bool = False,
) -> LoadReport:
    """Upsert components from a gis_data inventory frame (``import_inventory``, ``import_osm``,
    or a demo district's ``components``).

    A row whose ``code`` is stored updates that component; a row whose non-empty
    ``external_ref`` (e.g. ``osm:node/123``) is stored updates that one and keeps its code, so
    re-importing the same source creates no duplicates. Other rows are inserted.
    ``managing_department`` (a department code), ``owner``, ``maintainer`` and the dates are
    optional columns.
    """
    require_columns(components, "components", ("code", "edition", "minor_code"))
    report = LoadReport()
    if len(components) == 0:
        return report
    frame = reproject(components, STORED_CRS)
    bad = [str(c) for c, g in zip(frame["code"], frame.geometry, strict=True)
           if g is None or g.is_empty or g.geom_type != "Point"]
    if bad:
        raise GisioError(f"{len(bad)} component(s) without a point geometry.", [f"component {c}" for c in bad])
    records = frame.to_dict("records")
    refs = [text_or_empty(r.get("external_ref")) for r in records]
    by_code, by_ref = _known_components(db, [str(r["code"]) for r in records], [r for r in refs if r])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen: set[str] = set()
    geoms = point_values(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
    for rec, ref, geom in zip(records, refs, geoms, strict=True):
        row = _component_row(rec, department_ids or {})
        row["geom"] = geom
        if row["code"] in seen:
            raise GisioError(f"component code {row['code']} appears twice in the input.")
        seen.add(row["code"])
        if row["code"] in by_code:
            updates.append({"id": by_code[row["code"]], **row})
        elif ref and (ref, row["minor_code"]) in by_ref:
            component_id, stored_code = by_ref[(ref, row["minor_code"])]
            updates.append({**row, "id": component_id, "code": stored_code})
            report.add("components", "matched by source reference")
        else:
            inserts.append(row)
    bar = tqdm(total=len(inserts) + len(updates), desc="loading components", unit="component",
               disable=not progress, leave=False)
    for part in chunks(inserts, _BATCH):
        db.execute(insert(Component), list(part))
        bar.update(len(part))
    for part in chunks(updates, _BATCH):
        db.execute(update(Component), list(part))
        bar.update(len(part))
    bar.close()
    db.flush()
    report.add("components", "inserted", len(inserts))
    report.add("components", "updated", len(updates))
    return report


def load_observation_points(db: Session, points: gpd.GeoDataFrame) -> LoadReport:
    """Upsert observation points by ``code`` (``name``, ``grid_code``, ``watches``, ``active_from``)."""
    require_columns(points, "observation points", ("code", "name"))
    report = LoadReport()
    frame = reproject(points, STORED_CRS)
    existing = {p.code: p for p in db.scalars(select(ObservationPoint))}
    for rec in frame.to_dict("records"):
        geom = rec[frame.geometry.name]
        if geom is None or geom.geom_type != "Point":
            raise GisioError(f"observation point {rec['code']}: the geometry must be a point.")
        fields = {
            "name": text_or_empty(rec["name"]),
            "grid_code": optional(rec.get("grid_code")),
            "watches": text_or_empty(rec.get("watches")),
            "active_from": as_date(rec.get("active_from")),
            "active_to": as_date(rec.get("active_to")),
        }
        old = existing.get(str(rec["code"]))
        if old is None:
            db.add(ObservationPoint(code=str(rec["code"]), geom=point_value(geom.x, geom.y), **fields))
            report.add("observation points", "inserted")
            continue
        for key, value in fields.items():
            setattr(old, key, value)
        old.geom = point_value(geom.x, geom.y)
        report.add("observation points", "updated")
    db.flush()
    return report


def _line_key(name: str, kind: str, geom: shapely.Geometry) -> tuple[str, str, bytes]:
    return name, kind, shapely.to_wkb(shapely.normalize(as_multi(geom)))


def load_street_lines(db: Session, lines: gpd.GeoDataFrame) -> LoadReport:
    """Add street centre-lines (``name``, ``kind``) for the offline basemap; a line already stored
    with the same name, kind and geometry is skipped, so loading twice adds nothing."""
    report = LoadReport()
    frame = reproject(lines, STORED_CRS)
    known = {
        _line_key(name, kind, to_shapely(geom))
        for name, kind, geom in db.execute(select(StreetLine.name, StreetLine.kind, StreetLine.geom))
    }
    rows = []
    for rec in frame.to_dict("records"):
        geom = rec[frame.geometry.name]
        if geom is None or geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString"):
            report.add("street lines", "skipped (not a line)")
            continue
        name, kind = text_or_empty(rec.get("name"))[:200], text_or_empty(rec.get("kind"))[:40]
        key = _line_key(name, kind, geom)
        if key in known:
            report.add("street lines", "unchanged")
            continue
        known.add(key)
        rows.append({"name": name, "kind": kind, "geom": to_db_geom(geom)})
    for part in chunks(rows, _BATCH):
        db.execute(insert(StreetLine), list(part))
    report.add("street lines", "inserted", len(rows))
    db.flush()
    return report

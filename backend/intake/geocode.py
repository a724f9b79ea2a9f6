"""Locating a request by what the caller says: street, community, observation point or grid.

Forward: an address string is matched against the names (and codes) of streets (街道),
street centre-lines (roads), communities, observation points and unit grids; each hit becomes a
candidate with a point to put on the map (an observation point's position, a road's middle, an
area's inside point), best match first. Reverse: a map click is placed by
:func:`backend.cases.locate.place_report` (grid, community, street, nearby observation point).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from shapely.geometry.base import BaseGeometry
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.cases.locate import SpatialCache, place_report
from backend.models import Community, ObservationPoint, Street, StreetLine, UnitGrid
from backend.spatial import to_shapely

MAX_CANDIDATES = 10
_SPLIT = re.compile(r"[\s,，、;；/]+")
# Place words a caller adds that are not part of the stored names.
_SUFFIXES = ("附近", "旁边", "对面", "门口", "路口", "一带", "这里", "那里")


@dataclass(frozen=True)
class GeoCandidate:
    kind: str  # observation_point | street_line | community | street | grid
    code: str
    name: str
    lon: float
    lat: float
    score: float
    grid_code: str | None = None


def _terms(query: str) -> list[str]:
    text = query.strip()
    for suffix in _SUFFIXES:
        text = text.replace(suffix, " ")
    terms = [t for t in _SPLIT.split(text) if len(t) >= 2]
    return terms or ([query.strip()] if query.strip() else [])


def _anchor(geom: BaseGeometry | None) -> tuple[float, float] | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Point",):
        return geom.x, geom.y
    if geom.geom_type in ("LineString", "MultiLineString"):
        point = geom.interpolate(0.5, normalized=True)
        return point.x, point.y
    point = geom.representative_point()
    return point.x, point.y


def _score(name: str, code: str, query: str, terms: list[str]) -> float:
    if query and query in (name, code):
        return 1.0
    if query and query in name:
        return 0.9
    hits = sum(1 for t in terms if t in name or t == code)
    return 0.5 * hits / max(len(terms), 1) + (0.2 if name and name in query else 0.0)


def geocode(*, db_session: Session, query: str, limit: int = MAX_CANDIDATES) -> list[GeoCandidate]:
    """Candidates for an address typed by the operator, best first (empty: nothing matched)."""
    query = query.strip()
    terms = _terms(query)
    if not terms:
        return []
    like = [f"%{t}%" for t in terms]
    found: list[GeoCandidate] = []

    def collect(kind: str, rows, name_of, code_of, grid_of=lambda r: None, bonus: float = 0.0) -> None:
        for row in rows:
            anchor = _anchor(to_shapely(row.geom))
            if anchor is None:
                continue
            score = _score(name_of(row), code_of(row), query, terms)
            if score > 0:
                found.append(GeoCandidate(kind, code_of(row), name_of(row), anchor[0], anchor[1],
                                          round(min(score + bonus, 1.0), 3), grid_of(row)))

    def matching(model, *columns):
        return or_(*[col.like(p) for col in columns for p in like])

    today = date.today()
    collect("observation_point", db_session.scalars(select(ObservationPoint).where(
        matching(ObservationPoint, ObservationPoint.name, ObservationPoint.code)).limit(50)),
        lambda r: r.name, lambda r: r.code, lambda r: r.grid_code, bonus=0.05)
    collect("street_line", db_session.scalars(select(StreetLine).where(matching(StreetLine, StreetLine.name))
                                              .limit(50)),
            lambda r: r.name, lambda r: str(r.id), bonus=0.03)
    collect("community", db_session.scalars(select(Community).where(
        matching(Community, Community.name, Community.code), Community.geom.is_not(None)).limit(50)),
        lambda r: r.name, lambda r: r.code)
    collect("street", db_session.scalars(select(Street).where(
        matching(Street, Street.name, Street.code), Street.geom.is_not(None)).limit(50)),
        lambda r: r.name, lambda r: r.code, bonus=-0.05)
    collect("grid", db_session.scalars(select(UnitGrid).where(
        matching(UnitGrid, UnitGrid.name, UnitGrid.code),
        or_(UnitGrid.valid_to.is_(None), UnitGrid.valid_to >= today)).limit(50)),
        lambda r: r.name or r.code, lambda r: r.code, lambda r: r.code)
    found.sort(key=lambda c: (-c.score, c.kind, c.code))
    return found[:limit]


@dataclass(frozen=True)
class ReversePlace:
    lon: float
    lat: float
    grid_code: str
    community_code: str | None
    community_name: str | None
    street_code: str | None
    street_name: str | None
    observation_point: str | None
    address: str


def reverse(*, db_session: Session, cache: SpatialCache, lon: float, lat: float, crs: str = "wgs84") -> ReversePlace:
    """Where a map click lands; OutsideJurisdiction when it is in no grid of the district."""
    place = place_report(db_session=db_session, cache=cache, lon=lon, lat=lat, crs=crs)
    community = db_session.scalar(select(Community.name).where(Community.code == place.community_code))
    street = db_session.scalar(select(Street.name).where(Street.code == place.street_code))
    op_name = db_session.scalar(select(ObservationPoint.name).where(ObservationPoint.id == place.observation_point_id)) \
        if place.observation_point_id else None
    parts = [p for p in (street, community, op_name and f"{op_name}附近") if p]
    address = "".join(parts) or place.grid_code
    return ReversePlace(place.lon, place.lat, place.grid_code, place.community_code, community, place.street_code,
                        street, op_name, f"{address}（网格 {place.grid_code}）")

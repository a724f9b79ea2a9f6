"""What an inspector's phone keeps for working offline: one compact bundle of their grids (with
community and street names), the inventoried components around them and the active catalog.

One request instead of four (catalog, grids, components, me), sized to the user's own patch of
the city rather than the whole jurisdiction, so it stays small enough for a weak connection.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.service import grid_codes_of
from backend.cases.locate import SpatialCache
from backend.catalog.service import get_active_edition
from backend.errors import Unprocessable
from backend.models import CatalogClass, Community, Component, Street, UnitGrid, User
from backend.spatial import bbox_filter
from gis_data.crs import to_stored
from gis_data.errors import GisDataError

# A user with no assigned grids (the centre's staff) gets the first grids of the jurisdiction.
UNASSIGNED_GRID_LIMIT = 2000
COMPONENT_LIMIT = 5000
# Components just outside the user's grids still matter: reports are made from the pavement.
COMPONENT_MARGIN_DEG = 0.0005  # about 50 m


def _grid_features(db: Session, codes: list[str]) -> list[dict[str, Any]]:
    stmt = (select(UnitGrid.code, UnitGrid.name, UnitGrid.community_code, Community.name, Street.code, Street.name,
                   func.ST_AsGeoJSON(UnitGrid.geom, 7))
            .join(Community, Community.code == UnitGrid.community_code)
            .join(Street, Street.code == Community.street_code)
            .where(UnitGrid.valid_to.is_(None)).order_by(UnitGrid.code))
    stmt = stmt.where(UnitGrid.code.in_(codes)) if codes else stmt.limit(UNASSIGNED_GRID_LIMIT)
    return [{"type": "Feature", "geometry": json.loads(geojson),
             "properties": {"code": code, "name": name, "community_code": community_code,
                            "community_name": community_name, "street_code": street_code,
                            "street_name": street_name}}
            for code, name, community_code, community_name, street_code, street_name, geojson in db.execute(stmt)]


def _bounds(features: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    for feature in features:
        walk(feature["geometry"]["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _components(db: Session, bounds: tuple[float, float, float, float] | None) -> list[dict[str, Any]]:
    if bounds is None:
        return []
    m = COMPONENT_MARGIN_DEG
    frame = (bounds[0] - m, bounds[1] - m, bounds[2] + m, bounds[3] + m)
    stmt = (select(Component.id, Component.code, Component.minor_code, Component.name, Component.state,
                   Component.grid_code, func.ST_X(Component.geom), func.ST_Y(Component.geom))
            .where(bbox_filter(Component, db.get_bind().dialect.name, frame), Component.state != "removed")
            .order_by(Component.code).limit(COMPONENT_LIMIT))
    return [{"id": i, "code": code, "minor_code": minor, "name": name, "state": state, "grid_code": grid,
             "lon": round(x, 7), "lat": round(y, 7)}
            for i, code, minor, name, state, grid, x, y in db.execute(stmt)]


def _catalog(db: Session, edition: str) -> list[dict[str, Any]]:
    rows = db.scalars(select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.active.is_(True))
                      .order_by(CatalogClass.kind, CatalogClass.minor_code))
    return [{"kind": c.kind, "major_code": c.major_code, "major_name_zh": c.major_name_zh,
             "minor_code": c.minor_code, "name_zh": c.name_zh, "name_en": c.name_en} for c in rows]


def offline_bundle(*, db_session: Session, user: User, default_edition: str, tile_url: str,
                   tile_attribution: str) -> dict[str, Any]:
    """Everything the field app caches for offline work, as plain JSON-ready data."""
    my_codes = grid_codes_of(db_session=db_session, user_id=user.id)
    grids = _grid_features(db_session, my_codes)
    edition = get_active_edition(db_session=db_session, default=default_edition)
    return {
        "format": "gridwatch.field-bundle", "version": 1, "edition": edition,
        "user": {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
                 "grid_codes": my_codes},
        "tile_url": tile_url, "tile_attribution": tile_attribution,
        "grids": {"type": "FeatureCollection", "features": grids},
        "components": _components(db_session, _bounds(grids)),
        "catalog": _catalog(db_session, edition),
    }


def locate(*, db_session: Session, cache: SpatialCache, lon: float, lat: float, crs: str) -> dict[str, Any]:
    """Where a report at this point would land (the preview when the phone's cache has no answer)."""
    try:
        lon, lat = to_stored(lon, lat, crs)
    except GisDataError as exc:
        raise Unprocessable(f"Invalid position: {exc}", f"位置无效：{exc}") from None
    snap = cache.snapshot(db_session)
    found = snap.grids.locate_detail(lon, lat) if snap.grids is not None else None
    if found is None:
        return {"inside": False, "lon": lon, "lat": lat, "grid_code": None, "grid_name": None,
                "community_code": None, "community_name": None, "street_code": None, "street_name": None}
    row = db_session.execute(
        select(UnitGrid.name, Community.name, Street.name)
        .join(Community, Community.code == UnitGrid.community_code)
        .join(Street, Street.code == Community.street_code)
        .where(UnitGrid.code == found.grid_code, UnitGrid.valid_to.is_(None))).first()
    grid_name, community_name, street_name = row if row is not None else (None, None, None)
    return {"inside": True, "lon": lon, "lat": lat, "grid_code": found.grid_code, "grid_name": grid_name,
            "community_code": found.community_code, "community_name": community_name,
            "street_code": found.street_code, "street_name": street_name}

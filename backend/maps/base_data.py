"""The maps' reference data: current grids, communities, streets, observation points.

Read once and kept per app (like the case service's SpatialCache): the encoded base payload
(gzip-compressed, it is the largest thing a map page loads), the grid areas, and the Gi*
weights, which depend only on the grids. Rebuilt when the tables change (checked every 5 s).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.db import STORED_SRID
from backend.models import Community, ObservationPoint, StreetLine, UnitGrid
from backend.spatial import to_shapely
from gis_data.hotspots import SpatialWeights, queen_weights
from map_viewer.payloads import base_payload

_RECHECK_SECONDS = 5.0


@dataclass
class MapBase:
    signature: tuple
    codes: list[str]
    areas_m2: np.ndarray
    grids: gpd.GeoDataFrame
    payload: dict
    payload_json_gz: bytes
    _weights: SpatialWeights | None = None

    @property
    def bounds(self) -> list[float] | None:
        return self.payload.get("bounds")

    def index_of(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    @property
    def weights(self) -> SpatialWeights:
        """Queen contiguity of the current grids (built on first use, then kept)."""
        if self._weights is None:
            self._weights = queen_weights(self.grids.geometry.to_numpy())
        return self._weights


def _current_grids():
    return or_(UnitGrid.valid_to.is_(None), UnitGrid.valid_to >= date.today())


def _signature(db: Session) -> tuple:
    def stats(model, *where):
        return tuple(db.execute(select(func.count(), func.max(model.id)).where(*where)).one())

    return (stats(UnitGrid, _current_grids()), stats(Community), stats(StreetLine), stats(ObservationPoint))


def _frame(rows: list, columns: list[str]) -> gpd.GeoDataFrame:
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    geoms = [to_shapely(r[len(columns)]) for r in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=STORED_SRID)


def _build(db: Session, signature: tuple) -> MapBase:
    grid_rows = db.execute(select(UnitGrid.code, UnitGrid.area_m2, UnitGrid.geom).where(_current_grids())
                           .order_by(UnitGrid.code)).all()
    grids = _frame(grid_rows, ["code", "area_m2"])
    communities = _frame(db.execute(select(Community.code, Community.name, Community.geom)
                                    .where(Community.geom.is_not(None)).order_by(Community.code)).all(),
                         ["code", "name"])
    streets = _frame(db.execute(select(StreetLine.name, StreetLine.geom).order_by(StreetLine.id)).all(), ["name"])
    points = _frame(db.execute(select(ObservationPoint.code, ObservationPoint.name, ObservationPoint.geom)
                               .order_by(ObservationPoint.code)).all(), ["code", "name"])
    payload = base_payload(grids, communities, streets, points)
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return MapBase(signature=signature, codes=grids["code"].tolist(),
                   areas_m2=grids["area_m2"].to_numpy(dtype=np.float64), grids=grids, payload=payload,
                   payload_json_gz=gzip.compress(raw, compresslevel=6))


class MapBaseCache:
    """Per-app cache of :class:`MapBase`; safe to share between request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base: MapBase | None = None
        self._checked_at = 0.0

    def get(self, db: Session) -> MapBase:
        now = time.monotonic()
        base = self._base
        if base is not None and now - self._checked_at < _RECHECK_SECONDS:
            return base
        signature = _signature(db)
        with self._lock:
            if self._base is None or self._base.signature != signature:
                self._base = _build(db, signature)
            self._checked_at = now
            return self._base

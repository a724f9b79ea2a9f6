"""Where a report lands: grid, community, street, nearest observation point and component.

The spatial questions are answered by gis_data (GridIndex, NearestIndex) over an in-memory
snapshot of the current grids and inventory, rebuilt when the tables change. A point-in-grid
lookup is then a few microseconds instead of a database round trip per report.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.errors import OutsideJurisdiction, Unprocessable
from backend.models import Community, Component, ObservationPoint, UnitGrid
from backend.spatial import to_shapely
from gis_data.crs import to_stored
from gis_data.errors import GisDataError
from gis_data.grid_index import GridIndex
from gis_data.nearest import NearestIndex

OBSERVATION_RADIUS_M = 50.0
COMPONENT_RADIUS_M = 20.0
_RECHECK_SECONDS = 5.0


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    grid_code: str
    community_code: str | None
    street_code: str | None
    observation_point_id: int | None
    component_id: int | None
    component_code: str | None


@dataclass
class _Snapshot:
    signature: tuple
    grids: GridIndex | None
    observation_points: NearestIndex | None
    components: NearestIndex | None
    component_ids: dict[str, int]


class SpatialCache:
    """Per-app cache of the spatial indexes; safe to share between request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._checked_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._snapshot, self._checked_at = None, 0.0

    def snapshot(self, db: Session) -> _Snapshot:
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and now - self._checked_at < _RECHECK_SECONDS:
            return snap
        signature = _signature(db)
        with self._lock:
            if self._snapshot is None or self._snapshot.signature != signature:
                self._snapshot = _build(db, signature)
            self._checked_at = now
            return self._snapshot


def _current_grids():
    today = date.today()
    return or_(UnitGrid.valid_to.is_(None), UnitGrid.valid_to >= today)


def _signature(db: Session) -> tuple:
    def stats(model, *where):
        return tuple(db.execute(select(func.count(), func.max(model.id)).where(*where)).one())

    return (stats(UnitGrid, _current_grids()), stats(ObservationPoint), stats(Component))


def _build(db: Session, signature: tuple) -> _Snapshot:
    rows = db.execute(
        select(UnitGrid.code, UnitGrid.geom, Community.code, Community.street_code)
        .join(Community, Community.code == UnitGrid.community_code)
        .where(_current_grids())
    ).all()
    grids = None
    if rows:
        grids = GridIndex(
            [to_shapely(r[1]) for r in rows], [r[0] for r in rows],
            community_codes=[r[2] for r in rows], street_codes=[r[3] for r in rows],
        )
    ops = db.execute(
        select(ObservationPoint.id, func.ST_X(ObservationPoint.geom), func.ST_Y(ObservationPoint.geom))
    ).all()
    op_index = NearestIndex([r[0] for r in ops], [r[1] for r in ops], [r[2] for r in ops]) if ops else None
    comps = db.execute(
        select(Component.id, Component.code, Component.minor_code,
               func.ST_X(Component.geom), func.ST_Y(Component.geom))
        .where(Component.state != "removed")
    ).all()
    comp_index = None
    if comps:
        comp_index = NearestIndex([r[1] for r in comps], [r[3] for r in comps], [r[4] for r in comps],
                                  [r[2] for r in comps])
    return _Snapshot(signature, grids, op_index, comp_index, {r[1]: r[0] for r in comps})


def place_report(
    *, db_session: Session, cache: SpatialCache, lon: float, lat: float, crs: str = "wgs84",
    minor_code: str | None = None, kind: str | None = None,
) -> Placement:
    """Convert the client's point to the stored CRS and find everything it lands on.

    Raises
    ------
    Unprocessable
        Invalid coordinates (NaN, out of range, swapped), with the reason.
    OutsideJurisdiction
        The point is in no current unit grid.
    """
    try:
        lon, lat = to_stored(lon, lat, crs)
    except GisDataError as exc:
        raise Unprocessable(f"Invalid position: {exc}", f"位置无效：{exc}") from None
    snap = cache.snapshot(db_session)
    located = snap.grids.locate_detail(lon, lat) if snap.grids is not None else None
    if located is None:
        raise OutsideJurisdiction(
            f"The point ({lon:.6f}, {lat:.6f}) is outside every unit grid of this jurisdiction; "
            "check the position or hand the report to the neighbouring district.",
            f"位置（{lon:.6f}, {lat:.6f}）不在本辖区任何单元网格内，请核对位置或转交相邻辖区。",
        )
    op = snap.observation_points.nearest(lon, lat, max_distance_m=OBSERVATION_RADIUS_M) \
        if snap.observation_points is not None else None
    comp = None
    if snap.components is not None and kind == "component" and minor_code:
        comp = snap.components.nearest(lon, lat, max_distance_m=COMPONENT_RADIUS_M, catalog_class=minor_code)
    return Placement(
        lon=lon, lat=lat, grid_code=located.grid_code, community_code=located.community_code,
        street_code=located.street_code, observation_point_id=None if op is None else int(op.id),
        component_id=None if comp is None else snap.component_ids.get(comp.id),
        component_code=None if comp is None else comp.id,
    )

"""Compact geometry for map pages: integer micro-degrees, delta-encoded.

Ten thousand grid cells as GeoJSON with 7 decimals weigh about 2.5 MB; as delta-encoded
integers (1e-6 degree ≈ 0.1 m) about a fifth of that, and the page script decodes them in a
few milliseconds. Each ring or line is one flat list ``[x0, y0, dx1, dy1, dx2, dy2, ...]``
(lon first), without the closing vertex of a ring.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

SCALE: Final = 1_000_000


def _flat(coords: np.ndarray, *, ring: bool) -> list[int]:
    if ring and len(coords) > 1 and np.array_equal(coords[0], coords[-1]):
        coords = coords[:-1]
    q = np.rint(coords[:, :2] * SCALE).astype(np.int64)
    deltas = np.vstack([q[:1], np.diff(q, axis=0)])
    return deltas.ravel().tolist()


def encode_geometry(geom: BaseGeometry | None) -> list[list[list[int]]]:
    """Polygons → ``[[outer, hole, ...], ...]``; lines → ``[[part], ...]``; points → ``[[[x, y]]]``.

    Coordinates must be lon/lat degrees (EPSG:4326 or 4490). Empty or None → ``[]``.
    """
    if geom is None or geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return [[_flat(np.asarray(r.coords), ring=True) for r in rings]]
    if kind == "LineString":
        return [[_flat(np.asarray(geom.coords), ring=False)]]
    if kind == "Point":
        return [[_flat(np.asarray(geom.coords), ring=False)]]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        out: list[list[list[int]]] = []
        for part in geom.geoms:
            out.extend(encode_geometry(part))
        return out
    raise ValueError(f"cannot encode a {kind}")


def decode_geometry(encoded: list[list[list[int]]]) -> list[list[list[tuple[float, float]]]]:
    """Inverse of :func:`encode_geometry` (rings stay open), for tests and tools."""
    out = []
    for part in encoded:
        rings = []
        for flat in part:
            q = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / SCALE
            rings.append([(float(x), float(y)) for x, y in q])
        out.append(rings)
    return out


def lonlat_geometries(gdf: gpd.GeoDataFrame | gpd.GeoSeries, layer: str) -> np.ndarray:
    """The layer's geometries in lon/lat as a numpy array (reprojected if needed)."""
    if gdf.crs is None:
        raise ValueError(f"{layer} has no CRS; GridWatch stores EPSG:4490 (set it with .set_crs(4490))")
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    if geoms.crs.to_epsg() not in (4326, 4490):
        geoms = geoms.to_crs(4490)
    return geoms.to_numpy()


def encode_layer(geoms: Iterable[BaseGeometry | None]) -> list[Any]:
    return [encode_geometry(g) for g in geoms]


def lonlat_bounds(geoms: np.ndarray) -> list[float] | None:
    """``[min_lon, min_lat, max_lon, max_lat]`` of non-empty geometries, or None."""
    live = [g for g in geoms if g is not None and not g.is_empty]
    if not live:
        return None
    return [round(float(v), 7) for v in shapely.total_bounds(np.asarray(live, dtype=object))]

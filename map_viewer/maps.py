"""One function per map type, from GeoDataFrames and arrays to a static folium map.

For notebooks, the CLI and tests: each computes what it needs with gis_data, builds the
payloads and returns :func:`map_viewer.page.build_map` with them embedded. ``render_map(m,
standalone=True)`` then gives one offline HTML file, :func:`map_viewer.png.html_to_png` a PNG.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike

from gis_data.crs import project
from gis_data.density import DEFAULT_BANDWIDTH_M, point_density
from gis_data.hotspots import SpatialWeights, distance_band_weights, gi_star, queen_weights
from map_viewer.encode import lonlat_geometries
from map_viewer.page import build_map
from map_viewer.payload_points import cases_payload, inventory_payload
from map_viewer.payloads import (
    base_payload,
    choropleth_payload,
    closure_payload,
    comparison_payload,
    density_payload,
    hotspots_payload,
)


def _base(grids: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame | None] | None) -> dict[str, Any]:
    return base_payload(grids, **dict(layers or {}))


def grid_weights(grids: gpd.GeoDataFrame, method: str = "queen", distance_m: float = 150.0) -> SpatialWeights:
    """Spatial weights of grid cells: ``queen`` contiguity or a ``distance_band`` of centroids."""
    geoms = lonlat_geometries(grids, "grids")
    if method == "queen":
        return queen_weights(geoms)
    if method == "distance_band":
        import shapely

        c = shapely.centroid(geoms)
        x, y, _ = project(shapely.get_x(c), shapely.get_y(c))
        return distance_band_weights(x, y, distance_m)
    raise ValueError(f"unknown weights method {method!r}: queen or distance_band")


def hotspot_map(
    grids: gpd.GeoDataFrame, counts: ArrayLike, *, weights: SpatialWeights | None = None, fdr: bool = True,
    layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Gi* hot spots of ``counts`` (one per row of ``grids``, zeros included)."""
    w = weights or grid_weights(grids)
    n = np.asarray(counts, dtype=np.float64)
    data = hotspots_payload(grids["code"].tolist(), n, gi_star(n, w, fdr=fdr), weights_kind=w.kind)
    return build_map("hotspots", base=_base(grids, layers), data=data, **map_kwargs)


def density_map(
    grids: gpd.GeoDataFrame, lons: ArrayLike, lats: ArrayLike, *, bandwidth_m: float = DEFAULT_BANDWIDTH_M,
    layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Kernel density of case points over the grids' extent."""
    base = _base(grids, layers)
    density, raster = point_density(lons, lats, base["bounds"], bandwidth_m=bandwidth_m)
    data = density_payload(density, raster, total=len(np.asarray(lons)), bandwidth_m=bandwidth_m)
    return build_map("density", base=base, data=data, **map_kwargs)


def choropleth_map(
    grids: gpd.GeoDataFrame, *, layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Counts and rates per grid from columns ``area_m2, total, closed, should_close,
    closed_on_time, overdue``."""
    data = choropleth_payload(grids["code"].tolist(), **{c: grids[c].to_numpy() for c in (
        "area_m2", "total", "closed", "should_close", "closed_on_time", "overdue")})
    return build_map("choropleth", base=_base(grids, layers), data=data, **map_kwargs)


def closure_map(
    grids: gpd.GeoDataFrame, *, layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Closure status from columns ``status`` (closed/progress/warning/overdue/None),
    ``closure_rate, on_time_rate, open_count, overdue_count``."""
    data = closure_payload(
        grids["code"].tolist(), status=[s if isinstance(s, str) else None for s in grids["status"]],
        closure_rate=grids["closure_rate"].to_numpy(dtype=float), on_time_rate=grids["on_time_rate"].to_numpy(dtype=float),
        open_count=grids["open_count"].to_numpy(), overdue_count=grids["overdue_count"].to_numpy())
    return build_map("closure", base=_base(grids, layers), data=data, **map_kwargs)


def comparison_map(
    grids: gpd.GeoDataFrame, current: ArrayLike, previous: ArrayLike, *,
    current_label: tuple[str, str] = ("本期", "this period"), previous_label: tuple[str, str] = ("上期", "previous period"),
    layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Counts per grid in two periods and the change between them."""
    data = comparison_payload(grids["code"].tolist(), current, previous, current_label=current_label,
                              previous_label=previous_label)
    return build_map("comparison", base=_base(grids, layers), data=data, **map_kwargs)


def case_map(
    grids: gpd.GeoDataFrame, cases: Mapping[str, Any], *, cap: int = 2000,
    layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Case markers (columns as :func:`map_viewer.payload_points.cases_payload`, newest first);
    more than ``cap`` are counted per grid (needs a ``grid_code`` column) but not drawn."""
    total = len(cases["id"])
    shown = {k: list(v)[:cap] for k, v in cases.items() if k != "grid_code"}
    codes = grids["code"].tolist()
    per_grid = dict(zip(*np.unique(np.asarray(cases.get("grid_code", []), dtype=str), return_counts=True),
                        strict=True))
    data = cases_payload(shown, total=total, grid_codes=codes,
                         grid_counts=[int(per_grid.get(c, 0)) for c in codes])
    return build_map("cases", base=_base(grids, layers), data=data, **map_kwargs)


def inventory_map(
    grids: gpd.GeoDataFrame, components: gpd.GeoDataFrame, *, cap: int = 5000,
    layers: Mapping[str, gpd.GeoDataFrame | None] | None = None, **map_kwargs: Any,
) -> folium.Map:
    """Components (points with ``code, state, name`` and ``grid_code``) coloured by state."""
    pts = lonlat_geometries(components, "components")[:cap]
    shown = components.iloc[:cap]
    states = components["state"].astype(str)
    codes = grids["code"].tolist()
    problems = components.loc[states != "intact", "grid_code"].astype(str).value_counts()
    data = inventory_payload(
        {"lon": [p.x for p in pts], "lat": [p.y for p in pts], "state": shown["state"].astype(str).tolist(),
         "code": shown["code"].astype(str).tolist(), "name_zh": shown["name"].astype(str).tolist()},
        total=len(components), counts_by_state=states.value_counts().to_dict(), grid_codes=codes,
        grid_problems=[int(problems.get(c, 0)) for c in codes])
    return build_map("inventory", base=_base(grids, layers), data=data, **map_kwargs)

"""Base maps that need no internet: our own vector layers, or an intranet tile server.

The public API speaks ``lon, lat`` like the rest of GridWatch; folium's ``[lat, lon]`` stays
inside this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import folium
import geopandas as gpd
from branca.element import Element

from map_viewer.assets import ensure_local_assets

Bounds = Sequence[float]
"""``(min_lon, min_lat, max_lon, max_lat)`` in degrees (EPSG:4326), like ``total_bounds``."""

#: Land colour behind the vector layers when there are no tiles.
BASEMAP_BACKGROUND: Final = "#f2efe9"
#: Leaflet pane for reference layers: above tiles (200), below overlays (400), no clicks.
BASEMAP_PANE: Final = "gridwatchBasemap"

# Muted, basemap-like styles so case data drawn on top stays the thing you see.
COMMUNITY_STYLE: Final = {
    "color": "#a796a8",
    "weight": 1.5,
    "dashArray": "6 4",
    "fillColor": "#e6e0d4",
    "fillOpacity": 0.5,
}
GRID_STYLE: Final = {"color": "#8d99a6", "weight": 0.8, "fill": False}
STREET_CASING_STYLE: Final = {"color": "#bcb09e", "weight": 6, "lineCap": "round", "lineJoin": "round"}
STREET_STYLE: Final = {"color": "#ffffff", "weight": 4, "lineCap": "round", "lineJoin": "round"}

DEFAULT_LAYER_NAMES: Final = {"communities": "Communities", "grids": "Grid cells", "streets": "Streets"}


def _lat_lon_bounds(bounds: Bounds) -> list[list[float]]:
    """Check ``(min_lon, min_lat, max_lon, max_lat)`` and turn it into folium's order."""
    if len(bounds) != 4:
        raise ValueError(f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds!r}")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise ValueError(f"bounds must be finite numbers, got {bounds!r}")
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(
            f"bounds must be (min_lon, min_lat, max_lon, max_lat) in degrees, got {bounds!r} "
            "(lat/lon swapped, or projected coordinates?)"
        )
    return [[min_lat, min_lon], [max_lat, max_lon]]


def new_map(
    bounds: Bounds | None = None,
    tile_url: str | None = None,
    attribution: str | None = None,
    *,
    max_zoom: int = 20,
    min_zoom: int = 0,
    tile_max_native_zoom: int | None = None,
    background: str | None = BASEMAP_BACKGROUND,
    control_scale: bool = True,
    **map_kwargs: Any,
) -> folium.Map:
    """Create a folium map that loads nothing from the internet.

    Parameters
    ----------
    bounds : sequence of 4 floats, optional
        ``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326 degrees to fit the view to.
    tile_url : str, optional
        XYZ tile URL template (``.../{z}/{x}/{y}.png``) of an intranet tile server. Without
        one the map has no tiles: draw reference layers (:func:`add_reference_layers`).
    attribution : str, optional
        Attribution for the tiles; defaults to the tile server's host name.
    max_zoom, min_zoom : int
        Zoom range of the map (Leaflet needs ``max_zoom`` when there are no tiles, e.g.
        for marker clusters).
    tile_max_native_zoom : int, optional
        Highest zoom the tile server has; Leaflet scales its tiles up beyond it.
    background : str or None
        CSS colour shown where no layer draws; None keeps Leaflet's grey.
    control_scale : bool
        Show a scale bar.
    **map_kwargs
        Passed to :class:`folium.Map` (``location``, ``zoom_start``, ``width``, ...).

    Returns
    -------
    folium.Map
    """
    ensure_local_assets()
    if "tiles" in map_kwargs:
        raise TypeError("new_map() takes tile_url=, not tiles=: public tile providers are not reachable")
    if bounds is not None and "location" not in map_kwargs:
        (south, west), (north, east) = _lat_lon_bounds(bounds)
        map_kwargs["location"] = [(south + north) / 2, (west + east) / 2]
    m = folium.Map(tiles=None, control_scale=control_scale, **map_kwargs)
    m.options["max_zoom"] = max_zoom
    m.options["min_zoom"] = min_zoom
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=attribution or urlsplit(tile_url).netloc or "local tiles",
            name="Tiles",
            max_zoom=max_zoom,
            min_zoom=min_zoom,
            max_native_zoom=tile_max_native_zoom,
            overlay=False,
            control=False,
        ).add_to(m)
    if background:
        m.get_root().header.add_child(
            Element(f"<style>#{m.get_name()} {{ background: {background}; }}</style>"),
            name="gridwatch_background",
        )
    if bounds is not None:
        m.fit_bounds(_lat_lon_bounds(bounds))
    return m


def _to_wgs84(gdf: gpd.GeoDataFrame | gpd.GeoSeries | None, layer: str) -> gpd.GeoDataFrame | None:
    """The layer's geometries in EPSG:4326 without attributes, or None when there is nothing."""
    if gdf is None:
        return None
    if gdf.crs is None:
        raise ValueError(f"{layer} has no CRS; GridWatch stores EPSG:4490 (set it with .set_crs(4490))")
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if geoms.empty:
        return None
    if not geoms.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs(4326)
    # Geometry only: a basemap needs no attributes, and they may not be JSON-serialisable.
    return gpd.GeoDataFrame(geometry=geoms.reset_index(drop=True))


def _union_bounds(frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    boxes = [frame.total_bounds for frame in frames]
    return (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )


def _ensure_basemap_pane(m: folium.Map) -> None:
    if any(isinstance(c, folium.map.CustomPane) and c.name == BASEMAP_PANE for c in m._children.values()):
        return
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)


def _geojson(
    data: gpd.GeoDataFrame, style: Mapping[str, Any], name: str | None, **kwargs: Any
) -> folium.GeoJson:
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda _feature, style=dict(style): style,
        pane=BASEMAP_PANE,
        interactive=False,
        **kwargs,
    )


def add_reference_layers(
    m: folium.Map | None = None,
    grids: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    communities: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    streets: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    layer_names: Mapping[str, str] | None = None,
    **new_map_kwargs: Any,
) -> folium.Map:
    """Draw communities, streets and grid cells as a quiet, basemap-like backdrop.

    Shaped like :meth:`geopandas.GeoDataFrame.explore`: with ``m=None`` a new map is made
    (:func:`new_map`) and fitted to the layers. Layers are reprojected to EPSG:4326 (the
    stored CRS is EPSG:4490), drawn in their own non-interactive pane under all other
    overlays, and listed in a LayerControl if the map gets one. A missing or empty layer is
    skipped; with nothing to draw the map comes back unchanged.

    Parameters
    ----------
    m : folium.Map, optional
        Map to draw on; a new one if None.
    grids, communities, streets : GeoDataFrame or GeoSeries, optional
        Grid cells and community polygons, and street lines; any CRS, but it must be set.
    layer_names : mapping, optional
        Names for the layer control, keyed ``grids``/``communities``/``streets``.
    **new_map_kwargs
        Passed to :func:`new_map` when ``m`` is None (``tile_url``, ``max_zoom``, ...).

    Returns
    -------
    folium.Map
    """
    names = {**DEFAULT_LAYER_NAMES, **(layer_names or {})}
    layers = {
        "communities": _to_wgs84(communities, "communities"),
        "streets": _to_wgs84(streets, "streets"),
        "grids": _to_wgs84(grids, "grids"),
    }
    present = {key: gdf for key, gdf in layers.items() if gdf is not None}
    if m is None:
        if present and "bounds" not in new_map_kwargs:
            new_map_kwargs["bounds"] = _union_bounds(list(present.values()))
        m = new_map(**new_map_kwargs)
    elif new_map_kwargs:
        raise TypeError(f"new_map arguments {sorted(new_map_kwargs)} given with an existing map")
    if not present:
        return m

    _ensure_basemap_pane(m)
    # Bottom to top: community areas, streets, then grid outlines over both.
    if "communities" in present:
        _geojson(present["communities"], COMMUNITY_STYLE, names["communities"]).add_to(m)
    if "streets" in present:
        group = folium.FeatureGroup(name=names["streets"]).add_to(m)
        _geojson(present["streets"], STREET_CASING_STYLE, None, control=False).add_to(group)
        _geojson(present["streets"], STREET_STYLE, None, control=False).add_to(group)
    if "grids" in present:
        _geojson(present["grids"], GRID_STYLE, names["grids"]).add_to(m)
    return m

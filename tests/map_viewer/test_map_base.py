"""new_map() and add_reference_layers(): offline base maps in lon/lat."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pytest
from shapely.geometry import box

import map_viewer
from map_viewer import BASEMAP_PANE, add_reference_layers, new_map, render_html

PACKAGE = Path(map_viewer.__file__).resolve().parent


def _geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    found, stack = [], list(m._children.values())
    while stack:
        element = stack.pop()
        if isinstance(element, folium.GeoJson):
            found.append(element)
        stack.extend(element._children.values())
    return found


def _fit_bounds(html: str) -> list[list[float]]:
    match = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S)
    assert match, "no fitBounds call"
    return json.loads(match[1])


def test_new_map_has_no_tiles_and_a_max_zoom() -> None:
    html = render_html(new_map())
    assert "L.tileLayer" not in html
    assert re.search(r'"maxZoom": 20', html)  # MarkerCluster needs it when there are no tiles
    assert "background: #f2efe9" in html


def test_new_map_fits_lon_lat_bounds_in_leaflet_order() -> None:
    html = render_html(new_map(bounds=(116.39, 39.90, 116.41, 39.92)))
    assert _fit_bounds(html) == [[39.90, 116.39], [39.92, 116.41]]


@pytest.mark.parametrize(
    "bounds",
    [
        (39.90, 116.39, 39.92, 116.41),  # lat, lon: swapped
        (446000.0, 4417000.0, 448000.0, 4419000.0),  # projected metres
        (116.41, 39.90, 116.39, 39.92),  # min > max
        (116.39, 39.90, 116.41),
        (116.39, float("nan"), 116.41, 39.92),
    ],
)
def test_new_map_rejects_bounds_that_are_not_lon_lat(bounds: Any) -> None:
    with pytest.raises(ValueError, match="bounds"):
        new_map(bounds=bounds)


def test_new_map_uses_an_intranet_tile_server() -> None:
    m = new_map(tile_url="http://tiles.gis.local/osm/{z}/{x}/{y}.png", tile_max_native_zoom=18)
    html = render_html(m)
    assert "http://tiles.gis.local/osm/{z}/{x}/{y}.png" in html
    assert "tiles.gis.local" in html  # attribution defaults to the host
    assert map_viewer.external_asset_urls(html) == []  # tiles are not page assets
    assert map_viewer.cdn_host_references(html) == []


def test_public_tiles_are_refused() -> None:
    with pytest.raises(TypeError, match="tile_url"):
        new_map(tiles="OpenStreetMap")
    m = new_map()
    folium.TileLayer("OpenStreetMap").add_to(m)
    with pytest.raises(map_viewer.UnvendoredAssetError, match=r"tile\.openstreetmap\.org"):
        render_html(m)


def test_reference_layers_like_explore_make_a_fitted_map(layers: dict[str, gpd.GeoDataFrame]) -> None:
    m = add_reference_layers(None, **layers)
    geojsons = _geojson_layers(m)
    assert len(geojsons) == 4  # communities, street casing + street, grids
    assert all(g.options["pane"] == BASEMAP_PANE and g.options["interactive"] is False for g in geojsons)
    html = render_html(m)
    (south, west), (north, east) = _fit_bounds(html)
    assert (west, south) == pytest.approx((116.390, 39.900), abs=1e-6)
    assert (east, north) == pytest.approx((116.402, 39.912), abs=1e-6)
    assert re.search(rf'createPane\(\s*"{BASEMAP_PANE}"\)', html)


def test_reference_layers_draw_on_a_given_map_and_reuse_the_pane(layers: dict[str, gpd.GeoDataFrame]) -> None:
    m = new_map()
    assert add_reference_layers(m, grids=layers["grids"]) is m
    add_reference_layers(m, streets=layers["streets"])
    panes = [c for c in m._children.values() if isinstance(c, folium.map.CustomPane)]
    assert len(panes) == 1
    assert "fitBounds" not in render_html(m)  # like explore(): a given map keeps its view


def test_reference_layers_reproject_to_wgs84(layers: dict[str, gpd.GeoDataFrame]) -> None:
    projected = layers["grids"].to_crs(4547)  # CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres
    m = add_reference_layers(None, grids=projected)
    data = _geojson_layers(m)[0].data
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert lon == pytest.approx(116.392, abs=1e-6) and lat == pytest.approx(39.900, abs=1e-6)
    assert data["features"][0]["properties"] == {}  # basemap layers carry no attributes


def test_empty_or_missing_layers_return_the_map_unchanged(layers: dict[str, gpd.GeoDataFrame]) -> None:
    m = new_map()
    before = list(m._children)
    empty = layers["grids"].iloc[0:0]
    assert add_reference_layers(m, grids=empty, communities=None) is m
    assert list(m._children) == before
    assert isinstance(add_reference_layers(None, grids=empty), folium.Map)


def test_reference_layers_need_a_crs() -> None:
    naive = gpd.GeoDataFrame(geometry=[box(116.39, 39.9, 116.4, 39.91)])
    with pytest.raises(ValueError, match="no CRS"):
        add_reference_layers(None, grids=naive)


def test_new_map_arguments_only_with_a_new_map(layers: dict[str, gpd.GeoDataFrame]) -> None:
    m = add_reference_layers(None, grids=layers["grids"], max_zoom=19)
    assert m.options["max_zoom"] == 19
    with pytest.raises(TypeError, match="existing map"):
        add_reference_layers(m, grids=layers["grids"], max_zoom=19)


def test_map_viewer_never_imports_the_web_or_database_layers() -> None:
    forbidden = {"backend", "fastapi", "sqlalchemy", "geoalchemy2", "starlette", "field_app"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"

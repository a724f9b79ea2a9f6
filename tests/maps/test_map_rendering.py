"""Every map type renders to HTML that names no other host, served (linked vendored assets)
and exported (one file, everything inlined); page size does not grow with the cases."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

import map_viewer
from map_viewer import STATIC_DIR, asset_urls, cdn_host_references, external_asset_urls
from map_viewer.maps import (
    case_map,
    choropleth_map,
    closure_map,
    comparison_map,
    density_map,
    hotspot_map,
    inventory_map,
)
from map_viewer.page import JS_DIR, MAP_KINDS, GridWatchPage, LiveOptions, build_map, render_map
from tests.map_viewer.conftest import make_communities, make_grids, make_streets

MAX_PAGE_BYTES = 2_000_000
STATUS = ["new", "progress", "warning", "overdue", "closed"]


@pytest.fixture(scope="module")
def grids() -> gpd.GeoDataFrame:
    return make_grids(12)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {"communities": make_communities(), "streets": make_streets()}


def _cases(grids: gpd.GeoDataFrame, n: int, seed: int = 0) -> dict[str, list[Any]]:
    rng = np.random.default_rng(seed)
    lon0, lat0, lon1, lat1 = grids.total_bounds
    return {
        "id": list(range(n)), "lon": rng.uniform(lon0, lon1, n).tolist(), "lat": rng.uniform(lat0, lat1, n).tolist(),
        "cls": [STATUS[i % 5] for i in range(n)], "ref": [f"GW20261125-{i:06d}" for i in range(n)],
        "label_zh": ["暴露垃圾"] * n, "label_en": ["Exposed garbage"] * n, "status_zh": ["已派遣"] * n,
        "due": ["2026-11-26 17:00"] * n, "grid_code": [grids["code"].iloc[i % len(grids)] for i in range(n)],
    }


def build_static(kind: str, grids: gpd.GeoDataFrame, layers: dict, n_cases: int = 300):
    rng = np.random.default_rng(3)
    counts = rng.poisson(2, len(grids)).astype(float)
    counts[:10] += 12
    g = grids.copy()
    if kind == "hotspots":
        return hotspot_map(g, counts, layers=layers)
    if kind == "density":
        c = _cases(g, n_cases)
        return density_map(g, c["lon"], c["lat"], layers=layers)
    if kind == "choropleth":
        g["area_m2"], g["total"], g["closed"] = 40_000.0, counts, counts // 2
        g["should_close"], g["closed_on_time"], g["overdue"] = counts, counts // 3, counts % 3
        return choropleth_map(g, layers=layers)
    if kind == "closure":
        g["status"] = [["closed", "progress", "warning", "overdue", None][i % 5] for i in range(len(g))]
        g["closure_rate"], g["on_time_rate"] = rng.uniform(0, 1, len(g)), rng.uniform(0, 1, len(g))
        g["open_count"], g["overdue_count"] = counts, counts % 2
        return closure_map(g, layers=layers)
    if kind == "comparison":
        return comparison_map(g, counts, rng.poisson(2, len(g)), layers=layers)
    if kind == "cases":
        return case_map(g, _cases(g, n_cases), cap=2000, layers=layers)
    c = _cases(g, 100)
    comps = gpd.GeoDataFrame(
        {"code": [f"3205080100100{i:04d}" for i in range(100)],
         "state": [["intact", "damaged", "lost", "occupied"][i % 4] for i in range(100)],
         "name": ["供水井盖"] * 100, "grid_code": c["grid_code"]},
        geometry=[Point(x, y) for x, y in zip(c["lon"], c["lat"], strict=True)], crs=4490)
    return inventory_map(g, comps, layers=layers)


def build_live(kind: str) -> Any:
    live = LiveOptions(api={"base": "/api/maps/base", "data": f"/api/maps/{kind}", "options": "/api/maps/options",
                            "me": "/api/auth/me", "login": "/api/auth/login", "logout": "/api/auth/logout"},
                       filters=[{"name": "category", "type": "select", "label_zh": "类别", "label_en": "category",
                                 "source": "categories"}])
    return build_map(kind, live=live, bounds=(116.39, 39.90, 116.41, 39.92))


def _check_served(html: str) -> None:
    assert external_asset_urls(html) == []
    assert cdn_host_references(html) == []
    assert "http://" not in html and "https://" not in html
    urls = asset_urls(html)
    assert any(u.endswith("leaflet.markercluster.js") for u in urls)
    for url in urls:
        if url.startswith("data:"):
            continue
        assert url.startswith("/static/vendor/"), url
        assert (STATIC_DIR / unquote(urlsplit(url).path[len("/static/"):])).is_file(), url


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_static_map_renders_offline(kind: str, grids, layers) -> None:
    m = build_static(kind, grids, layers)
    _check_served(render_map(m))
    standalone = render_map(m, standalone=True)
    assert [u for u in asset_urls(standalone) if u.startswith(("/", "http:", "https:"))] == []
    assert "/static/vendor/" not in standalone
    assert '"mode":"static"' in standalone
    assert len(standalone.encode()) < 400_000  # Leaflet + MarkerCluster + our script + the data


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_live_page_is_a_small_shell_that_names_no_host(kind: str) -> None:
    html = render_map(build_live(kind))
    _check_served(html)
    assert '"mode":"live"' in html and f'"data":"/api/maps/{kind}"' in html
    assert len(html.encode()) < 100_000
    # folium's icon-marker assets (jQuery, Bootstrap, Font Awesome) are not loaded: we use none.
    assert "jquery" not in html and "bootstrap" not in html and "fontawesome" not in html


def test_page_script_names_no_host_and_no_other_file() -> None:
    for path in JS_DIR.iterdir():
        text = path.read_text("utf-8")
        assert "http:" not in text and "https:" not in text and "//cdn" not in text, path.name
        assert "url(" not in text or path.suffix != ".css", path.name  # no images or fonts to fetch


def test_case_map_size_does_not_grow_with_the_cases(grids, layers) -> None:
    sizes = {}
    for n in (2000, 20_000):
        html = render_map(build_static("cases", grids, layers, n_cases=n), standalone=True)
        sizes[n] = len(html.encode())
    assert sizes[20_000] == pytest.approx(sizes[2000], rel=0.02)  # capped at 2,000 markers
    assert max(sizes.values()) < MAX_PAGE_BYTES
    assert "仅显示最新 2,000 个，共 20,000 个" in html


def test_page_element_assets_are_vendored() -> None:
    map_viewer.ensure_local_assets()
    links = GridWatchPage.default_js + GridWatchPage.default_css
    assert all(url.startswith("/static/vendor/leaflet.markercluster@1.1.0/") for _, url in links)


def test_payload_kind_must_match_the_page() -> None:
    g = make_grids(3)
    m = hotspot_map(g, np.arange(9.0))
    page = next(c for c in m._children.values() if isinstance(c, GridWatchPage))
    data = page.config["embedded"]
    with pytest.raises(ValueError, match="not 'density'"):
        build_map("density", base=data["base"], data=data["data"])
    with pytest.raises(ValueError, match="unknown map kind"):
        build_map("heat", base=data["base"], data=data["data"])
    with pytest.raises(ValueError, match="not both"):
        build_map("hotspots", base=data["base"], data=data["data"], live=LiveOptions(api={}))


def test_base_layers_keep_codes_and_geometry(grids) -> None:
    from map_viewer.encode import decode_geometry
    from map_viewer.payloads import base_payload

    base = base_payload(grids.to_crs(4547), streets=make_streets())  # any CRS in, lon/lat out
    assert base["grids"]["codes"] == grids["code"].tolist()
    ring = decode_geometry(base["grids"]["geom"][0])[0][0]
    expected = list(grids.geometry.iloc[0].exterior.coords)[:-1]
    assert np.allclose(ring, expected, atol=2e-6)
    assert len(base["streets"]["geom"]) == 2


def test_an_intranet_tile_server_can_sit_under_the_vector_layers() -> None:
    live = LiveOptions(api={"data": "/api/maps/hotspots"})
    m = build_map("hotspots", live=live, bounds=(116.39, 39.90, 116.41, 39.92),
                  tile_url="http://tiles.gis.local/osm/{z}/{x}/{y}.png", attribution="District survey")
    html = render_map(m)
    assert "http://tiles.gis.local/osm/{z}/{x}/{y}.png" in html and "District survey" in html
    assert external_asset_urls(html) == [] and cdn_host_references(html) == []


@pytest.mark.browser
def test_png_of_a_static_hot_spot_map_shows_the_spots(grids, layers, artifacts_dir) -> None:
    import io

    from PIL import Image

    from map_viewer.png import html_to_png

    html = render_map(build_static("hotspots", grids, layers), standalone=True)
    png = html_to_png(html, width=1000, height=760)
    (artifacts_dir / "map_static_hotspots.png").write_bytes(png)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    # The 99 % hot spot colour (#b2182b, drawn at 72 % over the light basemap) covers some cells.
    hot = np.all(np.abs(pixels - [194, 82, 93]) < 40, axis=1)
    assert hot.sum() > 2000

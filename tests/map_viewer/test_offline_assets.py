"""No map may load anything from the internet: not in the HTML, not in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import branca.colormap as cm
import folium
import pandas as pd
import pytest
from branca.element import MacroElement
from folium import plugins
from folium.elements import JSCSSMixin

import map_viewer
from map_viewer import (
    CDN_ASSETS,
    STATIC_DIR,
    VENDOR_DIR,
    UnvendoredAssetError,
    add_reference_layers,
    asset_urls,
    cdn_host_references,
    external_asset_urls,
    new_map,
    render_html,
)
from map_viewer.scan import css_urls

Layers = dict[str, Any]
Points = list[tuple[float, float]]
DECLUSTER_ZOOM = 15  # the zoom at which the whole 1.2 km test block fits the window


# --- the map types GridWatch draws -------------------------------------------------------


def _bounds(layers: Layers) -> tuple[float, ...]:
    return tuple(layers["grids"].to_crs(4326).total_bounds)


def reference_layers(layers: Layers, cases: Points) -> folium.Map:
    return add_reference_layers(None, **layers)


def geojson(layers: Layers, cases: Points) -> folium.Map:
    m = new_map(bounds=_bounds(layers))
    grids = layers["grids"].to_crs(4326)
    folium.GeoJson(grids, name="grids", tooltip=folium.GeoJsonTooltip(["code", "cases"])).add_to(m)
    return m


def marker_cluster(layers: Layers, cases: Points) -> folium.Map:
    m = add_reference_layers(None, **layers)
    cluster = plugins.MarkerCluster(name="Cases", disable_clustering_at_zoom=DECLUSTER_ZOOM).add_to(m)
    for i, (lon, lat) in enumerate(cases):
        icon = [None, folium.Icon(), folium.Icon(prefix="fa", icon="wrench", color="red", angle=45)][i % 3]
        folium.Marker([lat, lon], icon=icon, popup=f"case {i}").add_to(cluster)
    return m


def heatmap(layers: Layers, cases: Points) -> folium.Map:
    m = add_reference_layers(None, **layers)
    plugins.HeatMap([[lat, lon] for lon, lat in cases], name="Case density").add_to(m)
    return m


def choropleth_legend(layers: Layers, cases: Points) -> folium.Map:
    m = add_reference_layers(None, communities=layers["communities"])
    grids = layers["grids"].to_crs(4326)
    colormap = cm.StepColormap(["#fee5d9", "#fcae91", "#fb6a4a", "#cb181d"], vmin=0, vmax=10, caption="Cases")
    folium.GeoJson(
        grids,
        name="Cases per grid",
        style_function=lambda f: {
            "fillColor": colormap(f["properties"]["cases"]),
            "weight": 0.5,
            "fillOpacity": 0.7,
        },
    ).add_to(m)
    colormap.add_to(m)
    return m


def folium_choropleth(layers: Layers, cases: Points) -> folium.Map:
    m = new_map(bounds=_bounds(layers))
    grids = layers["grids"].to_crs(4326)
    folium.Choropleth(
        geo_data=grids.to_json(),
        data=pd.DataFrame(grids.drop(columns="geometry")),
        columns=["code", "cases"],
        key_on="feature.properties.code",
        legend_name="Cases",
    ).add_to(m)
    return m


def layer_control(layers: Layers, cases: Points) -> folium.Map:
    m = marker_cluster(layers, cases)
    plugins.HeatMap([[lat, lon] for lon, lat in cases], name="Case density", show=False).add_to(m)
    colormap = cm.LinearColormap(["#ffffb2", "#bd0026"], vmin=0, vmax=10, caption="Cases per grid")
    colormap.add_to(m)
    plugins.Fullscreen().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _timestamped_features(cases: Points) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"times": [f"2026-03-{1 + i % 7:02d}"], "icon": "circle", "popup": f"case {i}"},
            }
            for i, (lon, lat) in enumerate(cases)
        ],
    }


def timestamped_geojson(layers: Layers, cases: Points) -> folium.Map:
    m = add_reference_layers(None, **layers)
    plugins.TimestampedGeoJson(_timestamped_features(cases), period="P1D", add_last_point=False).add_to(m)
    return m


def time_slider_choropleth(layers: Layers, cases: Points) -> folium.Map:
    m = new_map(bounds=_bounds(layers))
    grids = layers["grids"].to_crs(4326).reset_index(drop=True)
    days = [1772323200 + 86400 * d for d in range(3)]  # three days in March 2026, epoch seconds
    styles = {
        str(i): {
            str(t): {"color": "#cb181d", "opacity": 0.8 if (i + d) % 2 else 0.2} for d, t in enumerate(days)
        }
        for i in range(len(grids))
    }
    plugins.TimeSliderChoropleth(grids.to_json(), styledict=styles, name="Cases by day").add_to(m)
    return m


def heatmap_with_time(layers: Layers, cases: Points) -> folium.Map:
    m = add_reference_layers(None, **layers)
    frames = [[[lat, lon] for lon, lat in cases[d::3]] for d in range(3)]
    plugins.HeatMapWithTime(frames, index=["day 1", "day 2", "day 3"], name="Cases over time").add_to(m)
    return m


MAP_TYPES: dict[str, Callable[[Layers, Points], folium.Map]] = {
    f.__name__: f
    for f in (
        reference_layers,
        geojson,
        marker_cluster,
        heatmap,
        choropleth_legend,
        folium_choropleth,
        layer_control,
        timestamped_geojson,
        time_slider_choropleth,
        heatmap_with_time,
    )
}

# Independent of map_viewer.scan, so a bug there cannot hide a leak.
_RAW_EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)


def _local_file(url: str) -> Path:
    assert url.startswith("/static/"), f"{url} is not served from /static"
    return STATIC_DIR / unquote(urlsplit(url).path[len("/static/") :])


# --- (a) + (b): the rendered HTML -----------------------------------------------------------


@pytest.mark.parametrize("map_type", MAP_TYPES)
def test_rendered_html_names_no_other_host(map_type: str, layers: Layers, cases: Points) -> None:
    html = MAP_TYPES[map_type](layers, cases).get_root().render()
    assert external_asset_urls(html) == []
    assert _RAW_EXTERNAL.findall(html) == []
    assert cdn_host_references(html) == []
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize("map_type", MAP_TYPES)
def test_every_local_asset_exists(map_type: str, layers: Layers, cases: Points) -> None:
    html = MAP_TYPES[map_type](layers, cases).get_root().render()
    urls = asset_urls(html)
    assert urls, "the page loads no assets at all: rendering is broken"
    for url in urls:
        path = _local_file(url)
        assert path.is_file(), f"{url} -> {path} is missing"
        if path.suffix == ".css":
            for ref in css_urls(path.read_text("utf-8")):
                if not ref.startswith(("data:", "#")):
                    assert (path.parent / unquote(ref.split("#")[0].split("?")[0])).is_file(), (
                        f"{path}: {ref}"
                    )


@pytest.mark.parametrize("map_type", MAP_TYPES)
def test_standalone_export_has_no_asset_links(map_type: str, layers: Layers, cases: Points) -> None:
    html = render_html(MAP_TYPES[map_type](layers, cases), standalone=True)
    # Inlined library code holds tag-like strings (``url()``, ``src="'+x+'"``): count only
    # what could reach a server.
    assert [u for u in asset_urls(html) if u.startswith(("/", "http:", "https:"))] == []
    assert "/static/vendor/" not in html


def test_scanner_finds_every_kind_of_external_reference() -> None:
    page = """<html><head>
        <script src="https://cdn.jsdelivr.net/npm/x.js"></script>
        <link rel="stylesheet" href='//unpkg.com/y.css'/>
        <style>@font-face{src:url(http://fonts.example/f.woff2)} @import "https://e.example/i.css";</style>
        </head><body><img src=https://tile.openstreetmap.org/1/1/1.png>
        <div style="background: url('https://example.org/bg.png')"></div>
        <a href="https://leafletjs.com">Leaflet</a></body></html>"""
    assert len(external_asset_urls(page)) == 6
    assert {"cdn.jsdelivr.net", "unpkg.com", "tile.openstreetmap.org"} <= set(cdn_host_references(page))


# --- the vendored files themselves ----------------------------------------------------------


def test_every_table_entry_is_vendored() -> None:
    missing = sorted(rel for rel in CDN_ASSETS.values() if not (VENDOR_DIR / rel).is_file())
    assert missing == [], "run scripts/vendor_map_assets.sh"


def test_vendored_css_loads_only_vendored_files() -> None:
    for css in VENDOR_DIR.rglob("*.css"):
        for ref in css_urls(css.read_text("utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not re.match(r"(?:https?:)?//", ref), f"{css} loads {ref}"
            assert (css.parent / unquote(ref.split("#")[0].split("?")[0])).is_file(), f"{css}: {ref}"


def test_no_orphan_files_and_licenses_kept() -> None:
    used = {(VENDOR_DIR / rel).resolve() for rel in CDN_ASSETS.values()}
    for css in [p for p in used if p.suffix == ".css"]:
        refs = [r for r in css_urls(css.read_text("utf-8")) if not r.startswith(("data:", "#"))]
        used |= {(css.parent / r.split("#")[0].split("?")[0]).resolve() for r in refs}
    used |= {
        (VENDOR_DIR / "leaflet@1.9.3/dist/images" / n).resolve()
        for n in ("marker-icon-2x.png", "marker-shadow.png")
    }
    for path in VENDOR_DIR.rglob("*"):
        if path.is_file() and not re.match(r"(LICEN[CS]E|MIT-LICENCE|package\.json|NOTICE)", path.name):
            assert path.resolve() in used, f"{path.relative_to(VENDOR_DIR)} is vendored but nothing loads it"
    for package in [p for p in VENDOR_DIR.iterdir() if p.is_dir()]:
        assert any(re.match(r"(LICEN[CS]E|MIT-LICENCE|package\.json)", f.name) for f in package.iterdir()), (
            package
        )


def test_no_vendored_file_is_git_ignored() -> None:
    """An ignored file would be missing from every fresh clone (``build/`` once bit d3)."""
    root = STATIC_DIR.parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git work tree")
    files = "\n".join(str(p.relative_to(root)) for p in VENDOR_DIR.rglob("*") if p.is_file())
    result = subprocess.run(
        ["git", "check-ignore", "--stdin"], input=files, cwd=root, capture_output=True, text=True
    )
    assert result.stdout == "", f"git ignores vendored files: {result.stdout}"


def test_vendored_assets_stay_small() -> None:
    total = sum(p.stat().st_size for p in VENDOR_DIR.rglob("*") if p.is_file())
    assert total < 3_000_000, f"vendor dir is {total} bytes"


# --- the rebinding: every class, idempotent, and loud about anything not vendored ----------


def _all_jscss_classes() -> list[type]:
    out, stack = [], list(JSCSSMixin.__subclasses__())
    while stack:
        cls = stack.pop()
        out.append(cls)
        stack.extend(cls.__subclasses__())
    return out


def test_every_folium_class_is_local_or_refuses_to_render() -> None:
    classes = _all_jscss_classes()
    assert len(classes) > 30  # folium and its plugins were walked, not just Map
    guarded = []
    for cls in classes:
        js, css = cls.__dict__["default_js"], cls.__dict__["default_css"]
        if isinstance(js, list) and isinstance(css, list):
            assert all(url.startswith("/static/vendor/") for _, url in js + css), cls
        else:
            guarded.append(cls.__name__)
            with pytest.raises(UnvendoredAssetError, match="not vendored for offline use"):
                js.__get__(object(), cls)  # what an instance sees when folium renders it
    assert "Draw" in guarded and "Map" not in guarded and "MarkerCluster" not in guarded
    with pytest.raises(UnvendoredAssetError, match=r"Draw loads https://cdnjs"):
        plugins.Draw().add_to(new_map()).get_root().render()


def test_use_local_assets_is_idempotent_and_rebasable() -> None:
    before = list(folium.Map.default_js)
    map_viewer.use_local_assets()
    assert folium.Map.default_js == before
    map_viewer.use_local_assets("/gridwatch/static/vendor/")
    assert all(url.startswith("/gridwatch/static/vendor/leaflet") for _, url in folium.Map.default_js[:1])
    assert all(url.startswith("/gridwatch/static/vendor/") for _, url in plugins.MarkerCluster.default_css)
    with pytest.raises(ValueError, match="path on our own server"):
        map_viewer.use_local_assets("https://cdn.example.com/vendor")


def test_a_folium_upgrade_with_a_new_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    table = dict(CDN_ASSETS)
    del table["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
    monkeypatch.setattr("map_viewer.assets.CDN_ASSETS", table)
    before = list(folium.Map.default_js)
    with pytest.raises(
        UnvendoredAssetError, match=r"folium\.Map links https://cdn\.jsdelivr\.net/npm/leaflet"
    ):
        map_viewer.use_local_assets()
    assert folium.Map.default_js == before  # a refused call changes nothing


def test_a_new_plugin_class_cannot_reach_a_cdn() -> None:
    class NewPlugin(JSCSSMixin, MacroElement):
        default_js: ClassVar = [("new", "https://cdn.example.org/new-plugin.js")]

    class LocalPlugin(JSCSSMixin, MacroElement):
        default_js: ClassVar = [("ours", "/static/app/ours.js")]

    map_viewer.ensure_local_assets()
    with pytest.raises(
        UnvendoredAssetError, match=r"NewPlugin loads https://cdn\.example\.org/new-plugin\.js"
    ):
        render_html(NewPlugin().add_to(new_map()))
    assert LocalPlugin.default_js == [("ours", "/static/app/ours.js")]


def test_render_html_refuses_a_hand_added_cdn_link() -> None:
    m = new_map()
    m.get_root().header.add_child(folium.JavascriptLink("https://cdn.example.org/x.js"))
    with pytest.raises(UnvendoredAssetError, match=r"cdn\.example\.org"):
        render_html(m)


# --- (c) + (d): a real browser --------------------------------------------------------------

_DOM_COUNTS = """() => ({
    leaflet: window.L ? L.version : null,
    basemapPaths: document.querySelectorAll('.leaflet-gridwatchBasemap-pane path').length,
    overlayPaths: document.querySelectorAll('.leaflet-overlay-pane path').length,
    markers: document.querySelectorAll('.leaflet-marker-pane > :not(.marker-cluster)').length,
    imageMarkers: document.querySelectorAll('img.leaflet-marker-icon').length,
    imageMarkersLoaded: Array.from(document.querySelectorAll('img.leaflet-marker-icon'))
        .every(img => img.complete && img.naturalWidth > 0),
    faIcons: document.querySelectorAll('.awesome-marker i.fa-wrench').length,
    glyphIcons: document.querySelectorAll('.awesome-marker i.glyphicon-info-sign').length,
    clusters: document.querySelectorAll('.marker-cluster').length,
    heatCanvas: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
    legendRects: document.querySelectorAll('.legend svg rect').length,
    layerControl: document.querySelectorAll('.leaflet-control-layers').length,
    timeControl: document.querySelectorAll('.leaflet-bar-timecontrol').length,
    loadedFonts: Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family),
})"""


def _only_loopback(url: str) -> bool:
    return urlsplit(url).hostname == "127.0.0.1"


@pytest.mark.browser
def test_served_map_works_in_chromium_without_internet(
    layers: Layers, cases: Points, local_site: Any, open_page: Any, artifacts_dir: Path
) -> None:
    m = layer_control(layers, cases)
    url = local_site.publish("served.html", render_html(m))
    page, log = open_page(url, allow=_only_loopback)
    page.evaluate(f"{m.get_name()}.setZoom({DECLUSTER_ZOOM - 1}, {{animate: false}})")
    page.wait_for_timeout(300)
    clustered = page.evaluate(_DOM_COUNTS)
    page.evaluate(f"{m.get_name()}.setZoom({DECLUSTER_ZOOM}, {{animate: false}})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "map_viewer_served.png"))
    dom = page.evaluate(_DOM_COUNTS)

    log.assert_clean()
    assert log.hosts() == {"127.0.0.1"}, f"requests left the machine: {log.hosts()}"
    assert any("/static/vendor/leaflet@1.9.3/dist/leaflet.js" in u for u in log.requests)
    assert dom["leaflet"] == "1.9.3"
    assert dom["basemapPaths"] >= 36 + 2 + 2  # grid cells, communities, streets
    assert clustered["clusters"] > 0  # MarkerCluster works without tiles (needs maxZoom)
    assert dom["clusters"] == 0 and dom["markers"] == len(cases)
    assert dom["imageMarkers"] > 0 and dom["imageMarkersLoaded"]
    assert dom["faIcons"] > 0 and dom["glyphIcons"] > 0
    assert dom["legendRects"] > 0
    assert dom["layerControl"] == 1
    assert {"Glyphicons Halflings", "Font Awesome 6 Free"} <= set(dom["loadedFonts"]), dom["loadedFonts"]


@pytest.mark.browser
@pytest.mark.parametrize(
    "map_type", ["heatmap", "timestamped_geojson", "time_slider_choropleth", "heatmap_with_time"]
)
def test_plugins_work_in_chromium_without_internet(
    map_type: str, layers: Layers, cases: Points, local_site: Any, open_page: Any, artifacts_dir: Path
) -> None:
    url = local_site.publish(f"{map_type}.html", render_html(MAP_TYPES[map_type](layers, cases)))
    page, log = open_page(url, allow=_only_loopback)
    page.screenshot(path=str(artifacts_dir / f"map_viewer_{map_type}.png"))
    dom = page.evaluate(_DOM_COUNTS)

    log.assert_clean()
    assert log.hosts() == {"127.0.0.1"}
    assert dom["leaflet"] == "1.9.3"
    if map_type == "heatmap":
        assert dom["heatCanvas"] == 1
    elif map_type == "timestamped_geojson":
        assert dom["timeControl"] == 1 and dom["overlayPaths"] > 0
    elif map_type == "time_slider_choropleth":
        assert page.locator("input[type=range]").count() == 1 and dom["overlayPaths"] == 36
    else:
        assert dom["timeControl"] == 1 and page.locator(".leaflet-overlay-pane canvas").count() >= 1


@pytest.mark.browser
def test_standalone_export_renders_from_disk_with_network_blocked(
    layers: Layers, cases: Points, tmp_path: Path, open_page: Any, artifacts_dir: Path
) -> None:
    m = layer_control(layers, cases)
    path = map_viewer.save_html(m, tmp_path / "report.html")
    page, log = open_page(path.as_uri(), allow=lambda u: u.startswith(("file:", "data:")), offline=True)
    page.evaluate(f"{m.get_name()}.setZoom({DECLUSTER_ZOOM}, {{animate: false}})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "map_viewer_standalone.png"))
    dom = page.evaluate(_DOM_COUNTS)

    log.assert_clean()
    assert [u for u in log.requests if not u.startswith(("file:", "data:"))] == []
    assert dom["leaflet"] == "1.9.3"
    assert dom["basemapPaths"] >= 40
    assert dom["markers"] == len(cases)
    assert dom["imageMarkers"] > 0 and dom["imageMarkersLoaded"]  # Leaflet's default icon, inlined
    assert dom["legendRects"] > 0
    assert {"Glyphicons Halflings", "Font Awesome 6 Free"} <= set(dom["loadedFonts"]), dom["loadedFonts"]

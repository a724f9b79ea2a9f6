"""GridWatch map pages: a folium map plus our page script, served live or exported static.

One script draws every map type from payloads (see :mod:`map_viewer.payloads`), so a served
page and an exported file look the same:

* **live** (served by the backend): the page carries no data; after sign-in it fetches the
  base layers and the payload for the current filters with the user's token, and refetches on
  every filter change without moving the map.
* **static** (exports, notebooks): the payloads are embedded; nothing is fetched.

The script and its stylesheet are inlined (about 40 kB) so an exported file needs nothing
else; Leaflet and MarkerCluster come from the vendored assets like every folium map's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from map_viewer.base import COMMUNITY_STYLE, GRID_STYLE, STREET_CASING_STYLE, STREET_STYLE, Bounds, new_map
from map_viewer.render import render_html

JS_DIR: Final = Path(__file__).resolve().parent / "js"
# Load order: core defines the App the others extend.
JS_FILES: Final = ("core.js", "themes.js", "controls.js", "layers.js", "live.js", "filters.js", "popup.js")

#: Map kinds and their titles (zh-CN, en).
MAP_KINDS: Final = {
    "cases": ("案件地图", "Case map"),
    "density": ("案件核密度", "Case density"),
    "choropleth": ("网格统计专题图", "Grid choropleth"),
    "hotspots": ("热点分析", "Hot spots"),
    "closure": ("网格结案情况", "Closure status by grid"),
    "comparison": ("环比对比", "Period comparison"),
    "inventory": ("部件普查", "Component inventory"),
}
TOKEN_KEY: Final = "gridwatch.token"
OBSERVATION_POINT_STYLE: Final = {"radius": 6, "color": "#5e3c99", "weight": 2, "fillColor": "#b2abd2",
                                   "fillOpacity": 0.9}


def _script_source() -> str:
    return "\n".join((JS_DIR / name).read_text("utf-8") for name in JS_FILES)


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace(
        "\u2029", "\\u2029")


class GridWatchPage(JSCSSMixin, MacroElement):
    """Our page script and its configuration, attached to a folium map.

    The configuration (with the embedded payloads of an export, up to ~1.5 MB) travels as a JSON
    block parsed with ``JSON.parse``, which V8 reads several times faster than the same data
    written as a JavaScript object literal.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
            <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <script type="application/json" id="{{ this.get_name() }}_config">{{ this.config_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = GridWatchMaps.init({{ this._parent.get_name() }},
                JSON.parse(document.getElementById("{{ this.get_name() }}_config").textContent));
        {% endmacro %}
        """
    )
    # MarkerCluster's own files (rebound to the vendored copies by map_viewer.assets).
    default_js: ClassVar = [
        ("leaflet.markercluster",
         "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js"),
    ]
    default_css: ClassVar = [
        ("markerclustercss", "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css"),
        ("markerclusterdefaultcss",
         "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css"),
    ]

    # folium.Map links jQuery, Bootstrap, Font Awesome and awesome-markers for its icon
    # markers; our pages use none of them (about 700 kB of a standalone export, 8 requests).
    UNUSED_MAP_ASSETS: ClassVar = (
        "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
        "awesome_markers_css", "awesome_rotate_css",
    )

    def render(self, **kwargs: Any) -> None:
        # The map has already put its links in the header when its children render.
        header = self.get_root().header
        for name in self.UNUSED_MAP_ASSETS:
            header._children.pop(name, None)
        super().render(**kwargs)

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "GridWatchPage"
        self.config = dict(config)
        self.js = _script_source().replace("</", "<\\/")
        self.css = (JS_DIR / "maps.css").read_text("utf-8")

    @property
    def config_json(self) -> str:
        return _json_for_script(self.config)


@dataclass
class LiveOptions:
    """What a served page needs to fetch its data.

    Attributes
    ----------
    api : mapping
        URLs: ``base``, ``data``, ``options``, ``me``, ``login``, ``logout``, and optionally
        ``export`` and ``case_detail`` (prefix of ``/api/cases/{id}``).
    filters : list of dict
        Filter fields: ``name`` (query parameter), ``type`` (select/date/month/number/checkbox),
        ``label_zh``, ``label_en``, and ``source`` (key of the options payload) or ``options``.
    extra_query : mapping
        Query parameters sent with every data request (e.g. a marker cap).
    """

    api: Mapping[str, str]
    filters: Sequence[Mapping[str, Any]] = ()
    extra_query: Mapping[str, str] = field(default_factory=dict)


def page_config(
    kind: str,
    *,
    live: LiveOptions | None = None,
    base: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    labels: Mapping[str, Any] | None = None,
    timezone: str = "Asia/Shanghai",
    title: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The configuration object the page script starts from."""
    if kind not in MAP_KINDS:
        raise ValueError(f"unknown map kind {kind!r}; one of {sorted(MAP_KINDS)}")
    title_zh, title_en = title or MAP_KINDS[kind]
    cfg: dict[str, Any] = {
        "kind": kind, "title_zh": title_zh, "title_en": title_en, "timezone": timezone,
        "token_key": TOKEN_KEY, "labels": dict(labels or {}),
        "styles": {"grid": GRID_STYLE, "community": COMMUNITY_STYLE, "street_casing": STREET_CASING_STYLE,
                   "street": STREET_STYLE, "observation_point": OBSERVATION_POINT_STYLE},
    }
    if live is not None:
        if base is not None or data is not None:
            raise ValueError("a live page fetches its data: pass live= or base=/data=, not both")
        cfg.update(mode="live", api=dict(live.api), filters=[dict(f) for f in live.filters],
                   extra_query=dict(live.extra_query))
    else:
        if base is None or data is None:
            raise ValueError("a static page needs both base= and data= payloads")
        if data.get("kind") != kind:
            raise ValueError(f"payload is for a {data.get('kind')!r} map, not {kind!r}")
        cfg.update(mode="static", api={}, filters=[], embedded={"base": base, "data": data})
    return cfg


def build_map(
    kind: str,
    *,
    base: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    live: LiveOptions | None = None,
    labels: Mapping[str, Any] | None = None,
    bounds: Bounds | None = None,
    tile_url: str | None = None,
    attribution: str | None = None,
    timezone: str = "Asia/Shanghai",
    title: tuple[str, str] | None = None,
) -> folium.Map:
    """A GridWatch map page as a folium map.

    Parameters
    ----------
    kind : str
        One of :data:`MAP_KINDS`.
    base, data : dict, optional
        Payloads to embed (static page): :func:`map_viewer.payloads.base_payload` and the
        map's data payload.
    live : LiveOptions, optional
        For a served page that fetches its payloads instead.
    labels : dict, optional
        Display tables the script needs (action and deadline labels for case popups).
    bounds : (min_lon, min_lat, max_lon, max_lat), optional
        Initial view; defaults to the base payload's bounds.
    tile_url, attribution : str, optional
        An intranet XYZ tile server under the vector layers (none by default).
    """
    cfg = page_config(kind, live=live, base=base, data=data, labels=labels, timezone=timezone, title=title)
    if bounds is None and base is not None:
        bounds = base.get("bounds")
    m = new_map(bounds=bounds, tile_url=tile_url or None, attribution=attribution or None, max_zoom=20,
                zoom_start=15)
    root = m.get_root()
    root.header.add_child(Element(f"<title>{cfg['title_zh']} · {cfg['title_en']} · GridWatch</title>"),
                          name="gridwatch_title")
    # No favicon request: a 404 would be a failed request in every browser check.
    root.header.add_child(Element('<link rel="icon" href="data:,">'), name="gridwatch_favicon")
    GridWatchPage(cfg).add_to(m)
    return m


def render_map(m: folium.Map, *, standalone: bool = False) -> str:
    """HTML of a page from :func:`build_map`, checked to load nothing from another host."""
    return render_html(m, standalone=standalone)

"""GridWatch map_viewer: folium maps from plain data, with every asset served by us.

Nothing here loads from a CDN: see :mod:`map_viewer.assets`. Importing the package changes
nothing in folium; :func:`use_local_assets` (called by the backend with its static URL) or the
first :func:`new_map`/:func:`render_html` does.

GridWatch's map types (the dispatchers' case map, density, choropleth, Gi* hot spots,
closure status, period comparison, component inventory) are one function each in
:mod:`map_viewer.maps`; :mod:`map_viewer.page` builds the same pages as live shells for the
backend; :mod:`map_viewer.png` renders a page to PNG with headless Chromium.
"""

from map_viewer.assets import active_base_url, ensure_local_assets, inline_assets, use_local_assets
from map_viewer.base import BASEMAP_PANE, Bounds, add_reference_layers, new_map
from map_viewer.maps import (
    case_map,
    choropleth_map,
    closure_map,
    comparison_map,
    density_map,
    hotspot_map,
    inventory_map,
)
from map_viewer.page import MAP_KINDS, LiveOptions, build_map, render_map
from map_viewer.render import render_html, save_html
from map_viewer.scan import asset_urls, cdn_host_references, external_asset_urls
from map_viewer.vendored import (
    CDN_ASSETS,
    DEFAULT_BASE_URL,
    STATIC_DIR,
    VENDOR_DIR,
    UnvendoredAssetError,
)

__all__ = [
    "BASEMAP_PANE",
    "CDN_ASSETS",
    "DEFAULT_BASE_URL",
    "MAP_KINDS",
    "STATIC_DIR",
    "VENDOR_DIR",
    "Bounds",
    "LiveOptions",
    "UnvendoredAssetError",
    "active_base_url",
    "add_reference_layers",
    "asset_urls",
    "build_map",
    "case_map",
    "cdn_host_references",
    "choropleth_map",
    "closure_map",
    "comparison_map",
    "density_map",
    "ensure_local_assets",
    "external_asset_urls",
    "hotspot_map",
    "inline_assets",
    "inventory_map",
    "new_map",
    "render_html",
    "render_map",
    "save_html",
    "use_local_assets",
]

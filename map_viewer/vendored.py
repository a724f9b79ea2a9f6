"""What we vendor: the CDN URLs folium links and the local files that replace them.

``scripts/vendor_map_assets.sh`` writes the files under :data:`VENDOR_DIR`; this table maps
each CDN URL folium 0.20 uses to one of them. Keep the two in step (tests/map_viewer checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
VENDOR_DIR: Final = STATIC_DIR / "vendor"
DEFAULT_BASE_URL: Final = "/static/vendor"

LEAFLET_DIR: Final = "leaflet@1.9.3/dist"

#: Every CDN URL that folium 0.20 (and branca's colormap legend) links, mapped to its
#: vendored copy, relative to :data:`VENDOR_DIR`. Written for folium 0.20.0: after an
#: upgrade, an unknown URL makes the class unusable until it is vendored here.
CDN_ASSETS: Mapping[str, str] = MappingProxyType(
    {
        # folium.Map
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": f"{LEAFLET_DIR}/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": f"{LEAFLET_DIR}/leaflet.css",
        "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
            "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js"
        ),
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
            "bootstrap@5.2.2/dist/css/bootstrap.min.css"
        ),
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
            "bootstrap@3.4.1/css/bootstrap-glyphicons.css"
        ),
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
            "fontawesome-free@6.2.0/css/all.min.css"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
            "leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.js"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
            "leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css"
        ),
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (
            "folium@0.20.0/templates/leaflet.awesome.rotate.min.css"
        ),
        # branca.colormap legends (Choropleth, colormap.add_to(m))
        "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3@3.5.5/d3.min.js",
        # plugins.MarkerCluster, plugins.FastMarkerCluster
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
            "leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
            "leaflet.markercluster@1.1.0/dist/MarkerCluster.css"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
            "leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css"
        ),
        # plugins.HeatMap (folium's patched Leaflet.heat, from its wheel)
        "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
            "folium@0.20.0/templates/leaflet_heat.min.js"
        ),
        # plugins.HeatMapWithTime
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/pa7_hm.min.js": (
            "folium@0.20.0/templates/pa7_hm.min.js"
        ),
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/pa7_leaflet_hm.min.js": (
            "folium@0.20.0/templates/pa7_leaflet_hm.min.js"
        ),
        # plugins.TimestampedGeoJson, TimestampedWmsTileLayers, HeatMapWithTime
        "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": "jquery@3.7.1/dist/jquery.min.js",
        "https://cdn.jsdelivr.net/npm/iso8601-js-period@0.2.1/iso8601.min.js": (
            "iso8601-js-period@0.2.1/iso8601.js"
        ),
        "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js": (
            "leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js"
        ),
        "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css": (
            "leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": "moment@2.18.1/min/moment.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/highlight.js/8.4/styles/default.min.css": (
            "highlight.js@8.4.0/styles/default.css"
        ),
        # plugins.TimeSliderChoropleth
        "https://d3js.org/d3.v4.min.js": "d3@4.13.0/d3.min.js",
        # plugins.Fullscreen
        "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
            "leaflet.fullscreen@3.0.0/Control.FullScreen.js"
        ),
        "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
            "leaflet.fullscreen@3.0.0/Control.FullScreen.css"
        ),
        # plugins.MiniMap (its own tile layer still needs a reachable tile server)
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": (
            "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.js"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": (
            "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.css"
        ),
    }
)

#: CDN links folium adds that the page does not need: dropped rather than vendored.
NOT_NEEDED: Mapping[str, str] = MappingProxyType(
    {
        "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js": (
            "leaflet-timedimension 1.1.1 has its own slider and never calls jQuery UI; npm has no "
            "built jQuery UI 1.10.x (TimestampedGeoJson is exercised in a browser test)"
        ),
    }
)

#: The folium classes map_viewer is built on: all their assets must be vendored, or
#: use_local_assets() refuses to run.
REQUIRED_CLASSES: tuple[str, ...] = (
    "folium.Map",
    "folium.plugins.MarkerCluster",
    "folium.plugins.FastMarkerCluster",
    "folium.plugins.HeatMap",
    "folium.plugins.HeatMapWithTime",
    "folium.plugins.Fullscreen",
    "folium.plugins.MiniMap",
    "folium.plugins.TimestampedGeoJson",
    "folium.plugins.TimeSliderChoropleth",
)

#: Public hosts that serve map assets or tiles; a page for the intranet must name none.
CDN_HOSTS: tuple[str, ...] = (
    "cdn.jsdelivr.net",
    "cdnjs.cloudflare.com",
    "unpkg.com",
    "code.jquery.com",
    "netdna.bootstrapcdn.com",
    "maxcdn.bootstrapcdn.com",
    "stackpath.bootstrapcdn.com",
    "d3js.org",
    "rawgit.com",
    "rawcdn.githack.com",
    "raw.githubusercontent.com",
    "github.io",
    "ajax.googleapis.com",
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "tile.openstreetmap.org",
    "basemaps.cartocdn.com",
    "server.arcgisonline.com",
    "tiles.stadiamaps.com",
    "api.mapbox.com",
)


class UnvendoredAssetError(RuntimeError):
    """A map would load an asset that is not served by us."""

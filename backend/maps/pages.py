"""HTML of the map pages: folium shells from map_viewer, pointed at the map API."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Final

from fastapi import Request

from backend.config import Settings
from backend.maps.base_data import MapBase
from backend.maps.options import page_filters, page_labels
from map_viewer.page import MAP_KINDS, LiveOptions, build_map, render_map

# The shell holds no data, but it must not be cached across deployments of new script code.
PAGE_HEADERS: Final = {"Cache-Control": "no-cache"}
# Non-filter query parameters a page passes on to its data requests.
PASS_THROUGH: Final = ("cap",)


def api_urls(kind: str) -> dict[str, str]:
    return {
        "base": "/api/maps/base", "options": "/api/maps/options", "data": f"/api/maps/{kind}",
        "export": f"/api/maps/{kind}/export", "me": "/api/auth/me", "login": "/api/auth/login",
        "logout": "/api/auth/logout", "case_detail": "/api/cases/",
    }


def page_html(kind: str, request: Request, settings: Settings, base: MapBase) -> str:
    extra = tuple((k, request.query_params[k]) for k in PASS_THROUGH if k in request.query_params)
    bounds = tuple(base.bounds) if base.bounds else None
    return _page_html(kind, extra, bounds, settings.tile_url or None, settings.tile_attribution or None,
                      settings.timezone)


@lru_cache(maxsize=64)
def _page_html(kind: str, extra: tuple[tuple[str, str], ...], bounds: tuple[float, ...] | None,
               tile_url: str | None, attribution: str | None, timezone: str) -> str:
    # A shell depends on nothing else, and building the folium page costs ~0.1 s.
    live = LiveOptions(api=api_urls(kind), filters=page_filters(kind), extra_query=dict(extra))
    m = build_map(kind, live=live, labels=page_labels(), bounds=bounds, tile_url=tile_url,
                  attribution=attribution, timezone=timezone)
    return render_map(m)


def index_html() -> str:
    links = "".join(
        f'<li><a href="{"/map/cases" if kind == "cases" else f"/map/analysis/{kind}"}">{escape(zh)}</a> '
        f'<span class="en">{escape(en)}</span></li>'
        for kind, (zh, en) in MAP_KINDS.items()
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>地图 · Maps · GridWatch</title><style>body{font:15px/1.6 system-ui,\"PingFang SC\","
        '"Microsoft YaHei",sans-serif;margin:2em;color:#222}.en{color:#666}li{margin:.3em 0}</style></head>'
        f"<body><h1>地图 <span class=\"en\">Maps</span></h1><ul>{links}</ul></body></html>"
    )

"""Exports: one offline HTML file with the payloads embedded, or a PNG of it from Chromium."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from backend.config import Settings
from backend.errors import ServiceUnavailable
from map_viewer.page import build_map, render_map
from map_viewer.png import PngExportError, html_to_png


def standalone_html(kind: str, base: dict[str, Any], data: dict[str, Any], settings: Settings) -> str:
    m = build_map(kind, base=base, data=data, tile_url=settings.tile_url or None,
                  attribution=settings.tile_attribution or None, timezone=settings.timezone)
    return render_map(m, standalone=True)


def png(kind: str, base: dict[str, Any], data: dict[str, Any], settings: Settings, *, width: int = 1400,
        height: int = 1000) -> bytes:
    html = standalone_html(kind, base, data, settings)
    tile_host = urlsplit(settings.tile_url).hostname if settings.tile_url else None
    try:
        return html_to_png(html, width=width, height=height, allowed_hosts=[tile_host] if tile_host else ())
    except PngExportError as exc:
        raise ServiceUnavailable(f"PNG export is not available: {exc}", f"PNG 导出暂不可用：{exc}") from None

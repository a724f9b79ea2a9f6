"""Turn a folium map into HTML that is proven to need no other host."""

from __future__ import annotations

from pathlib import Path

from branca.element import Element

from map_viewer.assets import ensure_local_assets, inline_assets
from map_viewer.scan import cdn_host_references, external_asset_urls
from map_viewer.vendored import UnvendoredAssetError


def render_html(m: Element, *, standalone: bool = False) -> str:
    """Render a map (or any element of its figure) to a full HTML page.

    Parameters
    ----------
    m : folium.Map or branca Element
        What to render; its whole figure is rendered.
    standalone : bool
        False: the page links the vendored assets under the active base URL (for pages the
        backend serves). True: everything is inlined into one file that opens offline from
        disk (for exported reports).

    Raises
    ------
    UnvendoredAssetError
        If anything on the page would still load from another host: an asset link, or a
        public CDN or tile host named anywhere (``folium.TileLayer("OpenStreetMap")``).
    """
    ensure_local_assets()
    html = m.get_root().render()
    # Checked before inlining: library code, once inlined, names hosts in its comments.
    leaks = external_asset_urls(html) + cdn_host_references(html)
    if leaks:
        raise UnvendoredAssetError(f"the map would load from other hosts: {', '.join(leaks)}")
    return inline_assets(html) if standalone else html


def save_html(m: Element, path: str | Path, *, standalone: bool = True) -> Path:
    """Write :func:`render_html` output to ``path`` (standalone by default) and return the path."""
    path = Path(path)
    path.write_text(render_html(m, standalone=standalone), encoding="utf-8")
    return path

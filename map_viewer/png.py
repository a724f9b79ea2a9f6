"""PNG images of map pages for documents, rendered by headless Chromium (Playwright).

The standalone HTML is written to a temporary file and opened from disk with every network
request refused (an optional intranet tile host excepted), so the picture shows exactly what
the offline file shows. The page script marks ``<body data-gw-ready>`` when it has drawn.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

DEFAULT_CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Controls a reader of a printed map cannot use; the title box and the legend stay.
_PRINT_CSS: Final = ".leaflet-control-zoom, .leaflet-control-layers { display: none !important; }"
# One Chromium at a time: each takes a few hundred MB, and exports are rare.
_ONE_AT_A_TIME = threading.Lock()


class PngExportError(RuntimeError):
    """Chromium is missing, or the page did not finish drawing."""


def chromium_path() -> str:
    """``GRIDWATCH_CHROMIUM`` if set, else Debian's ``/usr/bin/chromium``."""
    return os.environ.get("GRIDWATCH_CHROMIUM") or DEFAULT_CHROMIUM


def html_to_png(
    html: str,
    *,
    width: int = 1400,
    height: int = 1000,
    allowed_hosts: Sequence[str] = (),
    chromium: str | None = None,
    timeout_s: float = 60.0,
) -> bytes:
    """Render a standalone map page (see :func:`map_viewer.page.render_map`) to PNG bytes.

    Parameters
    ----------
    html : str
        A self-contained page (``standalone=True``).
    width, height : int
        Viewport in CSS pixels.
    allowed_hosts : sequence of str
        Hosts the page may reach (an intranet tile server); everything else is refused.
    chromium : str, optional
        Path of the Chromium binary (default :func:`chromium_path`).

    Raises
    ------
    PngExportError
        If Chromium cannot start or the page does not draw within ``timeout_s``.
    """
    args = (html, width, height, tuple(allowed_hosts), chromium, timeout_s)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _render(*args)
    # Playwright's sync API refuses to run where an event loop is running (async code, or
    # another sync Playwright session in this thread): give it a thread of its own.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridwatch-png") as pool:
        return pool.submit(_render, *args).result()


def _render(html: str, width: int, height: int, allowed_hosts: tuple[str, ...], chromium: str | None,
            timeout_s: float) -> bytes:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dependency
        raise PngExportError("PNG export needs the playwright package") from exc
    executable = chromium or chromium_path()
    if not Path(executable).exists():
        raise PngExportError(f"Chromium not found at {executable} (set GRIDWATCH_CHROMIUM)")
    hosts = set(allowed_hosts)

    def allowed(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("file", "data", "blob") or (parts.hostname or "") in hosts

    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="gridwatch-png-") as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
                try:
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  device_scale_factor=1)
                    context.route("**/*", lambda r: r.continue_() if allowed(r.request.url) else r.abort())
                    page = context.new_page()
                    page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
                    page.wait_for_selector("body[data-gw-ready]", timeout=timeout_s * 1000)
                    page.add_style_tag(content=_PRINT_CSS)
                    page.evaluate("document.fonts.ready.then(() => true)")
                    page.wait_for_timeout(300)  # let Leaflet finish its last redraw
                    return page.screenshot(type="png", full_page=False)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise PngExportError(f"Chromium could not render the map: {exc}") from exc

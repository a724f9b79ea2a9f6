"""Serve every asset a folium map needs from our own files: no CDN, ever.

folium binds the JS/CSS links of each element class (``default_js``/``default_css``) when the
class is defined, and they point at public CDNs; on a government intranet such a map is a
blank page. :func:`use_local_assets` rebinds them, on every ``JSCSSMixin`` subclass, to the
copies that ``scripts/vendor_map_assets.sh`` put under ``map_viewer/static/vendor``.
:func:`inline_assets` turns a rendered page into one self-contained file for export.

A class whose assets are not all vendored cannot leak a CDN link either: the classes
map_viewer relies on (:data:`REQUIRED_CLASSES`) make :func:`use_local_assets` raise, and
any other such class raises :class:`UnvendoredAssetError` as soon as it is rendered.
"""

from __future__ import annotations

import base64
import functools
import importlib
import json
import re
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote

from map_viewer.scan import CSS_IMPORT, CSS_URL, asset_urls, attributes, css_urls, is_external
from map_viewer.vendored import (
    CDN_ASSETS,
    DEFAULT_BASE_URL,
    LEAFLET_DIR,
    NOT_NEEDED,
    REQUIRED_CLASSES,
    VENDOR_DIR,
    UnvendoredAssetError,
)

# --- rebinding folium's classes ---------------------------------------------------------

_ABSENT: Final = object()
_LOCK = threading.RLock()


class _State:
    def __init__(self) -> None:
        self.base_url: str | None = None
        # Each class's own default_js/default_css before we touched it (_ABSENT if inherited).
        self.originals: weakref.WeakKeyDictionary[type, dict[str, Any]] = weakref.WeakKeyDictionary()


_STATE = _State()


class _UnvendoredAssets:
    """Stands in for ``default_js``/``default_css`` of a class whose assets are not vendored.

    Reading it from the class gives this object (so introspection works); reading it from an
    instance, as folium does when rendering, raises.
    """

    def __init__(self, cls: type, urls: list[str]) -> None:
        self.class_name = f"{cls.__module__}.{cls.__qualname__}"
        self.urls = urls

    def __get__(self, instance: object, owner: type) -> Any:
        if instance is None:
            return self
        raise UnvendoredAssetError(
            f"{self.class_name} loads {', '.join(self.urls)} from the internet, which is not "
            "vendored for offline use: add it to scripts/vendor_map_assets.sh and "
            "map_viewer.vendored.CDN_ASSETS, or do without this folium class"
        )


def _jscss_classes() -> Iterator[type]:
    from folium.elements import JSCSSMixin

    seen: set[type] = set()
    stack = list(JSCSSMixin.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls not in seen:
            seen.add(cls)
            stack.extend(cls.__subclasses__())
            yield cls


def _original(cls: type, attr: str) -> list[tuple[str, str]]:
    for klass in cls.__mro__:
        saved = _STATE.originals.get(klass)
        own = saved.get(attr, _ABSENT) if saved is not None else klass.__dict__.get(attr, _ABSENT)
        if own is not _ABSENT:
            return list(own)
    return []


def _localize(links: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    return [
        (name, f"{base_url}/{CDN_ASSETS[url]}" if is_external(url) else url)
        for name, url in links
        if url not in NOT_NEEDED
    ]


def _resolve(dotted: str) -> type | None:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name, None)


def _check_base_url(base_url: str) -> str:
    if is_external(base_url) or ":" in base_url.split("/", 1)[0]:
        raise ValueError(f"base_url must be a path on our own server, not {base_url!r}")
    return base_url.rstrip("/")


def _check_vendored_files() -> None:
    missing = sorted({rel for rel in CDN_ASSETS.values() if not (VENDOR_DIR / rel).is_file()})
    if missing:
        raise UnvendoredAssetError(
            f"vendored files are missing under {VENDOR_DIR}: {', '.join(missing)}; "
            "run scripts/vendor_map_assets.sh"
        )


def use_local_assets(base_url: str = DEFAULT_BASE_URL) -> None:
    """Point every folium element class at our vendored assets under ``base_url``.

    Idempotent; calling it again with another ``base_url`` re-points everything. Walks all
    ``JSCSSMixin`` subclasses (folium's, its plugins', anyone's). Classes with an asset that
    is not vendored get a guard that raises :class:`UnvendoredAssetError` when rendered.

    Parameters
    ----------
    base_url : str
        URL path at which ``map_viewer/static/vendor`` is served, e.g. ``/static/vendor``.

    Raises
    ------
    UnvendoredAssetError
        If a class in :data:`REQUIRED_CLASSES` links an asset that is not vendored (say,
        after a folium upgrade), or if vendored files are missing. Nothing is changed then.
    """
    base = _check_base_url(base_url)
    import folium.plugins  # noqa: F401  (defines the plugin classes the walk must see)

    with _LOCK:
        _check_vendored_files()
        classes = list(_jscss_classes())
        for cls in classes:
            if cls not in _STATE.originals:
                _STATE.originals[cls] = {
                    attr: list(cls.__dict__[attr]) if attr in cls.__dict__ else _ABSENT
                    for attr in ("default_js", "default_css")
                }
        plan: dict[type, tuple[Any, Any]] = {}
        for cls in classes:
            js, css = _original(cls, "default_js"), _original(cls, "default_css")
            unknown = [
                u for _, u in js + css if is_external(u) and u not in CDN_ASSETS and u not in NOT_NEEDED
            ]
            if unknown:
                guard = _UnvendoredAssets(cls, unknown)
                plan[cls] = (guard, guard)
            else:
                plan[cls] = (_localize(js, base), _localize(css, base))
        problems = []
        for name in REQUIRED_CLASSES:
            cls = _resolve(name)
            if cls not in plan:
                problems.append(f"{name} is gone or no longer a folium JSCSSMixin")
            elif isinstance(plan[cls][0], _UnvendoredAssets):
                problems.append(f"{name} links {', '.join(plan[cls][0].urls)}")
        if problems:
            raise UnvendoredAssetError(
                f"assets not vendored for classes map_viewer needs: {'; '.join(problems)}"
            )
        for cls, (js, css) in plan.items():
            cls.default_js = js
            cls.default_css = css
        _localize_colormap_legends()
        _STATE.base_url = base


def ensure_local_assets() -> str:
    """Activate local assets (default ``base_url``) unless already active; return the base URL.

    Also covers ``JSCSSMixin`` subclasses defined since the last activation.
    """
    with _LOCK:
        current = _STATE.base_url
        if current is None or any(cls not in _STATE.originals for cls in _jscss_classes()):
            use_local_assets(current or DEFAULT_BASE_URL)
        assert _STATE.base_url is not None
        return _STATE.base_url


def active_base_url() -> str | None:
    """The ``base_url`` of the last :func:`use_local_assets` call, or None if never called."""
    return _STATE.base_url


def _localize_header_links(figure: Any) -> None:
    """Re-point external <script>/<link> elements already in a figure's header."""
    from branca.element import Link

    for child in figure.header._children.values():
        if isinstance(child, Link) and is_external(child.url):
            if child.url not in CDN_ASSETS:
                raise UnvendoredAssetError(f"{child.url} is not vendored for offline use")
            child.url = f"{_STATE.base_url}/{CDN_ASSETS[child.url]}"


def _localize_colormap_legends() -> None:
    # branca's ColorMap.render adds its d3 <script> link itself instead of through
    # default_js, so rebinding cannot reach it: re-point the link right after it is added.
    from branca.colormap import ColorMap

    if getattr(ColorMap.render, "_gridwatch_local", False):
        return
    original = ColorMap.render

    @functools.wraps(original)
    def render(self: Any, **kwargs: Any) -> None:
        original(self, **kwargs)
        _localize_header_links(self.get_root())

    render._gridwatch_local = True  # type: ignore[attr-defined]
    ColorMap.render = render


# --- standalone export: one HTML file with everything inlined ---------------------------

_MIME: Final = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
}
# Every browser we target reads woff2: inlining the other formats too would triple the file.
_FONT_PREFERENCE: Final = (".woff2", ".woff", ".ttf", ".otf")
# One pass over the page, so that inlined code is never rescanned for tags.
_ASSET_TAG: Final = re.compile(
    r"<script\b(?P<script>[^>]*\bsrc\s*=[^>]*)>\s*</script\s*>|<link\b(?P<link>[^>]*)>", re.I
)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
_FONT_SRC = re.compile(r"\bsrc\s*:\s*(?P<value>[^;}]*);?", re.I)


def _path_part(url: str) -> str:
    return unquote(url.split("#", 1)[0].split("?", 1)[0])


def _inside_vendor(path: Path, url: str) -> Path:
    path = path.resolve()
    if not path.is_relative_to(VENDOR_DIR) or not path.is_file():
        raise UnvendoredAssetError(f"{url} is not a file under {VENDOR_DIR}")
    return path


def _vendored_file(url: str, base_url: str) -> Path:
    if is_external(url):
        raise UnvendoredAssetError(f"{url} would be loaded from another host")
    if not url.startswith(f"{base_url}/"):
        raise UnvendoredAssetError(f"cannot inline {url}: it is not under {base_url}/")
    return _inside_vendor(VENDOR_DIR / _path_part(url[len(base_url) + 1 :]), url)


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower())
    if mime is None:
        raise UnvendoredAssetError(f"no MIME type known for {path.name}")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _best_font_only(face: str) -> str:
    suffixes = {Path(_path_part(u)).suffix.lower() for u in css_urls(face)}
    best = next((s for s in _FONT_PREFERENCE if s in suffixes), None)
    if best is None:
        return face

    def keep_best(decl: re.Match[str]) -> str:
        entries = re.split(r",(?=\s*url\()", decl["value"])
        kept = [
            e.strip() for e in entries if any(Path(_path_part(u)).suffix.lower() == best for u in css_urls(e))
        ]
        return f"src: {', '.join(kept)};" if kept else ""

    return _FONT_SRC.sub(keep_best, face)


def _inline_css(css: str, css_path: Path) -> str:
    # Font Awesome declares each font file again under its v4/v5 compatibility family
    # names; folium's icon classes use the v6 families, so a file already embedded by an
    # earlier @font-face is not embedded again (that alone saves 750 kB per page).
    embedded: set[Path] = set()

    def font_face(m: re.Match[str]) -> str:
        face = _best_font_only(m[0])
        files = {
            (css_path.parent / _path_part(u)).resolve() for u in css_urls(face) if not u.startswith("data:")
        }
        if files and files <= embedded:
            return ""
        embedded.update(files)
        return face

    css = _FONT_FACE.sub(font_face, css)

    def embed(m: re.Match[str]) -> str:
        url = m["url"].strip()
        if not url or url.startswith(("data:", "#")):
            return m[0]
        if is_external(url) or url.startswith("/"):
            raise UnvendoredAssetError(f"{css_path.name} loads {url}, which cannot be inlined")
        return f'url("{_data_uri(_inside_vendor(css_path.parent / _path_part(url), url))}")'

    if CSS_IMPORT.search(css):
        raise UnvendoredAssetError(f"{css_path.name} uses @import, which inline_assets does not follow")
    return CSS_URL.sub(embed, css)


def _leaflet_icon_defaults() -> str:
    # Leaflet finds its default marker images through a CSS url() ending in
    # "marker-icon.png"; a data: URI defeats that, so hand it the images directly.
    images = VENDOR_DIR / LEAFLET_DIR / "images"
    options = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    return (
        f"<script>L.Icon.Default.imagePath = '';L.Icon.Default.mergeOptions({json.dumps(options)});</script>"
    )


_AFTER_SCRIPT: Final = {f"{LEAFLET_DIR}/leaflet.js": _leaflet_icon_defaults}


def inline_assets(html: str, *, base_url: str | None = None) -> str:
    """Make a rendered map page self-contained: every local asset inlined.

    Each ``<script src>`` and stylesheet ``<link>`` under ``base_url`` becomes an inline
    <script>/<style>; images and fonts the CSS loads become ``data:`` URIs (fonts in the best
    single format, woff2 where there is one). The result opens from a file:// URL with no
    network at all.

    Parameters
    ----------
    html : str
        A page rendered with local assets (see :func:`use_local_assets`).
    base_url : str, optional
        URL path the page uses for the vendored assets; defaults to the active one.

    Raises
    ------
    UnvendoredAssetError
        If the page loads an asset from another host or one that is not vendored.
    """
    base = _check_base_url(base_url or _STATE.base_url or DEFAULT_BASE_URL)

    def inline(m: re.Match[str]) -> str:
        if m["script"] is not None:
            path = _vendored_file(attributes(m["script"])["src"], base)
            js = re.sub(r"</(script)", r"<\\/\1", path.read_text("utf-8"), flags=re.I)
            after = _AFTER_SCRIPT.get(path.relative_to(VENDOR_DIR).as_posix())
            return f"<script>\n{js}\n</script>" + (after() if after else "")
        attrs = attributes(m["link"])
        if attrs.get("rel", "").lower() != "stylesheet" or "href" not in attrs:
            return m[0]
        path = _vendored_file(attrs["href"], base)
        css = re.sub(r"</(style)", r"<\\/\1", _inline_css(path.read_text("utf-8"), path), flags=re.I)
        return f"<style>\n{css}\n</style>"

    out = _ASSET_TAG.sub(inline, html)
    # Inlined code can hold tag-like strings: only URLs that still reach a server count.
    leftovers = [u for u in asset_urls(out) if is_external(u) or u.startswith(f"{base}/")]
    if leftovers:
        raise UnvendoredAssetError(f"could not inline: {', '.join(leftovers)}")
    return out

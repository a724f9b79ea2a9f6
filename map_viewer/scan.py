"""Find the URLs an HTML page or stylesheet loads, to prove a map needs no other host."""

from __future__ import annotations

import html as html_lib
import re
from typing import Final

from map_viewer.vendored import CDN_HOSTS

CSS_URL: Final = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]*?)(?P=q)\s*\)""", re.I)
CSS_IMPORT: Final = re.compile(r"""@import\s+(?P<q>["'])(?P<url>[^"']+)(?P=q)""", re.I)

_EXTERNAL: Final = re.compile(r"^\s*(?:https?:)?//", re.I)
_TAG: Final = re.compile(
    r"<(?P<tag>script|link|img|iframe|source|video|audio|embed|object)\b(?P<attrs>[^>]*)>", re.I
)
_ASSET_ATTRS: Final = ("src", "href", "data", "poster")
_ATTR: Final = re.compile(
    r"""(?P<key>[\w:-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))"""
)
_STYLE_BLOCK: Final = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style>", re.I | re.S)
_STYLE_ATTR: Final = re.compile(r"""\bstyle\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.I)


def is_external(url: str) -> bool:
    """Whether ``url`` names another host (``http://``, ``https://`` or ``//host/...``)."""
    return bool(_EXTERNAL.match(url))


def attributes(tag_text: str) -> dict[str, str]:
    """The attributes in the inside of one HTML start tag, names lower-cased, values unescaped."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(tag_text):
        value = next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None)
        out[m["key"].lower()] = html_lib.unescape(value)
    return out


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet loads (``url(...)`` and ``@import "..."``)."""
    return [m["url"] for m in CSS_URL.finditer(css)] + [m["url"] for m in CSS_IMPORT.finditer(css)]


def asset_urls(html: str) -> list[str]:
    """Every URL an HTML page loads as an asset.

    Scans ``src``/``href`` of <script>, <link>, <img>, <iframe> and media tags, and
    ``url(...)``/``@import`` in <style> blocks and style attributes. Links a user clicks
    (<a href>) are not assets.
    """
    urls = []
    for m in _TAG.finditer(html):
        attrs = attributes(m["attrs"])
        urls += [attrs[key] for key in _ASSET_ATTRS if key in attrs]
    for m in _STYLE_BLOCK.finditer(html):
        urls += css_urls(m["css"])
    for m in _STYLE_ATTR.finditer(html):
        urls += css_urls(html_lib.unescape(m["dq"] if m["dq"] is not None else m["sq"]))
    return urls


def external_asset_urls(html: str) -> list[str]:
    """The asset URLs in ``html`` that point at another host (see :func:`asset_urls`)."""
    return [url for url in asset_urls(html) if is_external(url)]


def cdn_host_references(text: str) -> list[str]:
    """Every :data:`~map_viewer.vendored.CDN_HOSTS` host named anywhere in ``text``.

    Catches what :func:`external_asset_urls` cannot see, such as a public tile URL inside a
    script. Only meaningful for served pages: inlined library code names hosts in comments.
    """
    return [host for host in CDN_HOSTS if re.search(rf"(?<![\w-]){re.escape(host)}\b", text)]

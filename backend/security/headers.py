"""Security headers on every response (pages, API, static files, error bodies).

The Content-Security-Policy names no external source: every script, style, font and image is
served by us (isolated government networks have no internet, and a CDN is a supply-chain risk).
'unsafe-inline' stays for scripts and styles because folium writes each map as inline script and
Swagger UI boots from an inline script; everything else is locked to our own origin. The one
optional exception is the basemap tile server an operator configures (GRIDWATCH_TILE_URL), which
is added to img-src only when set.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def tile_origin(tile_url: str) -> str | None:
    """``https://tiles.example/{z}/{x}/{y}.png`` → ``https://tiles.example``; None when unset/relative."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}"


def content_security_policy(extra_image_sources: Iterable[str] = ()) -> str:
    images = " ".join(["'self'", "data:", "blob:", *extra_image_sources])
    directives = {
        "default-src": "'self'",
        "script-src": "'self' 'unsafe-inline'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": images,
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "media-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        # Our own map pages may frame our own exports; nobody else may frame us (clickjacking).
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# The field app needs the camera and GPS of its own page; nothing here needs the rest.
PERMISSIONS_POLICY = (
    "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)


def security_headers(*, tile_url: str = "", hsts_seconds: int = 0) -> list[tuple[bytes, bytes]]:
    origin = tile_origin(tile_url)
    headers = {
        "content-security-policy": content_security_policy([origin] if origin else []),
        "x-content-type-options": "nosniff",
        "x-frame-options": "SAMEORIGIN",
        "referrer-policy": "no-referrer",
        "permissions-policy": PERMISSIONS_POLICY,
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
    }
    if hsts_seconds > 0:
        headers["strict-transport-security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class SecurityHeadersMiddleware:
    """Adds the headers a response does not already set (a route may set a stricter one itself)."""

    def __init__(self, app: ASGIApp, *, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith("/api/auth/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = list(message.get("headers", []))
                present = {name.lower() for name, _ in existing}
                existing.extend((k, v) for k, v in self.headers if k not in present)
                # Tokens travel in these answers: no cache may keep them.
                if no_store and b"cache-control" not in present:
                    existing.append((b"cache-control", b"no-store"))
                message["headers"] = existing
            await send(message)

        await self.app(scope, receive, send_with_headers)

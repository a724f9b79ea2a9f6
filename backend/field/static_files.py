"""Serving the field app's files: exact MIME types, strong ETags, gzip when the client takes it.

Why not StaticFiles: phones on weak signal pay for every byte, so text files go out gzipped
(Leaflet shrinks from 147 KB to 43 KB); the service worker needs its build id and shell list
written into it; and every file is revalidated (``no-cache`` + ETag) so an update is never stuck
behind a stale HTTP cache — the service worker, not the HTTP cache, is what makes the app work
offline.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, Response

from backend.errors import NotFound
from field_app import STATIC_DIR as FIELD_STATIC_DIR
from map_viewer import STATIC_DIR as MAP_STATIC_DIR

LEAFLET_DIR = MAP_STATIC_DIR / "vendor" / "leaflet@1.9.3" / "dist"
SERVICE_WORKER = "sw.js"

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".webmanifest", ".svg"}
MIN_GZIP_BYTES = 1024


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def make_asset(body: bytes, suffix: str) -> Asset:
    media_type = MEDIA_TYPES.get(suffix)
    if media_type is None:
        raise NotFound(f"No such file type: {suffix}.", f"不支持的文件类型：{suffix}。")
    gzipped = None
    if suffix in COMPRESSIBLE and len(body) >= MIN_GZIP_BYTES:
        # mtime=0 keeps the compressed bytes (and so the ETag) identical across restarts.
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    return Asset(body, gzipped, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def asset_response(request: Request, asset: Asset, *, cache_control: str = "no-cache",
                   headers: dict[str, str] | None = None) -> Response:
    """The asset, or 304 when the client already holds this version."""
    base = {"ETag": asset.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff", **(headers or {})}
    if asset.etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=base)
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(asset.gzipped, media_type=asset.media_type, headers={**base, "Content-Encoding": "gzip"})
    return Response(asset.body, media_type=asset.media_type, headers=base)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _safe_file(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise NotFound(f"/field/{relative} does not exist.", f"/field/{relative} 不存在。")
    return path


class AssetCache:
    """Files read and compressed once per process (re-read when their mtime changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._assets: dict[Path, tuple[float, Asset]] = {}
        self._worker: tuple[tuple, Asset] | None = None

    def file(self, root: Path, relative: str) -> Asset:
        path = _safe_file(root, relative)
        mtime = path.stat().st_mtime
        with self._lock:
            cached = self._assets.get(path)
            if cached is None or cached[0] != mtime:
                cached = (mtime, make_asset(path.read_bytes(), path.suffix))
                self._assets[path] = cached
            return cached[1]

    def service_worker(self) -> Asset:
        """sw.js with the shell list and a build id hashed over every shell file written in.

        Any change to any shell file changes the worker's bytes, which is what makes browsers
        install the new version and refresh their offline copy.
        """
        shell = shell_files()
        stamp = tuple((str(p), p.stat().st_mtime) for _, p in shell)
        with self._lock:
            if self._worker is not None and self._worker[0] == stamp:
                return self._worker[1]
        digest = hashlib.sha256()
        for url, path in shell:
            digest.update(url.encode() + b"\0" + path.read_bytes())
        source = (FIELD_STATIC_DIR / SERVICE_WORKER).read_text(encoding="utf-8")
        source = source.replace('"__GW_BUILD__"', json.dumps(digest.hexdigest()[:16]))
        source = source.replace('"__GW_SHELL__"', json.dumps([url for url, _ in shell]))
        asset = make_asset(source.encode("utf-8"), ".js")
        with self._lock:
            self._worker = (stamp, asset)
        return asset


def shell_files() -> list[tuple[str, Path]]:
    """(URL relative to /field/, file) of everything the app needs to start with no network."""
    files: list[tuple[str, Path]] = [("./", FIELD_STATIC_DIR / "index.html")]
    for path in sorted(FIELD_STATIC_DIR.rglob("*")):
        rel = path.relative_to(FIELD_STATIC_DIR).as_posix()
        if path.is_file() and rel not in ("index.html", SERVICE_WORKER) and path.suffix in MEDIA_TYPES:
            files.append((rel, path))
    for name in ("leaflet.js", "leaflet.css"):
        files.append((f"vendor/leaflet/{name}", LEAFLET_DIR / name))
    return files

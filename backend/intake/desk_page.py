"""The hotline desk page (/desk): static HTML, CSS and JS served by us (no CDN: Leaflet comes from
/static/vendor, the base map from our own OGC API grid layer)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from backend.errors import NotFound

STATIC = Path(__file__).with_name("static")
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}

router = APIRouter(tags=["hotline desk"])


@router.get("/desk", include_in_schema=False)
def desk_page() -> FileResponse:
    return FileResponse(STATIC / "desk.html", media_type=MEDIA_TYPES[".html"], headers={"Cache-Control": "no-cache"})


@router.get("/desk/assets/{name}", include_in_schema=False)
def desk_asset(name: str) -> FileResponse:
    path = STATIC / name
    if "/" in name or path.suffix not in MEDIA_TYPES or not path.is_file():
        raise NotFound(f"No desk asset {name!r}.", f"受理台没有资源 {name!r}。")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

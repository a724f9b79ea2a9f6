"""The field app over HTTP: the installable PWA at /field and the two small calls it needs that
the case API does not already answer (the offline bundle and a position preview)."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from backend.auth.deps import BearerAuthRoute, CurrentUser
from backend.deps import AppSettings, DbSession
from backend.field import service
from backend.field.static_files import LEAFLET_DIR, AssetCache, asset_response, make_asset
from field_app import STATIC_DIR

pwa_router = APIRouter(prefix="/field", include_in_schema=False)
api_router = APIRouter(prefix="/api/field", tags=["field"], route_class=BearerAuthRoute)
_assets = AssetCache()


@pwa_router.api_route("", methods=["GET", "HEAD"])
def field_root() -> RedirectResponse:
    # The service worker's scope is /field/: the app must live below it to work offline.
    return RedirectResponse("/field/", status_code=308)


@pwa_router.api_route("/", methods=["GET", "HEAD"])
def field_index(request: Request) -> Response:
    return asset_response(request, _assets.file(STATIC_DIR, "index.html"))


@pwa_router.api_route("/sw.js", methods=["GET", "HEAD"])
def service_worker(request: Request) -> Response:
    return asset_response(request, _assets.service_worker(), headers={"Service-Worker-Allowed": "/field/"})


@pwa_router.api_route("/vendor/leaflet/{path:path}", methods=["GET", "HEAD"])
def leaflet_file(path: str, request: Request) -> Response:
    return asset_response(request, _assets.file(LEAFLET_DIR, path))


@pwa_router.api_route("/{path:path}", methods=["GET", "HEAD"])
def field_file(path: str, request: Request) -> Response:
    return asset_response(request, _assets.file(STATIC_DIR, path))


class Located(BaseModel):
    inside: bool
    lon: float
    lat: float
    grid_code: str | None
    grid_name: str | None
    community_code: str | None
    community_name: str | None
    street_code: str | None
    street_name: str | None


@api_router.get("/bundle", responses={200: {"description": "gridwatch.field-bundle JSON"}})
def offline_bundle(request: Request, user: CurrentUser, db: DbSession, settings: AppSettings) -> Response:
    """My grids (GeoJSON, with community and street names), the components around them and the
    active catalog: what the field app keeps for working offline. Gzipped, with an ETag."""
    bundle = service.offline_bundle(db_session=db, user=user, default_edition=settings.catalog_edition,
                                    tile_url=settings.tile_url, tile_attribution=settings.tile_attribution)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    bundle_id = hashlib.sha256(body).hexdigest()[:16]
    asset = make_asset(body, ".json")
    return asset_response(request, asset, cache_control="private, no-cache", headers={"X-Bundle-Id": bundle_id})


@api_router.get("/locate", response_model=Located)
def locate(user: CurrentUser, db: DbSession, request: Request, lon: float, lat: float,
           crs: Annotated[Literal["wgs84", "cgcs2000", "gcj02", "bd09"], Query()] = "wgs84") -> Located:
    """Which grid, community and street a report at (lon, lat) would land in; ``inside`` is false
    outside the jurisdiction (the report would be refused)."""
    return Located(**service.locate(db_session=db, cache=request.app.state.spatial_cache, lon=lon, lat=lat,
                                    crs=crs))


router = APIRouter()
router.include_router(api_router)
router.include_router(pwa_router)

"""Map pages and their JSON.

Pages (``/map/cases``, ``/map/analysis/{kind}``) are shells with no data in them: a browser
cannot send a bearer token when it navigates, so the page signs in (POST /api/auth/login, the
token kept in ``sessionStorage["gridwatch.token"]``, where the other GridWatch web apps may
also leave it) and then fetches ``/api/maps/base``, ``/api/maps/options`` and
``/api/maps/{kind}?<filters>`` with the token. Exports (``/api/maps/{kind}/export``) embed the
same payloads in one offline HTML file, or render it to PNG with headless Chromium.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from backend.admin.service import get_work_calendar
from backend.auth.deps import BearerAuthRoute, require_roles
from backend.auth.service import STAFF_ROLES
from backend.deps import AppSettings, DbSession
from backend.maps import export, pages
from backend.maps.base_data import MapBase, MapBaseCache
from backend.maps.filters import MapFilterDep
from backend.maps.options import options_payload
from backend.maps.service import MARKER_CAP, MapContext, MapParams, build_payload
from backend.models import User

MapKind = Literal["cases", "density", "choropleth", "hotspots", "closure", "comparison", "inventory"]
AnalysisKind = Literal["density", "choropleth", "hotspots", "closure", "comparison", "inventory"]
Staff = Annotated[User, Depends(require_roles(*STAFF_ROLES))]

api = APIRouter(prefix="/api/maps", tags=["maps"], route_class=BearerAuthRoute)
html_pages = APIRouter(prefix="/map", tags=["maps"], include_in_schema=True)


def map_base(request: Request, db: DbSession) -> MapBase:
    cache = getattr(request.app.state, "map_base_cache", None)
    if cache is None:
        cache = request.app.state.map_base_cache = MapBaseCache()
    return cache.get(db)


Base = Annotated[MapBase, Depends(map_base)]


def map_params(
    cap: Annotated[int, Query(ge=1, le=MARKER_CAP, description="most markers to send")] = MARKER_CAP,
    bandwidth: Annotated[float, Query(ge=50, le=5000, description="kernel radius, metres")] = 300.0,
    weights: Annotated[Literal["queen", "distance_band"], Query()] = "queen",
    distance: Annotated[float, Query(ge=10, le=5000, description="distance band, metres")] = 150.0,
    fdr: bool = True,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (comparison)")] = None,
) -> MapParams:
    return MapParams(cap=cap, bandwidth_m=bandwidth, weights=weights, distance_m=distance, fdr=fdr,
                     month=month or None)


Params = Annotated[MapParams, Depends(map_params)]


def context(db: DbSession, settings: AppSettings, user: User, base: MapBase) -> MapContext:
    return MapContext(db=db, user=user, base=base, timezone=settings.timezone,
                      calendar=get_work_calendar(db_session=db, default_timezone=settings.timezone))


_JSON_HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}


def _accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def json_payload(request: Request, payload: dict) -> Response:
    """JSON, gzip-compressed for clients that take it (grid payloads of a city are ~1 MB raw)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    if len(body) > 1024 and _accepts_gzip(request):
        return Response(gzip.compress(body, compresslevel=5), media_type="application/json",
                        headers={**_JSON_HEADERS, "Content-Encoding": "gzip"})
    return Response(body, media_type="application/json", headers=_JSON_HEADERS)


@api.get("/base")
def base_layers(request: Request, _: Staff, base: Base) -> Response:
    """Reference layers (grids, communities, streets, observation points), compactly encoded."""
    if _accepts_gzip(request):
        return Response(base.payload_json_gz, media_type="application/json",
                        headers={**_JSON_HEADERS, "Content-Encoding": "gzip"})
    return JSONResponse(base.payload, headers=_JSON_HEADERS)


@api.get("/options")
def filter_options(_: Staff, db: DbSession, settings: AppSettings) -> dict:
    """Choices of the map filters: categories, departments, streets, communities, statuses…"""
    return options_payload(db, settings.catalog_edition)


# The path parameter is not called "kind": that is the component/event filter, as in /api/cases.
@api.get("/{map_kind}")
def map_data(map_kind: MapKind, request: Request, user: Staff, db: DbSession, settings: AppSettings, base: Base,
             f: MapFilterDep, params: Params) -> Response:
    """The payload one map draws for these filters (same parameters as GET /api/cases)."""
    return json_payload(request, build_payload(map_kind, context(db, settings, user, base), f, params))


@api.get("/{map_kind}/export")
def map_export(map_kind: MapKind, user: Staff, db: DbSession, settings: AppSettings, base: Base, f: MapFilterDep,
               params: Params, format: Annotated[Literal["html", "png"], Query()] = "html") -> Response:
    """The map as one offline HTML file, or a PNG image rendered by headless Chromium."""
    kind = map_kind
    ctx = context(db, settings, user, base)
    data = build_payload(kind, ctx, f, params)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    if format == "png":
        body = export.png(kind, base.payload, data, settings)
        media, ext = "image/png", "png"
    else:
        body = export.standalone_html(kind, base.payload, data, settings).encode("utf-8")
        media, ext = "text/html; charset=utf-8", "html"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="gridwatch-{kind}-{stamp}.{ext}"'})


@html_pages.get("", response_class=HTMLResponse)
def map_index() -> HTMLResponse:
    """Links to every map page."""
    return HTMLResponse(pages.index_html())


@html_pages.get("/cases", response_class=HTMLResponse)
def case_map_page(request: Request, settings: AppSettings, base: Base) -> HTMLResponse:
    """The dispatchers' case map (signs in, then loads its data with the token)."""
    return HTMLResponse(pages.page_html("cases", request, settings, base), headers=pages.PAGE_HEADERS)


@html_pages.get("/analysis/{map_kind}", response_class=HTMLResponse)
def analysis_page(map_kind: AnalysisKind, request: Request, settings: AppSettings, base: Base) -> HTMLResponse:
    """The analysts' maps: density, choropleth, hotspots, closure, comparison, inventory."""
    return HTMLResponse(pages.page_html(map_kind, request, settings, base), headers=pages.PAGE_HEADERS)


router = APIRouter()
router.include_router(api)
router.include_router(html_pages)

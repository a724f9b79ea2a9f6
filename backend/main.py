"""The FastAPI application factory. Nothing is built at import time: tests build their own app."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from backend.admin.views import router as admin_router
from backend.auth.views import router as auth_router
from backend.cases.locate import SpatialCache
from backend.cases.views import router as cases_router
from backend.config import Settings, get_settings
from backend.db import make_engine, make_sessionmaker
from backend.errors import install_error_handlers
from backend.lookups.views import router as lookups_router
from backend.system.views import router as system_router

FEATURE_ROUTERS = (
    "backend.field.views",
    "backend.maps.views",
    "backend.stats.views",
    "backend.intake.views",
    "backend.interop.views",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _sweep_photo_orphans(app)
        yield
        from backend.cases.photos import shutdown_copy_pool

        shutdown_copy_pool()
        engine.dispose()

    app = FastAPI(
        title="GridWatch",
        description="Grid-based city management: cases, grids, components, dispatch. 网格化城市管理平台。",
        version="0.1.0",
        lifespan=lifespan,
        # The stock docs pages load Swagger UI from a CDN; isolated networks need ours.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_error_handlers(app)
    # Hardening (backend/security): headers, body limits, login rate limit, 503/507 handlers.
    from backend.security import install_security

    install_security(app, settings)
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(admin_router)
    app.state.spatial_cache = SpatialCache()
    for router in (cases_router, lookups_router):
        app.include_router(router)
    # Each feature area owns one module exposing `router`.
    for module in FEATURE_ROUTERS:
        app.include_router(importlib.import_module(module).router)
    _mount_static(app)
    return app


STATIC_DIR = Path(__file__).with_name("static")
log = logging.getLogger("gridwatch")


def _sweep_photo_orphans(app: FastAPI) -> None:
    """Remove photo files a crashed upload left without a committed row."""
    from backend.cases.photos import photo_store, sweep_orphans

    settings: Settings = app.state.settings
    with app.state.sessionmaker() as db:
        result = sweep_orphans(db, photo_store(settings), older_than_seconds=settings.orphan_grace_seconds)
    if result.removed or result.removed_temp:
        log.info("photo store: removed %d orphan file(s), %d temp file(s)", len(result.removed),
                 len(result.removed_temp))


def _mount_static(app: FastAPI) -> None:
    from map_viewer import STATIC_DIR as MAP_STATIC_DIR
    from map_viewer import use_local_assets

    app.mount("/static/backend", StaticFiles(directory=STATIC_DIR), name="backend-static")
    # Leaflet, folium's plugins and their fonts, served by us: no CDN on an isolated network.
    app.mount("/static", StaticFiles(directory=MAP_STATIC_DIR), name="map-static")
    use_local_assets("/static/vendor")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="GridWatch API",
            swagger_js_url="/static/backend/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/backend/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/backend/vendor/swagger-ui/favicon-32x32.png",
        )

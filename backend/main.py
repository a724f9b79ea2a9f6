"""The FastAPI application factory. Nothing is built at import time: tests build their own app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from backend.admin.views import router as admin_router
from backend.auth.views import router as auth_router
from backend.config import Settings, get_settings
from backend.db import make_engine, make_sessionmaker
from backend.errors import install_error_handlers
from backend.system.views import router as system_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
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
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(admin_router)
    _mount_static(app)
    return app


STATIC_DIR = Path(__file__).with_name("static")


def _mount_static(app: FastAPI) -> None:
    app.mount("/static/backend", StaticFiles(directory=STATIC_DIR), name="backend-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="GridWatch API",
            swagger_js_url="/static/backend/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/backend/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/backend/vendor/swagger-ui/favicon-32x32.png",
        )

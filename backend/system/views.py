"""Health check and the landing page (zh-CN first, English beside it)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import text

from backend.deps import AppSettings, DbSession
from backend.migrate import head_revision

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    database: str
    schema_revision: str | None
    schema_head: str | None


@router.get("/health", response_model=Health)
def health(db: DbSession, settings: AppSettings) -> Health:
    revision = ",".join(sorted(db.scalars(text("SELECT version_num FROM alembic_version")))) or None
    head = head_revision()
    return Health(
        status="ok" if revision == head else "schema_out_of_date",
        database="spatialite" if settings.is_sqlite else "postgis",
        schema_revision=revision,
        schema_head=head,
    )


LANDING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GridWatch 网格化城市管理</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.6;color:#1b1f23}a{color:#0b57d0}li{margin:.3rem 0}.en{color:#555}</style></head>
<body><h1>GridWatch <span class="en">网格化城市管理平台</span></h1>
<p>发现、派遣、处置、核查——闭环管理城市问题。<br><span class="en">Find, dispatch, fix and prove fixed the problems in a city's streets.</span></p>
<ul>
<li><a href="/docs">API 文档</a> <span class="en">API documentation (OpenAPI)</span></li>
<li><a href="/health">系统状态</a> <span class="en">Health check</span></li>
</ul></body></html>"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing() -> str:
    return LANDING

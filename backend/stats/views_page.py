"""The dashboard page at /stats (zh-CN first), its own script and styles, and the filter choices."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select

from backend.auth.deps import BearerAuthRoute
from backend.catalog.service import get_active_edition
from backend.deps import AppSettings, DbSession
from backend.errors import NotFound
from backend.models import CatalogClass, Community, Department, Street, UnitGrid
from backend.stats.deps import StatsUser
from backend.stats.labels import SOURCE_LABELS
from backend.stats.render import CSS

STATIC = Path(__file__).with_name("static")
ASSETS = {"stats.js": "text/javascript; charset=utf-8"}

page_router = APIRouter(tags=["statistics"], include_in_schema=False)
options_router = APIRouter(prefix="/api/stats", tags=["statistics"], route_class=BearerAuthRoute)

EXPORTS = (
    ("/api/stats/export/report.pdf", "月度报告 PDF", "monthly report (PDF)"),
    ("/api/stats/export/tables.xlsx", "全部表格 XLSX", "all tables (XLSX)"),
    ("/api/stats/export/table/kpis.csv", "主要指标 CSV", "key figures (CSV)"),
    ("/api/stats/export/cases.csv", "案件明细 CSV", "cases (CSV)"),
    ("/api/stats/export/cases.xlsx", "案件明细 XLSX", "cases (XLSX)"),
    ("/api/stats/export/cases.geojson", "案件 GeoJSON", "cases (GeoJSON)"),
    ("/api/stats/export/cases.gpkg", "案件 GeoPackage", "cases (GeoPackage)"),
    ("/api/stats/export/grids.geojson", "网格统计 GeoJSON", "grid statistics (GeoJSON)"),
    ("/api/stats/export/grids.gpkg", "网格统计 GeoPackage", "grid statistics (GeoPackage)"),
)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>统计分析与综合评价 · GridWatch</title><link rel="icon" href="data:,">
<style>body{margin:0;background:#f8fafc;font-family:'Noto Sans CJK SC','Noto Sans SC',system-ui,sans-serif;color:#1f2937}
header{background:#1e3a8a;color:#fff;padding:.6rem 1rem;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:1.15rem;margin:0}header .en{color:#c7d2fe;font-size:.85rem;font-weight:normal}
header a{color:#e0e7ff}main{max-width:1280px;margin:0 auto;padding:.8rem 1rem}
form#gw-filters{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:end;background:#fff;border:1px solid #e5e7eb;
border-radius:6px;padding:.6rem}form#gw-filters label{display:flex;flex-direction:column;font-size:.75rem;color:#374151}
form#gw-filters select,form#gw-filters input{font-size:.85rem;padding:.15rem;max-width:14rem}
button{background:#2563eb;color:#fff;border:0;border-radius:4px;padding:.35rem .9rem;cursor:pointer}
.gw-exports{margin:.5rem 0;font-size:.8rem}.gw-exports a{margin-right:.8rem}#gw-status{font-size:.78rem;color:#6b7280}
#gw-login{max-width:22rem;margin:4rem auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem}
#gw-login label{display:block;margin:.5rem 0}#gw-login input{width:100%;padding:.3rem}#gw-login-error{color:#b91c1c}
#gw-drill{position:fixed;right:1rem;top:4rem;width:34rem;max-height:80vh;overflow:auto;background:#fff;
border:1px solid #94a3b8;border-radius:6px;padding:.6rem;box-shadow:0 4px 16px rgba(0,0,0,.2)}
#gw-drill .def{font-size:.75rem;color:#6b7280}
{{css}}</style></head>
<body><header><h1>统计分析与综合评价 <span class="en">Statistics &amp; evaluation</span></h1>
<div><span id="gw-user"></span> · <a href="#" id="gw-logout">退出 <span class="en">Sign out</span></a></div></header>
<div id="gw-login" hidden><form><h2>请登录 <span class="en">Please sign in</span></h2>
<label>用户名 Username <input name="username" autocomplete="username" required></label>
<label>密码 Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录 Sign in</button><p id="gw-login-error"></p></form></div>
<main id="gw-app" hidden>
<form id="gw-filters">
<label>时段 Window<select name="mode"><option value="month">按月 month</option><option value="range">自定义 dates</option></select></label>
<label>月份 Month<input type="month" name="month"></label>
<label>开始 From<input type="date" name="start"></label><label>结束 To<input type="date" name="end"></label>
<label>区县 County<input name="county" placeholder="{{county}}" size="7"></label>
<label>街道 Street<select name="street"></select></label><label>社区 Community<select name="community"></select></label>
<label>网格 Grid<select name="grid"></select></label>
<label>类型 Kind<select name="kind"><option value="">全部 all</option><option value="event">事件 events</option>
<option value="component">部件 components</option></select></label>
<label>大类 Major<select name="major"></select></label><label>小类 Minor<input name="minor" size="6"></label>
<label>部门 Department<select name="department"></select></label><label>来源 Source<select name="source"></select></label>
<label>区域评价层级 Region level<select name="level"><option value="grid">网格 grid</option>
<option value="community">社区 community</option><option value="street">街道 street</option></select></label>
<button type="submit">查询 Apply</button></form>
<div class="gw-exports">导出 <span class="en">Export</span>: {{exports}} <span id="gw-status"></span></div>
<div id="gw-dashboard"></div>
<div id="gw-drill" hidden><button class="close" type="button">关闭 Close</button><div class="body"></div></div>
</main><script src="/stats/assets/stats.js"></script></body></html>"""


@page_router.get("/stats", response_class=HTMLResponse)
def stats_page(settings: AppSettings) -> str:
    """The dashboard shell; it signs in and loads its data from /api/stats with a bearer token."""
    links = " ".join(f'<a href="#" data-export="{path}">{zh} <span class="en">{en}</span></a>'
                     for path, zh, en in EXPORTS)
    return (PAGE.replace("{{css}}", CSS).replace("{{exports}}", links)
            .replace("{{county}}", escape(settings.county_code)))


@page_router.get("/stats/assets/{name}")
def stats_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"No asset {name!r}.", f"没有资源 {name!r}。")
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


@options_router.get("/options")
def filter_options(user: StatsUser, db: DbSession, settings: AppSettings) -> dict[str, Any]:
    """Choices for the dashboard's filters (areas, departments, channels, major classes)."""
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    majors = db.execute(select(CatalogClass.kind, CatalogClass.major_code, CatalogClass.major_name_zh)
                        .where(CatalogClass.edition == edition).distinct()
                        .order_by(CatalogClass.kind, CatalogClass.major_code)).all()
    local = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone))
    return {
        "user": {"name": user.display_name or user.username, "role": user.role},
        "default_month": f"{local.year:04d}-{local.month:02d}",
        "streets": [{"value": c, "label": f"{n} {c}"} for c, n in db.execute(select(Street.code, Street.name)
                                                                            .order_by(Street.code))],
        "communities": [{"value": c, "label": f"{n} {c}"} for c, n in db.execute(
            select(Community.code, Community.name).order_by(Community.code))],
        "grids": [{"value": c, "label": c} for (c,) in db.execute(
            select(UnitGrid.code).where(UnitGrid.valid_to.is_(None)).order_by(UnitGrid.code))],
        "departments": [{"value": str(i), "label": n} for i, n in db.execute(
            select(Department.id, Department.name_zh).order_by(Department.code))],
        "sources": [{"value": k, "label": f"{zh} {en}"} for k, (zh, en) in SOURCE_LABELS.items()],
        "majors": [{"value": code, "label": f"{'事件' if kind == 'event' else '部件'} {code} {name}"}
                   for kind, code, name in majors],
    }

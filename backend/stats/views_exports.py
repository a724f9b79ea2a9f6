"""``/api/stats/export``: CSV/XLSX of cases and of every dashboard table, GeoJSON/GeoPackage of
cases and grid statistics, and the monthly report as PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from backend.auth.deps import BearerAuthRoute
from backend.deps import AppSettings, DbSession
from backend.errors import NotFound
from backend.stats import exports, gridstats
from backend.stats.deps import Calendar, EvalSettings, Filter, StatsUser
from backend.stats.filters import StatsFilter
from backend.stats.measures import MEASURES
from backend.stats.report import report_pdf
from backend.stats.service import visible_posts
from backend.stats.tables import build_dashboard, dashboard_tables, grid_table

router = APIRouter(prefix="/api/stats/export", tags=["statistics"], route_class=BearerAuthRoute)
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3", "pdf": "application/pdf"}
Level = Annotated[str, Query(pattern="^(grid|community|street)$")]


def _download(data: bytes, name: str, fmt: str) -> Response:
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _info(f: StatsFilter, extra: dict | None = None) -> dict:
    return {"统计时段 window": f"{f.window.start}..{f.window.end} ({f.window.timezone})",
            "筛选条件 filters": {k: v for k, v in f.as_dict().items() if k != "window" and v not in (None, [])},
            "生成时间 generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "时间 times": f"local time, {f.window.timezone}", **(extra or {})}


def _stem(f: StatsFilter, what: str) -> str:
    return f"gridwatch-{what}-{f.window.label.replace('..', '_')}"


@router.get("/cases.{fmt}")
def export_cases(fmt: str, _: StatsUser, db: DbSession, f: Filter,
                 figure: str = "received",
                 period: Annotated[str, Query(pattern="^(current|previous|last_year)$")] = "current") -> Response:
    """The cases behind a figure (default: all received) as csv, xlsx, geojson or gpkg."""
    if figure not in MEASURES:
        raise NotFound(f"No figure {figure!r}.", f"没有统计项 {figure!r}。")
    rows = exports.export_case_rows(db_session=db, f=f, now=datetime.now(UTC), figure=figure, period=period)
    stem = _stem(f, f"cases-{figure}")
    if fmt == "csv":
        return _download(exports.table_csv(exports.case_table(rows, figure)), stem, fmt)
    if fmt == "xlsx":
        info = _info(f, {"统计项 figure": f"{figure}: {MEASURES[figure].definition_zh}"})
        return _download(exports.tables_xlsx([exports.case_table(rows, figure)], info), stem, fmt)
    if fmt == "geojson":
        return _download(exports.frame_geojson(exports.cases_frame(rows)), stem, fmt)
    if fmt == "gpkg":
        return _download(exports.frame_gpkg(exports.cases_frame(rows), "cases"), stem, fmt)
    raise NotFound(f"No export format {fmt!r} for cases (csv, xlsx, geojson, gpkg).", f"案件不支持导出格式 {fmt!r}。")


@router.get("/grids.{fmt}")
def export_grids(fmt: str, _: StatsUser, db: DbSession, f: Filter) -> Response:
    """Grid statistics with their polygons (geojson, gpkg) or as a table (csv, xlsx)."""
    rows = gridstats.compute_grid_stats(db_session=db, f=f, now=datetime.now(UTC))
    stem = _stem(f, "grids")
    if fmt in ("geojson", "gpkg"):
        gdf = exports.grids_frame(rows)
        data = exports.frame_geojson(gdf) if fmt == "geojson" else exports.frame_gpkg(gdf, "grid_stats")
        return _download(data, stem, fmt)
    table = grid_table(rows)
    if fmt == "csv":
        return _download(exports.table_csv(table), stem, fmt)
    if fmt == "xlsx":
        return _download(exports.tables_xlsx([table], _info(f)), stem, fmt)
    raise NotFound(f"No export format {fmt!r} for grids.", f"网格统计不支持导出格式 {fmt!r}。")


@router.get("/tables.xlsx")
def export_all_tables(user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings, calendar: Calendar,
                      level: Level = "grid") -> Response:
    """Every table of the dashboard, one sheet each, in one workbook."""
    data = build_dashboard(db_session=db, f=f, settings=settings, calendar=calendar, now=datetime.now(UTC),
                           region_level=level,
                           posts=visible_posts(user))
    return _download(exports.tables_xlsx(dashboard_tables(data), _info(f)), _stem(f, "tables"), "xlsx")


@router.get("/table/{name}.{fmt}")
def export_table(name: str, fmt: str, user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings,
                 calendar: Calendar, level: Level = "grid") -> Response:
    """One dashboard table (kpis, by_source, top_problems, trend, scorecard_<post>, grids) as csv or xlsx."""
    data = build_dashboard(db_session=db, f=f, settings=settings, calendar=calendar, now=datetime.now(UTC),
                           region_level=level,
                           posts=visible_posts(user))
    tables = {t.name: t for t in dashboard_tables(data)}
    if name not in tables:
        raise NotFound(f"No table {name!r}; known: {', '.join(tables)}.", f"没有表格 {name!r}。")
    if fmt == "csv":
        return _download(exports.table_csv(tables[name]), _stem(f, name), fmt)
    if fmt == "xlsx":
        return _download(exports.tables_xlsx([tables[name]], _info(f)), _stem(f, name), fmt)
    raise NotFound(f"No export format {fmt!r} for tables (csv, xlsx).", f"表格不支持导出格式 {fmt!r}。")


@router.get("/report.pdf")
def export_report(user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings, calendar: Calendar,
                  app_settings: AppSettings, level: Level = "grid") -> Response:
    """The monthly report (KPIs, charts, scorecards, hot-spot and grid maps) printed by headless Chromium."""
    return _download(report_pdf(db_session=db, f=f, settings=settings, calendar=calendar, app_settings=app_settings,
                                level=level, posts=visible_posts(user)), _stem(f, "report"), "pdf")

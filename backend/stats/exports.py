"""Exports: CSV and XLSX of any table (and of cases), GeoJSON and GeoPackage of cases and grids.

Cases are exported with the figure's definition (``received`` by default: every case received
in the window under the filters, duplicates left out), so an export of "closed" holds exactly the
cases the dashboard counts as closed. Callers' names and contacts are never exported.
Timestamps are local time (the deployment's time zone) with their UTC offset in CSV/GeoJSON; in
XLSX (which has no time zones) they are local wall-clock times, and the "说明" sheet says so.
GeoJSON is written as EPSG:4326 (RFC 7946); CGCS2000 (EPSG:4490, what we store) differs from it
by well under a metre. The GeoPackage keeps EPSG:4490.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.models import Case, Department
from backend.stats.engine import drilldown_clause
from backend.stats.filters import StatsFilter
from backend.stats.labels import SOURCE_LABELS, class_names
from backend.stats.tables import Table

CASE_COLUMNS: list[tuple[str, str, str]] = [
    ("ref", "案件编号", "reference"), ("id", "ID", "id"), ("source", "来源代码", "source"),
    ("source_zh", "来源", "source (zh)"), ("kind", "类型", "kind"), ("minor_code", "小类代码", "class code"),
    ("category_zh", "问题类别", "category"), ("status", "状态代码", "status"), ("status_zh", "状态", "status (zh)"),
    ("grid_code", "网格", "grid"), ("community_code", "社区", "community"), ("street_code", "街道", "street"),
    ("department", "处置部门", "department"), ("reported_at", "上报时间", "reported at"),
    ("filed_at", "立案时间", "filed at"), ("dispatched_at", "派遣时间", "dispatched at"),
    ("handled_at", "处置时间", "handled at"), ("closed_at", "结案时间", "closed at"), ("due_at", "处置时限", "due at"),
    ("handled_on_time", "按时处置", "handled on time"), ("closed_on_time", "按期结案", "closed on time"),
    ("rework_count", "返工次数", "reworks"), ("extension_count", "延期次数", "extensions"),
    ("satisfaction", "满意度", "satisfaction"), ("address", "地址", "address"), ("lon", "经度", "lon"),
    ("lat", "纬度", "lat"),
]
_TIME_FIELDS = ("reported_at", "filed_at", "dispatched_at", "handled_at", "closed_at", "due_at")


def export_case_rows(*, db_session: Session, f: StatsFilter, now: datetime, figure: str = "received",
                     period: str = "current") -> list[dict[str, Any]]:
    """The cases behind ``figure`` as flat rows (times as aware local datetimes)."""
    zone = ZoneInfo(f.window.timezone)
    stmt = (select(Case, func.ST_X(Case.geom), func.ST_Y(Case.geom), Department.name_zh)
            .outerjoin(Department, Department.id == Case.department_id)
            .where(drilldown_clause(figure, f, now, period)).order_by(Case.reported_at, Case.id))
    rows = db_session.execute(stmt).all()
    names = class_names(db_session, {(c.kind, c.minor_code) for c, *_ in rows})
    out = []
    for case, lon, lat, department in rows:
        row: dict[str, Any] = {
            "ref": case.ref, "id": case.id, "source": case.source,
            "source_zh": SOURCE_LABELS.get(case.source, (case.source,))[0], "kind": case.kind,
            "minor_code": case.minor_code, "category_zh": names.get((case.kind, case.minor_code), ("",))[0],
            "status": case.status, "status_zh": wf.status_label(case.status, "zh"), "grid_code": case.grid_code,
            "community_code": case.community_code, "street_code": case.street_code, "department": department,
            "handled_on_time": case.handled_on_time, "closed_on_time": case.closed_on_time,
            "rework_count": case.rework_count, "extension_count": case.extension_count,
            "satisfaction": case.satisfaction, "address": case.address, "lon": lon, "lat": lat,
        }
        for name in _TIME_FIELDS:
            value = getattr(case, name)
            row[name] = None if value is None else value.astimezone(zone)
        out.append(row)
    return out


def case_table(rows: list[dict[str, Any]], figure: str) -> Table:
    return Table("cases", f"案件明细（{figure}）", f"Cases ({figure})", CASE_COLUMNS, rows)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def table_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (so Excel opens the Chinese text correctly); header "中文 / English"."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([f"{zh} / {en}" for _, zh, en in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(key)) for key, _, _ in table.columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # local wall-clock time; Excel has no time zones
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def tables_xlsx(tables: list[Table], info: dict[str, Any]) -> bytes:
    """One sheet per table (header: Chinese, second row: English), plus a "说明" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    about = wb.active
    about.title = "说明"
    for key, value in info.items():
        about.append([key, "" if value is None else str(value)])
    used: set[str] = set()
    for table in tables:
        title = table.name[:31]
        while title in used:
            title = title[:28] + f"_{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title)
        ws.append([zh for _, zh, _ in table.columns])
        ws.append([en for _, _, en in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([_xlsx_value(row.get(key)) for key, _, _ in table.columns])
        ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cases_frame(rows: list[dict[str, Any]]):
    """A GeoDataFrame of exported case rows (points; cases without a position have no geometry)."""
    import geopandas as gpd
    from shapely.geometry import Point

    records = [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items() if k not in ("lon", "lat")}
               for r in rows]
    geometry = [Point(r["lon"], r["lat"]) if r["lon"] is not None else None for r in rows]
    columns = [k for k, _, _ in CASE_COLUMNS if k not in ("lon", "lat")]
    return gpd.GeoDataFrame(records, columns=columns, geometry=geometry, crs="EPSG:4490")


def grids_frame(rows: list[dict[str, Any]]):
    import geopandas as gpd

    records = [{k: v for k, v in r.items() if k != "geometry"} for r in rows]
    columns = ["grid_code", "name", "community_code", "street_code", "received", "filed", "should_close", "closed",
               "closed_on_time", "overdue_now", "closure_rate", "on_time_closure_rate"]
    return gpd.GeoDataFrame(records, columns=columns, geometry=[r["geometry"] for r in rows], crs="EPSG:4490")


def frame_geojson(gdf) -> bytes:
    return gdf.set_crs("EPSG:4326", allow_override=True).to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def frame_gpkg(gdf, layer: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer}.gpkg"
        gdf.to_file(path, driver="GPKG", layer=layer, engine="pyogrio")
        return path.read_bytes()

"""Statistics per unit grid (for the map, GeoJSON and GeoPackage exports), and the SVG map.

Per current grid matching the area filters: received (intake cohort), filed, should-close,
closed, closed-on-time (filed cohort), overdue now, closure and on-time closure rates — the
dashboard's definitions with the grid as the only extra filter.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Case, Community, UnitGrid
from backend.spatial import to_shapely
from backend.stats import engine
from backend.stats.charts import FONT, MUTED, svg_doc, svg_text
from backend.stats.filters import StatsFilter
from backend.stats.measures import FILED_KEYS, Cohort, ratio

GRID_FIELDS = ("received", "filed", "should_close", "closed", "closed_on_time", "overdue_now")
RAMP = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")


def compute_grid_stats(*, db_session: Session, f: StatsFilter, now: datetime) -> list[dict[str, Any]]:
    """One row per grid: code, name, community, street, the counts, the rates and a shapely geometry."""
    db = db_session
    stmt = (select(UnitGrid.code, UnitGrid.name, UnitGrid.community_code, Community.street_code, UnitGrid.geom)
            .join(Community, Community.code == UnitGrid.community_code).where(UnitGrid.valid_to.is_(None)))
    if f.grid:
        stmt = stmt.where(UnitGrid.code == f.grid)
    if f.community:
        stmt = stmt.where(UnitGrid.community_code == f.community)
    if f.street:
        stmt = stmt.where(Community.street_code == f.street)
    if f.county:
        stmt = stmt.where(Community.street_code >= f.county + "000", Community.street_code <= f.county + "999")
    grids = db.execute(stmt.order_by(UnitGrid.code)).all()
    intake = {g.key[0]: g.counts for g in engine.count_measures(db, f, Cohort.INTAKE, ["received"], now,
                                                                 group_by=[Case.grid_code])}
    filed = {g.key[0]: g.counts for g in engine.count_measures(db, f, Cohort.FILED, FILED_KEYS, now,
                                                                group_by=[Case.grid_code])}
    overdue = {g.key[0]: g.counts for g in engine.count_measures(db, f, Cohort.SNAPSHOT, ["overdue_now"], now,
                                                                  group_by=[Case.grid_code])}
    rows = []
    for code, name, community, street, geom in grids:
        counts = {"received": intake.get(code, {}).get("received", 0),
                  **{k: filed.get(code, {}).get(k, 0) for k in ("filed", "should_close", "closed", "closed_on_time")},
                  "overdue_now": overdue.get(code, {}).get("overdue_now", 0)}
        closure, _ = ratio(counts["closed"], counts["should_close"])
        on_time, _ = ratio(counts["closed_on_time"], counts["should_close"])
        rows.append({"grid_code": code, "name": name or code, "community_code": community, "street_code": street,
                     **counts, "closure_rate": closure, "on_time_closure_rate": on_time,
                     "geometry": to_shapely(geom)})
    return rows


def grid_map_svg(rows: list[dict[str, Any]], value: str = "received", width: int = 520, height: int = 420) -> str:
    """A choropleth of ``value`` per grid (lon/lat scaled by cos(latitude)), five classes."""
    title = "网格案件分布图 / Cases per grid"
    shapes = [r for r in rows if r.get("geometry") is not None and not r["geometry"].is_empty]
    if not shapes:
        return svg_doc(width, 120, title, [svg_text(width / 2, 60, "暂无网格数据 / no grids", anchor="middle",
                                                 fill=MUTED)], "gridmap")
    minx = min(r["geometry"].bounds[0] for r in shapes)
    miny = min(r["geometry"].bounds[1] for r in shapes)
    maxx = max(r["geometry"].bounds[2] for r in shapes)
    maxy = max(r["geometry"].bounds[3] for r in shapes)
    kx = math.cos(math.radians((miny + maxy) / 2))
    margin, legend_h = 10, 50
    scale = min((width - 2 * margin) / max((maxx - minx) * kx, 1e-12),
                (height - 2 * margin - legend_h - 20) / max(maxy - miny, 1e-12))
    top = margin + 20
    vmax = max(r[value] for r in shapes)

    def xy(x: float, y: float) -> str:
        return f"{margin + (x - minx) * kx * scale:.1f},{top + (maxy - y) * scale:.1f}"

    value_zh = {"received": "受理数", "overdue_now": "当前超期数", "should_close": "应结案数"}.get(value, value)
    body = [svg_text(margin, 16, f"网格{value_zh}分布", weight="bold")]
    for r in shapes:
        level = 0 if vmax == 0 or r[value] == 0 else min(4, 1 + int(3 * r[value] / vmax))
        polys = getattr(r["geometry"], "geoms", [r["geometry"]])
        path = " ".join("M" + " L".join(xy(x, y) for x, y in p.exterior.coords) + " Z" for p in polys)
        body.append(f'<path d="{path}" fill="{RAMP[level]}" stroke="#475569" stroke-width="0.6">'
                    f'<title>{escape(r["grid_code"])} {escape(str(r["name"]))}: {r[value]}</title></path>')
    if len(shapes) <= 60:
        for r in shapes:
            c = r["geometry"].representative_point()
            x, y = (float(v) for v in xy(c.x, c.y).split(","))
            level = 0 if vmax == 0 or r[value] == 0 else min(4, 1 + int(3 * r[value] / vmax))
            body.append(svg_text(x, y + 4, str(r[value]), anchor="middle", size=10,
                                 fill="#ffffff" if level >= 3 else "#1f2937"))
    y0 = height - legend_h + 10
    for i, colour in enumerate(RAMP):
        body.append(f'<rect x="{margin + i * 60}" y="{y0}" width="58" height="10" fill="{colour}" stroke="#94a3b8"/>')
    body.append(svg_text(margin, y0 + 26, "0", size=10, fill=MUTED))
    body.append(svg_text(margin + 5 * 60, y0 + 26, f"{vmax}", anchor="end", size=10, fill=MUTED))
    body.append(f'<text x="{width - margin}" y="{height - 6}" text-anchor="end" font-size="10" fill="{MUTED}" '
                f'font-family="{FONT}">CGCS2000 经纬度 · 颜色越深件数越多</text>')
    return svg_doc(width, height, title, body, "gridmap")

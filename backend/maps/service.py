"""Map payloads: SQL aggregates (backend.maps.aggregate) → gis_data statistics → map_viewer.

The API, the exports and the CLI all call :func:`build_payload`; only the caller differs
(a signed-in user sees what their role may see; the CLI, run by an administrator on the
server, sees everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.errors import Unprocessable
from backend.maps import aggregate as agg
from backend.maps.base_data import MapBase
from backend.maps.deadlines import WorkingClock
from backend.maps.filters import MapFilter, filter_summary
from backend.models import CatalogClass, Community, Department, Street, User
from backend.worktime import DeadlineState, WorkCalendar, deadline_state
from gis_data.crs import project
from gis_data.density import DEFAULT_BANDWIDTH_M, bin_counts, density_grid, kernel_density
from gis_data.hotspots import distance_band_weights, gi_star
from map_viewer import payloads as pl
from map_viewer.payload_points import cases_payload, inventory_payload

MARKER_CAP: Final = 2000
COMPONENT_CAP: Final = 5000
BANDWIDTHS_M: Final = (150, 300, 500, 1000)
DISTANCE_BANDS_M: Final = (150, 300, 500)
# Not yet dispatched: no time limit is running.
NEW_STATUSES: Final = frozenset({"reported", "pending_verify", "verified", "filed"})


@dataclass
class MapParams:
    """Per-map settings beyond the case filter."""

    cap: int = MARKER_CAP
    bandwidth_m: float = DEFAULT_BANDWIDTH_M
    fdr: bool = True
    weights: str = "queen"
    distance_m: float = 150.0
    month: str | None = None  # YYYY-MM for the period comparison


@dataclass
class MapContext:
    db: Session
    user: User | None
    base: MapBase
    calendar: WorkCalendar
    timezone: str
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def status_class(status: str, dispatched_at: datetime | None, due_at: datetime | None, now: datetime,
                 calendar: WorkCalendar, clock: WorkingClock | None = None) -> str:
    """The dispatcher's five classes: new, progress, warning, overdue, closed.

    ``clock`` (covering the instants involved) answers much faster for many cases.
    """
    if not wf.is_open(status):
        return "closed"
    if status in NEW_STATUSES:
        return "new"
    if due_at is not None and dispatched_at is not None:
        state = clock.state(dispatched_at, due_at, now) if clock else deadline_state(dispatched_at, due_at, now,
                                                                                       calendar)
        if state is DeadlineState.OVERDUE:
            return "overdue"
        if state is DeadlineState.WARNING:
            return "warning"
    return "progress"


def catalog_labels(db: Session) -> dict[tuple[str, str, str], tuple[str, str]]:
    rows = db.execute(select(CatalogClass.edition, CatalogClass.kind, CatalogClass.minor_code,
                             CatalogClass.name_zh, CatalogClass.name_en))
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def _names(db: Session, f: MapFilter) -> dict[str, dict[str, str]]:
    """Display names of the filter values, for the info box of exported maps."""
    raw = f.raw
    names: dict[str, dict[str, str]] = {}
    if "category" in raw:
        row = db.execute(select(CatalogClass.name_zh).where(CatalogClass.minor_code == raw["category"])).first()
        if row:
            names["category"] = {raw["category"]: f"{raw['category']} {row[0]}"}
    lookups = {"department": (Department.id, Department.name_zh), "street": (Street.code, Street.name),
               "community": (Community.code, Community.name)}
    for key, (col, label) in lookups.items():
        if key in raw:
            value = int(raw[key]) if key == "department" else raw[key]
            name = db.scalar(select(label).where(col == value))
            if name:
                names[key] = {raw[key]: str(name)}
    return names


def _summary(ctx: MapContext, f: MapFilter, empty: tuple[str, str] = ("全部案件", "all cases")) -> dict[str, Any]:
    return filter_summary(f, _names(ctx.db, f), empty=empty)


def _local(ctx: MapContext, moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(ZoneInfo(ctx.timezone)).strftime("%Y-%m-%d %H:%M")


def cases_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    cap = max(1, min(params.cap, MARKER_CAP))
    rows = agg.newest_cases(ctx.db, ctx.user, f, ctx.now, cap)
    labels = catalog_labels(ctx.db)
    cols: dict[str, list[Any]] = {k: [] for k in ("id", "lon", "lat", "cls", "ref", "label_zh", "label_en",
                                                  "status_zh", "due")}
    clock = WorkingClock.covering(ctx.calendar, [ctx.now, *(r.dispatched_at for r in rows), *(r.due_at for r in rows)])
    for r in rows:
        zh, en = labels.get((r.edition, r.kind, r.minor_code), (r.minor_code, r.minor_code))
        cols["id"].append(r.id)
        cols["lon"].append(r[1])
        cols["lat"].append(r[2])
        cols["cls"].append(status_class(r.status, r.dispatched_at, r.due_at, ctx.now, ctx.calendar, clock))
        cols["ref"].append(r.ref)
        cols["label_zh"].append(zh)
        cols["label_en"].append(en)
        cols["status_zh"].append(wf.status_label(r.status, "zh"))
        cols["due"].append(_local(ctx, r.due_at))
    total = agg.count_cases(ctx.db, ctx.user, f, ctx.now)
    counts = agg.grid_counts(ctx.db, ctx.user, f, ctx.base.codes, ctx.now)
    return cases_payload(cols, total=total, grid_codes=ctx.base.codes, grid_counts=counts,
                         summary=_summary(ctx, f))


def density_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    bounds = ctx.base.bounds
    if bounds is None:
        raise _no_grids()
    grid = density_grid(bounds, bandwidth_m=params.bandwidth_m)
    cols, rows, counts = agg.density_bins(ctx.db, ctx.user, f, grid, ctx.now)
    raster = kernel_density(bin_counts(grid, cols, rows, counts), grid, params.bandwidth_m)
    total = int(counts.sum())
    return pl.density_payload(raster, grid, total=total, bandwidth_m=params.bandwidth_m,
                              summary=_summary(ctx, f))


def choropleth_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    m = agg.grid_metrics(ctx.db, ctx.user, f, ctx.base.codes, ctx.now)
    return pl.choropleth_payload(m.codes, area_m2=ctx.base.areas_m2, total=m.total, closed=m.closed,
                                 should_close=m.should_close, closed_on_time=m.closed_on_time, overdue=m.overdue,
                                 summary=_summary(ctx, f))


def hotspots_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    counts = agg.grid_counts(ctx.db, ctx.user, f, ctx.base.codes, ctx.now)
    if params.weights == "distance_band":
        c = shapely.centroid(ctx.base.grids.geometry.to_numpy())
        x, y, _ = project(shapely.get_x(c), shapely.get_y(c))
        weights = distance_band_weights(x, y, params.distance_m)
    else:
        weights = ctx.base.weights
    result = gi_star(counts, weights, fdr=params.fdr)
    band = params.distance_m if weights.kind == "distance_band" else None
    return pl.hotspots_payload(ctx.base.codes, counts, result, weights_kind=weights.kind, band_m=band,
                               summary=_summary(ctx, f))


def closure_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    m = agg.grid_metrics(ctx.db, ctx.user, f, ctx.base.codes, ctx.now)
    warning = np.zeros(len(m.codes), dtype=bool)
    index = ctx.base.index_of()
    open_cases = agg.open_deadlines(ctx.db, ctx.user, f, ctx.now)
    clock = WorkingClock.covering(ctx.calendar, [ctx.now, *(r[1] for r in open_cases), *(r[2] for r in open_cases)])
    for code, dispatched_at, due_at in open_cases:
        i = index.get(code)
        if i is not None and not warning[i] and \
                clock.state(dispatched_at, due_at, ctx.now) is DeadlineState.WARNING:
            warning[i] = True
    status: list[str | None] = []
    for i in range(len(m.codes)):
        if m.total[i] == 0:
            status.append(None)
        elif m.overdue[i] > 0:
            status.append("overdue")
        elif warning[i]:
            status.append("warning")
        elif m.open[i] > 0:
            status.append("progress")
        else:
            status.append("closed")
    with np.errstate(divide="ignore", invalid="ignore"):
        closure = np.where(m.should_close > 0, m.closed / np.maximum(m.should_close, 1), np.nan)
        on_time = np.where(m.should_close > 0, m.closed_on_time / np.maximum(m.should_close, 1), np.nan)
    summary = _summary(ctx, f)
    due = m.should_close.sum()
    summary["lines"] = [
        ["应结案 / 已结案", "due / closed", f"{int(due):,} / {int(m.closed.sum()):,}"],
        ["结案率", "closure rate", f"{m.closed.sum() / due:.1%}" if due else "—"],
        ["按期结案率", "on-time closure rate", f"{m.closed_on_time.sum() / due:.1%}" if due else "—"],
        ["超期未结", "open overdue", f"{int(m.overdue.sum()):,}"],
    ]
    return pl.closure_payload(m.codes, status=status, closure_rate=closure, on_time_rate=on_time,
                              open_count=m.open, overdue_count=m.overdue, summary=summary,
                              total=int(m.total.sum()))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def comparison_periods(ctx: MapContext, f: MapFilter, month: str | None) -> tuple[tuple, tuple]:
    """((start, end, label), (start, end, label)) of this period and the one before it.

    A time window in the filter is compared with the window of the same length just before
    it; otherwise a month (``YYYY-MM``, default the current one) with the month before.
    """
    tz = ZoneInfo(ctx.timezone)
    c = f.cases
    if c.reported_from and c.reported_to:
        span = c.reported_to - c.reported_from
        start, end = c.reported_from, c.reported_to
        fmt = "%Y-%m-%d"
        label = f"{start.astimezone(tz):{fmt}}–{(end - timedelta(seconds=1)).astimezone(tz):{fmt}}"
        prev_label = f"{(start - span).astimezone(tz):{fmt}}–{(start - timedelta(seconds=1)).astimezone(tz):{fmt}}"
        return (start, end, label), (start - span, start, prev_label)
    try:
        first = date.fromisoformat(f"{month}-01") if month else _month_start(ctx.now.astimezone(tz).date())
    except ValueError:
        raise Unprocessable(f"month must be YYYY-MM, not {month!r}.", f"月份须为 YYYY-MM 格式，不是 {month!r}。") from None
    following = _month_start(first + timedelta(days=32))
    before = _month_start(first - timedelta(days=1))

    def at(day: date) -> datetime:
        return datetime.combine(day, time(0), tz).astimezone(UTC)

    return (at(first), at(following), f"{first:%Y-%m}"), (at(before), at(first), f"{before:%Y-%m}")


def comparison_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    (s1, e1, label1), (s0, e0, label0) = comparison_periods(ctx, f, params.month)
    current = agg.grid_counts(ctx.db, ctx.user, f.with_window(s1, e1), ctx.base.codes, ctx.now)
    previous = agg.grid_counts(ctx.db, ctx.user, f.with_window(s0, e0), ctx.base.codes, ctx.now)
    return pl.comparison_payload(ctx.base.codes, current, previous, current_label=(f"本期 {label1}", f"this {label1}"),
                                 previous_label=(f"上期 {label0}", f"previous {label0}"), summary=_summary(ctx, f))


def inventory_map(ctx: MapContext, f: MapFilter, params: MapParams) -> dict[str, Any]:
    cap = max(1, min(params.cap, COMPONENT_CAP))
    labels = catalog_labels(ctx.db)
    rows = agg.components(ctx.db, f, cap)
    counts = agg.component_counts(ctx.db, f)
    points = {
        "lon": [r[5] for r in rows], "lat": [r[6] for r in rows], "state": [r.state for r in rows],
        "code": [r.code for r in rows],
        "name_zh": [labels.get((r.edition, "component", r.minor_code), (r.name or r.minor_code,))[0] for r in rows],
    }
    summary = _summary(ctx, f, empty=("全部部件", "all components"))
    return inventory_payload(points, total=sum(counts.values()), counts_by_state=counts,
                             grid_codes=ctx.base.codes, grid_problems=agg.component_problems(ctx.db, f, ctx.base.codes),
                             summary=summary)


BUILDERS = {
    "cases": cases_map, "density": density_map, "choropleth": choropleth_map, "hotspots": hotspots_map,
    "closure": closure_map, "comparison": comparison_map, "inventory": inventory_map,
}


def _no_grids() -> Unprocessable:
    return Unprocessable("No unit grids are loaded yet: import the grids first (gridwatch grids import).",
                         "尚未导入单元网格，请先导入网格（gridwatch grids import）。")


def build_payload(kind: str, ctx: MapContext, f: MapFilter, params: MapParams | None = None) -> dict[str, Any]:
    """The payload of map ``kind`` for filter ``f``."""
    if not ctx.base.codes:
        raise _no_grids()
    return BUILDERS[kind](ctx, f, params or MapParams())

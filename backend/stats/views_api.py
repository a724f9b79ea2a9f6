"""``/api/stats``: KPIs, drill-down, trend, grid statistics, scorecards, evaluation settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import HTMLResponse, Response

from backend.auth.deps import BearerAuthRoute, require_roles
from backend.deps import DbSession
from backend.errors import NotFound
from backend.models import User
from backend.stats import drilldown, evaluation, gridstats, kpis, trend
from backend.stats.charts import closure_trend_chart, pareto_chart, ranking_chart, source_mix_chart
from backend.stats.deps import Calendar, EvalSettings, Filter, StatsUser
from backend.stats.render import render_dashboard
from backend.stats.service import ensure_post_visible, visible_posts
from backend.stats.settings import NOTES, EvaluationSettings, save_settings
from backend.stats.tables import build_dashboard

router = APIRouter(prefix="/api/stats", tags=["statistics"], route_class=BearerAuthRoute)
Period = Annotated[str, Query(pattern="^(current|previous|last_year)$")]


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/kpis")
def get_kpis(_: StatsUser, db: DbSession, f: Filter) -> dict[str, Any]:
    """Every dashboard figure with its definition, rates with numerator/denominator, 同比/环比,
    received by source, top problems; each with a drill-down link to its cases."""
    return kpis.compute_kpis(db_session=db, f=f, now=_now())


@router.get("/cases")
def figure_cases(_: StatsUser, db: DbSession, f: Filter, figure: str, period: Period = "current",
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """The cases behind one figure (same definition and filters as its count)."""
    return drilldown.figure_cases(db_session=db, f=f, key=figure, now=_now(), period=period, limit=limit,
                                  offset=offset)


@router.get("/trend")
def get_trend(_: StatsUser, db: DbSession, f: Filter,
              months: Annotated[int, Query(ge=1, le=60)] = 12) -> list[dict[str, Any]]:
    """Monthly received / should-close / closed / closure rates (the closure-trend chart)."""
    return trend.compute_trend(db_session=db, f=f, now=_now(), months=months)


@router.get("/grids")
def get_grid_stats(_: StatsUser, db: DbSession, f: Filter) -> list[dict[str, Any]]:
    """Per-grid statistics (no geometry; the GeoJSON/GeoPackage exports carry it)."""
    rows = gridstats.compute_grid_stats(db_session=db, f=f, now=_now())
    return [{k: v for k, v in r.items() if k != "geometry"} for r in rows]


@router.get("/evaluation/{post}")
def get_scorecards(post: str, user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings,
                   calendar: Calendar, level: Annotated[str, Query(pattern="^(grid|community|street)$")] = "grid"
                   ) -> dict[str, Any]:
    """综合评价 for inspectors, operators, shift_leaders, dispatchers, departments or regions."""
    ensure_post_visible(user, post)
    cards = evaluation.evaluate(post, db_session=db, f=f, settings=settings, calendar=calendar, now=_now(),
                                level=level)
    return evaluation.scorecards_json(post, cards, f, settings, level)


@router.get("/evaluation/{post}/cases")
def get_scorecard_cases(post: str, user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings,
                        calendar: Calendar, subject: str, indicator: str,
                        part: Annotated[str, Query(pattern="^(numerator|denominator)$")] = "numerator",
                        ) -> dict[str, Any]:
    """The events, tasks and cases behind one indicator of one person's scorecard."""
    ensure_post_visible(user, post)
    cards = evaluation.evaluate(post, db_session=db, f=f, settings=settings, calendar=calendar, now=_now())
    items = evaluation.evidence_for(cards, subject, indicator, part)
    return {"post": post, "subject": subject, "indicator": indicator, "part": part, "total": len(items),
            "items": [e.as_dict(f.window.timezone) for e in items]}


@router.get("/dashboard.html", response_class=HTMLResponse)
def dashboard_fragment(user: StatsUser, db: DbSession, f: Filter, settings: EvalSettings, calendar: Calendar,
                       level: Annotated[str, Query(pattern="^(grid|community|street)$")] = "grid") -> str:
    """The dashboard body (tiles, SVG charts, tables, scorecards, map) as an HTML fragment."""
    data = build_dashboard(db_session=db, f=f, settings=settings, calendar=calendar, now=_now(), region_level=level,
                           posts=visible_posts(user))
    return render_dashboard(data)


@router.get("/charts/{name}.svg")
def chart(name: str, _: StatsUser, db: DbSession, f: Filter, settings: EvalSettings, calendar: Calendar) -> Response:
    """One chart as an SVG image: trend, pareto, departments, sources or grids."""
    now = _now()
    if name == "trend":
        svg = closure_trend_chart(trend.compute_trend(db_session=db, f=f, now=now))
    elif name == "pareto":
        svg = pareto_chart(kpis.top_problems(db_session=db, f=f, now=now))
    elif name == "sources":
        svg = source_mix_chart(kpis.compute_kpis(db_session=db, f=f, now=now)["by_source"])
    elif name == "departments":
        cards = evaluation.evaluate("departments", db_session=db, f=f, settings=settings, calendar=calendar, now=now)
        svg = ranking_chart([{"name": c.subject["name"], "value": c.composite["value"],
                              "rating": c.composite["rating"]} for c in cards])
    elif name == "grids":
        svg = gridstats.grid_map_svg(gridstats.compute_grid_stats(db_session=db, f=f, now=now))
    else:
        raise NotFound(f"No chart {name!r}.", f"没有图表 {name!r}。")
    return Response(svg, media_type="image/svg+xml")


@router.get("/settings")
def get_evaluation_settings(_: StatsUser, settings: EvalSettings) -> dict[str, Any]:
    """Weights, score bands, rating bands and step limits used by the scorecards."""
    return {"settings": settings.model_dump(), "defaults": EvaluationSettings().model_dump(), "notes": NOTES}


@router.put("/settings")
def put_evaluation_settings(_: Annotated[User, Depends(require_roles("admin"))], db: DbSession,
                            body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Replace the evaluation settings (administrator only); validated before it is stored."""
    saved = save_settings(db, body)
    return {"settings": saved.model_dump(), "defaults": EvaluationSettings().model_dump(), "notes": NOTES}

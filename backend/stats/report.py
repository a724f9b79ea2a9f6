"""The monthly report: the dashboard for one window, with the hot-spot map, printed to PDF.

Used by ``GET /api/stats/export/report.pdf`` and ``gridwatch stats report``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backend.config import Settings
from backend.stats.evaluation import POSTS
from backend.stats.filters import StatsFilter
from backend.stats.hotspot import hotspot_png
from backend.stats.pdf import html_to_pdf
from backend.stats.render import render_report_page
from backend.stats.settings import EvaluationSettings
from backend.stats.tables import build_dashboard
from backend.worktime import WorkCalendar


def report_html(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings, calendar: WorkCalendar,
                app_settings: Settings, level: str = "grid", with_hotspots: bool = True,
                posts: tuple[str, ...] = tuple(POSTS)) -> str:
    data = build_dashboard(db_session=db_session, f=f, settings=settings, calendar=calendar, now=datetime.now(UTC),
                           region_level=level, posts=posts)
    hotspot = hotspot_png(db_session=db_session, f=f, settings=app_settings, calendar=calendar) \
        if with_hotspots else None
    return render_report_page(data, title_zh=f"城市管理运行统计与综合评价报告（{f.window.label}）",
                              title_en=f"GridWatch statistics and evaluation report, {f.window.label}",
                              hotspot=hotspot)


def report_pdf(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings, calendar: WorkCalendar,
               app_settings: Settings, level: str = "grid", with_hotspots: bool = True,
               posts: tuple[str, ...] = tuple(POSTS)) -> bytes:
    return html_to_pdf(report_html(db_session=db_session, f=f, settings=settings, calendar=calendar,
                                   app_settings=app_settings, level=level, with_hotspots=with_hotspots, posts=posts))

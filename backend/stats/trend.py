"""Month-by-month series for the closure-trend chart: two grouped scans, one per cohort.

Each month is a local calendar month (bounds computed in Python, see
:func:`backend.stats.engine.month_bucket`); a month's closure rate is the dashboard's closure
rate with that month as the window, so a point on the chart equals the dashboard's figure for
that month.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from backend.models import Case
from backend.stats import engine
from backend.stats.filters import StatsFilter, Window, add_months
from backend.stats.kpis import drilldown_url
from backend.stats.measures import Cohort, ratio

TREND_FILED = ["filed", "should_close", "closed", "closed_on_time"]


def trend_months(window: Window, months: int) -> list[Window]:
    """The window's months, or the ``months`` calendar months ending with the window's last month."""
    if window.is_whole_months and window.months > 1:
        return window.month_windows()
    last = window.end.replace(day=1)
    first = add_months(last, -(months - 1))
    span = Window(first, add_months(last, 1) - timedelta(days=1), window.timezone)
    return span.month_windows()


def compute_trend(*, db_session: Session, f: StatsFilter, now: datetime, months: int = 12) -> list[dict[str, Any]]:
    buckets = trend_months(f.window, months)
    span = Window(buckets[0].start, buckets[-1].end, f.window.timezone)
    wide = f.with_window(span)
    intake = engine.count_measures(db_session, wide, Cohort.INTAKE, ["received"], now,
                                   group_by=[engine.month_bucket(Case.reported_at, buckets).label("b")])
    filed = engine.count_measures(db_session, wide, Cohort.FILED, TREND_FILED, now,
                                  group_by=[engine.month_bucket(Case.filed_at, buckets).label("b")])
    received = {g.key[0]: g.counts["received"] for g in intake}
    closing = {g.key[0]: g.counts for g in filed}
    rows = []
    for i, month in enumerate(buckets):
        counts = closing.get(i, dict.fromkeys(TREND_FILED, 0))
        closure, note = ratio(counts["closed"], counts["should_close"])
        on_time, _ = ratio(counts["closed_on_time"], counts["should_close"])
        mf = f.with_window(month)
        rows.append({"month": month.start.strftime("%Y-%m"), "window": month.as_dict(),
                     "received": received.get(i, 0), **counts, "closure_rate": closure,
                     "on_time_closure_rate": on_time, "note": note,
                     "drilldown": {"received": drilldown_url(mf, "received"),
                                   "should_close": drilldown_url(mf, "should_close"),
                                   "closed": drilldown_url(mf, "closed")}})
    return rows

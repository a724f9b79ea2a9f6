"""The SQL behind every figure: one pass per cohort with conditional aggregation.

``count(*) FILTER (WHERE …)`` (PostgreSQL, and SQLite ≥ 3.30) counts every measure of a cohort
in a single scan of the matching rows; grouping by a column (source, department, grid, …) or by
a month bucket gives the breakdown tables from the same scan. The drill-down selects the rows of
the same cohort and condition, so a number and its case list always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from backend.models import Case
from backend.stats.filters import StatsFilter, Window, case_filter_clause, in_window
from backend.stats.measures import MEASURES, Cohort, Measure


def cohort_clause(cohort: Cohort, f: StatsFilter, window: Window | None = None) -> ColumnElement[bool]:
    """Rows of ``cohort`` under the filters (``window`` overrides the filter's window)."""
    window = window or f.window
    if cohort is Cohort.SNAPSHOT:
        # Every snapshot measure asks for open statuses, and a merged duplicate is in the closed
        # status "merged" for good: no merged_into_id test needed, so the (status, due_at) index
        # answers "overdue now" without reading the table.
        return case_filter_clause(f)
    base = and_(case_filter_clause(f), Case.merged_into_id.is_(None))
    if cohort is Cohort.INTAKE:
        return and_(base, in_window(Case.reported_at, window))
    return and_(base, in_window(Case.filed_at, window))


def measure_clause(measure: Measure, f: StatsFilter, now: datetime, window: Window | None = None
                   ) -> ColumnElement[bool]:
    return and_(cohort_clause(measure.cohort, f, window), measure.condition(now))


def _counter(condition: ColumnElement[bool], label: str):
    return func.count().filter(condition).label(label)


@dataclass
class GroupCounts:
    key: tuple[Any, ...]
    counts: dict[str, int]


def count_measures(
    db: Session, f: StatsFilter, cohort: Cohort, keys: Sequence[str], now: datetime, *,
    group_by: Sequence[ColumnElement[Any]] = (), window: Window | None = None,
) -> list[GroupCounts]:
    """Count ``keys`` (measures of ``cohort``) in one query over the cohort, optionally grouped.

    The window narrows the scan to one index range (reported_at or filed_at); on PostGIS the
    covering indexes of migration 0005_stats hold every column the measures read, so the scan
    never touches the table itself.
    """
    for key in keys:
        if MEASURES[key].cohort is not cohort:
            raise ValueError(f"measure {key} is not in cohort {cohort}")
    where = cohort_clause(cohort, f, window)
    if cohort is Cohort.SNAPSHOT:
        # No window to narrow the scan: the conditions themselves must (overdue now → the
        # (status, due_at) index).
        where = and_(where, or_(*(MEASURES[k].condition(now) for k in keys)))
    columns = [_counter(MEASURES[k].condition(now), k) for k in keys]
    stmt = select(*group_by, *columns).where(where)
    if group_by:
        stmt = stmt.group_by(*group_by)
    width = len(group_by)
    return [GroupCounts(tuple(row[:width]), {k: int(v or 0) for k, v in zip(keys, row[width:], strict=True)})
            for row in db.execute(stmt)]


def totals(groups: list[GroupCounts], keys: Sequence[str]) -> dict[str, int]:
    summed = dict.fromkeys(keys, 0)
    for g in groups:
        for k, v in g.counts.items():
            summed[k] = summed.get(k, 0) + v
    return summed


def month_bucket(column, windows: Sequence[Window]):
    """A CASE expression numbering the window each timestamp falls in (None outside them).

    Bounds are computed in Python from the local calendar, so months are local months on both
    databases, with no time-zone arithmetic in SQL.
    """
    whens = []
    for i, w in enumerate(windows):
        lo, hi = w.utc_bounds()
        whens.append((and_(column >= lo, column < hi), i))
    return case(*whens, else_=None)


def drilldown_clause(key: str, f: StatsFilter, now: datetime, period: str = "current") -> ColumnElement[bool]:
    """The condition selecting exactly the cases counted by measure ``key``.

    ``period`` "previous" or "last_year" gives the cases behind the 环比/同比 comparison counts
    (the same measure in that window).
    """
    measure = MEASURES[key]
    if period == "current":
        return measure_clause(measure, f, now)
    window = {"previous": f.window.previous(), "last_year": f.window.last_year()}[period]
    return measure_clause(measure, f, now, window)

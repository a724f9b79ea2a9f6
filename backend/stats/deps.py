"""Typed dependencies of the statistics routes: the filter every figure takes, the user scope,
the evaluation settings and the work calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query

from backend.admin.service import get_work_calendar
from backend.auth.deps import require_roles
from backend.deps import AppSettings, DbSession
from backend.models import User
from backend.stats.filters import StatsFilter
from backend.stats.service import STATS_ROLES, make_window, scoped
from backend.stats.settings import EvaluationSettings, load_settings
from backend.worktime import WorkCalendar

StatsUser = Annotated[User, Depends(require_roles(*STATS_ROLES))]


def stats_filter(
    user: StatsUser, settings: AppSettings,
    month: Annotated[str | None, Query(description="a calendar month, e.g. 2026-06 (wins over start/end)")] = None,
    start: Annotated[date | None, Query(description="first day (local), inclusive")] = None,
    end: Annotated[date | None, Query(description="last day (local), inclusive")] = None,
    county: Annotated[str | None, Query(description="6-digit county code")] = None,
    street: Annotated[str | None, Query(description="9-digit street code")] = None,
    community: Annotated[str | None, Query(description="12-digit community code")] = None,
    grid: Annotated[str | None, Query(description="15-digit grid code")] = None,
    kind: Annotated[str | None, Query(pattern="^(component|event)$")] = None,
    major: Annotated[str | None, Query(description="2-digit major class (with kind)")] = None,
    minor: Annotated[str | None, Query(description="minor class code")] = None,
    department: Annotated[int | None, Query(description="department id")] = None,
    source: Annotated[list[str] | None, Query(description="source channel(s)")] = None,
) -> StatsFilter:
    window = make_window(month=month, start=start, end=end, timezone=settings.timezone, now=datetime.now(UTC))
    f = StatsFilter(window=window, county=county or None, street=street or None, community=community or None,
                    grid=grid or None, kind=kind or None, major=major or None, minor=minor or None,
                    department_id=department, sources=tuple(s for s in (source or []) if s))
    return scoped(user, f)


Filter = Annotated[StatsFilter, Depends(stats_filter)]


def evaluation_settings(db: DbSession) -> EvaluationSettings:
    return load_settings(db)


EvalSettings = Annotated[EvaluationSettings, Depends(evaluation_settings)]


def work_calendar(db: DbSession, settings: AppSettings) -> WorkCalendar:
    return get_work_calendar(db_session=db, default_timezone=settings.timezone)


Calendar = Annotated[WorkCalendar, Depends(work_calendar)]

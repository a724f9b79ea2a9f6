"""Due times: the class's time limit (scaled by priority) counted on the work calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Case, CatalogClass
from backend.worktime import DeadlineState, TimeUnit, WorkCalendar, add_working_time, deadline_state

# Used when the admin has not configured a limit for the class yet.
DEFAULT_LIMIT = (2.0, TimeUnit.WORKING_DAYS)
# An urgent case gets half the class's limit, a low-priority one half as much again.
PRIORITY_FACTOR = {"urgent": 0.5, "high": 0.75, "normal": 1.0, "low": 1.5}


def time_limit(*, db_session: Session, case: Case) -> tuple[float, TimeUnit]:
    row = db_session.execute(
        select(CatalogClass.time_limit_value, CatalogClass.time_limit_unit).where(
            CatalogClass.edition == case.edition, CatalogClass.kind == case.kind,
            CatalogClass.minor_code == case.minor_code)
    ).first()
    if row is None or row[0] is None or row[1] is None:
        value, unit = DEFAULT_LIMIT
    else:
        value, unit = float(row[0]), TimeUnit(row[1])
    return value * PRIORITY_FACTOR.get(case.priority, 1.0), unit


def due_from(*, db_session: Session, case: Case, start: datetime, calendar: WorkCalendar) -> datetime:
    value, unit = time_limit(db_session=db_session, case=case)
    return add_working_time(start, value, unit, calendar)


def state_of(case: Case, now: datetime, calendar: WorkCalendar) -> DeadlineState | None:
    """normal / warning (80 % used) / overdue, for open cases with a due time."""
    if case.due_at is None or case.dispatched_at is None or case.closed_at is not None:
        return None
    return deadline_state(case.dispatched_at, case.due_at, now, calendar)

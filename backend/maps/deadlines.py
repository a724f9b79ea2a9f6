"""Deadline states of many cases at once, for the maps.

``backend.worktime.deadline_state`` walks the work calendar day by day for each case (about
0.5 ms a case): fine for one case, slow for the thousands of open cases a city map colours.
:class:`WorkingClock` walks the calendar once and then answers "how many working seconds
before this instant" for any instant in a few microseconds; the state follows the same rules
(overdue past the due time, warning from 80 % of the working time used).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from backend.worktime import DeadlineState, WorkCalendar

WARNING_AT = 0.8


class WorkingClock:
    """Working seconds from a fixed origin, over the local days ``first``..``last``."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.tz = calendar.tz
        self.first = first - timedelta(days=1)
        self.cumulative: list[float] = []  # working seconds before each day
        self.periods: list[list[tuple[datetime, datetime]]] = []
        total = 0.0
        day = self.first
        while day <= last + timedelta(days=1):
            periods = calendar.periods_on(day)
            self.cumulative.append(total)
            self.periods.append(periods)
            total += sum((b - a).total_seconds() for a, b in periods)
            day += timedelta(days=1)
        self.total = total
        # Instants of each period's start, for locating an instant without a local-date conversion.
        self._starts = [a for periods in self.periods for a, _ in periods]
        self._index = [(i, k) for i, periods in enumerate(self.periods) for k in range(len(periods))]

    @classmethod
    def covering(cls, calendar: WorkCalendar, instants: Iterable[datetime | None]) -> WorkingClock:
        known = [t for t in instants if t is not None]
        if not known:
            today = datetime.now(calendar.tz).date()
            return cls(calendar, today, today)
        days = [t.astimezone(calendar.tz).date() for t in (min(known), max(known))]
        return cls(calendar, days[0], days[1])

    def seconds(self, t: datetime) -> float:
        """Working seconds between the origin and ``t`` (clamped to the covered days)."""
        pos = bisect_right(self._starts, t) - 1
        if pos < 0:
            return 0.0
        day, k = self._index[pos]
        before = self.cumulative[day] + sum((b - a).total_seconds() for a, b in self.periods[day][:k])
        a, b = self.periods[day][k]
        return before + (min(t, b) - a).total_seconds()

    def state(self, start: datetime, due: datetime, now: datetime) -> DeadlineState:
        """As :func:`backend.worktime.deadline_state` with working hours."""
        if now > due:
            return DeadlineState.OVERDUE
        origin = self.seconds(start)
        limit = self.seconds(due) - origin
        used = self.seconds(now) - origin
        share = (1.0 if used >= 0 else 0.0) if limit <= 0 else used / limit
        return DeadlineState.WARNING if share >= WARNING_AT else DeadlineState.NORMAL

"""Deadlines in working time: pure functions over a configurable work calendar.

A time limit (处置时限) is counted in working hours (工作时), working days (工作日) or plain
calendar hours, against a calendar of daily working periods, weekends, public holidays and
make-up working days (调休). Every datetime going in must be timezone-aware (any zone; it is
converted); every datetime coming out is UTC. Local time (the calendar's zone, Asia/Shanghai by
default) is used only to lay out the working periods.

One working day is the total length of a day's working periods (7.5 h by default), so
"N working days" is counted exactly like "N x 7.5 working hours": a case reported on Monday at
17:00 with a 1-working-day limit is due on Tuesday at 17:00. Counting starts at the next
working period when the start is outside working time; a limit that ends exactly at the end of
a period is due at that period's end (18:00), not at the next morning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

# Give up looking for the next working period after this many consecutive days without one:
# a calendar with no working day at all would otherwise loop forever.
_MAX_IDLE_DAYS = 3700


class TimeUnit(StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_HOURS = "calendar_hours"


class DeadlineState(StrEnum):
    NORMAL = "normal"  # green: under 80 % of the limit used
    WARNING = "warning"  # yellow: 80 % to 100 %
    OVERDUE = "overdue"  # red: past the due time


class NaiveDatetimeError(ValueError):
    """A datetime without timezone was passed in; GridWatch stores UTC-aware timestamps."""


def _parse_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _parse_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class WorkCalendar:
    """When people work: configurable data (load it with :meth:`from_mapping`), not code.

    ``periods``: the working periods of a working day, local time, sorted and not overlapping.
    ``weekend``: weekday numbers (Monday = 0) that are not working days unless made up.
    ``holidays``: dates off even when they fall on a weekday.
    ``makeup_workdays``: weekend dates that are working days (调休上班).
    """

    timezone: str = "Asia/Shanghai"
    periods: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple((_parse_time(a), _parse_time(b)) for a, b in self.periods)
        if not periods:
            raise ValueError("a work calendar needs at least one working period")
        for (start, end), nxt in zip(periods, (*periods[1:], None), strict=True):
            if not start < end:
                raise ValueError(f"working period {start}-{end} must end after it starts")
            if nxt is not None and nxt[0] < end:
                raise ValueError("working periods must be sorted and must not overlap")
        weekend = frozenset(int(d) for d in self.weekend)
        if not weekend <= set(range(7)):
            raise ValueError("weekend days are weekday numbers 0 (Monday) .. 6 (Sunday)")
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "weekend", weekend)
        object.__setattr__(self, "holidays", frozenset(_parse_date(d) for d in self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(_parse_date(d) for d in self.makeup_workdays))
        object.__setattr__(self, "tz", ZoneInfo(self.timezone))  # raises for an unknown zone

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> WorkCalendar:
        """Build from JSON-like data: ``{"timezone": "Asia/Shanghai", "periods": [["09:00",
        "12:00"], ...], "weekend": [5, 6], "holidays": ["2026-01-01", ...],
        "makeup_workdays": [...]}``; missing keys take the defaults."""
        kwargs: dict[str, Any] = {}
        for key in ("timezone", "periods", "weekend", "holidays", "makeup_workdays"):
            if key in data:
                kwargs[key] = data[key]
        if "periods" in kwargs:
            kwargs["periods"] = tuple(tuple(p) for p in kwargs["periods"])
        return cls(**kwargs)

    def to_mapping(self) -> dict[str, Any]:
        """The inverse of :meth:`from_mapping` (JSON-serialisable)."""
        return {
            "timezone": self.timezone,
            "periods": [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in self.periods],
            "weekend": sorted(self.weekend),
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "makeup_workdays": [d.isoformat() for d in sorted(self.makeup_workdays)],
        }

    def with_dates(self, holidays: Iterable[date] = (), makeup_workdays: Iterable[date] = ()) -> WorkCalendar:
        """A copy with more holidays and make-up days (e.g. merge several years)."""
        return WorkCalendar(
            timezone=self.timezone,
            periods=self.periods,
            weekend=self.weekend,
            holidays=self.holidays | frozenset(holidays),
            makeup_workdays=self.makeup_workdays | frozenset(makeup_workdays),
        )

    def is_working_day(self, day: date) -> bool:
        """Holidays win over make-up days, make-up days over weekends."""
        if day in self.holidays:
            return False
        if day in self.makeup_workdays:
            return True
        return day.weekday() not in self.weekend

    @property
    def seconds_per_working_day(self) -> float:
        return sum(
            (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds()
            for a, b in self.periods
        )

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of local date ``day`` as UTC intervals (empty if not working)."""
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, a, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, b, tzinfo=self.tz).astimezone(UTC),
            )
            for a, b in self.periods
        ]


def _require_aware(name: str, value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(
            f"{name}={value.isoformat()} is naive; pass a timezone-aware datetime (UTC), "
            "e.g. datetime(..., tzinfo=datetime.UTC)"
        )
    return value.astimezone(UTC)


def _unit(unit: TimeUnit | str) -> TimeUnit:
    try:
        return TimeUnit(unit)
    except ValueError:
        raise ValueError(f"unknown time unit {unit!r}; use one of {[u.value for u in TimeUnit]}") from None


def _intervals_from(start: datetime, calendar: WorkCalendar) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals (UTC) at or after ``start``, the first one clipped to ``start``."""
    day = start.astimezone(calendar.tz).date() - timedelta(days=1)  # a period may cross UTC midnight
    idle = 0
    while idle <= _MAX_IDLE_DAYS:
        periods = calendar.periods_on(day)
        idle = 0 if periods else idle + 1
        for a, b in periods:
            if b > start:
                yield max(a, start), b
        day += timedelta(days=1)
    raise ValueError(f"the work calendar has no working period in {_MAX_IDLE_DAYS} days after {start}")


def _working_seconds(a: datetime, b: datetime, calendar: WorkCalendar) -> float:
    """Working seconds in [a, b] for a <= b."""
    total = 0.0
    day = a.astimezone(calendar.tz).date() - timedelta(days=1)
    last = b.astimezone(calendar.tz).date() + timedelta(days=1)
    while day <= last:
        for p_start, p_end in calendar.periods_on(day):
            lo, hi = max(p_start, a), min(p_end, b)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def _seconds_per_unit(unit: TimeUnit, calendar: WorkCalendar) -> float:
    return calendar.seconds_per_working_day if unit is TimeUnit.WORKING_DAYS else 3600.0


def add_working_time(
    start_utc: datetime, amount: float, unit: TimeUnit | str, calendar: WorkCalendar
) -> datetime:
    """The due time ``amount`` units of (working) time after ``start_utc``, in UTC.

    ``calendar_hours`` ignore the calendar (elapsed real time). For working units, a start
    outside working time counts from the next working period; ``amount == 0`` returns the start.
    """
    start = _require_aware("start_utc", start_utc)
    unit_ = _unit(unit)
    if amount < 0:
        raise ValueError("amount must not be negative")
    if unit_ is TimeUnit.CALENDAR_HOURS:
        return start + timedelta(hours=amount)
    remaining = timedelta(seconds=amount * _seconds_per_unit(unit_, calendar))
    if remaining <= timedelta(0):
        return start
    for a, b in _intervals_from(start, calendar):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    raise AssertionError("unreachable: _intervals_from raises when it runs out")  # pragma: no cover


def working_time_between(a: datetime, b: datetime, unit: TimeUnit | str, calendar: WorkCalendar) -> float:
    """The (working) time from ``a`` to ``b`` in ``unit``; negative when ``b`` is before ``a``."""
    start, end = _require_aware("a", a), _require_aware("b", b)
    unit_ = _unit(unit)
    if end < start:
        return -working_time_between(end, start, unit_, calendar)
    if unit_ is TimeUnit.CALENDAR_HOURS:
        return (end - start).total_seconds() / 3600.0
    return _working_seconds(start, end, calendar) / _seconds_per_unit(unit_, calendar)


def limit_used(
    start: datetime,
    due: datetime,
    now: datetime,
    calendar: WorkCalendar,
    unit: TimeUnit | str = TimeUnit.WORKING_HOURS,
) -> float:
    """Share of the limit used at ``now`` (0.0 .. 1.0 and beyond), measured in ``unit``'s time.

    Working hours and working days give the same share; calendar hours count real time.
    A zero-length limit counts as fully used.
    """
    limit = working_time_between(start, due, unit, calendar)
    used = working_time_between(start, now, unit, calendar)
    if limit <= 0:
        return 1.0 if used >= 0 else 0.0
    return used / limit


def deadline_state(
    start: datetime,
    due: datetime,
    now: datetime,
    calendar: WorkCalendar,
    unit: TimeUnit | str = TimeUnit.WORKING_HOURS,
    warning_at: float = 0.8,
) -> DeadlineState:
    """``overdue`` once ``now`` is past ``due``; ``warning`` from ``warning_at`` (80 %) of the
    limit used in working time; else ``normal``.

    Overdue is decided on the instant (now > due), so a case due at 18:00 is overdue at 18:01
    even though no working time has passed since.
    """
    now_, due_ = _require_aware("now", now), _require_aware("due", due)
    if now_ > due_:
        return DeadlineState.OVERDUE
    if limit_used(start, due_, now_, calendar, unit) >= warning_at:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL


def extend(due: datetime, amount: float, unit: TimeUnit | str, calendar: WorkCalendar) -> datetime:
    """Move a due time by ``amount`` more units (an approved extension, 延期)."""
    return add_working_time(due, amount, unit, calendar)

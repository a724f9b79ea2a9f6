"""What a statistic is computed over: the time window (local dates) and the case filters.

A window is a range of whole local days ``[start, end]`` (both inclusive) in the deployment's
time zone (``Settings.timezone``, Asia/Shanghai by default); it is turned into UTC bounds
``[start 00:00 local, end+1 00:00 local)`` once, so every query compares stored UTC timestamps
with two bound parameters and works identically on SpatiaLite and PostGIS.

The case filters are the same on every figure: county, street, community, grid, catalog class
(kind, major, minor), department and source channel(s).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, true

from backend.errors import Unprocessable
from backend.models import Case

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
KNOWN_SOURCES = ("inspector", "phone", "web", "wechat", "weibo", "sms", "app", "provincial", "media", "api",
                 "video")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (31 Mar − 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Window:
    """Whole local days ``start``..``end`` (inclusive) in ``timezone``."""

    start: date
    end: date
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise Unprocessable(f"The window ends ({self.end}) before it starts ({self.start}).",
                                f"统计时段的结束日期（{self.end}）早于开始日期（{self.start}）。")

    @classmethod
    def month(cls, value: str, timezone: str = "Asia/Shanghai") -> Window:
        """``"2026-06"`` → 1–30 June 2026."""
        match = _MONTH_RE.match(value or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise Unprocessable(f"Month must look like 2026-06, not {value!r}.", f"月份格式应为 2026-06，而不是 {value!r}。")
        year, month = int(match.group(1)), int(match.group(2))
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), timezone)

    @classmethod
    def current_month(cls, now: datetime, timezone: str) -> Window:
        local = now.astimezone(ZoneInfo(timezone)).date()
        return cls.month(f"{local.year:04d}-{local.month:02d}", timezone)

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    @property
    def months(self) -> int:
        """Number of calendar months covered when :attr:`is_whole_months`."""
        after = self.end + timedelta(days=1)
        return (after.year - self.start.year) * 12 + after.month - self.start.month

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: local midnight of ``start`` and of the day after ``end``."""
        zone = ZoneInfo(self.timezone)
        lo = datetime.combine(self.start, time.min, zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time.min, zone).astimezone(UTC)
        return lo, hi

    def previous(self) -> Window:
        """The period just before (环比): the previous month(s) for whole months, else as many days."""
        if self.is_whole_months:
            start = add_months(self.start, -self.months)
            return Window(start, self.start - timedelta(days=1), self.timezone)
        return Window(self.start - timedelta(days=self.days), self.start - timedelta(days=1), self.timezone)

    def last_year(self) -> Window:
        """The same dates one year earlier (同比); whole months stay whole months."""
        if self.is_whole_months:
            start = add_months(self.start, -12)
            return Window(start, add_months(start, self.months) - timedelta(days=1), self.timezone)
        return Window(add_months(self.start, -12), add_months(self.end, -12), self.timezone)

    def month_windows(self) -> list[Window]:
        """Calendar months overlapping the window, each cut to the window (for trend charts)."""
        out, first = [], self.start.replace(day=1)
        while first <= self.end:
            last = add_months(first, 1) - timedelta(days=1)
            out.append(Window(max(first, self.start), min(last, self.end), self.timezone))
            first = add_months(first, 1)
        return out

    @property
    def label(self) -> str:
        if self.is_whole_months and self.months == 1:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def as_dict(self) -> dict[str, str]:
        lo, hi = self.utc_bounds()
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label,
                "timezone": self.timezone, "utc_from": lo.isoformat(), "utc_to": hi.isoformat()}


@dataclass(frozen=True)
class StatsFilter:
    """Which cases a figure is about, besides the time window. Empty fields mean "all"."""

    window: Window
    county: str | None = None
    street: str | None = None
    community: str | None = None
    grid: str | None = None
    kind: str | None = None  # component | event
    major: str | None = None  # 2-digit major class: the prefix of the minor code
    minor: str | None = None
    department_id: int | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        checks = (("county", self.county, 6), ("street", self.street, 9), ("community", self.community, 12),
                  ("major", self.major, 2))
        for name, value, length in checks:
            if value is not None and not (value.isdigit() and len(value) == length):
                raise Unprocessable(f"{name} must be {length} digits, not {value!r}.",
                                    f"{name} 应为 {length} 位数字，而不是 {value!r}。", {"field": name})
        if self.grid is not None and not (self.grid.isdigit() and len(self.grid) in (14, 15)):
            raise Unprocessable(f"grid must be a 15-digit (or old 14-digit) grid code, not {self.grid!r}.",
                                f"网格编码应为 15 位（旧版 14 位）数字，而不是 {self.grid!r}。", {"field": "grid"})
        if self.minor is not None and not (self.minor.isdigit() and len(self.minor) in (4, 5)):
            raise Unprocessable(f"minor must be a 4- or 5-digit class code, not {self.minor!r}.",
                                f"小类编码应为 4 或 5 位数字，而不是 {self.minor!r}。", {"field": "minor"})
        if self.kind is not None and self.kind not in ("component", "event"):
            raise Unprocessable("kind must be component or event.", "类型应为 component（部件）或 event（事件）。")
        unknown = [s for s in self.sources if s not in KNOWN_SOURCES]
        if unknown:
            raise Unprocessable(f"Unknown source channel {unknown[0]!r}.", f"未知来源渠道 {unknown[0]!r}。",
                                {"known": list(KNOWN_SOURCES)})

    def with_window(self, window: Window) -> StatsFilter:
        return replace(self, window=window)

    def narrowed(self, **changes: object) -> StatsFilter:
        """A copy with more filters set (drill-down from a table row)."""
        return replace(self, **changes)

    def query_params(self) -> dict[str, str | list[str]]:
        """The filters as API query parameters (for drill-down links)."""
        params: dict[str, str | list[str]] = {"start": self.window.start.isoformat(),
                                              "end": self.window.end.isoformat()}
        for name in ("county", "street", "community", "grid", "kind", "major", "minor"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name)
        if self.department_id is not None:
            params["department"] = str(self.department_id)
        if self.sources:
            params["source"] = list(self.sources)
        return params

    def as_dict(self) -> dict[str, object]:
        return {"window": self.window.as_dict(), "county": self.county, "street": self.street,
                "community": self.community, "grid": self.grid, "kind": self.kind, "major": self.major,
                "minor": self.minor, "department_id": self.department_id, "sources": list(self.sources)}


def case_filter_clause(f: StatsFilter) -> ColumnElement[bool]:
    """The non-time filters as one SQL condition on ``case_record``.

    County and major class are code prefixes; they are written as ranges so an index on the
    code column can serve them (``LIKE 'x%'`` would not use a btree index under a non-C collation).
    """
    conds: list[ColumnElement[bool]] = []
    if f.county:
        conds.append(and_(Case.street_code >= f.county + "000", Case.street_code <= f.county + "999"))
    if f.street:
        conds.append(Case.street_code == f.street)
    if f.community:
        conds.append(Case.community_code == f.community)
    if f.grid:
        conds.append(Case.grid_code == f.grid)
    if f.kind:
        conds.append(Case.kind == f.kind)
    if f.major:
        conds.append(and_(Case.minor_code >= f.major, Case.minor_code < f.major + "A"))
    if f.minor:
        conds.append(Case.minor_code == f.minor)
    if f.department_id is not None:
        conds.append(Case.department_id == f.department_id)
    if f.sources:
        conds.append(Case.source.in_(f.sources))
    return and_(true(), *conds)


def in_window(column, window: Window) -> ColumnElement[bool]:
    lo, hi = window.utc_bounds()
    return and_(column >= lo, column < hi)

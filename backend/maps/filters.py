"""The maps' filters: the same query parameters as GET /api/cases, read into a CaseFilter.

``reported_from``/``reported_to`` also take plain dates (``2026-01-01``), read in the
deployment's time zone: ``reported_to`` is then inclusive (up to the end of that day), so
``--from 2026-01-01 --to 2026-06-30`` means the first half of 2026 as people say it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from backend.cases import workflow as wf
from backend.cases.queries import CaseFilter
from backend.cases.views import _parse_bbox
from backend.deps import AppSettings
from backend.errors import Unprocessable
from backend.models.case import SOURCE_CHANNELS
from backend.models.component import COMPONENT_STATES


def parse_moment(raw: str | None, tz: str, *, end: bool = False) -> datetime | None:
    """A date or datetime as aware UTC; a bare date is local midnight (``end``: the next one)."""
    if raw is None or raw == "":
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            if end:
                day += timedelta(days=1)
            return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Unprocessable(f"{raw!r} is not a date (YYYY-MM-DD) or an ISO date-time.",
                            f"{raw!r} 不是日期（YYYY-MM-DD）或 ISO 日期时间。") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(UTC)


@dataclass
class MapFilter:
    """What a map shows: the case filter plus, for display, the raw values the user chose."""

    cases: CaseFilter
    raw: dict[str, str] = field(default_factory=dict)
    component_state: str | None = None

    def with_window(self, start: datetime | None, end: datetime | None) -> MapFilter:
        return replace(self, cases=replace(self.cases, reported_from=start, reported_to=end))


def _check(value: str | None, allowed: tuple[str, ...] | list[str], name: str) -> None:
    if value and value not in allowed:
        raise Unprocessable(f"Unknown {name} {value!r}; one of {', '.join(allowed)}.",
                            f"未知的{name} {value!r}，可选：{'、'.join(allowed)}。")


def build_filter(
    *, tz: str, reported_from: str | None = None, reported_to: str | None = None, grid: str | None = None,
    community: str | None = None, street: str | None = None, category: str | None = None,
    kind: str | None = None, status: list[str] | None = None, status_type: str | None = None,
    source: str | None = None, department: int | None = None, overdue: bool | None = None,
    bbox: str | None = None, state: str | None = None,
) -> MapFilter:
    """Validate the parameters (the CLI calls this too) and build the filter."""
    _check(source, SOURCE_CHANNELS, "source")
    _check(kind, ("component", "event"), "kind")
    _check(status_type, ("open", "closed"), "status_type")
    _check(state, COMPONENT_STATES, "component state")
    start = parse_moment(reported_from, tz)
    end = parse_moment(reported_to, tz, end=True)
    if start and end and start >= end:
        raise Unprocessable("The time window is empty: 'from' must be before 'to'.",
                            "时间范围为空：开始时间须早于结束时间。")
    statuses = [s for s in (status or []) if s]
    cases = CaseFilter(
        bbox=_parse_bbox(bbox), grid_code=grid or None, community_code=community or None,
        street_code=street or None, minor_code=category or None, kind=kind or None, status=statuses or None,
        status_type=status_type or None, source=source or None, department_id=department,
        reported_from=start, reported_to=end, overdue=overdue)
    raw = {k: v for k, v in {
        "reported_from": reported_from, "reported_to": reported_to, "grid": grid, "community": community,
        "street": street, "category": category, "kind": kind, "status": ",".join(statuses) or None,
        "status_type": status_type, "source": source, "department": department, "overdue": overdue,
        "state": state, "bbox": bbox,
    }.items() if v not in (None, "")}
    return MapFilter(cases=cases, raw={k: str(v) for k, v in raw.items()}, component_state=state or None)


def map_filter(
    settings: AppSettings,
    reported_from: Annotated[str | None, Query(description="date (local) or ISO date-time")] = None,
    reported_to: Annotated[str | None, Query(description="date (inclusive, local) or ISO date-time")] = None,
    grid: str | None = None, community: str | None = None, street: str | None = None,
    category: Annotated[str | None, Query(description="catalog minor code")] = None,
    kind: str | None = None, status: Annotated[list[str] | None, Query()] = None,
    status_type: str | None = None, source: str | None = None, department: int | None = None,
    overdue: bool | None = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    state: Annotated[str | None, Query(description="component state (inventory map)")] = None,
) -> MapFilter:
    return build_filter(tz=settings.timezone, reported_from=reported_from, reported_to=reported_to, grid=grid,
                        community=community, street=street, category=category, kind=kind, status=status,
                        status_type=status_type, source=source, department=department, overdue=overdue,
                        bbox=bbox, state=state)


MapFilterDep = Annotated[MapFilter, Depends(map_filter)]

_FILTER_LABELS: dict[str, tuple[str, str]] = {
    "reported_from": ("起始日期", "from"), "reported_to": ("截止日期", "to"), "category": ("类别", "category"),
    "kind": ("部件/事件", "kind"), "status_type": ("状态类型", "status type"), "status": ("状态", "status"),
    "overdue": ("仅超期", "overdue only"), "source": ("来源", "source"), "department": ("部门", "department"),
    "street": ("街道", "street"), "community": ("社区", "community"), "grid": ("网格", "grid"),
    "state": ("部件状态", "component state"), "bbox": ("范围", "bbox"),
}


def filter_summary(f: MapFilter, names: dict[str, dict[str, str]] | None = None,
                   empty: tuple[str, str] = ("全部案件", "all cases")) -> dict[str, str]:
    """The applied filters in words (zh, en) for the info box of exported maps."""
    names = names or {}
    zh, en = [], []
    for key, value in f.raw.items():
        label = _FILTER_LABELS.get(key, (key, key))
        shown = names.get(key, {}).get(value, value)
        zh.append(f"{label[0]}：{shown}")
        en.append(f"{label[1]}: {value}")
    if not zh:
        return {"filters_zh": empty[0], "filters_en": empty[1]}
    return {"filters_zh": "；".join(zh), "filters_en": "; ".join(en)}


def status_options() -> list[dict[str, Any]]:
    return [{"value": s.value, "label_zh": wf.status_label(s, "zh"), "label_en": wf.status_label(s, "en")}
            for s in wf.Status]

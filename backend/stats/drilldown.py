"""The cases behind a figure: same cohort, same condition, same filters as the count."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.errors import NotFound, Unprocessable
from backend.models import Case
from backend.stats.engine import drilldown_clause
from backend.stats.filters import StatsFilter
from backend.stats.measures import MEASURES

CASE_COLUMNS = (Case.id, Case.ref, Case.status, Case.source, Case.kind, Case.minor_code, Case.grid_code,
                Case.community_code, Case.street_code, Case.department_id, Case.reported_at, Case.filed_at,
                Case.dispatched_at, Case.handled_at, Case.closed_at, Case.due_at, Case.handled_on_time,
                Case.closed_on_time, Case.rework_count, Case.extension_count, Case.satisfaction)


def figure_cases(*, db_session: Session, f: StatsFilter, key: str, now: datetime, period: str = "current",
                 limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """A page of the cases counted by figure ``key`` (newest first) and their total."""
    if key not in MEASURES:
        raise NotFound(f"No figure {key!r}; known: {', '.join(MEASURES)}.", f"没有统计项 {key!r}。")
    if period not in ("current", "previous", "last_year"):
        raise Unprocessable("period must be current, previous or last_year.", "period 应为 current、previous 或 last_year。")
    where = drilldown_clause(key, f, now, period)
    total = db_session.scalar(select(func.count()).select_from(Case).where(where)) or 0
    rows = db_session.execute(select(*CASE_COLUMNS).where(where)
                              .order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit).offset(offset))
    names = [c.key for c in CASE_COLUMNS]
    zone = ZoneInfo(f.window.timezone)  # local times, with their offset
    items = [{n: (v.astimezone(zone).isoformat() if isinstance(v, datetime) else v)
              for n, v in zip(names, row, strict=True)} for row in rows]
    for item in items:
        item["status_zh"] = wf.status_label(item["status"], "zh")
    m = MEASURES[key]
    return {"figure": key, "label_zh": m.label_zh, "label_en": m.label_en, "definition_zh": m.definition_zh,
            "definition_en": m.definition_en, "period": period, "filters": f.as_dict(), "total": int(total),
            "limit": limit, "offset": offset, "items": items}


def figure_case_ids(*, db_session: Session, f: StatsFilter, key: str, now: datetime, period: str = "current"
                    ) -> list[int]:
    """Every case id behind a figure (for tests and exports)."""
    return list(db_session.scalars(select(Case.id).where(drilldown_clause(key, f, now, period)).order_by(Case.id)))

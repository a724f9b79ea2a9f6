"""The daily rollup (``stats_daily``): the unfiltered dashboard's counts per local day.

Every row is one cohort (intake or filed) on one local day, whole or per source channel or per
catalog class, holding the same measures as :mod:`backend.stats.measures` — it is filled by
the very queries the live path runs (:func:`backend.stats.engine.count_measures` with a day
bucket), so both paths count alike (tests compare them).

Maintained incrementally: :func:`refresh` finds the cases created (id above the last seen) or
changed (``updated_at`` after the last watermark, minus a safety margin for transactions still
in flight) since the previous refresh and recounts the local days they belong to (their
reported day and their filed day). A case's cohort days never move (``reported_at`` and the
first ``filed_at`` are set once), so recounting those days is enough. A bulk change made
outside the ORM does not touch ``updated_at``: rebuild then (``gridwatch stats rollup
--rebuild``). The KPI request refreshes first, so the dashboard is never stale.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from backend.models import Case, Setting, StatsDaily
from backend.models.stats import ROLLUP_MEASURES
from backend.stats import engine
from backend.stats.filters import StatsFilter, Window
from backend.stats.measures import FILED_KEYS, INTAKE_KEYS, Cohort

STATE_KEY = "stats_rollup_state"
SAFETY_MARGIN = timedelta(minutes=5)
CHUNK_DAYS = 31
ADVISORY_LOCK = 0x47570008  # "GW" + issue 8: serialises rollup refreshes on PostGIS


def applicable(f: StatsFilter) -> bool:
    """The rollup keeps whole-district counts: it serves a request with no filter but the window."""
    return not any((f.county, f.street, f.community, f.grid, f.kind, f.major, f.minor, f.sources,
                    f.department_id is not None))


def _state(db: Session) -> dict[str, Any] | None:
    row = db.get(Setting, STATE_KEY)
    return None if row is None else json.loads(row.value_json)


def _save_state(db: Session, state: dict[str, Any]) -> None:
    row = db.get(Setting, STATE_KEY)
    if row is None:
        db.add(Setting(key=STATE_KEY, value_json=json.dumps(state)))
    else:
        row.value_json = json.dumps(state)


def _chunks(days: Iterable[date]) -> list[list[date]]:
    """Sorted days cut into runs of consecutive days, at most CHUNK_DAYS long."""
    out: list[list[date]] = []
    for day in sorted(set(days)):
        if out and (day - out[-1][-1]).days == 1 and len(out[-1]) < CHUNK_DAYS:
            out[-1].append(day)
        else:
            out.append([day])
    return out


def recount(db: Session, days: Iterable[date], timezone: str) -> int:
    """Recount ``days`` (local dates) from the case table; returns the number of days."""
    now = datetime.now(UTC)  # rollup measures do not depend on "now" (overdue now stays live)
    total = 0
    for run in _chunks(days):
        windows = [Window(d, d, timezone) for d in run]
        f = StatsFilter(window=Window(run[0], run[-1], timezone))
        intake = engine.count_measures(db, f, Cohort.INTAKE, INTAKE_KEYS, now, group_by=[
            engine.month_bucket(Case.reported_at, windows), Case.source, Case.kind, Case.minor_code])
        filed = engine.count_measures(db, f, Cohort.FILED, FILED_KEYS, now, group_by=[
            engine.month_bucket(Case.filed_at, windows)])
        rows: dict[tuple[date, str, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ROLLUP_MEASURES, 0))
        for g in intake:
            day = run[g.key[0]]
            source, kind, minor = g.key[1:]
            for dim, value in (("all", ""), ("source", source), ("class", f"{kind}:{minor}")):
                target = rows[(day, "intake", dim, value)]
                for k, v in g.counts.items():
                    target[k] += v
        for g in filed:
            rows[(run[g.key[0]], "filed", "all", "")].update(g.counts)
        db.execute(delete(StatsDaily).where(StatsDaily.day >= run[0], StatsDaily.day <= run[-1]))
        if rows:
            db.execute(insert(StatsDaily), [{"day": d, "cohort": c, "dim": dim, "value": v, **counts}
                                            for (d, c, dim, v), counts in rows.items()])
        total += len(run)
    db.flush()
    return total


def _local_days(values: Iterable[datetime | None], zone: ZoneInfo) -> set[date]:
    return {v.astimezone(zone).date() for v in values if v is not None}


def rebuild(db: Session, timezone: str) -> int:
    """Recount every day that has cases; returns the number of days counted."""
    first, last, top = db.execute(select(func.min(Case.reported_at), func.max(Case.reported_at),
                                         func.max(Case.id))).one()
    last_filed = db.scalar(select(func.max(Case.filed_at)))
    db.execute(delete(StatsDaily))
    counted = 0
    if first is not None:
        zone = ZoneInfo(timezone)
        start = first.astimezone(zone).date()
        end = max(d for d in (last, last_filed) if d is not None).astimezone(zone).date()
        counted = recount(db, (start + timedelta(days=i) for i in range((end - start).days + 1)), timezone)
    watermark = db.scalar(select(func.max(Case.updated_at)))
    _save_state(db, {"timezone": timezone, "max_id": top or 0,
                     "watermark": None if watermark is None else watermark.isoformat()})
    db.flush()
    return counted


def refresh(db: Session, timezone: str) -> int:
    """Bring the rollup up to date; returns the number of days recounted (0 when nothing changed).

    Concurrent refreshes would count the same days twice: on PostGIS a transaction-scoped
    advisory lock makes the second wait and then find nothing left to do; on SQLite an
    opening no-op write does the same with the database's writer lock. Either lock is held
    until the caller's transaction ends, so a caller that goes on to read KPIs must commit
    first; requests use :func:`refresh_now`, which does.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
    else:
        # A write first takes SQLite's RESERVED lock now, not at the first insert: a second
        # refresh waits here (busy timeout) and then reads the state the first one committed.
        db.execute(update(Setting).where(Setting.key == STATE_KEY).values(key=Setting.key))
    state = _state(db)
    if state is None or state.get("timezone") != timezone:
        return rebuild(db, timezone)
    since = datetime.fromisoformat(state["watermark"]) - SAFETY_MARGIN if state.get("watermark") else None
    changed = or_(Case.id > state.get("max_id", 0), Case.updated_at > since) if since else Case.id > state["max_id"]
    rows = db.execute(select(Case.id, Case.reported_at, Case.filed_at, Case.updated_at).where(changed)).all()
    if not rows:
        return 0
    zone = ZoneInfo(timezone)
    days = _local_days((r[1] for r in rows), zone) | _local_days((r[2] for r in rows), zone)
    counted = recount(db, days, timezone)
    newest = max(r[3] for r in rows)
    old = datetime.fromisoformat(state["watermark"]) if state.get("watermark") else newest
    _save_state(db, {"timezone": timezone, "max_id": max(state.get("max_id", 0), max(r[0] for r in rows)),
                     "watermark": max(newest, old).isoformat()})
    db.flush()
    return counted


def refresh_now(db: Session, timezone: str) -> int:
    """:func:`refresh` in a short transaction of its own, committed at once, so concurrent
    requests wait for each other only as long as the recount takes."""
    with Session(bind=db.get_bind()) as own:
        counted = refresh(own, timezone)
        own.commit()
    return counted


def _sums(db: Session, cohort: str, dim: str, window: Window) -> dict[str, dict[str, int]]:
    columns = [func.sum(getattr(StatsDaily, m)) for m in ROLLUP_MEASURES]
    stmt = (select(StatsDaily.value, *columns)
            .where(StatsDaily.cohort == cohort, StatsDaily.dim == dim, StatsDaily.day >= window.start,
                   StatsDaily.day <= window.end).group_by(StatsDaily.value))
    return {r[0]: {m: int(v or 0) for m, v in zip(ROLLUP_MEASURES, r[1:], strict=True)} for r in db.execute(stmt)}


def read(db: Session, f: StatsFilter) -> dict[str, Any]:
    """The unfiltered dashboard's counts for ``f.window`` (and its 环比/同比 windows) from the rollup."""
    w = f.window
    intake_all = _sums(db, "intake", "all", w).get("", dict.fromkeys(ROLLUP_MEASURES, 0))
    filed_all = _sums(db, "filed", "all", w).get("", dict.fromkeys(ROLLUP_MEASURES, 0))
    by_class: dict[tuple[str, str], int] = {}
    for value, counts in _sums(db, "intake", "class", w).items():
        kind, _, minor = value.partition(":")
        by_class[(kind, minor)] = counts["received"]
    return {
        "intake": {k: intake_all[k] for k in INTAKE_KEYS},
        "filed": {k: filed_all[k] for k in FILED_KEYS},
        "by_source": {v: c["received"] for v, c in _sums(db, "intake", "source", w).items()},
        "by_class": by_class,
        "previous": {v: c["received"] for v, c in _sums(db, "intake", "source", w.previous()).items()},
        "last_year": {v: c["received"] for v, c in _sums(db, "intake", "source", w.last_year()).items()},
    }

"""The daily rollup gives exactly the live figures, and stays right as cases come and change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from backend.models import Case, StatsDaily
from backend.stats import rollup
from backend.stats.filters import StatsFilter, Window
from backend.stats.kpis import compute_kpis
from tests.backend.district import build_district
from tests.stats.scenario import _Driver, set_time_limits

pytestmark = pytest.mark.db
TZ = "Asia/Shanghai"


def _comparable(k: dict) -> dict:
    return {"figures": {key: f["value"] for key, f in k["figures"].items()},
            "rates": {key: r["value"] for key, r in k["rates"].items()},
            "changes": {key: (c["current"], c["previous"]) for key, c in k["changes"].items()},
            "by_source": [(r["source"], r["received"], r["previous"], r["last_year"]) for r in k["by_source"]],
            "pareto": [(p["kind"], p["minor_code"], p["count"]) for p in k["pareto"]]}


def _both(db, window: Window) -> tuple[dict, dict]:
    f = StatsFilter(window=window)
    now = datetime.now(UTC)
    fast = compute_kpis(db_session=db, f=f, now=now)
    live = compute_kpis(db_session=db, f=f, now=now, use_rollup=False)
    db.commit()
    assert fast["computed_from"] == "rollup" and live["computed_from"] == "live"
    return _comparable(fast), _comparable(live)


@pytest.mark.parametrize("window", [
    Window.month("2026-06", TZ), Window.month("2026-05", TZ), Window.month("2025-06", TZ), Window.month("2026-03", TZ),
    Window(date(2026, 5, 1), date(2026, 6, 30), TZ), Window(date(2026, 1, 1), date(2026, 12, 31), TZ),
    Window(date(2026, 6, 3), date(2026, 6, 9), TZ),
], ids=lambda w: w.label)
def test_rollup_equals_live_on_the_scenario(env, window):
    fast, live = _both(env.db, window)
    assert fast == live


def test_filtered_requests_stay_live(env):
    f = StatsFilter(window=Window.month("2026-06", TZ), street="320508019")
    assert compute_kpis(db_session=env.db, f=f, now=datetime.now(UTC))["computed_from"] == "live"
    env.db.rollback()


def test_incremental_refresh_follows_new_and_changed_cases(db):
    district = build_district(db)
    set_time_limits(db)
    driver = _Driver(db, district)
    db.commit()
    zone = ZoneInfo(TZ)
    local_now = datetime.now(UTC).astimezone(zone).replace(second=0, microsecond=0)
    # The steps below go back 30 minutes: just after local midnight that would be yesterday (or
    # last month on the 1st), so the anchor is kept at least 31 minutes into today.
    local_now = max(local_now, local_now.replace(hour=0, minute=31))
    this_month = Window.current_month(datetime.now(UTC), TZ)
    june = Window.month("2026-06", TZ)

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M")

    assert rollup.rebuild(db, TZ) == 0  # empty database: nothing to count
    fresh = driver.report("inspector", stamp(local_now - timedelta(minutes=30)), (0, 0))
    db.commit()
    fast, live = _both(db, this_month)
    assert fast == live and fast["figures"]["received"] == 1 and fast["figures"]["filed"] == 0

    driver.act(fresh, "shift_leader", "file", stamp(local_now - timedelta(minutes=20)))
    driver.act(fresh, "dispatcher", "dispatch", stamp(local_now - timedelta(minutes=10)))
    db.commit()
    assert rollup.refresh_now(db, TZ) >= 1
    fast, live = _both(db, this_month)
    assert fast == live and fast["figures"]["filed"] == 1 and fast["figures"]["should_handle"] == 1

    # A case entered with a past date (an import) is found by its id, not its updated_at.
    old = driver.report("operator", "2026-06-10 10:00", (1, 1), source="phone")
    db.commit()
    fast, live = _both(db, june)
    assert fast == live and fast["figures"]["received"] == 1 and fast["figures"]["rated"] == 0
    # A callback rating changes the case (updated_at moves): its June day is recounted.
    old.satisfaction = "satisfied"
    db.commit()
    fast, live = _both(db, june)
    assert fast == live and fast["figures"]["satisfied"] == 1
    assert rollup.refresh_now(db, TZ) >= 1  # within the safety margin the last days are recounted again
    days = set(db.scalars(select(StatsDaily.day).distinct()))
    assert date(2026, 6, 10) in days and local_now.date() in days
    assert db.scalar(select(func.count()).select_from(Case)) == 2


def test_concurrent_refreshes_do_not_collide(env):
    """Two dashboard requests arriving together both find the rollup stale (here: its state is
    gone, so both would rebuild everything); they must not insert the same rows twice."""
    from concurrent.futures import ThreadPoolExecutor

    from backend.models import Setting

    state = env.db.get(Setting, rollup.STATE_KEY)
    if state is not None:
        env.db.delete(state)
    env.db.commit()
    with ThreadPoolExecutor(max_workers=3) as pool:
        counted = list(pool.map(lambda _: rollup.refresh_now(env.db, TZ), range(3)))
    # One rebuilt every day; the others waited, found the state it committed, and recounted at
    # most the last days inside the safety margin.
    full = max(counted)
    assert full > 0 and counted.count(full) == 1 and all(c <= 31 for c in counted if c != full)
    fast, live = _both(env.db, Window.month("2026-06", TZ))
    assert fast == live

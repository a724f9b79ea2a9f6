"""Benchmark the statistics dashboard on PostGIS: 10^6 cases, our KPIs against naive aggregation.

Run: ``.venv/bin/python bench/bench_kpis.py [--quick] [--url URL]``. Without ``--url`` it starts a
throwaway cluster with ``scripts/pg_cluster.sh`` (and stops it at the end). Progress goes to
stderr; the last stdout line is one JSON object.

What is timed, in the same run, on the same database (schema from the Alembic migrations, so
with the indexes the application has), each a median over ``--repeat`` runs:

* **ours, as the API serves it**: :func:`backend.stats.kpis.compute_kpis` with its defaults, what
  ``GET /api/stats/kpis`` runs (minus HTTP and JSON). Unfiltered, it refreshes the daily rollup
  ``stats_daily`` and reads it:

  - *warm*: nothing changed since the last request (a month, a whole year);
  - *first call after new cases arrive*: before each timed call, ``--arrivals`` new cases
    reported in the last hour are COPYed in (untimed), so the call includes the incremental
    refresh (recounting the touched days); a second variant also closes ``--arrivals``
    open cases of the last 30 days (``updated_at`` bumped, as the ORM does);
  - the one-off rollup build (``gridwatch stats rollup --rebuild``), timed once;
  - filtered requests (a street, a department), which stay live by design, and the 12-month trend.

* **naive, per-request live aggregation**: the same call with ``use_rollup=False`` — every
  figure aggregated from the case table on each request (in five index range scans), for the
  month and the year.
* **naive, pandas**: read the columns the figures need for every case into pandas and compute
  the same figures there (what a "load the rows and count" dashboard does on each request).
* **naive, one COUNT per figure**: a separate ``SELECT count(*)`` per figure, per source and
  window, and a GROUP BY for the top problems.

Every variant must give exactly our numbers (the live path: the whole response, after every
arrival round too); the run fails otherwise.
Target: the dashboard KPIs over 10^6 cases in at most 500 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from backend.db import make_engine, make_sessionmaker  # noqa: E402
from backend.migrate import upgrade  # noqa: E402
from backend.stats import rollup  # noqa: E402
from backend.stats.filters import StatsFilter, Window  # noqa: E402
from backend.stats.kpis import compute_kpis  # noqa: E402
from backend.stats.measures import OPEN_STATUSES, PUBLIC_CHANNELS  # noqa: E402
from backend.stats.trend import compute_trend  # noqa: E402
from tests.conftest import create_postgis_database  # noqa: E402

TZ = "Asia/Shanghai"
SOURCES = np.array(["inspector", "phone", "web", "wechat", "app", "weibo", "sms", "provincial", "media", "video"])
SOURCE_P = np.array([0.55, 0.20, 0.05, 0.08, 0.05, 0.01, 0.01, 0.03, 0.01, 0.01])
TARGET_S = 0.5


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median, best) seconds over ``repeat`` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), result


# ---- data -----------------------------------------------------------------------------------


def synthetic_cases(n: int, rng: np.random.Generator, departments: int) -> pd.DataFrame:
    """n cases over 2025–2026 on 10^4 grids (10 streets × 10 communities × 100 grids)."""
    start = datetime(2024, 12, 31, 16, tzinfo=UTC).timestamp()  # 2025-01-01 00:00 Shanghai
    end = datetime(2026, 12, 31, 16, tzinfo=UTC).timestamp()
    reported = np.sort(rng.uniform(start, end, n))
    ids = np.arange(1, n + 1)
    source = rng.choice(SOURCES, n, p=SOURCE_P)
    public = np.isin(source, PUBLIC_CHANNELS)
    kind = np.where(rng.random(n) < 0.7, "event", "component")
    zipf = np.minimum(rng.zipf(1.6, n), 40)
    minor = np.where(kind == "event", np.char.add("06", np.char.zfill((zipf + 1).astype(str), 3)),
                     np.char.add("01", np.char.zfill(zipf.astype(str), 3)))
    street = rng.integers(1, 11, n)
    community = rng.integers(1, 11, n)
    grid = rng.integers(1, 101, n)
    street_code = np.char.add("320508", np.char.zfill(street.astype(str), 3))
    community_code = np.char.add(street_code, np.char.zfill(community.astype(str), 3))
    grid_code = np.char.add(community_code, np.char.zfill(grid.astype(str), 3))
    hours = 3600.0
    answered = public & (rng.random(n) < 0.3)
    merged = ~answered & (rng.random(n) < 0.02) & (ids > 10)
    rejected = ~answered & ~merged & (rng.random(n) < 0.03)
    filed = ~answered & ~merged & ~rejected
    filed_at = np.where(filed, reported + rng.uniform(0.2, 30, n) * hours, np.nan)
    voided = filed & (rng.random(n) < 0.03)
    dispatched = filed & (rng.random(n) < 0.97)
    dispatched_at = np.where(dispatched, filed_at + rng.uniform(0.1, 5, n) * hours, np.nan)
    due_at = dispatched_at + 48 * hours
    extended = dispatched & (rng.random(n) < 0.04)
    due_at = np.where(extended, due_at + 72 * hours, due_at)
    handled = dispatched & ~voided & (rng.random(n) < 0.93)
    handled_at = np.where(handled, dispatched_at + rng.exponential(30, n) * hours, np.nan)
    closed = handled & (rng.random(n) < 0.9)
    closed_at = np.where(closed, handled_at + rng.uniform(1, 20, n) * hours, np.nan)
    status = np.full(n, "filed", dtype=object)
    status[dispatched] = "dispatched"
    status[handled] = "pending_check"
    status[closed] = "closed"
    status[voided] = "voided"
    status[answered] = "answered"
    status[merged] = "merged"
    status[rejected] = "rejected"
    satisfaction = np.where(public & (rng.random(n) < 0.6),
                            rng.choice(["satisfied", "basically_satisfied", "dissatisfied"], n, p=[0.7, 0.2, 0.1]),
                            None)
    verified = public & filed
    lon = 120.55 + rng.random(n) * 0.1
    lat = 31.25 + rng.random(n) * 0.1

    def ts(values: np.ndarray) -> pd.Series:
        return pd.to_datetime(pd.Series(values), unit="s", utc=True)

    return pd.DataFrame({
        "id": ids, "ref": [f"B{i:010d}" for i in ids], "source": source, "edition": "GB/T 47678.5-2026",
        "kind": kind, "minor_code": minor, "description": "bench case", "address": "", "grid_code": grid_code,
        "community_code": community_code, "street_code": street_code, "reporter_name": "", "reporter_contact": "",
        "status": status, "priority": "normal",
        "department_id": np.where(dispatched, rng.integers(1, departments + 1, n), None),
        "emergency": False, "merged_into_id": np.where(merged, np.maximum(1, ids - rng.integers(1, 10, n)), None),
        "rework_count": np.where(handled & (rng.random(n) < 0.05), 1, 0), "return_count": 0,
        "extension_count": extended.astype(int), "satisfaction": satisfaction,
        "due_at": ts(due_at), "reported_at": ts(reported), "verified_at": ts(np.where(verified, reported + 600, np.nan)),
        "filed_at": ts(filed_at), "dispatched_at": ts(dispatched_at), "handled_at": ts(handled_at),
        "closed_at": ts(closed_at), "voided_at": ts(np.where(voided, filed_at + 7200, np.nan)),
        "answered_at": ts(np.where(answered, reported + 300, np.nan)),
        "merged_at": ts(np.where(merged, reported + 300, np.nan)),
        "handled_on_time": pd.array(np.where(handled, handled_at <= due_at, None), dtype="boolean"),
        "closed_on_time": pd.array(np.where(closed, closed_at <= due_at, None), dtype="boolean"),
        "updated_at": ts(reported), "version": 1,
        "geom": [f"SRID=4490;POINT({x:.6f} {y:.6f})" for x, y in zip(lon, lat, strict=True)],
    })


def copy_frame(engine, frame: pd.DataFrame, chunk: int = 100_000) -> None:
    """COPY ``frame`` into case_record (one transaction)."""
    raw = engine.raw_connection()
    try:
        cols = ", ".join(frame.columns)
        with raw.cursor() as cur:
            for lo in range(0, len(frame), chunk):
                buf = io.StringIO()
                frame.iloc[lo:lo + chunk].to_csv(buf, sep="\t", header=False, index=False, na_rep="\\N",
                                                 date_format="%Y-%m-%d %H:%M:%S+00")
                with cur.copy(f"COPY case_record ({cols}) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
                if len(frame) > chunk:
                    log(f"  loaded {min(lo + chunk, len(frame)):,} cases")
        raw.commit()
    finally:
        raw.close()


def load(url: str, frame: pd.DataFrame, departments: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for i in range(1, departments + 1):
            conn.execute(text("INSERT INTO department (id, code, name_zh, name_en, contact, active) "
                              "VALUES (:i, :c, :n, '', '', true)"), {"i": i, "c": f"D{i:02d}", "n": f"部门{i:02d}"})
    copy_frame(engine, frame)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('case_record', 'id'), "
                          "(SELECT max(id) FROM case_record))"))
        conn.execute(text("VACUUM ANALYZE case_record"))
    engine.dispose()


TIME_COLUMNS = ("due_at", "reported_at", "verified_at", "filed_at", "dispatched_at", "handled_at", "closed_at",
                "voided_at", "answered_at", "merged_at", "updated_at")


def arrivals(engine, k: int, at: datetime, rng: np.random.Generator) -> None:
    """COPY ``k`` new cases reported in the hour before ``at`` (their later steps shifted alike)."""
    with engine.connect() as conn:
        first = conn.execute(text("SELECT max(id) FROM case_record")).scalar() + 1
    frame = synthetic_cases(k, rng, departments=20)
    reported = pd.Timestamp(at) - pd.to_timedelta(rng.uniform(0, 3600, k), unit="s")
    delta = pd.Series(reported) - frame["reported_at"]
    for col in TIME_COLUMNS:
        frame[col] = frame[col] + delta
    frame["id"] = frame["id"] + first - 1
    frame["ref"] = [f"N{i:010d}" for i in frame["id"]]
    frame["merged_into_id"] = pd.Series([None if pd.isna(v) else int(v) + first - 1 for v in frame["merged_into_id"]],
                                        dtype=object)
    copy_frame(engine, frame)


def close_recent(engine, m: int, at: datetime) -> int:
    """Close ``m`` random open cases reported in the 30 days before ``at``, bumping updated_at
    past every value in the table (what a status change through the ORM does)."""
    with engine.begin() as conn:
        return conn.execute(text(
            "WITH picked AS (SELECT id FROM case_record WHERE reported_at >= :since "
            "  AND status IN ('dispatched', 'pending_check') ORDER BY random() LIMIT :m), "
            "stamp AS (SELECT max(updated_at) + interval '1 second' AS ts FROM case_record) "
            "UPDATE case_record c SET status = 'closed', closed_at = stamp.ts, "
            "  handled_at = coalesce(c.handled_at, stamp.ts), "
            "  closed_on_time = stamp.ts <= c.due_at, handled_on_time = coalesce(c.handled_on_time, stamp.ts <= c.due_at), "
            "  updated_at = stamp.ts, version = c.version + 1 "
            "FROM picked, stamp WHERE c.id = picked.id"), {"since": at - timedelta(days=30), "m": m}).rowcount


# ---- naive baselines ------------------------------------------------------------------------


NAIVE_COLUMNS = ("source, kind, minor_code, status, satisfaction, merged_into_id, reported_at, filed_at, "
                 "dispatched_at, handled_at, verified_at, due_at, handled_on_time, closed_on_time, rework_count, "
                 "extension_count, street_code, department_id")


def naive_pandas(url: str, f: StatsFilter, now: datetime) -> dict[str, int]:
    """Read every case's relevant columns, then count in pandas."""
    engine = create_engine(url)
    with engine.connect() as conn:
        df = pd.read_sql(text(f"SELECT {NAIVE_COLUMNS} FROM case_record"), conn)
    engine.dispose()
    df = df[df["merged_into_id"].isna()]
    if f.street:
        df = df[df["street_code"] == f.street]
    if f.department_id is not None:
        df = df[df["department_id"] == f.department_id]
    lo, hi = f.window.utc_bounds()
    out: dict[str, int] = {}
    rec = df[(df["reported_at"] >= lo) & (df["reported_at"] < hi)]
    public = rec["source"].isin(PUBLIC_CHANNELS)
    out["received"] = len(rec)
    out["hotline"] = int(public.sum())
    out["answered"] = int((public & (rec["status"] == "answered")).sum())
    out["dispatched"] = int(rec["dispatched_at"].notna().sum())
    out["events"] = int((rec["kind"] == "event").sum())
    out["components"] = int((rec["kind"] == "component").sum())
    out["rated"] = int(rec["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"]).sum())
    out["satisfied"] = int(rec["satisfaction"].isin(["satisfied", "basically_satisfied"]).sum())
    out["dissatisfied"] = int((rec["satisfaction"] == "dissatisfied").sum())
    fil = df[(df["filed_at"] >= lo) & (df["filed_at"] < hi)]
    not_void = fil["status"] != "voided"
    disp = not_void & fil["dispatched_at"].notna()
    out["filed"] = len(fil)
    out["voided"] = int((~not_void).sum())
    out["should_close"] = int(not_void.sum())
    out["closed"] = int((fil["status"] == "closed").sum())
    out["closed_on_time"] = int(((fil["status"] == "closed") & (fil["closed_on_time"] == True)).sum())  # noqa: E712
    out["should_handle"] = int(disp.sum())
    out["handled"] = int((disp & fil["handled_at"].notna()).sum())
    out["handled_on_time"] = int((disp & (fil["handled_on_time"] == True)).sum())  # noqa: E712
    out["reworked"] = int((disp & fil["handled_at"].notna() & (fil["rework_count"] > 0)).sum())
    out["extended"] = int((disp & (fil["extension_count"] > 0)).sum())
    out["public_verified"] = int((fil["source"].isin(PUBLIC_CHANNELS) & fil["verified_at"].notna() & not_void).sum())
    out["overdue_now"] = int((df["status"].isin(OPEN_STATUSES) & (df["due_at"] < now)).sum())
    for name, w in (("__previous", f.window.previous()), ("__last_year", f.window.last_year())):
        a, b = w.utc_bounds()
        out[name] = int(((df["reported_at"] >= a) & (df["reported_at"] < b)).sum())
    rec.groupby(["kind", "minor_code"]).size().sort_values(ascending=False)  # top problems
    rec.groupby("source").size()  # by source
    return out


def naive_counts(url: str, f: StatsFilter, now: datetime) -> dict[str, int]:
    """One COUNT(*) query per figure (and per source and window), as a first dashboard would."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from backend.models import Case
    from backend.stats.engine import drilldown_clause

    engine = make_engine(url)
    out: dict[str, int] = {}
    with Session(engine) as db:
        from backend.stats.measures import MEASURES

        for key in MEASURES:
            out[key] = db.scalar(select(func.count()).select_from(Case).where(drilldown_clause(key, f, now)))
        for period, name in (("previous", "__previous"), ("last_year", "__last_year")):
            out[name] = db.scalar(select(func.count()).select_from(Case)
                                  .where(drilldown_clause("received", f, now, period)))
        for source in SOURCES:
            g = f.narrowed(sources=(str(source),))
            for period in ("current", "previous", "last_year"):
                db.scalar(select(func.count()).select_from(Case).where(drilldown_clause("received", g, now, period)))
        db.execute(select(Case.kind, Case.minor_code, func.count()).where(drilldown_clause("received", f, now))
                   .group_by(Case.kind, Case.minor_code)).all()
    engine.dispose()
    return out


# ---- cluster --------------------------------------------------------------------------------


def start_cluster(folder: str, port: int) -> str:
    out = subprocess.run([str(ROOT / "scripts" / "pg_cluster.sh"), "start", folder, str(port)],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^5 cases instead of 10^6")
    parser.add_argument("--url", help="admin URL of a running PostGIS server (default: start one)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--arrivals", type=int, default=100,
                        help="cases arriving (and cases closed) before each first-call-after-change run")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an already loaded bench_kpis database (with --url) instead of reloading it")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    started = None
    if args.url:
        admin_url = args.url
    else:
        started = "/tmp/gwpg-bench-kpis"
        admin_url = start_cluster(started, int(os.environ.get("BENCH_PG_PORT", "55877")))
    try:
        run(admin_url, n, args.repeat, args.arrivals, reuse=args.reuse and bool(args.url))
    finally:
        if started:
            subprocess.run([str(ROOT / "scripts" / "pg_cluster.sh"), "stop", started], check=False,
                           capture_output=True)


def _loaded(admin_url: str, n: int) -> str | None:
    url = make_url(admin_url).set(database="bench_kpis").render_as_string(hide_password=False)
    try:
        eng = create_engine(url)
        with eng.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM case_record WHERE id <= :n"), {"n": n}).scalar()
        if count == n:  # drop the cases an earlier run added (the cases it closed stay closed)
            with eng.begin() as conn:
                conn.execute(text("DELETE FROM case_record WHERE id > :n"), {"n": n})
        eng.dispose()
    except Exception:  # no such database yet
        return None
    return url if count == n else None


def comparable(k: dict) -> dict:
    """A KPI response without the fields that name the path it took."""
    return {key: value for key, value in k.items() if key != "computed_from"}


def run(admin_url: str, n: int, repeat: int, arrivals_per_round: int, reuse: bool = False) -> None:
    url = _loaded(admin_url, n) if reuse else None
    load_s = None
    if url is None:
        url = create_postgis_database(admin_url, "bench_kpis")
        upgrade(url)
        rng = np.random.default_rng(8)
        t = time.perf_counter()
        frame = synthetic_cases(n, rng, departments=20)
        log(f"generated {n:,} cases in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        load(url, frame, departments=20)
        load_s = round(time.perf_counter() - t, 1)
        log(f"loaded with COPY in {load_s} s")
        del frame
    else:
        log(f"reusing the loaded database ({n:,} cases)")

    now = datetime(2026, 12, 31, 12, tzinfo=UTC)
    month = StatsFilter(window=Window.month("2026-06", TZ))
    year = StatsFilter(window=Window(date(2026, 1, 1), date(2026, 12, 31), TZ))
    engine = make_engine(url)

    # The one-off build (`gridwatch stats rollup --rebuild`); requests then refresh incrementally.
    t = time.perf_counter()
    with Session(bind=engine) as own:
        days = rollup.rebuild(own, TZ)
        own.commit()
    rollup_build_s = round(time.perf_counter() - t, 2)
    log(f"rollup built: {days} days in {rollup_build_s} s")

    session = make_sessionmaker(engine)()

    def kpis(f: StatsFilter, use_rollup: bool = True, at: datetime = now) -> dict:
        k = compute_kpis(db_session=session, f=f, now=at, use_rollup=use_rollup)
        session.rollback()  # a request's session ends after it
        return k

    def entry(median: float, best: float) -> dict[str, float]:
        return {"median_s": round(median, 4), "best_s": round(best, 4)}

    # ---- ours: the API call as served ----
    cases = {"month": month, "year": year, "month_street": month.narrowed(street="320508003"),
             "month_department": month.narrowed(department_id=7)}
    ours: dict[str, dict[str, Any]] = {}
    results: dict[str, dict] = {}
    for name, f in cases.items():
        median, best, k = timed(lambda f=f: kpis(f), repeat)
        ours[name] = {**entry(median, best), "path": k["computed_from"]}
        results[name] = k
        log(f"ours {name} ({k['computed_from']}): median {median * 1000:.0f} ms (best {best * 1000:.0f} ms), "
            f"received {k['figures']['received']['value']:,}")
    trend_median, trend_best, _ = timed(lambda: compute_trend(db_session=session, f=month, now=now), repeat)
    session.rollback()
    log(f"ours trend (12 months, live): median {trend_median * 1000:.0f} ms")

    # ---- naive: per-request live aggregation (use_rollup=False), same call otherwise ----
    naive: dict[str, dict[str, float]] = {}
    for name in ("month", "year"):
        median, best, k = timed(lambda name=name: kpis(cases[name], use_rollup=False), repeat)
        if k["computed_from"] != "live" or comparable(k) != comparable(results[name]):
            raise SystemExit(f"live aggregation disagrees with the rollup for the {name}")
        naive[f"live_{name}"] = entry(median, best)
        log(f"naive live {name} (use_rollup=False): median {median * 1000:.0f} ms — same response as ours")

    # ---- naive: load the rows into pandas; one COUNT per figure ----
    mine = {**{k: v["value"] for k, v in results["month"]["figures"].items()},
            "__previous": results["month"]["changes"]["received_mom"]["previous"],
            "__last_year": results["month"]["changes"]["received_yoy"]["previous"]}
    for name, fn, reps in (("pandas", naive_pandas, max(2, repeat // 3)), ("count_per_figure", naive_counts, 3)):
        median, best, numbers = timed(lambda fn=fn: fn(url, month, now), reps)
        mismatch = {k: (numbers[k], mine[k]) for k in mine if numbers.get(k) != mine[k]}
        if mismatch:
            raise SystemExit(f"naive {name} disagrees with ours: {mismatch}")
        naive[f"{name}_month"] = entry(median, best)
        log(f"naive {name} month: median {median * 1000:.0f} ms — same numbers as ours")

    # ---- ours: the first call after cases arrive (incremental refresh inside the call) ----
    current = StatsFilter(window=Window.month("2026-12", TZ))
    rng = np.random.default_rng(88)
    kpis(current)  # the rollup is current again
    after: dict[str, dict[str, Any]] = {}
    for name, closing in (("after_new_cases", False), ("after_new_and_closed_cases", True)):
        times, closed = [], 0
        for _ in range(repeat):
            arrivals(engine, arrivals_per_round, now, rng)
            if closing:
                closed += close_recent(engine, arrivals_per_round, now)
            t = time.perf_counter()
            k = kpis(current)
            times.append(time.perf_counter() - t)
            if k["computed_from"] != "rollup" or comparable(k) != comparable(kpis(current, use_rollup=False)):
                raise SystemExit(f"{name}: the refreshed rollup disagrees with live aggregation")
        after[name] = {**entry(statistics.median(times), min(times)), "arrived_per_call": arrivals_per_round,
                       "closed_per_call": closed // repeat if closing else 0}
        log(f"ours {name} (current month, rollup refreshed in the call): median "
            f"{statistics.median(times) * 1000:.0f} ms (best {min(times) * 1000:.0f} ms); agrees with live")
    total = session.execute(text("SELECT count(*) FROM case_record")).scalar()
    session.close()
    engine.dispose()

    dashboard = [ours["month"]["median_s"], ours["year"]["median_s"], *(v["median_s"] for v in after.values())]
    out = {
        "bench": "stats_kpis", "cases": n, "cases_at_end": total, "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_copy_s": load_s, "rollup_build_s": rollup_build_s,
        "ours": ours, "ours_first_call_after_changes": after,
        "ours_trend_12_months_live": entry(trend_median, trend_best),
        "naive": naive,
        "speedup_vs_live_month": round(naive["live_month"]["median_s"] / ours["month"]["median_s"], 1),
        "speedup_vs_live_year": round(naive["live_year"]["median_s"] / ours["year"]["median_s"], 1),
        "speedup_vs_pandas_month": round(naive["pandas_month"]["median_s"] / ours["month"]["median_s"], 1),
        "speedup_vs_count_per_figure_month": round(naive["count_per_figure_month"]["median_s"]
                                                   / ours["month"]["median_s"], 1),
        "target_s": TARGET_S, "target_met_unfiltered_dashboard": all(v <= TARGET_S for v in dashboard),
        "target_met_every_variant": all(v["median_s"] <= TARGET_S for v in (*ours.values(), *after.values())),
        "numbers_agree": True, "month_received": mine["received"], "repeat": repeat,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

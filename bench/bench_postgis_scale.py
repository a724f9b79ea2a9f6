"""Issue 9, beyond one machine: cases at scale on PostGIS (a throwaway local cluster).

1. Ingest: COPY generated cases (a year, 10^4 grid cells, clustered in space and time) into the
   real ``case_record`` table with all its production indexes; rows per second.
2. KPI query: the dashboard figures for a month and for the year in ONE aggregate with FILTER
   clauses (pushed down into SQL), plus the top 10 categories; median of 5 warm runs.
3. Hotspot query: Getis-Ord Gi* over per-grid counts for a month computed entirely in SQL
   (queen neighbours of a 100 × 100 lattice); median of 5 warm runs.
4. Time partitioning: the same rows in a table partitioned by month; the month KPI again
   (partition pruning) against the unpartitioned table.

    .venv/bin/python bench/bench_postgis_scale.py --rows 1000000
    make bench-scale ROWS=10000000
Prints one JSON line. The cluster runs with fsync off (scripts/pg_cluster.sh): ingest figures are
an upper bound for a durable server.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _server import postgis_cluster  # noqa: I001

import psycopg
from sqlalchemy.engine import make_url

from backend.migrate import upgrade

SIDE = 100  # grid lattice side: 10^4 cells
X0, Y0, STEP = 120.55, 31.25, 0.001
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = ["inspector"] * 6 + ["phone", "web", "wechat", "app"]
STATUSES_OPEN = ["reported", "filed", "dispatched", "handled"]
CHUNK = 250_000

KPI_SQL = """
SELECT count(*) AS received,
       count(*) FILTER (WHERE source <> 'inspector') AS hotline,
       count(*) FILTER (WHERE kind = 'event') AS events,
       count(*) FILTER (WHERE dispatched_at IS NOT NULL) AS dispatched,
       count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed,
       count(*) FILTER (WHERE closed_on_time) AS closed_on_time,
       count(*) FILTER (WHERE closed_at IS NULL AND due_at < %(now)s) AS overdue
FROM {table} WHERE reported_at >= %(a)s AND reported_at < %(b)s
"""
TOP_SQL = """
SELECT minor_code, count(*) AS n FROM {table} WHERE reported_at >= %(a)s AND reported_at < %(b)s
GROUP BY minor_code ORDER BY n DESC LIMIT 10
"""
# Gi* with binary queen weights including the cell itself (the "star" variant).
GISTAR_SQL = """
WITH counts AS (
    SELECT g.code, g.r, g.c, coalesce(k.n, 0)::float8 AS x
    FROM bench_grid g LEFT JOIN (
        SELECT grid_code, count(*) AS n FROM case_record
        WHERE reported_at >= %(a)s AND reported_at < %(b)s GROUP BY grid_code) k ON k.grid_code = g.code),
stats AS (SELECT count(*)::float8 AS n, avg(x) AS mean, sqrt(avg(x * x) - avg(x) ^ 2) AS s FROM counts),
local AS (
    SELECT a.code, sum(b.x) AS wx, count(*)::float8 AS w
    FROM counts a
    CROSS JOIN (VALUES (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)) d(dr, dc)
    JOIN counts b ON b.r = a.r + d.dr AND b.c = a.c + d.dc  -- equality: a hash join, not 10^8 comparisons
    GROUP BY a.code)
SELECT l.code, (l.wx - st.mean * l.w) / (st.s * sqrt((st.n * l.w - l.w * l.w) / (st.n - 1))) AS z
FROM local l CROSS JOIN stats st ORDER BY z DESC
"""


def conninfo(url: str) -> str:
    u = make_url(url)
    return f"dbname={u.database} user={u.username} host={u.query['host']} port={u.query['port']}"


def generate(rows: int, offset: int, rng: np.random.Generator) -> bytes:
    """A chunk of cases as CSV for COPY: hot spots in space, seasonality in time."""
    hot = rng.random(rows) < 0.3
    r = np.where(hot, np.clip(rng.normal(30, 4, rows), 0, SIDE - 1), rng.integers(0, SIDE, rows)).astype(int)
    c = np.where(hot, np.clip(rng.normal(70, 4, rows), 0, SIDE - 1), rng.integers(0, SIDE, rows)).astype(int)
    lon = X0 + (c + rng.random(rows)) * STEP
    lat = Y0 + (r + rng.random(rows)) * STEP
    day = rng.random(rows) * 365
    reported = np.datetime64("2026-01-01T00:00:00") + (day * 86400).astype("timedelta64[s]")
    closed = rng.random(rows) < 0.8
    dispatched = reported + np.timedelta64(3600, "s")
    closed_at = reported + (rng.exponential(2.5, rows) * 86400).astype("timedelta64[s]")
    due = reported + np.timedelta64(3 * 86400, "s")
    on_time = closed & (closed_at <= due)
    minor = rng.choice(["06036", "06010", "01001", "01002", "06001", "02003", "03004", "06020"], rows,
                       p=[0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05])
    source = rng.choice(SOURCES, rows)
    status = np.where(closed, "closed", rng.choice(STATUSES_OPEN, rows))
    out = io.StringIO()
    for i in range(rows):
        n = offset + i
        code = f"320508{int(r[i]) * SIDE + int(c[i]):09d}"
        out.write(f"GWB{n:011d}\t{source[i]}\tGB/T 47678.5-2026\t{'component' if minor[i].startswith('01') else 'event'}"
                  f"\t{minor[i]}\t\t\t{code}\t{code[:12]}\t{code[:9]}\t\t\t{status[i]}\tnormal\tf\t0\t0\t0"
                  f"\t{reported[i]}Z\t{dispatched[i]}Z\t{closed_at[i]}Z\t" if closed[i] else
                  f"GWB{n:011d}\t{source[i]}\tGB/T 47678.5-2026\t{'component' if minor[i].startswith('01') else 'event'}"
                  f"\t{minor[i]}\t\t\t{code}\t{code[:12]}\t{code[:9]}\t\t\t{status[i]}\tnormal\tf\t0\t0\t0"
                  f"\t{reported[i]}Z\t{dispatched[i]}Z\t\\N\t")
        out.write(f"{due[i]}Z\t{'t' if on_time[i] else ('f' if closed[i] else chr(92) + 'N')}\t{reported[i]}Z\t1"
                  f"\tSRID=4490;POINT({lon[i]:.6f} {lat[i]:.6f})\n")
    return out.getvalue().encode()


COLUMNS = ("ref, source, edition, kind, minor_code, description, address, grid_code, community_code, street_code, "
           "reporter_name, reporter_contact, status, priority, emergency, rework_count, return_count, "
           "extension_count, reported_at, dispatched_at, closed_at, due_at, closed_on_time, updated_at, version, geom")


def secondary_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'case_record' "
                        "AND indexname NOT IN (SELECT conname FROM pg_constraint)").fetchall()  # unique constraints stay


def ingest(conn: psycopg.Connection, rows: int, *, bulk: bool) -> dict:
    """COPY ``rows`` cases; ``bulk`` drops the secondary indexes first and rebuilds them after
    (the usual way to load a large history), otherwise they are maintained row by row."""
    rng = np.random.default_rng(9)
    indexes = secondary_indexes(conn)
    if bulk:
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
    copy_s = gen_s = 0.0
    for offset in range(0, rows, CHUNK):
        t = time.perf_counter()
        data = generate(min(CHUNK, rows - offset), offset + (10**9 if bulk else 0), rng)
        gen_s += time.perf_counter() - t
        t = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY case_record ({COLUMNS}) FROM STDIN") as copy:
            copy.write(data)
        conn.commit()
        copy_s += time.perf_counter() - t
        print(f"  {offset + min(CHUNK, rows - offset):>11,} rows  copy {copy_s:7.1f} s", file=sys.stderr)
    t = time.perf_counter()
    if bulk:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            conn.execute(definition)
        conn.commit()
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    conn.execute("ANALYZE case_record")
    conn.commit()
    return {"rows": rows, "mode": "bulk: drop indexes, COPY, rebuild" if bulk else "COPY with indexes maintained",
            "indexes": len(indexes), "copy_s": round(copy_s, 1), "index_build_s": round(index_s, 1),
            "rows_per_s_copy": round(rows / copy_s), "rows_per_s_total": round(rows / (copy_s + index_s)),
            "generate_s": round(gen_s, 1), "analyze_s": round(time.perf_counter() - t, 1)}


def timed(conn: psycopg.Connection, sql: str, params: dict, runs: int = 5) -> tuple[float, list]:
    times, rows = [], []
    for _ in range(runs):
        t = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1), rows


def partitioned(conn: psycopg.Connection) -> dict:
    t = time.perf_counter()
    conn.execute("CREATE TABLE case_part (LIKE case_record INCLUDING DEFAULTS) PARTITION BY RANGE (reported_at)")
    for m in range(1, 13):
        start, end = f"2026-{m:02d}-01", (f"2026-{m + 1:02d}-01" if m < 12 else "2027-01-01")
        conn.execute(f"CREATE TABLE case_part_2026_{m:02d} PARTITION OF case_part "
                     f"FOR VALUES FROM ('{start}') TO ('{end}')")
    conn.execute("INSERT INTO case_part SELECT * FROM case_record")
    conn.execute("CREATE INDEX ON case_part (reported_at)")
    conn.execute("CREATE INDEX ON case_part (grid_code)")
    conn.execute("ANALYZE case_part")
    conn.commit()
    return {"build_s": round(time.perf_counter() - t, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="2 × 10^5 rows")
    parser.add_argument("--no-partitions", action="store_true")
    args = parser.parse_args()
    rows = 200_000 if args.quick else args.rows
    with postgis_cluster() as url:
        upgrade(url)
        with psycopg.connect(conninfo(url)) as conn:
            conn.execute("SET synchronous_commit = off")
            conn.execute("CREATE TABLE bench_grid (code text PRIMARY KEY, r int, c int)")
            with conn.cursor() as cur, cur.copy("COPY bench_grid FROM STDIN") as copy:
                for g in range(SIDE * SIDE):
                    copy.write(f"320508{g:09d}\t{g // SIDE}\t{g % SIDE}\n")
            conn.commit()
            # A first slice with every index maintained row by row (what live intake pays), then
            # the bulk load of the rest (drop secondary indexes, COPY, rebuild).
            live = min(rows // 10, 100_000)
            result: dict = {"rows": rows, "ingest_live": ingest(conn, live, bulk=False),
                            "ingest_bulk": ingest(conn, rows - live, bulk=True)}
            size = conn.execute("SELECT pg_total_relation_size('case_record')").fetchone()[0]
            result["table_with_indexes_mb"] = round(size / 1e6)
            month = {"a": datetime(2026, 6, 1, tzinfo=UTC), "b": datetime(2026, 7, 1, tzinfo=UTC),
                     "now": datetime(2026, 12, 31, tzinfo=UTC)}
            year = {**month, "a": YEAR_START, "b": datetime(2027, 1, 1, tzinfo=UTC)}
            result["kpi_month_ms"], kpi = timed(conn, KPI_SQL.format(table="case_record"), month)
            result["kpi_year_ms"], _ = timed(conn, KPI_SQL.format(table="case_record"), year)
            result["top10_month_ms"], _ = timed(conn, TOP_SQL.format(table="case_record"), month)
            result["kpi_month_values"] = dict(zip(["received", "hotline", "events", "dispatched", "closed",
                                                   "closed_on_time", "overdue"], kpi[0], strict=True))
            result["hotspot_gistar_month_ms"], z = timed(conn, GISTAR_SQL, month)
            result["hotspot_cells"] = len(z)
            result["hotspot_top_z"] = round(z[0][1], 2)
            result["hotspot_cells_z_over_2_58"] = sum(1 for _, v in z if v is not None and v > 2.58)
            plan = conn.execute("EXPLAIN " + KPI_SQL.format(table="case_record"), month).fetchall()
            result["kpi_month_plan"] = " / ".join(r[0].strip() for r in plan[:3])
            if not args.no_partitions:
                result["partitioned"] = partitioned(conn)
                result["partitioned"]["kpi_month_ms"], _ = timed(conn, KPI_SQL.format(table="case_part"), month)
                result["partitioned"]["kpi_year_ms"], _ = timed(conn, KPI_SQL.format(table="case_part"), year)
                plan = conn.execute("EXPLAIN " + KPI_SQL.format(table="case_part"), month).fetchall()
                result["partitioned"]["partitions_scanned_month"] = sum("case_part_2026" in r[0] for r in plan)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

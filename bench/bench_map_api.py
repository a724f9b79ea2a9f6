"""How long the map API takes to build each payload from the database at city scale.

Run: ``.venv/bin/python bench/bench_map_api.py [--cases N] [--postgis URL]``. A fresh database
(SpatiaLite in a temporary file, or a new PostGIS database on the given server) gets the test
district (9 grids) and N bulk-inserted cases; each map's payload is then built through
``backend.maps.service.build_payload`` (the SQL aggregates, gis_data, map_viewer) as an
analyst would get it, best of 3. The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from backend.admin.service import default_work_calendar  # noqa: E402
from backend.db import make_engine, make_sessionmaker  # noqa: E402
from backend.maps.base_data import MapBaseCache  # noqa: E402
from backend.maps.filters import build_filter  # noqa: E402
from backend.maps.service import BUILDERS, MapContext, build_payload  # noqa: E402
from backend.migrate import upgrade  # noqa: E402
from backend.models import Case, User  # noqa: E402
from backend.spatial import point_value  # noqa: E402
from tests.backend.district import build_district, cell_centre, grid_code  # noqa: E402

STATUSES = ("reported", "filed", "dispatched", "dispatched", "handled", "closed", "closed", "closed")


def fill(db, n: int) -> None:
    now = datetime.now(UTC)
    batch = []
    for k in range(n):
        row, col = k % 3, (k // 3) % 3
        lon, lat = cell_centre(row, col)
        status = STATUSES[k % len(STATUSES)]
        dispatched = status in ("dispatched", "handled", "closed")
        batch.append({
            "ref": f"GW-BENCH-{k:08d}", "source": "inspector", "edition": "GB/T 47678.5-2026", "kind": "event",
            "minor_code": "06010", "status": status, "grid_code": grid_code(row, col),
            "community_code": grid_code(row, col)[:12], "street_code": grid_code(row, col)[:9],
            "reported_at": now - timedelta(minutes=k), "filed_at": now - timedelta(minutes=k) if status != "reported" else None,
            "dispatched_at": now - timedelta(minutes=k) if dispatched else None,
            "due_at": now + timedelta(hours=(k % 48) - 24) if dispatched else None,
            "closed_on_time": (k % 3 > 0) if status == "closed" else None,
            "updated_at": now, "geom": point_value(lon + (k % 97) * 9e-6 - 4e-4, lat + (k % 89) * 9e-6 - 4e-4),
            "rework_count": 0, "return_count": 0, "extension_count": 0, "version": 1, "priority": "normal",
            "description": "", "address": "", "reporter_name": "", "reporter_contact": "", "emergency": False,
        })
        if len(batch) == 20_000:
            db.execute(insert(Case), batch)
            batch = []
    if batch:
        db.execute(insert(Case), batch)
    db.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgis", help="admin URL of a PostGIS server (a database is created on it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgis:
            from tests.conftest import create_postgis_database

            url = create_postgis_database(args.postgis, "gw_bench_map_api")
        else:
            url = f"sqlite:///{tmp}/bench.sqlite"
        upgrade(url)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as db:
            build_district(db)
            t = time.perf_counter()
            fill(db, args.cases)
            fill_s = time.perf_counter() - t
            analyst = db.scalar(select(User).where(User.username == "analyst"))
            cache = MapBaseCache()
            f = build_filter(tz="Asia/Shanghai")
            times = {}
            for kind in BUILDERS:
                best = float("inf")
                for _ in range(3):
                    ctx = MapContext(db=db, user=analyst, base=cache.get(db), timezone="Asia/Shanghai",
                                     calendar=default_work_calendar("Asia/Shanghai"))
                    t = time.perf_counter()
                    payload = build_payload(kind, ctx, f)
                    best = min(best, time.perf_counter() - t)
                times[kind] = round(best, 3)
                print(f"{kind}: {best * 1000:.0f} ms ({len(json.dumps(payload)):,} bytes)", file=sys.stderr)
        engine.dispose()
    print(json.dumps({"bench": "map_api", "backend": "postgis" if args.postgis else "spatialite",
                      "cases": args.cases, "grids": 9, "insert_s": round(fill_s, 1), "payload_s": times}))


if __name__ == "__main__":
    main()

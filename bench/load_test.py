"""Issue 9, load: 50 inspectors submitting reports with photos and 10 dispatchers browsing, for
5 minutes, against a real server on 127.0.0.1 — zero errors, every acknowledged report in the
database with its photo, p50/p95/p99 per request kind.

    .venv/bin/python bench/load_test.py                      # SpatiaLite and PostGIS, 5 min each
    .venv/bin/python bench/load_test.py --backend postgis --duration 60
    .venv/bin/python bench/load_test.py --quick              # 20 s, 10 inspectors + 3 dispatchers

Prints one JSON line per backend; exits 1 on any error or lost report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _server import postgis_cluster, prepare_database

from backend.db import make_engine, make_sessionmaker
from tests.hardening.live_server import LiveServer
from tests.hardening.loadgen import LoadConfig, make_staff, run_load, verify_reports


@contextmanager
def database(backend: str):
    if backend == "spatialite":
        folder = Path(tempfile.mkdtemp(prefix="gw-load-"))
        yield f"sqlite:///{folder / 'load.sqlite'}"
    else:
        with postgis_cluster() as url:
            yield url


def run(backend: str, args: argparse.Namespace) -> dict:
    with database(backend) as url:
        prepare_database(url)
        engine = make_engine(url)
        session = make_sessionmaker(engine)()
        inspectors = make_staff(session, "inspector", args.inspectors, prefix="insp")
        dispatchers = make_staff(session, "dispatcher", args.dispatchers, prefix="disp")
        photo_dir = Path(tempfile.mkdtemp(prefix="gw-load-photos-"))
        with LiveServer(url, photo_dir, workers=args.workers) as server:
            cfg = LoadConfig(server.base_url, inspectors, dispatchers, inspectors=args.inspectors,
                             dispatchers=args.dispatchers, duration_s=args.duration,
                             inspector_think_s=(args.think_min, args.think_max), photo_size=(640, 480))
            result = asyncio.run(run_load(cfg))
        check = verify_reports(session, result.acknowledged, photo_dir)
        session.close()
        engine.dispose()
    summary = {"backend": backend, "inspectors": args.inspectors, "dispatchers": args.dispatchers,
               "workers": args.workers, **result.summary(), "lost_reports": len(check.missing),
               "cases_without_photo": len(check.without_photo), "duplicates": check.duplicates,
               "first_errors": result.errors[:5]}
    summary["ok"] = bool(check.ok and not result.errors and not result.transport_failures)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["spatialite", "postgis", "both"], default="both")
    parser.add_argument("--duration", type=float, default=300.0)
    parser.add_argument("--inspectors", type=int, default=50)
    parser.add_argument("--dispatchers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--think-min", type=float, default=1.0, help="inspector pause between reports (s)")
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--quick", action="store_true", help="20 s, 10 inspectors, 3 dispatchers")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.inspectors, args.dispatchers = 20.0, 10, 3
    backends = ["spatialite", "postgis"] if args.backend == "both" else [args.backend]
    results = [run(b, args) for b in backends]
    for summary in results:
        print(json.dumps(summary, ensure_ascii=False))
    sys.exit(0 if all(s["ok"] for s in results) else 1)


if __name__ == "__main__":
    main()

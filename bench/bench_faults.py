"""Issue 9, faults, each under load against a real server on 127.0.0.1:

1. ``sigkill``: the server is killed with SIGKILL in the middle of a load run and restarted;
   every acknowledged report must be in the database with its photo (and the field-app style
   retries after the restart must create no duplicates).
2. ``postgis_restart``: PostgreSQL is stopped for a few seconds and started again under load;
   requests meanwhile must fail cleanly (503 with Retry-After, never a 500) and the same server
   process must recover on its own (no app restart).
3. ``disk_full``: the photo store is a 2 MB tmpfs that fills up; uploads must get a clear 507 and
   no case may exist without its photo (nothing half-written).

    .venv/bin/python bench/bench_faults.py            # all three, ~3 minutes
    .venv/bin/python bench/bench_faults.py --quick    # shorter runs
Prints one JSON line per scenario; exits 1 if any scenario fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _server import postgis_cluster, prepare_database  # noqa: I001

import httpx
from sqlalchemy import func, select

from backend.db import make_engine, make_sessionmaker
from backend.models import Case
from backend.photos import testimages
from tests.backend.district import cell_centre
from tests.hardening.live_server import LiveServer
from tests.hardening.loadgen import LoadConfig, make_staff, run_load, verify_reports

PG_BIN = "/usr/lib/postgresql/15/bin"


def _session(url: str):
    return make_sessionmaker(make_engine(url))()


def _staffed(url: str, inspectors: int, dispatchers: int):
    prepare_database(url)
    session = _session(url)
    return session, make_staff(session, "inspector", inspectors, prefix="fi"), \
        make_staff(session, "dispatcher", dispatchers, prefix="fd")


def sigkill(duration: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="gw-fault-kill-"))
    url = f"sqlite:///{folder / 'kill.sqlite'}"
    session, inspectors, dispatchers = _staffed(url, 20, 5)
    server = LiveServer(url, folder / "photos").start()
    events: dict[str, float] = {}

    async def inject(elapsed: float, so_far) -> None:
        if elapsed > duration / 3 and len(so_far.acknowledged) >= 20 and "killed_at_s" not in events:
            server.kill()
            events["killed_at_s"] = round(elapsed, 1)
            events["acknowledged_before_kill"] = len(so_far.acknowledged)
            started = time.monotonic()
            await asyncio.to_thread(server.start)
            events["restart_s"] = round(time.monotonic() - started, 2)

    try:
        cfg = LoadConfig(server.base_url, inspectors, dispatchers, inspectors=20, dispatchers=5, duration_s=duration,
                         inspector_think_s=(0.2, 0.8), timeout_s=90)
        result = asyncio.run(run_load(cfg, during=inject))
    finally:
        server.stop()
    check = verify_reports(session, result.acknowledged, folder / "photos")
    ok = check.ok and not result.errors and result.transport_failures > 0 and "restart_s" in events
    return {"scenario": "sigkill", **events, **_brief(result), "lost": len(check.missing),
            "without_photo": len(check.without_photo), "duplicates": check.duplicates, "ok": ok}


def postgis_restart(duration: float, down_s: float) -> dict:
    with postgis_cluster() as url:
        session, inspectors, dispatchers = _staffed(url, 20, 5)
        cluster = Path(httpx.URL(url.replace("postgresql+psycopg", "http")).params["host"])
        port = httpx.URL(url.replace("postgresql+psycopg", "http")).params["port"]
        folder = Path(tempfile.mkdtemp(prefix="gw-fault-pg-"))
        server = LiveServer(url, folder / "photos").start()
        pid = server.proc.pid
        events: dict[str, float] = {}

        async def inject(elapsed: float, so_far) -> None:
            if elapsed > duration / 4 and "db_stopped_at_s" not in events:
                subprocess.run(["/usr/sbin/runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D",
                                str(cluster / "data"), "-m", "fast", "-w", "stop"], check=True, capture_output=True)
                events["db_stopped_at_s"] = round(elapsed, 1)
                await asyncio.sleep(down_s)
                script = Path(__file__).resolve().parents[1] / "scripts" / "pg_cluster.sh"
                await asyncio.to_thread(subprocess.run, [str(script), "start", str(cluster), str(port)], check=True,
                                        capture_output=True)
                events["db_started_at_s"] = round(elapsed + down_s, 1)

        try:
            cfg = LoadConfig(server.base_url, inspectors, dispatchers, inspectors=20, dispatchers=5,
                             duration_s=duration, inspector_think_s=(0.2, 0.8), timeout_s=20)
            result = asyncio.run(run_load(cfg, during=inject))
            # After the outage, the same process answers normally again.
            after = httpx.get(f"{server.base_url}/api/cases", headers={"Authorization": f"Bearer {dispatchers[0]}"})
            same_process = server.proc.poll() is None and server.proc.pid == pid
        finally:
            server.stop()
        session.rollback()
        check = verify_reports(session, result.acknowledged, folder / "photos")
        session.close()
    ok = (check.ok and not result.errors and result.unavailable > 0 and result.unavailable_without_hint == 0
          and after.status_code == 200 and same_process)
    return {"scenario": "postgis_restart", **events, **_brief(result), "after_outage_status": after.status_code,
            "same_server_process": same_process, "lost": len(check.missing), "ok": ok}


def disk_full(reports: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="gw-fault-disk-"))
    photo_dir = folder / "photos"
    photo_dir.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(photo_dir)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        return {"scenario": "disk_full", "skipped": f"cannot mount a tmpfs here: {mounted.stderr.strip()}",
                "ok": True}
    url = f"sqlite:///{folder / 'disk.sqlite'}"
    try:
        session, inspectors, _ = _staffed(url, 1, 1)
        statuses: dict[int, int] = {}
        refused: list[str] = []
        acknowledged: dict[str, int] = {}
        first_507 = None
        lon, lat = cell_centre(1, 1)
        with LiveServer(url, photo_dir) as server, httpx.Client(timeout=30) as http:
            for i in range(reports):
                body = {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06036", "lon": lon,
                        "lat": lat, "description": f"disk full {i}"}
                photo = testimages.jpeg(800, 600, seed=5000 + i, quality=92)
                r = http.post(f"{server.base_url}/api/reports", data={"report": json.dumps(body)},
                              files=[("photos", ("p.jpg", photo, "image/jpeg"))],
                              headers={"Authorization": f"Bearer {inspectors[0]}"})
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if r.status_code == 201:
                    acknowledged[body["client_uuid"]] = r.json()["id"]
                elif r.status_code == 507:
                    refused.append(body["client_uuid"])
                    first_507 = first_507 or r.json()["error"]
            health = http.get(f"{server.base_url}/health").status_code
        check = verify_reports(session, acknowledged, photo_dir)
        half_written = session.scalar(select(func.count()).select_from(Case).where(Case.client_uuid.in_(refused)))
        total = session.scalar(select(func.count()).select_from(Case))
        session.close()
    finally:
        subprocess.run(["umount", "-l", str(photo_dir)], check=False)
    ok = (bool(refused) and check.ok and half_written == 0 and total == len(acknowledged)
          and set(statuses) <= {201, 507} and health == 200)
    return {"scenario": "disk_full", "statuses": statuses, "acknowledged": len(acknowledged),
            "refused_507": len(refused), "cases_for_refused_reports": half_written, "cases_total": total,
            "error_code": (first_507 or {}).get("code"), "message_zh": (first_507 or {}).get("message_zh"),
            "server_still_healthy": health == 200, "ok": ok}


def _brief(result) -> dict:
    summary = result.summary()
    keys = ("elapsed_s", "requests", "errors", "transport_failures", "last_transport_error", "unavailable_503",
            "unavailable_without_retry_after", "acknowledged_reports", "replays", "p50_ms", "p95_ms", "p99_ms")
    return {k: summary[k] for k in keys} | {"first_errors": result.errors[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["sigkill", "postgis_restart", "disk_full"])
    args = parser.parse_args()
    duration = 15.0 if args.quick else 60.0
    runs = {"sigkill": lambda: sigkill(duration),
            "postgis_restart": lambda: postgis_restart(duration, 4.0 if args.quick else 8.0),
            "disk_full": lambda: disk_full(60 if args.quick else 120)}
    results = [fn() for name, fn in runs.items() if args.only in (None, name)]
    for summary in results:
        print(json.dumps(summary, ensure_ascii=False))
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()

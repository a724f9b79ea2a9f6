"""Quick variants of the load and crash runs (the full ones: `make load`, `make faults`).

A 20-second load on a real server on 127.0.0.1 (inspectors sending reports with photos while
dispatchers browse): no errors, every acknowledged report in the database with its photo,
p50/p95/p99 reported. Then SIGKILL during a load run and a restart: nothing acknowledged is lost,
and the field-app-style retries after the restart create no duplicates.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.hardening.live_server import LiveServer
from tests.hardening.loadgen import LoadConfig, make_staff, run_load, verify_reports

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _report(artifacts_dir, name: str, summary: dict) -> None:
    (artifacts_dir / f"{name}.json").write_text(json.dumps(summary, indent=1))
    print(f"\n{name}: " + json.dumps({k: summary[k] for k in ("requests", "errors", "acknowledged_reports",
                                                            "p50_ms", "p95_ms", "p99_ms")}))


def test_twenty_second_load_loses_nothing(db_url, db, district, tmp_path, artifacts_dir):
    backend = "spatialite" if db_url.startswith("sqlite") else "postgis"
    inspectors = make_staff(db, "inspector", 10, prefix="load-i")
    dispatchers = make_staff(db, "dispatcher", 3, prefix="load-d")
    photo_dir = tmp_path / "photos"
    with LiveServer(db_url, photo_dir, log_path=tmp_path / "server.log") as server:
        cfg = LoadConfig(server.base_url, inspectors, dispatchers, inspectors=10, dispatchers=3, duration_s=20,
                         inspector_think_s=(0.3, 1.0), dispatcher_think_s=(0.2, 0.6), photo_size=(320, 240))
        result = asyncio.run(run_load(cfg))
    summary = result.summary()
    _report(artifacts_dir, f"load_quick_{backend}", summary)
    assert result.errors == [], result.errors[:5]
    assert result.transport_failures == 0
    assert len(result.acknowledged) >= 10, summary
    assert summary["by_kind"]["case_list"]["n"] >= 3, summary
    check = verify_reports(db, result.acknowledged, photo_dir)
    assert check.ok, check


def test_sigkill_under_load_then_restart_loses_nothing(db_url, db, district, tmp_path, artifacts_dir):
    backend = "spatialite" if db_url.startswith("sqlite") else "postgis"
    inspectors = make_staff(db, "inspector", 6, prefix="crash-i")
    dispatchers = make_staff(db, "dispatcher", 2, prefix="crash-d")
    photo_dir = tmp_path / "photos"
    server = LiveServer(db_url, photo_dir, log_path=tmp_path / "server.log").start()
    events: dict[str, float] = {}

    async def inject(elapsed: float, so_far) -> None:
        # Kill once the run is really under way (a loaded machine may answer the first reports late).
        if elapsed > 3 and len(so_far.acknowledged) >= 5 and "killed" not in events:
            server.kill()
            events["killed"] = elapsed
            await asyncio.to_thread(server.start)
            events["restarted"] = elapsed

    try:
        cfg = LoadConfig(server.base_url, inspectors, dispatchers, inspectors=6, dispatchers=2, duration_s=10,
                         inspector_think_s=(0.1, 0.4), dispatcher_think_s=(0.2, 0.5), photo_size=(320, 240),
                         timeout_s=45)
        result = asyncio.run(run_load(cfg, during=inject))
    finally:
        server.stop()
    summary = {**result.summary(), **events}
    _report(artifacts_dir, f"crash_quick_{backend}", summary)
    assert "restarted" in events
    assert result.transport_failures > 0, "the kill did not hit the load run"
    assert result.errors == [], result.errors[:5]
    check = verify_reports(db, result.acknowledged, photo_dir)
    assert check.ok, check

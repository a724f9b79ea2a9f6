"""Benchmark the field app's outbox: 50 reports made offline, one camera photo each, then the
connection returns — how long until every one is acknowledged by the server? Target: ≤ 30 s.

Run: ``.venv/bin/python bench/bench_field_sync.py [--quick] [--postgis]``. Progress goes to
stderr; the last stdout line is one JSON object.

Playwright-driven, through the real UI: headless Chromium as a phone (390 × 844, touch, GPS),
a real server process on 127.0.0.1 (``gridwatch serve``, SpatiaLite by default). Each report is
made offline on the report screen (class, GPS position, one 4032 × 3024 camera JPEG that the app
shrinks to 1920 px on the device, description) and queued in IndexedDB. The clock starts when the
connection comes back (Playwright ``set_offline(False)``: the page's ``online`` event starts the
sync, as on a phone) and stops when the server has acknowledged the last report.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import postgis_cluster, prepare_database, running_server

from backend.photos import testimages
from tests.backend.district import PASSWORD, cell_centre
from tests.field_app.browser import CHROMIUM, CHROMIUM_ARGS, PHONE

TARGET_SECONDS = 30.0
OUTBOX_COUNTS = """async () => {
    const db = await new Promise((resolve) => { const r = indexedDB.open("gridwatch-field"); r.onsuccess = () => resolve(r.result); });
    const all = (store) => new Promise((resolve) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => resolve(r.result); });
    const [items, photos] = [await all("outbox"), await all("photos")];
    db.close();
    const counts = { pending: 0, sent: 0, failed: 0, bytes: 0 };
    for (const item of items) counts[item.status] += 1;
    for (const entry of photos) for (const p of entry.photos) counts.bytes += p.data.byteLength;
    return counts;
}"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def camera_photos(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    """Distinct camera-sized JPEGs (a new scene per seed), as a phone's camera would hand over."""
    paths = []
    for i in range(count):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(testimages.jpeg(*size, seed=7000 + i, quality=90))
        paths.append(path)
    return paths


def wait_until(page, predicate, timeout: float, what: str) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        counts = page.evaluate(OUTBOX_COUNTS)
        if predicate(counts):
            return counts
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}: {counts}")
        time.sleep(0.05)


def run(base: str, photos: list[Path]) -> dict:
    from playwright.sync_api import sync_playwright

    lon, lat = cell_centre(1, 1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE, geolocation={"longitude": lon, "latitude": lat, "accuracy": 6},
                                      permissions=["geolocation"])
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/field/")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#login-username", "inspector")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#screen-map:not([hidden]) .leaflet-container")
        context.set_offline(True)
        started = time.perf_counter()
        for i, photo in enumerate(photos):
            page.click("#tabs a[data-tab='report']")
            page.wait_for_selector("#screen-report:not([hidden])")
            if i == 0:
                page.fill("#class-search", "06010")
            page.click("#class-list .class-option[data-code='06010']")  # recently used after the first
            page.set_input_files("#photo-input", str(photo))
            page.wait_for_selector("#photo-list .thumb")
            page.fill("#description", f"离线上报 {i + 1}")
            page.click("#submit-report")
            page.wait_for_selector("#screen-queue:not([hidden])")
        queued = wait_until(page, lambda c: c["pending"] == len(photos), 30, "the queue")
        queue_seconds = time.perf_counter() - started
        log(f"queued {len(photos)} reports offline in {queue_seconds:.1f} s ({queued['bytes'] / 1e6:.1f} MB of photos)")

        t0 = time.perf_counter()
        context.set_offline(False)
        done = wait_until(page, lambda c: c["sent"] == len(photos) or c["failed"] > 0, 300, "the sync")
        sync_seconds = time.perf_counter() - t0
        # How long each upload took as the browser saw it (request sent → response end).
        durations = sorted(page.evaluate("""() => performance.getEntriesByType("resource")
            .filter((e) => e.name.endsWith("/api/reports")).map((e) => e.duration)"""))
        browser.close()
    return {"queued": queued, "done": done, "queue_seconds": queue_seconds, "sync_seconds": sync_seconds,
            "page_errors": errors, "upload_ms_median": durations[len(durations) // 2] if durations else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 reports with 2000 × 1500 photos")
    parser.add_argument("--postgis", action="store_true", help="a throwaway PostGIS instead of SpatiaLite")
    args = parser.parse_args()
    count, size = (10, (2000, 1500)) if args.quick else (50, (4032, 3024))
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gw-bench-field-")))
        url = stack.enter_context(postgis_cluster()) if args.postgis else f"sqlite:///{tmp / 'gw.sqlite'}"
        log(f"preparing {'PostGIS' if args.postgis else 'SpatiaLite'} and {count} photos of {size[0]} × {size[1]}")
        district = prepare_database(url)
        photos = camera_photos(tmp, count, size)
        base = stack.enter_context(running_server(url, tmp / "photos"))
        result = run(base, photos)
        cases = httpx.get(f"{base}/api/cases", params={"limit": 500}, headers=district.headers("operator"),
                          timeout=30).json()
    ok = result["done"]["sent"] == count and cases["total"] == count and not result["page_errors"]
    per_report_ms = result["sync_seconds"] / count * 1000
    met = ok and (args.quick or result["sync_seconds"] <= TARGET_SECONDS)
    log(f"synced {count} reports in {result['sync_seconds']:.1f} s ({per_report_ms:.0f} ms each); "
        f"server has {cases['total']} cases; target ≤ {TARGET_SECONDS:.0f} s for 50: {'met' if met else 'NOT met'}")
    print(json.dumps({
        "benchmark": "field_sync", "reports": count, "photo_source_px": list(size),
        "database": "postgis" if args.postgis else "spatialite",
        "queued_photo_bytes": result["queued"]["bytes"], "queue_seconds": round(result["queue_seconds"], 2),
        "sync_seconds": round(result["sync_seconds"], 2), "per_report_ms": round(per_report_ms, 1),
        "upload_ms_median": result["upload_ms_median"] and round(result["upload_ms_median"]),
        "server_cases": cases["total"], "page_errors": result["page_errors"],
        "target_seconds": TARGET_SECONDS, "target_met": met,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }))


if __name__ == "__main__":
    main()

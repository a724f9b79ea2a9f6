"""Issue 4: report intake over HTTP on a real server.

1. A report with one ~1 MB JPEG, sequential, end to end (client sends → 201 received):
   median must be ≤ 30 ms on the embedded database.
2. JSON-only reports, 8 concurrent clients: ≥ 300 per second sustained on 2 cores.
Baseline in the same run: the HTTP floor (GET /health through the same server and client).
Runs on SpatiaLite and, unless --spatialite-only, on a throwaway PostGIS. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from _server import postgis_cluster, prepare_database, running_server

from backend.photos import testimages
from tests.backend.district import cell_centre


def _report(minor="06036", **extra) -> dict:
    lon, lat = cell_centre(1, 1)
    return {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": minor, "lon": lon, "lat": lat,
            "description": "bench", **extra}


def photo_latency(base: str, headers: dict, photos: list[bytes]) -> dict:
    times = []
    with httpx.Client(timeout=30) as http:
        for warm in photos[:3]:  # warm-up: connection, caches
            http.post(f"{base}/api/reports", data={"report": json.dumps(_report())},
                      files=[("photos", ("p.jpg", warm, "image/jpeg"))], headers=headers)
        for data in photos[3:]:
            body = json.dumps(_report())
            t = time.perf_counter()
            r = http.post(f"{base}/api/reports", data={"report": body},
                          files=[("photos", ("p.jpg", data, "image/jpeg"))], headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 201, r.text
        floor = []
        for _ in range(len(photos)):
            t = time.perf_counter()
            http.get(f"{base}/health")
            floor.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"photo_report_median_ms": round(statistics.median(times), 2),
            "photo_report_p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "http_floor_median_ms": round(statistics.median(floor), 2), "n": len(times)}


async def json_throughput(base: str, headers: dict, clients: int, seconds: float) -> dict:
    done, errors, latencies = 0, 0, []
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done, errors
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
            while time.perf_counter() < stop_at:
                t = time.perf_counter()
                r = await http.post("/api/reports", json=_report())
                latencies.append((time.perf_counter() - t) * 1000)
                if r.status_code == 201:
                    done += 1
                else:
                    errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"json_reports_per_s": round(done / elapsed, 1), "json_errors": errors, "clients": clients,
            "json_p50_ms": round(latencies[len(latencies) // 2], 1),
            "json_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1)}


def run(url: str, args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        district = prepare_database(url)
        headers = district.headers("inspector")
        photos = [testimages.jpeg(1920, 1440, seed=i, quality=90) for i in range(args.photos + 3)]
        size_mb = statistics.mean(len(p) for p in photos) / 1e6
        with running_server(url, Path(tmp) / "photos", workers=1) as base:
            latency = photo_latency(base, headers, photos)
        with running_server(url, Path(tmp) / "photos", workers=args.workers) as base:
            throughput = asyncio.run(json_throughput(base, headers, args.clients, args.seconds))
        return {**latency, "photo_mb": round(size_mb, 2), **throughput, "server_workers": args.workers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter run")
    parser.add_argument("--spatialite-only", action="store_true")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.photos = 15 if args.quick else 60
    args.seconds = 4.0 if args.quick else 15.0
    results: dict = {"bench": "report_http"}
    with tempfile.TemporaryDirectory() as tmp:
        results["spatialite"] = run(f"sqlite:///{tmp}/bench.sqlite", args)
        print("spatialite", results["spatialite"], flush=True)
    if not args.spatialite_only:
        with postgis_cluster() as url:
            results["postgis"] = run(url, args)
            print("postgis", results["postgis"], flush=True)
    sl = results["spatialite"]
    results["targets"] = {"photo_median_le_30ms": sl["photo_report_median_ms"] <= 30,
                          "json_ge_300_per_s": sl["json_reports_per_s"] >= 300}
    print(json.dumps(results))


if __name__ == "__main__":
    main()

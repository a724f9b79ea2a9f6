"""Benchmark NearestIndex against geopandas.sjoin_nearest on the same data.

Run: ``.venv/bin/python bench/bench_nearest.py [--quick]``. Progress goes to stderr; the
last (only) stdout line is one JSON object with figures, ratios and pass/fail per target:

* nearest component of one catalog class within 20 m, 10^5 queries over 10^6 components of
  that class (plus 5×10^5 of other classes in the index): ≥ 5× faster than
  ``geopandas.sjoin_nearest(max_distance=20)`` in the metric CRS.

Fairness: the baseline gets the class subset already filtered, both frames already in the
metric CRS and its spatial index prebuilt; NearestIndex is timed from lon/lat query arrays,
so its time includes projecting the queries. Both run on one thread. Best of several runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import scipy

from gis_data.crs import unproject
from gis_data.nearest import NearestIndex

METRIC = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E (Suzhou)
ORIGIN = (560_000.0, 3_450_000.0)  # south-west corner of the test area, metres in METRIC
OTHER_CLASSES = ["0102", "0106", "0201", "0301", "01101"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^5 components, 10^4 queries")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n_comp, n_query, repeat = (100_000, 10_000, 3) if args.quick else (1_000_000, 100_000, 3)

    # Covers along a city's streets: ~one per 400 m² over the area, so a 20 m radius
    # finds one most of the time, not always.
    side = np.sqrt(n_comp * 400.0)
    n_other = n_comp // 2
    xy = rng.uniform(0, side, (n_comp + n_other, 2)) + ORIGIN
    classes = np.array(["0101"] * n_comp + list(rng.choice(OTHER_CLASSES, n_other)), dtype=object)
    ids = np.array([f"320508{c}{k % 999_999 + 1:06d}" for k, c in enumerate(classes)], dtype=object)
    lon, lat = unproject(xy[:, 0], xy[:, 1], crs=METRIC)
    # Reports: half near a cover (GPS noise ~8 m), half anywhere.
    near = xy[rng.integers(0, n_comp, n_query // 2)] + rng.normal(0, 8, (n_query // 2, 2))
    anywhere = rng.uniform(0, side, (n_query - n_query // 2, 2)) + ORIGIN
    q_xy = rng.permutation(np.vstack([near, anywhere]))
    q_lon, q_lat = unproject(q_xy[:, 0], q_xy[:, 1], crs=METRIC)

    t = time.perf_counter()
    index = NearestIndex(ids, lon, lat, classes, metric_crs=METRIC)
    build_s = time.perf_counter() - t
    log(f"NearestIndex over {len(ids)} components ({n_comp} of class 0101): build {build_s:.2f} s")
    index.nearest_many(q_lon[:100], q_lat[:100], max_distance_m=20, catalog_class="0101")
    ours_s, (got_ids, got_d) = best_of(
        lambda: index.nearest_many(q_lon, q_lat, max_distance_m=20, catalog_class="0101"), repeat
    )
    log(f"nearest_many {n_query} queries: {ours_s * 1e3:.1f} ms")
    single = np.empty(min(n_query, 20_000))
    for k in range(single.size):
        t0 = time.perf_counter_ns()
        index.nearest(q_lon[k], q_lat[k], max_distance_m=20, catalog_class="0101")
        single[k] = time.perf_counter_ns() - t0

    # Baseline: the same class, metric CRS, spatial index prebuilt.
    t = time.perf_counter()
    cls = classes == "0101"
    comps = gpd.GeoDataFrame(
        {"cid": ids[cls]}, geometry=gpd.points_from_xy(xy[cls, 0], xy[cls, 1]), crs=METRIC
    )
    queries = gpd.GeoDataFrame(geometry=gpd.points_from_xy(q_xy[:, 0], q_xy[:, 1]), crs=METRIC)
    _ = comps.sindex
    base_build_s = time.perf_counter() - t
    base_s, joined = best_of(
        lambda: gpd.sjoin_nearest(queries, comps, max_distance=20, distance_col="d"), max(1, repeat - 1)
    )
    log(f"sjoin_nearest(max_distance=20): {base_s:.2f} s (frames + sindex {base_build_s:.2f} s)")

    joined = joined[~joined.index.duplicated()]  # equidistant ties: sjoin returns each
    found = np.flatnonzero(got_ids != None)  # noqa: E711
    same_set = set(found.tolist()) == set(joined.index.tolist())
    max_d_diff = float(np.abs(got_d[joined.index] - joined["d"].to_numpy()).max()) if len(joined) else 0.0
    speedup = base_s / ours_s
    print(
        json.dumps(
            {
                "bench": "nearest",
                "mode": "quick" if args.quick else "full",
                "python": platform.python_version(),
                "scipy": scipy.__version__,
                "geopandas": gpd.__version__,
                "components_in_class": n_comp,
                "components_total": len(ids),
                "queries": n_query,
                "radius_m": 20,
                "hit_share": round(len(found) / n_query, 3),
                "build_s": round(build_s, 3),
                "nearest_many_s": round(ours_s, 4),
                "queries_per_s": round(n_query / ours_s),
                "single_median_us": round(float(np.median(single)) / 1e3, 1),
                "sjoin_nearest_s": round(base_s, 3),
                "sjoin_frames_and_sindex_s": round(base_build_s, 3),
                "speedup_vs_sjoin_nearest": round(speedup, 1),
                "same_hits_as_sjoin_nearest": same_set,
                "max_distance_diff_m": max_d_diff,
                "targets_met": {"speedup_ge_5": speedup >= 5, "same_answers": same_set and max_d_diff < 1e-6},
                "all_targets_met": speedup >= 5 and same_set and max_d_diff < 1e-6,
            }
        )
    )


if __name__ == "__main__":
    main()

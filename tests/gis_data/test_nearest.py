"""Tests for gis_data.nearest: snapping reports to components and observation points."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest

from gis_data.crs import project, unproject
from gis_data.errors import InvalidCode, InvalidCoordinate
from gis_data.nearest import Nearest, NearestIndex

GEOD = pyproj.Geod(ellps="GRS80")
CLASSES = ["0101", "0102", "0106", "0201"]  # old-edition classes; a 5-digit one is added below


def components(n: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Components scattered over ~3 km × 3 km of Suzhou's Gusu district (county 320508)."""
    rng = np.random.default_rng(seed)
    lon = 120.60 + rng.uniform(0, 0.033, n)
    lat = 31.29 + rng.uniform(0, 0.027, n)
    classes = rng.choice([*CLASSES, "01101"], n, p=[0.4, 0.3, 0.1, 0.1, 0.1])
    ids = np.array([f"320508{c}{k + 1:06d}" for k, c in enumerate(classes)], dtype=object)
    return ids, lon, lat, classes


@pytest.fixture(scope="module")
def inventory() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, NearestIndex]:
    ids, lon, lat, classes = components()
    return ids, lon, lat, classes, NearestIndex.from_components(list(ids), lon, lat)


def queries(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 120.595 + rng.uniform(0, 0.043, n), 31.285 + rng.uniform(0, 0.037, n)


def test_manhole_report_snaps_to_the_cover() -> None:
    cover = (120.6212, 31.3105)
    ids = ["3205080101000001", "3205080102000001", "3205080101000002"]
    # A sewage cover 2 m from the report, the water cover 6 m away, another water cover 30 m.
    x, y, zone = project([cover[0]], [cover[1]])
    report = unproject(x + 6.0, y, crs=zone)
    sewage = unproject(x + 4.0, y, crs=zone)
    far = unproject(x - 24.0, y, crs=zone)
    lons = [cover[0], float(sewage[0][0]), float(far[0][0])]
    lats = [cover[1], float(sewage[1][0]), float(far[1][0])]
    index = NearestIndex.from_components(ids, lons, lats)
    assert index.classes == ["0101", "0102"]
    rlon, rlat = float(report[0][0]), float(report[1][0])
    got = index.nearest(rlon, rlat, max_distance_m=20, catalog_class="0101")
    assert isinstance(got, Nearest) and got.id == "3205080101000001"
    geodesic = GEOD.inv(cover[0], cover[1], rlon, rlat)[2]
    assert got.distance_m == pytest.approx(geodesic, abs=0.01)
    assert got.distance_m == pytest.approx(6.0, abs=0.01)
    nearest_any = index.nearest(rlon, rlat, max_distance_m=20)
    assert nearest_any is not None and nearest_any.id == "3205080102000001"
    assert index.nearest(rlon, rlat, max_distance_m=5, catalog_class="0101") is None


def brute_force(xy: np.ndarray, q: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Every distance, the obvious way (in chunks of queries to keep memory small)."""
    k, best = np.empty(len(q), int), np.empty(len(q))
    for s in range(0, len(q), 100):
        d = np.hypot(q[s : s + 100, None, 0] - xy[None, :, 0], q[s : s + 100, None, 1] - xy[None, :, 1])
        k[s : s + 100] = d.argmin(axis=1)
        best[s : s + 100] = d.min(axis=1)
    return np.where(best <= radius, k, -1), np.where(best <= radius, best, np.nan)


@pytest.mark.parametrize("catalog_class", ["0101", "0201", "01101", None])
def test_batch_matches_brute_force(inventory, catalog_class: str | None) -> None:
    ids, lon, lat, classes, index = inventory
    sel = np.ones(len(ids), bool) if catalog_class is None else classes == catalog_class
    x, y, _ = project(lon[sel], lat[sel], crs=index.metric_crs)
    qlon, qlat = queries(1000)
    qx, qy, _ = project(qlon, qlat, crs=index.metric_crs)
    k, dist = brute_force(np.column_stack([x, y]), np.column_stack([qx, qy]), 20.0)
    got_ids, got_dist = index.nearest_many(qlon, qlat, max_distance_m=20.0, catalog_class=catalog_class)
    assert (got_ids == np.where(k >= 0, ids[sel][k], None)).all()
    np.testing.assert_allclose(got_dist, dist, atol=1e-9)
    assert 0.1 < np.mean(k >= 0) < 0.95  # both hits and misses
    for i in range(0, 1000, 25):
        one = index.nearest(qlon[i], qlat[i], max_distance_m=20.0, catalog_class=catalog_class)
        assert (one is None) == (got_ids[i] is None)
        assert one is None or (one.id, one.distance_m) == (got_ids[i], got_dist[i])


def test_agrees_with_sjoin_nearest(inventory) -> None:
    ids, lon, lat, classes, index = inventory
    sel = classes == "0102"
    comps = gpd.GeoDataFrame(
        {"cid": ids[sel]}, geometry=gpd.points_from_xy(lon[sel], lat[sel]), crs="EPSG:4490"
    )
    qlon, qlat = queries(6000, seed=4)  # > 4096: the batch sorts its queries
    q = gpd.GeoDataFrame(geometry=gpd.points_from_xy(qlon, qlat), crs="EPSG:4490")
    joined = gpd.sjoin_nearest(
        q.to_crs(index.metric_crs), comps.to_crs(index.metric_crs), max_distance=20, distance_col="d"
    )
    joined = joined[~joined.index.duplicated()]  # exact ties: sjoin returns all of them
    got_ids, got_dist = index.nearest_many(qlon, qlat, max_distance_m=20, catalog_class="0102")
    hit = got_ids != None  # noqa: E711
    assert set(np.flatnonzero(hit)) == set(joined.index)
    np.testing.assert_allclose(got_dist[joined.index], joined["d"].to_numpy(), atol=1e-6)
    assert (got_ids[joined.index] == joined["cid"].to_numpy()).all()


def test_radius_is_inclusive_and_strict_beyond() -> None:
    x, y, zone = project([120.64], [31.27])
    lon, lat = unproject(x + np.array([0.0, 19.999, 20.001]), np.repeat(y, 3), crs=zone)
    index = NearestIndex(["OP-1"], lon[:1], lat[:1], metric_crs=zone)
    assert index.nearest(lon[1], lat[1], max_distance_m=20).id == "OP-1"
    assert index.nearest(lon[2], lat[2], max_distance_m=20) is None
    assert index.nearest(lon[0], lat[0], max_distance_m=0) == Nearest("OP-1", 0.0)


def test_observation_points_without_classes() -> None:
    index = NearestIndex(["OP-7", "OP-8"], [120.640, 120.650], [31.270, 31.270])
    assert index.classes == []
    assert index.nearest(120.6401, 31.2701, max_distance_m=50).id == "OP-7"
    assert index.nearest(120.6401, 31.2701, max_distance_m=50, catalog_class="0101") is None


def test_unknown_class_nan_and_empty_queries_give_none(inventory) -> None:
    _, lon, lat, _, index = inventory
    assert index.nearest(lon[0], lat[0], max_distance_m=20, catalog_class="9999") is None
    assert index.nearest(math.nan, lat[0], max_distance_m=20, catalog_class="0101") is None
    got_ids, got_dist = index.nearest_many([math.nan, math.inf], [31.27, 31.27], max_distance_m=20)
    assert list(got_ids) == [None, None] and np.isnan(got_dist).all()
    assert index.nearest_many([], [], max_distance_m=20)[0].shape == (0,)
    with pytest.raises(ValueError, match="non-negative"):
        index.nearest(lon[0], lat[0], max_distance_m=-1)
    with pytest.raises(ValueError, match="non-negative"):
        index.nearest(lon[0], lat[0], max_distance_m=math.nan)


def test_bad_build_input_is_refused() -> None:
    with pytest.raises(InvalidCode):
        NearestIndex.from_components(["12345"], [120.6], [31.2])
    with pytest.raises(InvalidCoordinate, match="id 'B' at lon=nan"):
        NearestIndex(["A", "B"], [120.6, math.nan], [31.2, 31.3])
    with pytest.raises(InvalidCoordinate, match="differ in length"):
        NearestIndex(["A"], [120.6, 120.7], [31.2, 31.3])
    with pytest.raises(InvalidCoordinate, match="at least one"):
        NearestIndex([], [], [])


def test_works_outside_china_for_the_helsinki_demo() -> None:
    index = NearestIndex(["A", "B"], [24.9410, 24.9500], [60.1690, 60.1700])
    got = index.nearest(24.9412, 60.1691, max_distance_m=50)
    assert got is not None and got.id == "A"
    assert got.distance_m == pytest.approx(GEOD.inv(24.9410, 60.1690, 24.9412, 60.1691)[2], abs=0.01)

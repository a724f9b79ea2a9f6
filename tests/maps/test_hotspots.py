"""Gi* hot spots agree with esda.G_Local(star=True) on the same data and the same weights.

The weights are built twice, by gis_data.hotspots and by libpysal (Queen.from_dataframe,
DistanceBand), checked equal, and esda runs on libpysal's. esda is given binary weights
(``transform="B"``), the standard for hot spot analysis; with ``star=True`` it puts 1 on the
diagonal, as gis_data does. The confidence bins are then derived from esda's own p-values
(``2 * p_norm``) with scipy's independent Benjamini–Hochberg implementation.
"""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import numpy as np
import pytest
import shapely
from libpysal.weights import DistanceBand, Queen, W
from scipy.stats import false_discovery_control

from gis_data.crs import project
from gis_data.hotspots import (
    CONFIDENCE_LEVELS,
    benjamini_hochberg,
    confidence_bins,
    distance_band_weights,
    gi_star,
    queen_weights,
)


def lattice(k: int = 20) -> gpd.GeoDataFrame:
    ii, jj = (a.ravel() for a in np.meshgrid(np.arange(k), np.arange(k)))
    step = 0.001
    geoms = shapely.box(120.6 + ii * step, 31.3 + jj * step, 120.6 + (ii + 1) * step, 31.3 + (jj + 1) * step)
    return gpd.GeoDataFrame({"i": ii, "j": jj}, geometry=geoms, crs=4490)


def voronoi(n: int = 400, seed: int = 5) -> gpd.GeoDataFrame:
    """Irregular cells of ~10,000 m² (jittered-seed Voronoi), built in metres, stored in lon/lat."""
    rng = np.random.default_rng(seed)
    k = int(np.sqrt(n))
    gx, gy = np.meshgrid(np.arange(k) + 0.5, np.arange(k) + 0.5)
    seeds = np.column_stack([gx.ravel(), gy.ravel()]) * 100 + rng.uniform(-35, 35, (k * k, 2))
    district = shapely.box(0, 0, k * 100, k * 100)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=district))
    cells = shapely.intersection(cells, district)
    gdf = gpd.GeoDataFrame(geometry=cells, crs="EPSG:4549").to_crs(4490)  # CGCS2000 GK zone CM 120E
    gdf["geometry"] = gdf.geometry.translate(0.0, 31.0)  # move the block from the equator to Suzhou
    return gdf.set_crs(4490, allow_override=True)


def clustered_counts(gdf: gpd.GeoDataFrame, seed: int = 11) -> np.ndarray:
    """Poisson counts with a hot blob in the south-west and an empty band in the north-east."""
    rng = np.random.default_rng(seed)
    c = shapely.centroid(gdf.geometry.to_numpy())
    cx, cy = shapely.get_x(c), shapely.get_y(c)
    x = (cx - cx.min()) / (cx.max() - cx.min())
    y = (cy - cy.min()) / (cy.max() - cy.min())
    rate = 6 + 25 * np.exp(-((x - 0.25) ** 2 + (y - 0.25) ** 2) / 0.01)
    rate = np.where((x > 0.6) & (y > 0.6), 0.1, rate)
    return rng.poisson(rate).astype(float)


def _esda(y: np.ndarray, w: W) -> esda.G_Local:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal's notes about islands / transforms
        return esda.G_Local(y, w, transform="B", star=True, permutations=0)


def _expected_bins(z: np.ndarray, p_two_sided: np.ndarray) -> np.ndarray:
    level = np.zeros(z.shape, dtype=int)
    for bin_, alpha in sorted(CONFIDENCE_LEVELS.items()):
        level[p_two_sided <= alpha] = bin_
    return np.sign(z).astype(int) * level


def _same_weights(ours, theirs: W) -> None:
    assert (abs(ours.matrix - theirs.sparse)).sum() == 0


@pytest.mark.parametrize("cells", ["lattice", "voronoi"])
def test_queen_gi_star_matches_esda(cells: str) -> None:
    gdf = lattice() if cells == "lattice" else voronoi()
    y = clustered_counts(gdf)
    ours = queen_weights(gdf.geometry.to_numpy())
    theirs = Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    _same_weights(ours, theirs)
    g = _esda(y, theirs)
    for fdr in (False, True):
        result = gi_star(y, ours, fdr=fdr)
        np.testing.assert_allclose(result.z, g.Zs, rtol=0, atol=1e-10)
        np.testing.assert_allclose(result.p_one_sided, g.p_norm, rtol=0, atol=1e-12)
        p2 = 2 * g.p_norm
        expected = _expected_bins(g.Zs, false_discovery_control(p2, method="bh") if fdr else p2)
        np.testing.assert_array_equal(result.bins, expected)
        # The data have both: otherwise agreeing on all zeros would prove nothing.
        assert (result.bins == 3).sum() >= 3 and (result.bins < 0).sum() >= 1, (cells, fdr)


def test_distance_band_gi_star_matches_esda() -> None:
    gdf = voronoi(n=324, seed=9)
    y = clustered_counts(gdf, seed=3)
    c = shapely.centroid(gdf.geometry.to_numpy())
    x, yy, _ = project(shapely.get_x(c), shapely.get_y(c))
    ours = distance_band_weights(x, yy, 160.0)
    theirs = DistanceBand(np.column_stack([x, yy]), threshold=160.0, binary=True, silence_warnings=True)
    _same_weights(ours, theirs)
    g = _esda(y, theirs)
    result = gi_star(y, ours)
    np.testing.assert_allclose(result.z, g.Zs, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(result.bins, _expected_bins(g.Zs, false_discovery_control(2 * g.p_norm)))
    assert (result.bins != 0).any()


def test_benjamini_hochberg_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    p = np.concatenate([rng.uniform(0, 0.01, 30), rng.uniform(0, 1, 300), [0.0, 1.0, 0.05, 0.05]])
    np.testing.assert_allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"), atol=1e-15)
    assert benjamini_hochberg([]).size == 0


def test_fdr_never_finds_more_than_the_raw_p_values() -> None:
    gdf = lattice(15)
    y = clustered_counts(gdf, seed=4)
    w = queen_weights(gdf.geometry.to_numpy())
    raw, fdr = gi_star(y, w, fdr=False), gi_star(y, w, fdr=True)
    assert np.all(np.abs(fdr.bins) <= np.abs(raw.bins))
    assert np.all(fdr.p_adjusted >= raw.p - 1e-15)


def test_confidence_bins_follow_the_arcgis_convention() -> None:
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -3.0])
    p = np.array([0.002, 0.04, 0.09, 0.3, 0.09, 0.04, 0.002])
    assert confidence_bins(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3]


def test_constant_data_and_islands_give_no_spots() -> None:
    gdf = lattice(5)
    geoms = np.append(gdf.geometry.to_numpy(), shapely.box(121.0, 32.0, 121.001, 32.001))  # an island
    w = queen_weights(geoms)
    assert w.islands.tolist() == [25]
    flat = gi_star(np.full(26, 4.0), w)
    assert not flat.z.any() and not flat.bins.any() and np.isfinite(flat.p).all()
    y = np.zeros(26)
    y[25] = 50.0
    assert np.isfinite(gi_star(y, w).z).all()


def test_queen_counts_corner_touches_and_t_junctions() -> None:
    big = shapely.box(0, 0, 2, 1)
    left, right = shapely.box(0, 1, 1, 2), shapely.box(1, 1, 2, 2)  # both touch big's top edge
    corner = shapely.box(2, 2, 3, 3)  # touches `right` at one point only
    w = queen_weights([big, left, right, corner], tolerance=1e-9)
    assert sorted(w.neighbours(0).tolist()) == [1, 2]
    assert sorted(w.neighbours(2).tolist()) == [0, 1, 3]
    with pytest.raises(ValueError, match="shape"):
        gi_star([1.0, 2.0], w)

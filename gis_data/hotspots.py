"""Statistical hot spots: Getis-Ord Gi* over grid counts, with confidence bins and FDR.

Pure numpy/scipy/shapely: the spatial weights are built from the grid polygons (queen
contiguity) or from their centroids (fixed distance band), Gi* z-scores are the analytic ones
of Getis & Ord (1992) / Ord & Getis (1995), as ArcGIS "Hot Spot Analysis" and
``esda.G_Local(star=True, transform="B")`` compute them, and each cell is binned -3..3 the
ArcGIS way (hot/cold at 99/95/90 % confidence), optionally after a Benjamini–Hochberg
false-discovery-rate correction of the two-sided normal p-values.

Binary weights with the focal cell included are the standard for hot spot analysis: every
neighbour counts once, so a cell's score is the sum of its neighbourhood against the sum a
random neighbourhood of the same size would have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.stats import norm

#: Confidence bin → two-sided significance level (ArcGIS Gi_Bin convention).
CONFIDENCE_LEVELS: Final = {3: 0.01, 2: 0.05, 1: 0.10}
#: Bin → confidence in percent, for legends.
CONFIDENCE_PERCENT: Final = {3: 99, 2: 95, 1: 90}
# Polygons closer than this (degrees for lon/lat input, ~0.1 mm) count as touching, so float
# noise at shared edges and T-junctions (a vertex on a neighbour's edge) do not break
# contiguity; a real gap, even of a centimetre, still does.
DEFAULT_TOUCH_TOLERANCE: Final = 1e-9


@dataclass(frozen=True)
class SpatialWeights:
    """Binary, symmetric spatial weights between ``n`` areas, without self-weights.

    Attributes
    ----------
    matrix : scipy.sparse.csr_array
        ``n × n``, 1 where two areas are neighbours, zero diagonal.
    kind : str
        How it was built (``queen`` or ``distance_band``), for legends and reports.
    """

    matrix: sparse.csr_array
    kind: str

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def cardinalities(self) -> NDArray[np.int64]:
        """Number of neighbours of each area (the focal area not counted)."""
        return np.diff(self.matrix.indptr).astype(np.int64)

    @property
    def islands(self) -> NDArray[np.int64]:
        """Indexes of areas with no neighbour at all."""
        return np.flatnonzero(self.cardinalities == 0)

    def neighbours(self, i: int) -> NDArray[np.int32]:
        return self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]


def _symmetric_binary(n: int, i: NDArray[Any], j: NDArray[Any], kind: str) -> SpatialWeights:
    keep = i != j
    i, j = i[keep], j[keep]
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    m = sparse.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    m.data[:] = 1.0  # duplicates were summed: back to binary
    m.sort_indices()
    return SpatialWeights(sparse.csr_array(m), kind)


def queen_weights(geometries: ArrayLike, *, tolerance: float = DEFAULT_TOUCH_TOLERANCE) -> SpatialWeights:
    """Queen contiguity: two polygons are neighbours when they share at least one point.

    Parameters
    ----------
    geometries : array_like of shapely Polygon/MultiPolygon
        The areas, in any CRS (``tolerance`` is in its units).
    tolerance : float
        Polygons within this distance count as touching (default ~0.1 mm in degrees).

    Returns
    -------
    SpatialWeights
    """
    geoms = np.asarray(geometries, dtype=object)
    if geoms.ndim != 1:
        raise ValueError("geometries must be a one-dimensional sequence")
    if geoms.size == 0:
        return SpatialWeights(sparse.csr_array((0, 0)), "queen")
    if any(g is None or shapely.is_empty(g) for g in geoms):
        raise ValueError("every area needs a non-empty polygon")
    tree = shapely.STRtree(geoms)
    if tolerance > 0:
        pairs = tree.query(geoms, predicate="dwithin", distance=tolerance)
    else:
        pairs = tree.query(geoms, predicate="intersects")
    # Each pair is found from both sides; keep one direction before symmetrising.
    upper = pairs[0] < pairs[1]
    return _symmetric_binary(geoms.size, pairs[0][upper], pairs[1][upper], "queen")


def distance_band_weights(x: ArrayLike, y: ArrayLike, threshold: float) -> SpatialWeights:
    """Fixed distance band: neighbours when their points are at most ``threshold`` apart.

    Parameters
    ----------
    x, y : array_like of float
        Metric coordinates (e.g. projected centroids from :func:`gis_data.crs.project`).
    threshold : float
        Band width in the same units (metres).
    """
    pts = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    if not np.isfinite(pts).all():
        raise ValueError("distance band weights need finite coordinates")
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}")
    pairs = cKDTree(pts).query_pairs(threshold, output_type="ndarray")
    return _symmetric_binary(len(pts), pairs[:, 0], pairs[:, 1], "distance_band")


def benjamini_hochberg(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini–Hochberg adjusted p-values (q-values): reject where ``q <= alpha``.

    Equivalent to the step-up procedure: with the p-values sorted, the largest k with
    ``p_(k) <= k / m * alpha`` and every smaller one are discoveries at FDR ``alpha``.
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    # q_(i) = min over j >= i of scaled_(j): a reversed running minimum.
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def confidence_bins(z: ArrayLike, p_values: ArrayLike) -> NDArray[np.int8]:
    """ArcGIS Gi_Bin: ±3 at p ≤ 0.01, ±2 at p ≤ 0.05, ±1 at p ≤ 0.10, else 0; sign of z."""
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p_values, dtype=np.float64)
    level = np.zeros(z.shape, dtype=np.int8)
    for bin_, alpha in sorted(CONFIDENCE_LEVELS.items()):
        level[p <= alpha] = bin_
    return (np.sign(z).astype(np.int8) * level).astype(np.int8)


@dataclass(frozen=True)
class GiStarResult:
    """Gi* per area.

    Attributes
    ----------
    z : ndarray
        Analytic z-scores (0 where undefined: constant data or an all-neighbour area).
    p : ndarray
        Two-sided normal p-values, ``2 * sf(|z|)``.
    p_adjusted : ndarray
        Benjamini–Hochberg adjusted p-values (equal to ``p`` when ``fdr`` is False).
    bins : ndarray of int8
        -3..3: cold/hot spot at 99/95/90 % confidence, 0 not significant.
    fdr : bool
        Whether ``bins`` come from the FDR-adjusted p-values.
    """

    z: NDArray[np.float64]
    p: NDArray[np.float64]
    p_adjusted: NDArray[np.float64]
    bins: NDArray[np.int8]
    fdr: bool

    @property
    def p_one_sided(self) -> NDArray[np.float64]:
        """``sf(|z|)``, as esda reports it (``p_norm``)."""
        return self.p / 2.0


def gi_star_z(values: ArrayLike, weights: SpatialWeights) -> NDArray[np.float64]:
    """Analytic Gi* z-scores with binary weights and the focal area included.

    ``z_i = (Σ_j w_ij x_j − x̄ W_i) / (s √((n S_i − W_i²) / (n − 1)))`` with ``W_i = Σ_j w_ij``,
    ``S_i = Σ_j w_ij²`` (self-weight 1) and ``s`` the population standard deviation.
    """
    x = np.asarray(values, dtype=np.float64)
    n = weights.n
    if x.shape != (n,):
        raise ValueError(f"values has shape {x.shape}, weights are for {n} areas")
    if not np.isfinite(x).all():
        raise ValueError("values must be finite")
    if n < 3:
        return np.zeros(n)
    w = weights.matrix
    lag = w @ x + x  # the focal area's own value, self-weight 1
    w_sum = weights.cardinalities.astype(np.float64) + 1.0
    w_sq = w_sum  # binary weights: Σ w² = Σ w
    mean = x.mean()
    s = np.sqrt(max((x * x).mean() - mean * mean, 0.0))
    spread = (n * w_sq - w_sum**2) / (n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (lag - mean * w_sum) / (s * np.sqrt(spread))
    # Constant data (s = 0) or a neighbourhood that is the whole map: nothing to test.
    z[~np.isfinite(z)] = 0.0
    return z


def gi_star(values: ArrayLike, weights: SpatialWeights, *, fdr: bool = True) -> GiStarResult:
    """Gi* hot spots: z-scores, p-values and confidence bins (FDR-corrected by default).

    Parameters
    ----------
    values : array_like of float
        One value per area (e.g. case counts per grid, zeros included), aligned with
        ``weights``.
    weights : SpatialWeights
        Binary neighbours (:func:`queen_weights`, :func:`distance_band_weights`).
    fdr : bool
        Bin by Benjamini–Hochberg adjusted p-values (controls the share of false hot spots
        among all reported ones) instead of the raw p-values.

    Returns
    -------
    GiStarResult
    """
    z = gi_star_z(values, weights)
    p = 2.0 * norm.sf(np.abs(z))
    q = benjamini_hochberg(p) if fdr else p
    return GiStarResult(z=z, p=p, p_adjusted=q, bins=confidence_bins(z, q), fdr=fdr)

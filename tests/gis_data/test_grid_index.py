"""Tests for gis_data.grid_index against geopandas.sjoin on real geometry."""

from __future__ import annotations

import pickle

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from gis_data.errors import InvalidCode, InvalidGeometry
from gis_data.grid_index import GridIndex, GridLocation

METRIC = "EPSG:4548"  # CGCS2000 / 3-degree Gauss-Kruger CM 117E (Jinan)
TO_LONLAT = pyproj.Transformer.from_crs(METRIC, "EPSG:4490", always_xy=True)


def to_lonlat(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.column_stack(TO_LONLAT.transform(c[:, 0], c[:, 1])))


def voronoi_cells(n: int = 1200, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Voronoi cells of ~10,000 m² clipped to a concave district with a hole, in lon/lat."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(n * 10_000.0)
    x0, y0 = 500_000.0, 4_055_000.0
    seeds = rng.uniform((x0, y0), (x0 + side, y0 + side), (n, 2))
    # An L-shaped district with a lake.
    district = shapely.box(x0, y0, x0 + side, y0 + side)
    district -= shapely.box(x0 + side * 0.6, y0 + side * 0.6, x0 + side, y0 + side)
    district -= shapely.Point(x0 + side * 0.3, y0 + side * 0.3).buffer(side * 0.08)
    voronoi = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds)))
    cells = shapely.intersection(voronoi, district)
    cells = np.array([c for c in cells if isinstance(c, shapely.Polygon) and not c.is_empty])
    cells = to_lonlat(cells)
    # Codes run west→east, north→south as in GB/T 30428.1, then are shuffled for the input.
    c = shapely.centroid(cells)
    order = np.lexsort((shapely.get_x(c), -np.round(shapely.get_y(c), 3)))
    codes = np.empty(len(cells), dtype=object)
    codes[order] = [f"370102011{201 + k // 999}{k % 999 + 1:03d}" for k in range(len(cells))]
    perm = rng.permutation(len(cells))
    return cells[perm], list(codes[perm])


def lattice_cells(nx: int = 40, ny: int = 30, holes: int = 50) -> tuple[np.ndarray, list[str]]:
    """0.0012° × 0.0009° rectangles (≈107 m × 100 m at 36.6°N) with some cells missing."""
    ii, jj = np.meshgrid(np.arange(nx), np.arange(ny))
    keep = np.ones(ii.size, bool)
    keep[np.random.default_rng(1).choice(ii.size, holes, replace=False)] = False
    ii, jj = ii.ravel()[keep], jj.ravel()[keep]
    x0, y0, w, h = 117.0, 36.6, 0.0012, 0.0009
    cells = shapely.box(x0 + ii * w, y0 + jj * h, x0 + (ii + 1) * w, y0 + (jj + 1) * h)
    codes = [f"370102011201{k:03d}" for k in range(len(cells))]
    return cells, codes


@pytest.fixture(scope="module")
def voronoi() -> tuple[np.ndarray, list[str], GridIndex]:
    cells, codes = voronoi_cells()
    return cells, codes, GridIndex(cells, codes)


@pytest.fixture(scope="module")
def lattice() -> tuple[np.ndarray, list[str], GridIndex]:
    cells, codes = lattice_cells()
    return cells, codes, GridIndex(cells, codes)


def random_points(cells: np.ndarray, n: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points over a box 10 % larger than the grid: many fall outside or in holes."""
    b = shapely.total_bounds(cells)
    pad = (b[2:] - b[:2]) * 0.1
    pts = np.random.default_rng(seed).uniform(b[:2] - pad, b[2:] + pad, (n, 2))
    return pts[:, 0], pts[:, 1]


def sjoin_codes(cells: np.ndarray, codes: list[str], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    grid = gpd.GeoDataFrame({"code": codes}, geometry=cells, crs="EPSG:4490")
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4490")
    joined = gpd.sjoin(pts, grid, predicate="within")
    assert joined.index.is_unique  # random points never sit on an edge
    out = np.full(lon.size, None, dtype=object)
    out[joined.index.to_numpy()] = joined["code"].to_numpy()
    return out


def closed_hits(cells: np.ndarray, codes: list[str], pts: np.ndarray) -> list[list[str]]:
    """Codes of every cell whose closed polygon contains each point (the slow, obvious way)."""
    hits: list[list[str]] = [[] for _ in range(len(pts))]
    p, c = shapely.STRtree(cells).query(shapely.points(pts), predicate="intersects")
    for i, j in zip(p, c, strict=True):
        hits[i].append(codes[j])
    return hits


def lowest_closed(cells: np.ndarray, codes: list[str], pts: np.ndarray) -> list[str | None]:
    """The documented edge rule: the lowest code among the closed cells containing the point."""
    hits = closed_hits(cells, codes, pts)
    assert sum(len(h) > 1 for h in hits) > len(pts) // 4  # the rule is really exercised
    return [min(h) if h else None for h in hits]


@pytest.mark.parametrize("which", ["voronoi", "lattice"])
def test_agrees_with_sjoin(which: str, request: pytest.FixtureRequest) -> None:
    cells, codes, index = request.getfixturevalue(which)
    assert index.is_lattice == (which == "lattice")
    lon, lat = random_points(cells, 100_000)
    expected = sjoin_codes(cells, codes, lon, lat)
    got = index.locate_many(lon, lat, as_codes=True)
    assert (got == expected).all()
    assert 0.05 < np.mean(expected == None) < 0.6  # noqa: E711 - both inside and outside tested
    positions = index.locate_many(lon, lat)
    assert positions.dtype == np.int32
    assert (index.codes[positions[positions >= 0]] == expected[positions >= 0]).all()
    for k in range(0, 100_000, 97):  # single-point path gives the same answers
        assert index.locate(lon[k], lat[k]) == expected[k]


def test_voronoi_vertices_and_edges_follow_the_lowest_code_rule(voronoi) -> None:
    cells, codes, index = voronoi
    # Vertices are exactly on 1–3 closed cells; midpoints are on (or within an ulp of) an edge.
    ring = shapely.get_coordinates(shapely.get_exterior_ring(cells[:150]))
    mids = (ring[:-1] + ring[1:]) / 2
    pts = np.vstack([ring, mids])
    expected = lowest_closed(cells, codes, pts)
    # Outer-boundary midpoints may round to just outside: then None is the right answer.
    assert sum(e is not None for e in expected) > 0.98 * len(expected)
    got = index.locate_many(pts[:, 0], pts[:, 1], as_codes=True)
    assert list(got) == expected
    assert [index.locate(x, y) for x, y in pts] == expected
    # The rule is about codes, not input order.
    again = GridIndex(cells[::-1], codes[::-1])
    assert list(again.locate_many(pts[:, 0], pts[:, 1], as_codes=True)) == expected


def test_lattice_lines_follow_the_lowest_code_rule(lattice) -> None:
    cells, codes, index = lattice
    xs, ys = np.linspace(117.0, 117.0 + 40 * 0.0012, 41), np.linspace(36.6, 36.6 + 30 * 0.0009, 31)
    # Use the cells' own edge coordinates (linspace differs from x0 + k*w by an ulp).
    edges_x = np.unique(shapely.bounds(cells)[:, [0, 2]])
    edges_y = np.unique(shapely.bounds(cells)[:, [1, 3]])
    assert len(edges_x) == len(xs) and len(edges_y) == len(ys)
    rng = np.random.default_rng(2)
    on_vertical = np.column_stack([rng.choice(edges_x, 300), rng.uniform(36.6, 36.627, 300)])
    on_horizontal = np.column_stack([rng.uniform(117.0, 117.048, 300), rng.choice(edges_y, 300)])
    corners = np.column_stack([rng.choice(edges_x, 300), rng.choice(edges_y, 300)])
    pts = np.vstack([on_vertical, on_horizontal, corners])
    expected = lowest_closed(cells, codes, pts)
    assert list(index.locate_many(pts[:, 0], pts[:, 1], as_codes=True)) == expected
    assert [index.locate(x, y) for x, y in pts] == expected
    # The bucket path, on the same cells, gives the same answers.
    generic = GridIndex(cells, codes, detect_lattice=False)
    assert not generic.is_lattice
    assert list(generic.locate_many(pts[:, 0], pts[:, 1], as_codes=True)) == expected
    lon, lat = random_points(cells, 20_000)
    assert (generic.locate_many(lon, lat) == index.locate_many(lon, lat)).all()


@pytest.mark.parametrize("which", ["voronoi", "lattice"])
def test_outside_and_non_finite_are_none(which: str, request: pytest.FixtureRequest) -> None:
    cells, _, index = request.getfixturevalue(which)
    minx, miny, maxx, maxy = shapely.total_bounds(cells)
    bad = [
        (np.nan, miny),
        (minx, np.nan),
        (np.inf, 36.6),
        (-np.inf, -np.inf),
        (0.0, 0.0),
        (maxx + 1e-9, maxy + 1e-9),
        (180.0, 90.0),
    ]
    for x, y in bad:
        assert index.locate(x, y) is None
        assert index.locate_detail(x, y) is None
    xs, ys = np.array([p[0] for p in bad]), np.array([p[1] for p in bad])
    assert (index.locate_many(xs, ys) == -1).all()
    assert list(index.locate_many(xs, ys, as_codes=True)) == [None] * len(bad)
    assert index.locate_many([], []).shape == (0,)


def test_hole_in_the_jurisdiction_is_outside(voronoi) -> None:
    cells, _, index = voronoi
    side = np.sqrt(1200 * 10_000.0)
    lake = TO_LONLAT.transform(500_000.0 + side * 0.3, 4_055_000.0 + side * 0.3)
    assert not shapely.intersects_xy(shapely.union_all(cells), *lake)
    assert index.locate(*lake) is None


def test_locate_detail_returns_the_hierarchy() -> None:
    cells, codes = lattice_cells(6, 4, holes=0)
    community = [c[:12] for c in codes]
    street = [c[:9] for c in codes]
    index = GridIndex(cells, codes, community_codes=community, street_codes=street)
    c = shapely.centroid(cells[5])
    assert index.locate_detail(c.x, c.y) == GridLocation(codes[5], codes[5][:12], codes[5][:9])
    assert GridIndex(cells, codes).locate_detail(c.x, c.y) == GridLocation(codes[5], None, None)


def test_from_geodataframe_reprojects_and_reads_columns() -> None:
    cells, codes = voronoi_cells(200, seed=3)
    gdf = gpd.GeoDataFrame(
        {"grid_code": codes, "community": ["370102011201"] * len(codes)}, geometry=cells, crs="EPSG:4490"
    )
    index = GridIndex.from_geodataframe(
        gdf.to_crs(METRIC), code_column="grid_code", community_column="community"
    )
    c = shapely.point_on_surface(cells[10])
    assert index.locate_detail(c.x, c.y) == GridLocation(codes[10], "370102011201", None)
    with pytest.raises(InvalidCode, match=r"\['street'\] not found"):
        GridIndex.from_geodataframe(gdf, code_column="grid_code", street_column="street")


def test_bad_input_is_refused_with_the_offending_codes() -> None:
    square = shapely.box(117.0, 36.6, 117.001, 36.601)
    bowtie = shapely.Polygon([(117.0, 36.6), (117.001, 36.601), (117.001, 36.6), (117.0, 36.601)])
    with pytest.raises(InvalidGeometry, match="B: Self-intersection"):
        GridIndex([square, bowtie], ["A", "B"])
    with pytest.raises(InvalidGeometry, match="B: expected a Polygon, got Point"):
        GridIndex([square, shapely.Point(117, 36.6)], ["A", "B"])
    with pytest.raises(InvalidGeometry, match="B: expected a Polygon, got NoneType"):
        GridIndex([square, None], ["A", "B"])
    with pytest.raises(InvalidGeometry, match="B: empty polygon"):
        GridIndex([square, shapely.Polygon()], ["A", "B"])
    with pytest.raises(InvalidCode, match="duplicated: \\['A'\\]"):
        GridIndex([square, square], ["A", "A"])
    with pytest.raises(InvalidGeometry, match="at least one"):
        GridIndex([], [])


def test_overlapping_cells_give_the_lowest_code_in_both_paths() -> None:
    # Bad data exists (two digitisations of one block); the answer must still be deterministic.
    a = shapely.box(117.0, 36.6, 117.002, 36.602)
    b = shapely.box(117.001, 36.601, 117.003, 36.603)
    for cells in ([a, b], [a, b, shapely.box(117.004, 36.6, 117.005, 36.601)]):
        codes = ["370102011201002", "370102011201001", "370102011201003"][: len(cells)]
        index = GridIndex(cells, codes)
        assert index.locate(117.0015, 36.6015) == "370102011201001"
        assert index.locate(117.0005, 36.6005) == "370102011201002"


def test_lattice_detection_is_strict() -> None:
    cells, codes = lattice_cells(5, 5, holes=0)
    assert GridIndex(cells, codes).is_lattice
    wider = cells.copy()
    wider[0] = shapely.box(*(shapely.bounds(cells[0]) + np.array([0, 0, 0.0006, 0])))
    assert not GridIndex(wider[[0, 2, 3]], [codes[i] for i in (0, 2, 3)]).is_lattice
    with_vertex = cells.copy()
    with_vertex[0] = shapely.segmentize(cells[0], 0.0005)  # same square, extra vertices
    index = GridIndex(with_vertex, codes)
    assert not index.is_lattice  # still correct, through buckets
    assert index.locate(117.0006, 36.60045) == codes[0]


def test_pickle_round_trip_keeps_answers(voronoi) -> None:
    cells, _, index = voronoi
    lon, lat = random_points(cells, 5000, seed=9)
    copy = pickle.loads(pickle.dumps(index))
    assert (copy.locate_many(lon, lat) == index.locate_many(lon, lat)).all()
    assert shapely.is_prepared(copy._geoms).all()

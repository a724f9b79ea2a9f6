"""Cut communities into coded unit grids (单元网格) of about 10,000 m².

How a community is cut (all in the Gauss-Krüger zone of the data, in metres):

1. If a street centre-line layer is given, the community is first split along it into blocks,
   so grids follow streets as the grid rules ask.
2. Each block of area ``A`` is divided into ``n = max(1, round(A / target))`` pieces of equal
   area by recursive bisection: a cut perpendicular to the long side of the piece's minimum
   rotated rectangle, placed by bisection search so the two sides hold ``k/n`` and
   ``(n-k)/n`` of the area. Pieces come out compact and clipped to the boundary by
   construction.
3. Slivers (below ``sliver_ratio × target``) are merged into the neighbour sharing the
   longest edge; a merge that grows past ``max_ratio × target`` is bisected again.
4. Numbering, inside each community: **rows from north to south, west to east within a row**.
   A grid's row is ``floor((N_top − N_c) / row_height)``, with ``N_c`` the northing of its
   centroid, ``N_top`` the community's northernmost northing and ``row_height`` (default
   ``sqrt(target)``, the side of a nominal grid). Serials 001, 002, … follow the order
   (row ascending, centroid easting ascending). The code is the 12-digit community code plus
   the 3-digit serial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from gis_data.codes import compose_grid_code, validate_community_code
from gis_data.crs import STORED_CRS
from gis_data.errors import GisDataError, InvalidGeometry
from gis_data.grid_io import metric_crs_for, reproject

_SEARCH_STEPS = 60  # upper bound on the steps placing one cut (a few suffice)
# Every overlay runs on a 0.1 mm precision grid: two pieces cut from one polygon then share
# their vertices exactly, so a later union of neighbours is one clean polygon, not two parts
# separated by a rounding gap. 0.1 mm moves a boundary by far less than any tolerance.
_PRECISION_M = 1e-4


def _polygons(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """The non-empty polygon parts of a geometry."""
    return [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty and g.area > 0]


def _halfplane(origin: np.ndarray, u: np.ndarray, t: float, reach: float) -> shapely.Polygon:
    """The polygon of points whose projection on ``u`` (from ``origin``) is at most ``t``."""
    v = np.array([-u[1], u[0]])
    a, b = origin + (t - reach) * u, origin + t * u
    return shapely.Polygon([a - reach * v, b - reach * v, b + reach * v, a + reach * v])


def _cut(poly: shapely.Geometry, share: float) -> tuple[shapely.Geometry, shapely.Geometry]:
    """Split ``poly`` across its long axis into parts holding ``share`` and ``1 − share`` of its area."""
    rect = np.asarray(poly.minimum_rotated_rectangle.exterior.coords)[:4]
    sides = [rect[1] - rect[0], rect[2] - rect[1]]
    u = max(sides, key=lambda s: float(np.hypot(*s)))
    u = u / np.hypot(*u)
    coords = shapely.get_coordinates(poly)
    proj = (coords - coords[0]) @ u
    lo, hi = float(proj.min()), float(proj.max())
    reach = 2.0 * (hi - lo) + 2.0 * float(np.ptp(coords, axis=0).max()) + 1.0
    want = share * poly.area

    def excess(t: float) -> float:
        return poly.intersection(_halfplane(coords[0], u, t, reach)).area - want

    # Regula falsi with the Illinois fix: the area below a cut grows monotonically with its
    # position, so a handful of evaluations (not fifty bisections) place it to a micrometre.
    f_lo, f_hi, side = -want, poly.area - want, 0
    for _ in range(_SEARCH_STEPS):
        if hi - lo < _PRECISION_M:
            break
        mid = hi - f_hi * (hi - lo) / (f_hi - f_lo) if f_hi != f_lo else (lo + hi) / 2
        mid = min(max(mid, lo + (hi - lo) * 1e-3), hi - (hi - lo) * 1e-3)  # keep strictly inside
        f_mid = excess(mid)
        if abs(f_mid) < 1e-6 * want:
            lo = hi = mid
            break
        if f_mid < 0:
            lo, f_lo = mid, f_mid
            f_hi = f_hi / 2 if side == -1 else f_hi
            side = -1
        else:
            hi, f_hi = mid, f_mid
            f_lo = f_lo / 2 if side == 1 else f_lo
            side = 1
    knife = _halfplane(coords[0], u, (lo + hi) / 2, reach)
    return (
        shapely.intersection(poly, knife, grid_size=_PRECISION_M),
        shapely.difference(poly, knife, grid_size=_PRECISION_M),
    )


def _bisect(poly: shapely.Geometry, n: int) -> list[shapely.Geometry]:
    """Equal-area pieces of ``poly`` (``n`` of them, more if a cut leaves a part in two)."""
    if n <= 1:
        return _polygons(poly)
    k = n // 2
    first, second = _cut(poly, k / n)
    return _bisect(first, k) + _bisect(second, n - k)


def _extend(line: shapely.LineString, by: float) -> shapely.LineString:
    """The line lengthened by ``by`` metres at both ends, along its end segments."""
    xy = shapely.get_coordinates(line)
    if len(xy) < 2:
        return line
    for end, prev in ((0, 1), (-1, -2)):
        d = xy[end] - xy[prev]
        norm = float(np.hypot(*d))
        if norm > 0:
            xy[end] = xy[end] + d / norm * by
    return shapely.LineString(xy)


def split_equal_area(poly: shapely.Geometry, n: int) -> list[shapely.Geometry]:
    """Cut a polygon (in a metric CRS) into ``n`` pieces of equal area by recursive bisection.

    Compact pieces for a compact polygon; a cut across a concave part can leave a piece in
    two, so more than ``n`` polygons may come back.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return _bisect(shapely.set_precision(poly, _PRECISION_M), n)


def _blocks(poly: shapely.Geometry, lines: shapely.Geometry | None, snap_m: float) -> list[shapely.Geometry]:
    """The community split along the street lines (all of it, whatever the lines miss).

    Lines are lengthened by ``snap_m`` at each end first: a centre-line drawn to end on the
    boundary road otherwise stops a rounding error short and cuts nothing.
    """
    if lines is None or lines.is_empty:
        return _polygons(poly)
    # Lines lying on the boundary (a boundary road) would only add hairline faces: drop what
    # runs within half a snap of it; the lengthening below brings line ends back across.
    near = lines.intersection(poly.buffer(snap_m + 1.0)).difference(poly.boundary.buffer(snap_m / 2))
    parts = [_extend(g, snap_m) for g in shapely.get_parts(near) if g.geom_type == "LineString"]
    if not parts:
        return _polygons(poly)
    noded = shapely.union_all([poly.boundary, *parts])
    faces = _polygons(shapely.polygonize(shapely.get_parts(noded)))
    faces = [
        shapely.intersection(poly, f, grid_size=_PRECISION_M)
        for f in faces
        if poly.contains(f.representative_point())
    ]
    faces = [p for f in faces for p in _polygons(f)]
    # Anything polygonize could not close (rounding at the boundary) stays with the blocks.
    rest = shapely.difference(poly, shapely.union_all(faces), grid_size=_PRECISION_M) if faces else poly
    return faces + [p for p in _polygons(rest) if p.area > 1e-6]


def _shared_length(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Length of the common boundary of two pieces on the precision grid (a micrometre buffer
    would be below double precision at Gauss-Krüger coordinates of millions of metres)."""
    return shapely.intersection(a.boundary, b.boundary, grid_size=_PRECISION_M).length


def _drop_tiny_holes(geom: shapely.Geometry, limit: float = 1e-3) -> shapely.Geometry:
    """Close rounding pin-holes a union can leave along the old common edge (not real holes)."""
    if geom.geom_type != "Polygon":
        return geom
    keep = [r for r in geom.interiors if shapely.Polygon(r).area >= limit]
    return shapely.Polygon(geom.exterior, keep)


def _merge_slivers(
    pieces: list[shapely.Geometry], sliver: float, target: float, max_area: float
) -> list[shapely.Geometry]:
    """Merge every piece below ``sliver`` m² into the neighbour sharing the longest edge.

    A piece with no neighbour it can join into one polygon (an island) is left as it is.
    """
    pieces = list(pieces)
    stuck: set[int] = set()  # ids of islands already tried
    for _ in range(10 * len(pieces) + 100):  # a merge-and-recut cycle cannot run forever
        small = [i for i, p in enumerate(pieces) if p.area < sliver and id(p) not in stuck]
        if not small:
            return pieces
        i = min(small, key=lambda k: pieces[k].area)
        tree = shapely.STRtree(pieces)
        near = [
            int(j) for j in tree.query(pieces[i], predicate="dwithin", distance=2 * _PRECISION_M) if j != i
        ]
        shared = sorted(((_shared_length(pieces[i], pieces[j]), -j) for j in near), reverse=True)
        merged = False
        for length, neg_j in shared:
            if length <= 1e-6:
                break  # sorted: the rest touch at a point at most
            j = -neg_j
            union = _drop_tiny_holes(shapely.union(pieces[i], pieces[j], grid_size=_PRECISION_M))
            if union.geom_type == "Polygon":
                big = union.area > max_area
                new = _bisect(union, round(union.area / target)) if big else [union]
                pieces = [p for k, p in enumerate(pieces) if k not in (i, j)] + new
                merged = True
                break
        if not merged:
            stuck.add(id(pieces[i]))
    return pieces


def number_grids(centroids_xy: np.ndarray, top: float, row_height: float) -> np.ndarray:
    """Order of the pieces by the numbering rule (north→south rows, west→east in a row).

    Parameters
    ----------
    centroids_xy : numpy.ndarray, shape (n, 2)
        Centroid easting, northing in metres.
    top : float
        Northernmost northing of the community.
    row_height : float
        Height of a row in metres.

    Returns
    -------
    numpy.ndarray
        Indices into ``centroids_xy`` in serial order (serial = position + 1).
    """
    rows = np.floor((top - centroids_xy[:, 1]) / row_height)
    return np.lexsort((centroids_xy[:, 0], rows))


def generate_grids(
    communities: gpd.GeoDataFrame,
    *,
    code_column: str = "code",
    name_column: str | None = "name",
    streets: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    target_area_m2: float = 10_000.0,
    min_ratio: float = 0.3,
    max_ratio: float = 2.0,
    sliver_ratio: float | None = None,
    row_height_m: float | None = None,
    snap_m: float = 1.0,
    metric_crs: CRS | str | None = None,
) -> gpd.GeoDataFrame:
    """Cut each community into coded unit grids (see the module docstring for the rules).

    Parameters
    ----------
    communities : GeoDataFrame
        Community polygons with a 12-digit code column, in any declared CRS.
    code_column, name_column : str
        Columns holding the community code and (optional) name.
    streets : GeoDataFrame or GeoSeries of lines, optional
        Street centre-lines to cut along.
    target_area_m2 : float
        The nominal grid area.
    min_ratio, max_ratio : float
        The band of acceptable areas, as multiples of the target.
    sliver_ratio : float, optional
        Pieces below ``sliver_ratio × target`` are merged away; defaults to ``min_ratio``.
    row_height_m : float, optional
        Row height of the numbering rule; defaults to ``sqrt(target_area_m2)``.
    snap_m : float
        Street lines are lengthened by this much at each end so lines drawn up to a boundary
        road really cross it.
    metric_crs : CRS, optional
        Where to measure; defaults to the Gauss-Krüger zone of the communities.

    Returns
    -------
    GeoDataFrame
        In EPSG:4490, one row per grid in serial order per community, with ``code``, ``name``,
        ``community_code``, ``street_code``, ``serial``, ``area_m2``. ``attrs["out_of_band"]``
        lists the codes of grids whose area is outside the band (a community, or an island of
        one, smaller than the band's minimum cannot do better).

    Raises
    ------
    InvalidGeometry
        A community geometry that is missing or not a polygon.
    GisDataError
        Missing CRS, or more than 999 grids in one community.
    """
    if communities.crs is None:
        raise GisDataError("communities have no CRS; declare it before generating grids")
    if code_column not in communities.columns:
        raise GisDataError(f"column {code_column!r} not found in communities: {list(communities.columns)}")
    metric = CRS.from_user_input(metric_crs) if metric_crs is not None else metric_crs_for(communities)
    comm = reproject(communities, metric)
    lines = None
    if streets is not None and len(streets):
        if streets.crs is None:
            raise GisDataError("streets have no CRS; declare it before generating grids")
        lines = shapely.union_all(reproject(streets, metric).geometry.dropna().to_numpy())
    sliver = (min_ratio if sliver_ratio is None else sliver_ratio) * target_area_m2
    max_area = max_ratio * target_area_m2
    row_height = row_height_m or math.sqrt(target_area_m2)
    records: list[dict] = []
    for i, row in enumerate(comm.itertuples(index=False)):
        code = validate_community_code(getattr(row, code_column))
        geom = row.geometry
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InvalidGeometry(f"community feature {i} ({code}) has no polygon geometry")
        geom = shapely.make_valid(geom) if not geom.is_valid else geom
        geom = shapely.set_precision(geom, _PRECISION_M)
        pieces: list[shapely.Geometry] = []
        for block in _blocks(geom, lines, snap_m):
            pieces.extend(_bisect(block, max(1, round(block.area / target_area_m2))))
        pieces = _merge_slivers(pieces, sliver, target_area_m2, max_area)
        if len(pieces) > 999:
            raise GisDataError(f"community {code} would need {len(pieces)} grids; a code holds 999")
        cent = np.array([[p.centroid.x, p.centroid.y] for p in pieces])
        order = number_grids(cent, geom.bounds[3], row_height)
        cname = str(getattr(row, name_column)) if name_column and name_column in comm.columns else ""
        for serial, k in enumerate(order, start=1):
            records.append(
                {
                    "code": compose_grid_code(code, serial),
                    "name": f"{cname}第{serial}网格" if cname else f"网格{serial:03d}",
                    "community_code": code,
                    "street_code": code[:9],
                    "serial": serial,
                    "area_m2": round(pieces[k].area, 2),
                    "geometry": pieces[k],
                }
            )
    out = reproject(gpd.GeoDataFrame(records, geometry="geometry", crs=metric), STORED_CRS)
    band = (min_ratio * target_area_m2, max_area)
    out.attrs["out_of_band"] = [r["code"] for r in records if not band[0] <= r["area_m2"] <= band[1]]
    return out


def serial_order_violations(
    grids: gpd.GeoDataFrame,
    *,
    row_height_m: float,
    metric_crs: CRS | str | None = None,
    communities: gpd.GeoDataFrame | None = None,
) -> Sequence[str]:
    """Codes of communities whose grid serials break the numbering rule (empty if all follow it).

    ``communities`` (with ``code``) gives each community's top edge; without it the top of its
    grids is used, which is the same line when the grids tile the community.
    """
    metric = CRS.from_user_input(metric_crs) if metric_crs is not None else metric_crs_for(grids)
    g = reproject(grids, metric)
    tops = (
        {}
        if communities is None
        else dict(
            zip(communities["code"], reproject(communities, metric).geometry.bounds["maxy"], strict=True)
        )
    )
    bad = []
    for code, part in g.groupby("community_code"):
        part = part.sort_values("serial")
        cent = np.column_stack([part.geometry.centroid.x, part.geometry.centroid.y])
        top = tops.get(code, float(part.geometry.bounds["maxy"].max()))
        if not np.array_equal(number_grids(cent, top, row_height_m), np.arange(len(part))):
            bad.append(code)
    return bad

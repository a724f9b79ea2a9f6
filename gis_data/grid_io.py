"""Read and write the area hierarchy: streets (街道), communities (社区) and unit grids (单元网格).

Reading is all-or-nothing: :func:`validate_hierarchy` checks every feature of every layer and
returns a :class:`ValidationReport`; :func:`import_hierarchy` returns clean GeoDataFrames in the
stored CRS or raises :class:`~gis_data.errors.ImportFailed` listing every problem, so a file is
never half imported.

Canonical columns (``mapping`` maps them to the source's column names):

* streets: ``code`` (9 digits), ``name``
* communities: ``code`` (12), ``name``, ``street_code`` (optional parent, checked)
* grids: ``code`` (15, or legacy 14 normalised to 15), ``name``, ``community_code`` (optional)
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio import raw as pyogrio_raw
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from gis_data.codes import (
    as_code_text,
    normalize_grid_code,
    validate_community_code,
    validate_street_code,
)
from gis_data.crs import STORED_CRS, transformer
from gis_data.crs import metric_crs_for as _gk_zone
from gis_data.errors import FeatureProblem, ImportFailed, InvalidCode

LEVELS = ("streets", "communities", "grids")
_ONE = {"streets": "street", "communities": "community", "grids": "grid"}
PARENT_FIELD = {"streets": None, "communities": "street_code", "grids": "community_code"}
# Optional parent-code columns checked against the code's own prefix (field, digits).
_PARENTS = {"streets": (), "communities": ("street_code",), "grids": ("community_code", "street_code")}
_PARENT_DIGITS = {"street_code": 9, "community_code": 12}
#: Shapefile field names are cut at 10 characters; these aliases are written instead and read back.
SHAPEFILE_ALIASES = {"street_code": "street_cd", "community_code": "comm_cd", "area_m2": "area_m2"}
_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".shp": "ESRI Shapefile"}

Source = str | Path | gpd.GeoDataFrame | tuple[str | Path, str]
Frame = TypeVar("Frame", gpd.GeoDataFrame, gpd.GeoSeries)


@dataclass(frozen=True, slots=True)
class GridProblem(FeatureProblem):
    """A :class:`~gis_data.errors.FeatureProblem` that also names the layer and the code.

    ``index`` is the zero-based feature index in the source layer, or ``-1`` for a problem
    with the whole layer (not a GIS file, empty, no CRS, missing column).
    """

    layer: str = ""
    code: str | None = None
    kind: str = ""

    def __str__(self) -> str:
        if self.index < 0:
            return f"{self.layer} layer: {self.message}"
        code = f" (code {self.code})" if self.code else ""
        line = f" (line {self.line})" if self.line is not None else ""
        return f"{self.layer} feature {self.index}{code}{line}: {self.message}"


@dataclass
class Hierarchy:
    """Clean layers in the stored CRS; a layer not supplied is ``None``."""

    streets: gpd.GeoDataFrame | None = None
    communities: gpd.GeoDataFrame | None = None
    grids: gpd.GeoDataFrame | None = None


@dataclass
class ValidationReport:
    """Every problem found, the repairs made, and the clean layers (meaningful only if ``ok``)."""

    problems: list[GridProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hierarchy: Hierarchy = field(default_factory=Hierarchy)

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems

    def raise_for_problems(self) -> None:
        """Raise :class:`ImportFailed` listing every problem, if there is any."""
        if self.problems:
            n = len(self.problems)
            raise ImportFailed(self.problems, f"Import refused, nothing was imported: {n} problem(s) found.")


# --------------------------------------------------------------------------- CRS helpers


def metric_crs(lon: float) -> CRS:
    """The metric CRS for work near longitude ``lon``.

    Inside China's CGCS2000 3-degree Gauss-Krüger zones (central meridians 75°E–135°E) this is
    the zone's "CM" CRS, EPSG 4534 + (cm − 75)/3 (false easting 500 km, no zone prefix).
    Elsewhere (e.g. the Helsinki demo) those zones do not exist, so it is a transverse
    Mercator with the UTM zone's parameters defined on CGCS2000: the same coordinates as
    WGS 84 / UTM to centimetres, and a plain conversion from the stored CRS (PROJ spends most
    of a second searching datum shifts between CGCS2000 and a WGS 84 UTM zone).
    """
    if 73.5 <= lon < 136.5:
        return CRS.from_user_input(_gk_zone(lon))
    zone = int((lon + 180) // 6) % 60 + 1
    return _tm_on_cgcs2000(zone)


@lru_cache(maxsize=64)
def _tm_on_cgcs2000(zone: int) -> CRS:
    tm = TransverseMercatorConversion(
        latitude_natural_origin=0,
        longitude_natural_origin=zone * 6 - 183,
        false_easting=500_000,
        false_northing=0,
        scale_factor_natural_origin=0.9996,
    )
    return ProjectedCRS(
        conversion=tm, geodetic_crs=CRS.from_user_input(STORED_CRS), name=f"CGCS2000 / UTM zone {zone}N"
    )


@lru_cache(maxsize=256)
def _key(srs: str) -> str:
    """The string a CRS is cached under: EPSG:4326 and the stored CRS are treated as one
    (they agree to well under a metre; as in :mod:`gis_data.crs`, no datum shift is applied
    between them). Cached because pyproj's authority lookups take up to a second."""
    crs = CRS.from_user_input(srs)
    return STORED_CRS if crs.is_geographic and crs.to_epsg() in (4326, 4490) else srs


def reproject(obj: Frame, crs: CRS | str) -> Frame:
    """``obj.to_crs(crs)`` through the cached ``always_xy`` transformer of :mod:`gis_data.crs`.

    Why: geopandas builds a new pyproj transformer on every call, which costs up to a second
    here; the import checks and the generator reproject dozens of times. EPSG:4326 and
    EPSG:4490 are relabelled into each other without a datum shift.
    """
    if obj.crs is None:
        raise ValueError("cannot reproject a layer without a CRS")
    src, dst = obj.crs, CRS.from_user_input(crs)
    src_text, dst_text = _key(src.srs), _key(dst.srs)
    geoms = np.asarray(obj.geometry.values, dtype=object)
    if src_text != dst_text:
        tr = transformer(src_text, dst_text)
        geoms = shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
    series = gpd.GeoSeries(geoms, index=obj.index, crs=dst)
    if isinstance(obj, gpd.GeoDataFrame):
        return obj.set_geometry(series.rename(obj.geometry.name))
    return series.rename(obj.name)


def metric_crs_for(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """:func:`metric_crs` for the centre of a layer (any CRS)."""
    minx, _, maxx, _ = reproject(gdf, STORED_CRS).total_bounds
    return metric_crs((minx + maxx) / 2)


# --------------------------------------------------------------------------- reading


def _layer_problem(layer: str, message: str, kind: str, line: int | None = None) -> GridProblem:
    return GridProblem(-1, message, line, layer=layer, kind=kind)


def _not_gis_problem(path: Path, name: str, error: Exception) -> GridProblem:
    if path.suffix.lower() in (".geojson", ".json"):
        try:
            json.loads(path.read_text(encoding="utf-8", errors="replace"))
        except json.JSONDecodeError as exc:
            return _layer_problem(
                name,
                f"{path.name} is not valid GeoJSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
                "not-gis",
                exc.lineno,
            )
    first = path.read_bytes()[:60].decode("utf-8", errors="replace").splitlines()
    start = repr(first[0]) if first else "''"
    return _layer_problem(
        name,
        f"{path.name} is not a GIS file GDAL can read (line 1 starts {start}): {error}",
        "not-gis",
        1,
    )


class _Refused(Exception):
    """A layer-level problem that stops reading a layer."""

    def __init__(self, problem: GridProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _open(path: Path, layer: str | None, name: str, unreadable: dict[int, str]) -> gpd.GeoDataFrame:
    """Read a file layer; geometries GEOS refuses (unclosed rings) are None, noted in ``unreadable``."""
    if not path.exists():
        raise _Refused(_layer_problem(name, f"file {path} does not exist", "missing-file"))
    if path.is_file() and path.stat().st_size == 0:
        raise _Refused(_layer_problem(name, f"file {path.name} is empty (0 bytes)", "empty"))
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL raises several types for unreadable input
        raise _Refused(_not_gis_problem(path, name, exc)) from None
    if layer is None and len(layers) > 1:
        layer = name if name in layers else layers[0]
    elif layer is not None and layer not in layers:
        raise _Refused(_layer_problem(name, f"{path.name} has no layer {layer!r} (has {layers})", "layer"))
    if pyogrio.read_info(path, layer=layer)["geometry_type"] is None:
        raise _Refused(
            _layer_problem(name, f"{path.name} has no geometry column: not a GIS layer", "not-gis")
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's note on unclosed rings: reported below
        attrs = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
        meta, _, wkb, _ = pyogrio_raw.read(path, layer=layer, columns=[])
    # Parsed one by one so a single bad ring names its feature instead of failing the file.
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    for i, (blob, geom) in enumerate(zip(wkb, geoms, strict=True)):
        if blob is not None and geom is None:
            try:
                shapely.from_wkb(blob)
                reason = "unreadable geometry"
            except shapely.errors.GEOSException as exc:
                reason = str(exc).split(":", 1)[-1].strip()
            unreadable[i] = f"geometry cannot be read: {reason}"
    return gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=attrs.index), crs=meta["crs"])


def _read(source: Source, name: str) -> tuple[gpd.GeoDataFrame | None, list[GridProblem], dict[int, str]]:
    """Read one layer: (layer in its own CRS or None, layer-level problems, feature index →
    why its geometry could not be read)."""
    unreadable: dict[int, str] = {}
    try:
        if isinstance(source, gpd.GeoDataFrame):
            gdf = source.copy()
        elif isinstance(source, tuple):
            gdf = _open(Path(source[0]), source[1], name, unreadable)
        else:
            gdf = _open(Path(source), None, name, unreadable)
        if len(gdf) == 0:
            raise _Refused(_layer_problem(name, "contains no features", "empty"))
        if gdf.crs is None:
            raise _Refused(
                _layer_problem(name, "has no CRS (e.g. a shapefile without .prj); declare it", "crs")
            )
    except _Refused as refused:
        return None, [refused.problem], {}
    return gdf.reset_index(drop=True), [], unreadable


def read_layer(source: Source, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Read one vector layer as is (its own CRS), refusing what is not a usable GIS layer.

    Parameters
    ----------
    source : path, (path, layer name) or GeoDataFrame
        GeoJSON, GeoPackage, Shapefile or anything else GDAL reads.
    name : str
        Used in messages and, for a multi-layer GeoPackage, as the default layer name.

    Raises
    ------
    ImportFailed
        Missing or empty file, not a GIS file (with the line), no features, no CRS, or
        geometries that cannot be read (naming each feature).
    """
    gdf, problems, unreadable = _read(source, name)
    problems += [GridProblem(i, msg, layer=name, kind="geometry") for i, msg in unreadable.items()]
    if problems or gdf is None:
        raise ImportFailed(problems, f"Cannot read the {name} layer:")
    return gdf


# --------------------------------------------------------------------------- validation


def _resolve_mapping(gdf: gpd.GeoDataFrame, level: str, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Canonical field → source column; defaults find the canonical name or its shapefile alias."""
    lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    out: dict[str, str] = {}
    for canon in ("code", "name", *_PARENTS[level]):
        if mapping and canon in mapping:
            out[canon] = mapping[canon]
            continue
        for cand in (canon, SHAPEFILE_ALIASES.get(canon, canon)):
            if cand.lower() in lower:
                out[canon] = lower[cand.lower()]
                break
    return out


_CODE_CHECK = {
    "streets": lambda v, parent: validate_street_code(v),
    "communities": lambda v, parent: validate_community_code(v, parent),
    "grids": lambda v, parent: normalize_grid_code(v, community_code=parent),
}
_SIDE = {"streets": 9, "communities": 12, "grids": 15}


def _where(geom: shapely.Geometry, to_stored: Transformer) -> str:
    """Readable (lon, lat) of a metric geometry's representative point."""
    pt = geom.representative_point()
    lon, lat = to_stored.transform(pt.x, pt.y)
    return f"near ({lon:.6f}, {lat:.6f})"


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygon parts of ``make_valid`` output (it may add stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _check_geometry(
    geom: shapely.Geometry | None,
    level: str,
    in_range: bool,
    bounds: np.ndarray,
    area_m2: Callable[[shapely.Geometry], float],
    repair_tolerance_m2: float,
) -> tuple[shapely.Geometry | None, tuple[str, str] | None, str | None]:
    """One feature's geometry: (usable geometry or None, (kind, problem) or None, repair note)."""
    if geom is None or geom.is_empty:
        return None, ("geometry", "geometry is missing or empty"), None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return (
            None,
            ("geometry-type", f"geometry is a {geom.geom_type}; a {_ONE[level]} must be a polygon"),
            None,
        )
    if not in_range:
        where = tuple(round(float(b), 3) for b in bounds)
        msg = f"coordinates {where} are not (lon, lat) degrees: wrong or missing CRS, or swapped axes"
        return None, ("coordinate", msg), None
    note = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        fixed = _polygonal(shapely.make_valid(geom))
        # Crumbs the repair splits off (a sub-tolerance loop at a vertex) go; real parts stay.
        parts = [p for p in shapely.get_parts(fixed) if area_m2(p) >= repair_tolerance_m2]
        fixed = shapely.union_all(parts) if parts else shapely.Polygon()
        change = abs(area_m2(fixed) - area_m2(geom))
        if fixed.is_empty or change >= repair_tolerance_m2:
            msg = (
                f"invalid polygon ({reason}); repairing it would change its area by {change:.1f} m² "
                f"(tolerance {repair_tolerance_m2} m²): fix it in the source"
            )
            return None, ("invalid-geometry", msg), None
        note = f"repaired {reason}, area changed by {change:.3f} m²"
        geom = fixed
    if level == "grids" and geom.geom_type == "MultiPolygon":
        if len(geom.geoms) > 1:
            msg = f"grid has {len(geom.geoms)} separate parts; a unit grid must be one closed polygon"
            return None, ("parts", msg), None
        geom = geom.geoms[0]
    return geom, None, note


class _Checked(NamedTuple):
    """One layer after the per-feature checks."""

    frame: gpd.GeoDataFrame  # features with no problem, stored CRS
    usable: list[shapely.Geometry]  # every usable geometry, even of features with a bad code
    codes: set[str]  # every well-formed code, even of features with a bad geometry


def _check_features(
    gdf: gpd.GeoDataFrame,
    level: str,
    columns: dict[str, str],
    repair_tolerance_m2: float,
    unreadable: Mapping[int, str],
) -> tuple[_Checked, list[GridProblem], list[str]]:
    """Per-feature checks of one layer."""
    problems: list[GridProblem] = []
    notes: list[str] = []
    parent_field = PARENT_FIELD[level]
    empty = _Checked(gpd.GeoDataFrame({"_index": [], "code": []}, geometry=[], crs=STORED_CRS), [], set())
    for canon, col in columns.items():
        if col not in gdf.columns:
            have = [c for c in gdf.columns if c != gdf.geometry.name]
            problems.append(
                _layer_problem(level, f"column {col!r} (for {canon}) not found; columns: {have}", "column")
            )
    if "code" not in columns:
        problems.append(
            _layer_problem(level, "no code column found; give mapping={'code': <column>}", "column")
        )
    if problems:
        return empty, problems, notes
    geoms = gdf.geometry
    if not gdf.crs.is_geographic or not gdf.crs.equals(CRS.from_user_input(STORED_CRS)):
        geoms = reproject(geoms, STORED_CRS)
    bounds = geoms.bounds.to_numpy()
    in_range = (
        np.isfinite(bounds).all(axis=1)
        & (bounds[:, 0] >= -180)
        & (bounds[:, 2] <= 180)
        & (bounds[:, 1] >= -90)
        & (bounds[:, 3] <= 90)
    )
    ok_geoms = geoms[in_range & geoms.notna().to_numpy()]
    metric = metric_crs_for(ok_geoms) if len(ok_geoms) else CRS.from_epsg(3857)
    to_metric = transformer(STORED_CRS, _key(metric.srs))

    def area_m2(g: shapely.Geometry) -> float:
        return shapely.transform(g, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1]))).area

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    usable: list[shapely.Geometry] = []
    for i in range(len(gdf)):
        raw_code = gdf.at[i, columns["code"]]
        shown = None if raw_code is None or pd.isna(raw_code) else str(raw_code)
        found: list[tuple[str, str]] = []  # (kind, message)
        parent = gdf.at[i, columns[parent_field]] if parent_field in columns else None
        if parent is not None and (parent == "" or (not isinstance(parent, str) and pd.isna(parent))):
            parent = None
        try:
            code = _CODE_CHECK[level](raw_code, parent)
            if level == "grids" and len(as_code_text(raw_code)) == 14:
                notes.append(f"grids feature {i}: legacy 14-digit code {raw_code} normalised to {code}")
            if level == "grids" and "street_code" in columns:
                street = gdf.at[i, columns["street_code"]]
                if street is not None and not pd.isna(street) and as_code_text(street) != code[:9]:
                    raise InvalidCode(f"grid code {code!r} belongs to street {code[:9]}, not to {street}")
        except InvalidCode as exc:
            code = None
            found.append(("code", str(exc)))
        if code is not None and code in seen:
            found.append(("duplicate", f"code {code} is used twice (also by feature {seen[code]})"))
        elif code is not None:
            seen[code] = i
        geom = None
        if i in unreadable:
            found.append(("geometry", unreadable[i]))
        else:
            geom, issue, note = _check_geometry(
                geoms.iloc[i], level, bool(in_range[i]), bounds[i], area_m2, repair_tolerance_m2
            )
            if issue:
                found.append(issue)
            if note:
                notes.append(f"{level} feature {i} ({shown}): {note}")
        problems.extend(GridProblem(i, msg, layer=level, code=shown, kind=kind) for kind, msg in found)
        if geom is not None:
            usable.append(geom)
        if found or geom is None or code is None:
            continue
        name = gdf.at[i, columns["name"]] if "name" in columns else None
        row = {"_index": i, "code": code, "name": "" if name is None or pd.isna(name) else str(name)}
        if level != "streets":
            row["street_code"] = code[:9]
        if level == "grids":
            row["community_code"] = code[:12]
            row["serial"] = int(code[12:])
        if level != "streets":
            row["area_m2"] = round(area_m2(geom), 2)
        row["geometry"] = geom
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORED_CRS) if rows else empty.frame
    return _Checked(frame, usable, set(seen)), problems, notes


def _label(frame: gpd.GeoDataFrame, j: int) -> str:
    return f"feature {frame['_index'].iat[j]} (code {frame['code'].iat[j]})"


def _check_nesting(
    checked: dict[str, _Checked], overlap_tolerance_m2: float, gap_tolerance_m2: float
) -> list[GridProblem]:
    """Overlaps between siblings, children outside their parent, gaps inside a parent."""
    problems: list[GridProblem] = []
    present = [lvl for lvl in LEVELS if lvl in checked and len(checked[lvl].frame)]
    if not present:
        return problems
    metric = metric_crs_for(checked[present[-1]].frame)
    to_stored = transformer(_key(metric.srs), STORED_CRS)
    m = {lvl: reproject(checked[lvl].frame.geometry, metric).to_numpy() for lvl in present}

    def add(level: str, j: int, msg: str, kind: str) -> None:
        frame = checked[level].frame
        idx, code = int(frame["_index"].iat[j]), frame["code"].iat[j]
        problems.append(GridProblem(idx, msg, layer=level, code=code, kind=kind))

    for level in present:  # siblings must not overlap
        geoms = m[level]
        for a, b in zip(*shapely.STRtree(geoms).query(geoms, predicate="intersects"), strict=True):
            inter = geoms[a].intersection(geoms[b]) if a < b else None
            if inter is not None and inter.area > overlap_tolerance_m2:
                msg = (
                    f"overlaps {_ONE[level]} {_label(checked[level].frame, a)} by {inter.area:.1f} m² "
                    f"{_where(inter, to_stored)} (tolerance {overlap_tolerance_m2} m²)"
                )
                add(level, b, msg, "overlap")
    for parent_level, child_level in (("streets", "communities"), ("communities", "grids")):
        if parent_level not in present or child_level not in present:
            continue
        parents, digits = checked[parent_level].frame, _SIDE[parent_level]
        pindex = {code: j for j, code in enumerate(parents["code"])}
        pgeoms, cgeoms, ptree = m[parent_level], m[child_level], shapely.STRtree(m[parent_level])
        for k, code in enumerate(checked[child_level].frame["code"]):
            j = pindex.get(code[:digits])
            if j is None:
                if code[:digits] not in checked[parent_level].codes:  # else: the parent's own problem
                    msg = f"its {_ONE[parent_level]} {code[:digits]} is not in the {parent_level} layer"
                    add(child_level, k, msg, "parent")
                continue
            outside = cgeoms[k].difference(pgeoms[j])
            if outside.area > overlap_tolerance_m2:
                others = [
                    parents["code"].iat[o]
                    for o in ptree.query(outside, predicate="intersects")
                    if o != j and pgeoms[o].intersection(outside).area > overlap_tolerance_m2
                ]
                into = f" (into {', '.join(others)})" if others else ""
                msg = (
                    f"extends {outside.area:.1f} m² outside its {_ONE[parent_level]} "
                    f"{code[:digits]}{into} {_where(outside, to_stored)}"
                )
                add(child_level, k, msg, "outside-parent")
        # Gaps are judged on every usable child geometry, so one bad code does not also open a gap.
        usable = reproject(gpd.GeoSeries(checked[child_level].usable, crs=STORED_CRS), metric).to_numpy()
        utree = shapely.STRtree(usable)
        for j, parent in enumerate(pgeoms):
            covered = shapely.union_all(usable[utree.query(parent, predicate="intersects")])
            for gap in shapely.get_parts(parent.difference(covered)):
                if gap.area > gap_tolerance_m2:
                    msg = (
                        f"gap of {gap.area:.1f} m² not covered by any of its {child_level} "
                        f"{_where(gap, to_stored)} (tolerance {gap_tolerance_m2} m²)"
                    )
                    add(parent_level, j, msg, "gap")
    return problems


def validate_hierarchy(
    *,
    streets: Source | None = None,
    communities: Source | None = None,
    grids: Source | None = None,
    mappings: Mapping[str, Mapping[str, str]] | None = None,
    overlap_tolerance_m2: float = 1.0,
    gap_tolerance_m2: float = 1.0,
    repair_tolerance_m2: float = 1.0,
) -> ValidationReport:
    """Check the supplied layers and how they nest, collecting every problem.

    Parameters
    ----------
    streets, communities, grids : path, (path, layer) or GeoDataFrame, optional
        The layers to check (at least one).
    mappings : dict, optional
        Per layer, canonical field → source column, e.g.
        ``{"grids": {"code": "GRID_CODE", "name": "NAME"}}``.
    overlap_tolerance_m2, gap_tolerance_m2 : float
        Overlaps between siblings and gaps inside a parent up to this area pass.
    repair_tolerance_m2 : float
        An invalid polygon is repaired with ``shapely.make_valid`` only if that changes its
        area by less than this; otherwise it is reported.

    Returns
    -------
    ValidationReport
        ``problems`` (each names layer, feature index and code), ``notes`` on repairs and
        normalisations, and ``hierarchy`` with clean layers in EPSG:4490.
    """
    sources = {"streets": streets, "communities": communities, "grids": grids}
    if all(s is None for s in sources.values()):
        raise ValueError("validate_hierarchy needs at least one layer")
    report = ValidationReport()
    checked: dict[str, _Checked] = {}
    for level in LEVELS:
        src = sources[level]
        if src is None:
            continue
        gdf, problems, unreadable = _read(src, level)
        report.problems.extend(problems)
        if gdf is None:
            continue
        columns = _resolve_mapping(gdf, level, (mappings or {}).get(level))
        layer, problems, notes = _check_features(gdf, level, columns, repair_tolerance_m2, unreadable)
        report.problems.extend(problems)
        report.notes.extend(notes)
        checked[level] = layer
    report.problems.extend(_check_nesting(checked, overlap_tolerance_m2, gap_tolerance_m2))
    for level, layer in checked.items():
        setattr(report.hierarchy, level, layer.frame.drop(columns=["_index"]).reset_index(drop=True))
    return report


def import_hierarchy(
    *,
    streets: Source | None = None,
    communities: Source | None = None,
    grids: Source | None = None,
    mappings: Mapping[str, Mapping[str, str]] | None = None,
    overlap_tolerance_m2: float = 1.0,
    gap_tolerance_m2: float = 1.0,
    repair_tolerance_m2: float = 1.0,
) -> Hierarchy:
    """Validate like :func:`validate_hierarchy`, then return the clean layers or refuse all.

    Returns
    -------
    Hierarchy
        GeoDataFrames in EPSG:4490 with ``code``, ``name``, the parent codes, ``area_m2``
        (communities and grids) and, for grids, ``serial``.

    Raises
    ------
    ImportFailed
        Listing every problem of every layer; nothing is returned in part.
    """
    report = validate_hierarchy(
        streets=streets,
        communities=communities,
        grids=grids,
        mappings=mappings,
        overlap_tolerance_m2=overlap_tolerance_m2,
        gap_tolerance_m2=gap_tolerance_m2,
        repair_tolerance_m2=repair_tolerance_m2,
    )
    report.raise_for_problems()
    return report.hierarchy


# --------------------------------------------------------------------------- writing


def export_layer(gdf: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write a layer to GeoJSON, GeoPackage or Shapefile (chosen by the file extension).

    Codes are written as text (a code column of integers would lose its meaning and, past
    15 digits in a double, its digits). For shapefiles, long column names are replaced by the
    :data:`SHAPEFILE_ALIASES` that :func:`validate_hierarchy` reads back, rather than cut at
    10 characters by GDAL; any other name longer than 10 characters is refused.
    """
    path = Path(path)
    driver = _DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise ValueError(f"cannot tell the format of {path.name}; use .geojson, .gpkg or .shp")
    out = gdf.copy()
    for col in out.columns:
        if col != out.geometry.name and str(col).endswith("code"):
            out[col] = out[col].map(lambda v: None if v is None or pd.isna(v) else str(v))
    if driver == "ESRI Shapefile":
        out = out.rename(columns=SHAPEFILE_ALIASES)
        too_long = [c for c in out.columns if c != out.geometry.name and len(str(c)) > 10]
        if too_long:
            raise ValueError(f"shapefile field names are limited to 10 characters: {too_long}")
    if out.crs is None:
        raise ValueError("refusing to write a layer without a CRS")
    kwargs: dict[str, Any] = {"driver": driver, "engine": "pyogrio"}
    if driver == "GPKG":
        kwargs["layer"] = layer or path.stem
    if driver == "ESRI Shapefile":
        kwargs["encoding"] = "UTF-8"  # writes a .cpg so Chinese names survive
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_file(path, **kwargs)  # replaces the file (GeoJSON, Shapefile) or the layer (GPKG)
    return path


def export_hierarchy(
    hierarchy: Hierarchy, directory: str | Path, *, fmt: str = "gpkg"
) -> dict[str, Path | tuple[Path, str]]:
    """Write every present layer; ``fmt`` is ``"gpkg"`` (one file, a layer per level),
    ``"geojson"`` or ``"shp"`` (a file per level). Returns level → written source (for GPKG,
    ``(path, layer)`` tuples that :func:`import_hierarchy` accepts directly)."""
    directory = Path(directory)
    written: dict[str, Path | tuple[Path, str]] = {}
    for level in LEVELS:
        frame = getattr(hierarchy, level)
        if frame is None:
            continue
        if fmt == "gpkg":
            path = directory / "hierarchy.gpkg"
            export_layer(frame, path, layer=level)
            written[level] = (path, level)
        elif fmt in ("geojson", "shp"):
            written[level] = export_layer(frame, directory / f"{level}.{fmt}")
        else:
            raise ValueError(f"unknown format {fmt!r}; use gpkg, geojson or shp")
    return written

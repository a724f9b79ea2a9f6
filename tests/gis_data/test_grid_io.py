"""Hierarchy import/validation/export: clean data passes, every malformed input is refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from gis_data.errors import ImportFailed
from gis_data.grid_io import (
    Hierarchy,
    export_hierarchy,
    export_layer,
    import_hierarchy,
    metric_crs,
    read_layer,
    validate_hierarchy,
)

GK = "EPSG:4549"  # CGCS2000 3-degree GK CM 120E, where Suzhou is
X0, Y0 = 560_000.0, 3_464_000.0
_TO_4490 = Transformer.from_crs(GK, "EPSG:4490", always_xy=True)


def _lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_4490.transform(xy[:, 0], xy[:, 1])))


def _box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A metric box (with vertices every 25 m, so it stays straight in lon/lat) in EPSG:4490."""
    return _lonlat(shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1).segmentize(25))


def make_hierarchy() -> Hierarchy:
    """One street, two communities side by side, four 100 m × 100 m grids in each."""
    streets = gpd.GeoDataFrame(
        {"code": ["320508090"], "name": ["锦澜街道"]}, geometry=[_box(0, 0, 400, 200)], crs=4490
    )
    communities = gpd.GeoDataFrame(
        {
            "code": ["320508090001", "320508090002"],
            "name": ["桂园社区", "柳巷社区"],
            "street_code": ["320508090"] * 2,
        },
        geometry=[_box(0, 0, 200, 200), _box(200, 0, 400, 200)],
        crs=4490,
    )
    codes, names, geoms = [], [], []
    for c, x in (("320508090001", 0), ("320508090002", 200)):
        for serial, (dx, dy) in enumerate([(0, 100), (100, 100), (0, 0), (100, 0)], start=1):
            codes.append(f"{c}{serial:03d}")
            names.append(f"第{serial}网格")
            geoms.append(_box(x + dx, dy, x + dx + 100, dy + 100))
    grids = gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=4490)
    return Hierarchy(streets, communities, grids)


@pytest.fixture
def h() -> Hierarchy:
    return make_hierarchy()


def _refused(**layers) -> list[str]:
    """Import must fail as a whole; return the problem lines."""
    report = validate_hierarchy(**layers)
    assert not report.ok
    with pytest.raises(ImportFailed) as err:
        import_hierarchy(**layers)
    assert "nothing was imported" in str(err.value) or "Cannot read" in str(err.value)
    assert [str(p) for p in err.value.problems] == [str(p) for p in report.problems]
    return [str(p) for p in report.problems]


def test_clean_hierarchy_imports(h):
    out = import_hierarchy(streets=h.streets, communities=h.communities, grids=h.grids)
    assert out.grids.crs.to_epsg() == 4490
    assert out.grids["code"].tolist() == h.grids["code"].tolist()
    assert out.grids["community_code"].tolist() == [c[:12] for c in h.grids["code"]]
    assert out.grids["serial"].tolist() == [1, 2, 3, 4] * 2
    assert out.grids["area_m2"].between(9_999, 10_001).all()
    assert out.communities["street_code"].tolist() == ["320508090", "320508090"]


def test_metric_crs_is_the_gauss_kruger_zone_in_china_and_utm_elsewhere():
    assert metric_crs(120.6).to_epsg() == 4549
    assert metric_crs(117.0).to_epsg() == 4548
    helsinki = metric_crs(24.9)  # no CGCS2000 zone there: UTM zone 35's numbers, on CGCS2000
    assert helsinki.name == "CGCS2000 / UTM zone 35N"
    ours = Transformer.from_crs("EPSG:4490", helsinki, always_xy=True).transform(24.9, 60.17)
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32635", always_xy=True).transform(24.9, 60.17)
    assert np.allclose(ours, utm, atol=0.01)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_export_import_round_trip_keeps_codes_and_geometry(h, tmp_path, fmt):
    clean = import_hierarchy(streets=h.streets, communities=h.communities, grids=h.grids)
    written = export_hierarchy(clean, tmp_path, fmt=fmt)
    back = import_hierarchy(**written)
    for level in ("streets", "communities", "grids"):
        a, b = getattr(clean, level), getattr(back, level)
        assert b["code"].tolist() == a["code"].tolist()
        assert all(isinstance(c, str) for c in b["code"])
        assert b["name"].tolist() == a["name"].tolist()  # Chinese names survive (.cpg for shapefiles)
        for ga, gb in zip(a.geometry, b.geometry, strict=True):
            assert shapely.equals_exact(shapely.normalize(ga), shapely.normalize(gb), tolerance=1e-9)
            assert shapely.hausdorff_distance(ga, gb) < 1e-9
    if fmt == "shp":
        info = pyogrio.read_info(written["grids"])
        assert all(len(f) <= 10 for f in info["fields"])
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        assert types["code"] == types["comm_cd"] == "OFTString"


def test_export_writes_integer_codes_as_text(h, tmp_path):
    g = h.grids.copy()
    g["code"] = g["code"].astype("int64")  # as a spreadsheet would hand them over
    path = export_layer(g, tmp_path / "grids.shp")
    assert pyogrio.read_info(path)["ogr_types"][0] == "OFTString"
    assert import_hierarchy(grids=path).grids["code"].iloc[0] == "320508090001001"


def test_numeric_and_legacy_codes_from_someone_elses_shapefile(h, tmp_path):
    g = h.grids.rename(columns={"code": "GRID_CODE", "name": "NAME"})
    g["GRID_CODE"] = [int(c[:12] + c[13:]) for c in g["GRID_CODE"]]  # 14-digit legacy, as integers
    g.to_file(tmp_path / "legacy.shp")
    report = validate_hierarchy(
        grids=tmp_path / "legacy.shp", mappings={"grids": {"code": "GRID_CODE", "name": "NAME"}}
    )
    assert report.ok, report.problems
    assert report.hierarchy.grids["code"].tolist() == h.grids["code"].tolist()
    assert any("legacy 14-digit" in n for n in report.notes)


def test_mapping_to_a_missing_column_is_reported(h):
    problems = _refused(grids=h.grids, mappings={"grids": {"code": "GRID_CODE"}})
    assert problems == ["grids layer: column 'GRID_CODE' (for code) not found; columns: ['code', 'name']"]


def test_geometries_that_are_not_polygons(h):
    g = h.grids.copy()
    g.loc[2, "geometry"] = shapely.LineString(g.geometry.iloc[2].exterior.coords)
    g.loc[5, "geometry"] = g.geometry.iloc[5].centroid
    problems = _refused(grids=g)
    assert (
        "grids feature 2 (code 320508090001003): geometry is a LineString; a grid must be a polygon"
        in problems
    )
    assert "grids feature 5 (code 320508090002002): geometry is a Point; a grid must be a polygon" in problems


def test_self_intersection_is_reported_not_silently_repaired(h):
    g = h.grids.copy()
    (x0, y0, x1, y1) = g.geometry.iloc[1].bounds
    g.loc[1, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # a bow-tie
    problems = _refused(grids=g)
    assert len(problems) == 1
    assert problems[0].startswith(
        "grids feature 1 (code 320508090001002): invalid polygon (Self-intersection["
    )
    assert "fix it in the source" in problems[0]


def test_a_tiny_self_intersection_is_repaired_and_noted(h):
    g = h.grids.copy()
    ring = [
        (X0, Y0 + 100),
        (X0 + 100, Y0 + 100),
        (X0 + 100, Y0 + 200),
        (X0, Y0 + 200),
        (X0 + 0.001, Y0 + 99.999),
    ]
    g.loc[0, "geometry"] = _lonlat(shapely.Polygon(ring))  # a 0.5 mm² loop at one corner
    assert not g.geometry.iloc[0].is_valid
    report = validate_hierarchy(communities=h.communities, grids=g)
    assert report.ok, report.problems
    assert any("grids feature 0" in n and "repaired" in n for n in report.notes)
    assert report.hierarchy.grids.geometry.iloc[0].is_valid


def test_unclosed_ring_in_geojson_names_the_feature(tmp_path):
    path = tmp_path / "open.geojson"
    square = [[120.6, 31.3], [120.601, 31.3], [120.601, 31.301], [120.6, 31.301], [120.6, 31.3]]
    feats = [
        {
            "type": "Feature",
            "properties": {"code": "320508090001001"},
            "geometry": {"type": "Polygon", "coordinates": [square]},
        },
        {
            "type": "Feature",
            "properties": {"code": "320508090001002"},
            "geometry": {"type": "Polygon", "coordinates": [square[:4]]},
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    problems = _refused(grids=path)
    assert problems == [
        "grids feature 1 (code 320508090001002): geometry cannot be read: Points of LinearRing do not form a closed linestring"
    ]


def test_missing_crs_is_an_error(h, tmp_path):
    with pytest.warns(UserWarning, match="crs"):
        h.grids.set_crs(None, allow_override=True).to_file(tmp_path / "noprj.shp")
    assert not (tmp_path / "noprj.prj").exists()
    assert _refused(grids=tmp_path / "noprj.shp") == [
        "grids layer: has no CRS (e.g. a shapefile without .prj); declare it"
    ]


def test_projected_coordinates_under_a_lonlat_crs(h):
    g = h.grids.to_crs(GK).set_crs(4490, allow_override=True)  # metres labelled as degrees
    problems = _refused(grids=g)
    assert len(problems) == 8
    assert "are not (lon, lat) degrees" in problems[0]


@pytest.mark.parametrize(
    ("index", "code", "fragment"),
    [
        (0, "3205080900010011", "has 16 digits; expected 14 or 15"),
        (1, "32050809000100X", "digits only"),
        (2, "320508090001000", "reserved for the community level"),
        (3, "320508090001001", "code 320508090001001 is used twice (also by feature 0)"),
    ],
)
def test_wrong_codes(h, index, code, fragment):
    g = h.grids.copy()
    g.loc[index, "code"] = code
    problems = _refused(grids=g)
    assert len(problems) == 1
    assert problems[0].startswith(f"grids feature {index} (code {code}): ")
    assert fragment in problems[0]


def test_code_inconsistent_with_parent_column(h):
    g = h.grids.copy()
    g["community_code"] = [c[:12] for c in g["code"]]
    g.loc[6, "community_code"] = "320508090001"
    problems = _refused(grids=g)
    assert problems == [
        "grids feature 6 (code 320508090002003): grid code '320508090002003' belongs to community "
        "320508090002, not to its parent community 320508090001"
    ]


def test_grid_code_inconsistent_with_a_street_column(h):
    g = h.grids.copy()
    g["street_code"] = "320508090"
    g.loc[4, "street_code"] = "320508091"
    problems = _refused(grids=g)
    assert problems == [
        "grids feature 4 (code 320508090002001): grid code '320508090002001' belongs to street "
        "320508090, not to 320508091"
    ]


def test_grid_whose_community_is_not_in_the_layer(h):
    g = h.grids.copy()
    g.loc[7, "code"] = "320508090003004"
    problems = _refused(communities=h.communities, grids=g)
    assert (
        "grids feature 7 (code 320508090003004): its community 320508090003 is not in the communities layer"
        in problems
    )


def test_grid_drawn_in_the_wrong_community(h):
    g = h.grids.copy()
    g.loc[1, "geometry"] = _box(150, 100, 250, 200)  # half in the neighbour
    problems = _refused(communities=h.communities, grids=g)
    assert any(
        p.startswith(
            "grids feature 1 (code 320508090001002): extends 5000.0 m² outside its community 320508090001 "
            "(into 320508090002)"
        )
        for p in problems
    )


def test_overlap_and_gap_above_tolerance(h):
    g = h.grids.copy()
    g.loc[0, "geometry"] = _box(0, 90, 100, 200)  # 10 m into grid 3
    g = g.drop(index=5)  # leaves a hole in community 2
    problems = _refused(communities=h.communities, grids=g)
    assert any(
        p.startswith(
            "grids feature 2 (code 320508090001003): overlaps grid feature 0 (code 320508090001001) by 1000.0 m²"
        )
        for p in problems
    )
    assert any(p.startswith("communities feature 1 (code 320508090002): gap of 10000.0 m²") for p in problems)


def test_overlap_below_tolerance_passes(h):
    g = h.grids.copy()
    g.loc[0, "geometry"] = _box(0, 99.995, 100, 200)  # 0.5 m² overlap
    assert validate_hierarchy(communities=h.communities, grids=g).ok
    assert not validate_hierarchy(communities=h.communities, grids=g, overlap_tolerance_m2=0.1).ok


def test_multipart_grid_is_refused(h):
    g = h.grids.copy()
    g.loc[0, "geometry"] = shapely.MultiPolygon([_box(0, 100, 50, 200), _box(60, 100, 100, 200)])
    problems = _refused(grids=g)
    assert problems == [
        "grids feature 0 (code 320508090001001): grid has 2 separate parts; a unit grid must be one closed polygon"
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.geojson", b"", "grids layer: file empty.geojson is empty (0 bytes)"),
        (
            "none.geojson",
            b'{"type": "FeatureCollection", "features": []}',
            "grids layer: contains no features",
        ),
        (
            "notes.txt",
            b"hello, this is not GIS\nsecond line\n",
            "grids layer: notes.txt is not a GIS file GDAL can read (line 1 starts 'hello, this is not GIS')",
        ),
        (
            "broken.geojson",
            b'{"type": "FeatureCollection",\n "features": [}\n',
            "grids layer: broken.geojson is not valid GeoJSON: line 2 column",
        ),
        (
            "table.csv",
            b"code,name\n320508090001001,a\n",
            "grids layer: table.csv has no geometry column: not a GIS layer",
        ),
    ],
)
def test_files_that_are_not_usable_gis_layers(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    problems = _refused(grids=path)
    assert len(problems) == 1
    assert problems[0].startswith(expected)
    with pytest.raises(ImportFailed):
        read_layer(path)


def test_every_problem_of_every_layer_is_listed_at_once(h):
    g = h.grids.copy()
    g.loc[0, "code"] = "1"
    g.loc[3, "geometry"] = g.geometry.iloc[3].centroid
    c = h.communities.copy()
    c.loc[1, "code"] = "320508091002"  # wrong street for its street_code column
    report = validate_hierarchy(streets=h.streets, communities=c, grids=g)
    layers = sorted({p.layer for p in report.problems})
    assert layers == ["communities", "grids"]
    assert {p.index for p in report.problems if p.layer == "grids"} >= {0, 3}


def test_missing_file(tmp_path: Path):
    assert _refused(grids=tmp_path / "nope.gpkg") == [
        f"grids layer: file {tmp_path / 'nope.gpkg'} does not exist"
    ]

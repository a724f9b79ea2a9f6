"""Duplicates at intake (same class, radius, time window, same component), on Chinese and English
requests; merging keeps every reporter, each informed of the outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.duplicates.service import DuplicateConfig, find_duplicates
from backend.models import Case
from tests.backend.district import STEP, cell_centre
from tests.intake.test_desk import register

A_LON, A_LAT = cell_centre(1, 0)


def _register(client, district, description: str, lon=A_LON, lat=A_LAT, minor="06010", kind="event", **kw):
    return register(client, district, description=description, lon=lon, lat=lat, minor_code=minor, kind=kind,
                    **kw)


def test_same_class_near_and_recent_are_duplicates(client, district, db):
    first = _register(client, district, "小区门口堆了很多垃圾，没人清理", caller_contact="13600000001")
    assert first["duplicates"] == []
    # 20 m east, English, same class: a duplicate
    second = _register(client, district, "Rubbish piled up at the estate gate", lon=A_LON + 0.0002,
                       caller_contact="13600000002")
    assert [d["case_id"] for d in second["duplicates"]] == [first["case"]["id"]]
    assert 15 < second["duplicates"][0]["distance_m"] < 25
    # another class at the same place, and the same class 150 m away: not duplicates
    assert _register(client, district, "路灯不亮", minor="06012")["duplicates"] == []
    assert _register(client, district, "垃圾 far", lon=A_LON + 1.5 * STEP)["duplicates"] == []
    # the radius and the window are configuration
    r = client.put("/api/intake-settings/duplicates", json={"radius_m": 10, "window_hours": 24},
                   headers=district.headers("admin"))
    assert r.status_code == 200, r.text
    assert _register(client, district, "垃圾又多了", lon=A_LON - 0.00015)["duplicates"] == []
    later = datetime.now(UTC) + timedelta(hours=30)
    assert find_duplicates(db_session=db, kind="event", minor_code="06010", lon=A_LON, lat=A_LAT, now=later,
                           config=DuplicateConfig(radius_m=50, window_hours=24)) == []
    assert len(find_duplicates(db_session=db, kind="event", minor_code="06010", lon=A_LON, lat=A_LAT, now=later,
                               config=DuplicateConfig(radius_m=50, window_hours=48))) >= 2


def test_same_component_matches_at_any_distance(client, district, db):
    lon, lat = cell_centre(1, 1)  # the district's manhole cover
    first = _register(client, district, "井盖松动，车过有响声", lon=lon, lat=lat, minor="01001", kind="component")
    component_id = db.get(Case, first["case"]["id"]).component_id
    assert component_id is not None
    found = find_duplicates(db_session=db, kind="component", minor_code="01001", lon=lon + 0.01, lat=lat,
                            component_id=component_id)
    assert [(c.case_id, c.same_component) for c in found] == [(first["case"]["id"], True)]


def test_merge_keeps_every_reporter_and_informs_them(client, district):
    op = district.headers("operator")
    kept = _register(client, district, "小区门口垃圾成堆", caller_name="周先生", caller_contact="13600000011")["case"]
    dup = _register(client, district, "Garbage heap at the gate again", channel="wechat", caller_name="Mr Wu",
                    caller_contact="13600000012", lon=A_LON + 0.0001)
    assert [d["case_id"] for d in dup["duplicates"]] == [kept["id"]]
    dup_id = dup["case"]["id"]
    r = client.post(f"/api/desk/cases/{dup_id}/merge", json={"target_case_id": kept["id"], "note": "同一堆垃圾"},
                    headers=op)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "merged"
    reporters = client.get(f"/api/desk/cases/{kept['id']}/reporters", headers=op).json()
    assert {(x["origin_case_id"], x["contact"]) for x in reporters} == {(kept["id"], "13600000011"),
                                                                         (dup_id, "13600000012")}
    dup_reporters = client.get(f"/api/desk/cases/{dup_id}/reporters", headers=op).json()
    assert dup_reporters[0]["informed_status"] == "merged"  # told at once: it continues as the kept case
    masked = client.get(f"/api/desk/cases/{kept['id']}/reporters", headers=district.headers("shift_leader")).json()
    assert {x["contact"] for x in masked} == {"136****0011", "136****0012"}

    assert client.post(f"/api/desk/cases/{kept['id']}/answer", json={"answer": "已通知环卫清运。"},
                       headers=op).status_code == 200
    assert client.post(f"/api/desk/cases/{kept['id']}/inform", headers=op).json() == {"informed": 2}
    assert client.post(f"/api/desk/cases/{kept['id']}/inform", headers=op).json() == {"informed": 0}
    reporters = client.get(f"/api/desk/cases/{kept['id']}/reporters", headers=op).json()
    assert all(x["informed_status"] == "answered" and x["informed_at"] for x in reporters)
    # a merged case cannot absorb more duplicates, and a closed one cannot be a target
    third = _register(client, district, "垃圾", lon=A_LON)["case"]
    assert client.post(f"/api/desk/cases/{third['id']}/merge", json={"target_case_id": kept["id"]},
                       headers=op).status_code == 422


def test_reporters_informed_whatever_closed_the_case(client, district, db):
    from backend.duplicates.service import inform_all_finished

    case = _register(client, district, "垃圾", caller_contact="13600000021")["case"]
    op = district.headers("operator")
    assert client.post(f"/api/desk/cases/{case['id']}/send-to-verify", json={}, headers=op).status_code == 200
    r = client.post(f"/api/cases/{case['id']}/actions", json={"action": "verify_fail", "note": "未发现"},
                    headers=district.headers("inspector"))
    assert r.status_code == 200, r.text
    assert inform_all_finished(db_session=db) == 1
    db.commit()
    assert inform_all_finished(db_session=db) == 0
    reporters = client.get(f"/api/desk/cases/{case['id']}/reporters", headers=op).json()
    assert [(x["informed_status"], bool(x["informed_at"])) for x in reporters] == [("verify_failed", True)]

"""One scripted walk of cases through every step of the loop over HTTP, as the right users;
every other role gets 403 at every step."""

from __future__ import annotations

import uuid

from backend.photos import testimages
from tests.backend.district import ROLES, cell_centre, grid_code

ALL = (*ROLES, "other_department")


def _report(client, district, who="operator", **overrides):
    lon, lat = cell_centre(0, 2)
    body = {"client_uuid": str(uuid.uuid4()), "source": "phone", "kind": "event", "minor_code": "06010",
            "lon": lon, "lat": lat, "description": "路口有暴露垃圾 exposed garbage at the corner",
            "reporter_name": "王女士", "reporter_contact": "13812345678", **overrides}
    r = client.post("/api/reports", json=body, headers=district.headers(who))
    assert r.status_code == 201, r.text
    return r.json()


def _act(client, district, case_id, who, action, expect_status, also_allowed=(), **fields):
    """Every role but ``who`` (and ``also_allowed``) is refused with 403 first; then ``who`` succeeds."""
    body = {"action": action, **fields}
    for other in ALL:
        if other == who or other in also_allowed:
            continue
        r = client.post(f"/api/cases/{case_id}/actions", json=body, headers=district.headers(other))
        assert r.status_code == 403, (other, action, r.status_code, r.text)
        assert r.json()["error"]["message"] and r.json()["error"]["message_zh"]
    r = client.post(f"/api/cases/{case_id}/actions", json=body, headers=district.headers(who))
    assert r.status_code == 200, (who, action, r.text)
    case = r.json()
    assert case["status"] == expect_status, (action, case["status"])
    return case


_seeds = iter(range(1, 1000))


def _photo(client, district, case_id, who, kind="after"):
    # a new picture each time: identical bytes are the same photo and are stored once
    files = [("photos", ("after.jpg", testimages.jpeg(640, 480, seed=next(_seeds)), "image/jpeg"))]
    r = client.post(f"/api/cases/{case_id}/photos?kind={kind}", files=files, headers=district.headers(who))
    assert r.status_code == 201, r.text


def test_hotline_case_through_every_step(client, district):
    case = _report(client, district)
    cid = case["id"]
    assert case["status"] == "reported" and case["grid_code"] == grid_code(0, 2)
    assert case["community_code"] == "320508019044" and case["street_code"] == "320508019"
    assert case["observation_point_id"] is None
    # a public report must be verified on site before filing
    r = client.post(f"/api/cases/{cid}/actions", json={"action": "file"}, headers=district.headers("shift_leader"))
    assert r.status_code == 422 and "requires_verification_done" in r.json()["error"]["details"]["guards"]

    _act(client, district, cid, "operator", "request_verify", "pending_verify")
    tasks = client.get("/api/tasks", headers=district.headers("inspector")).json()
    assert [(t["case_id"], t["kind"]) for t in tasks] == [(cid, "verify")]
    _act(client, district, cid, "inspector", "verify", "verified", note="确认属实")
    assert client.get("/api/tasks", headers=district.headers("inspector")).json() == []
    _act(client, district, cid, "shift_leader", "file", "filed")
    case = _act(client, district, cid, "dispatcher", "dispatch", "dispatched")
    assert case["department_id"] == district.department_id  # routed to the grid's department
    first_due = case["due_at"]
    assert first_due is not None

    _act(client, district, cid, "department", "request_extension", "extension_requested", note="需采购设备")
    case = _act(client, district, cid, "dispatcher", "approve_extension", "dispatched", extension_amount=1)
    assert case["due_at"] > first_due

    _act(client, district, cid, "department", "request_return", "return_requested", note="不属本部门")
    case = _act(client, district, cid, "dispatcher", "approve_return", "filed")
    assert case["department_id"] is None
    _act(client, district, cid, "dispatcher", "dispatch", "dispatched", department_id=district.department_id)

    _act(client, district, cid, "department", "request_shelving", "shelving_requested", note="需长期整治")
    _act(client, district, cid, "dispatcher", "approve_shelving", "shelved")
    _act(client, district, cid, "dispatcher", "resume", "dispatched")

    _act(client, district, cid, "operator", "request_void", "void_requested", also_allowed=("dispatcher",),
         note="疑似重复")
    _act(client, district, cid, "shift_leader", "deny_void", "dispatched", note="并非重复")

    # handling needs an after-photo from the department
    r = client.post(f"/api/cases/{cid}/actions", json={"action": "handle", "note": "已清运"},
                    headers=district.headers("department"))
    assert r.status_code == 422 and "requires_after_photo" in r.json()["error"]["details"]["guards"]
    _photo(client, district, cid, "department")
    _act(client, district, cid, "department", "handle", "handled", note="已清运")
    _act(client, district, cid, "operator", "request_check", "pending_check")
    _photo(client, district, cid, "inspector", kind="evidence")
    case = _act(client, district, cid, "inspector", "check_fail", "dispatched", note="仍有残留")
    assert case["rework_count"] == 1 and case["department_id"] == district.department_id

    _photo(client, district, cid, "department")
    _act(client, district, cid, "department", "handle", "handled", note="已彻底清理")
    _act(client, district, cid, "operator", "request_check", "pending_check")
    _photo(client, district, cid, "inspector", kind="evidence")
    _act(client, district, cid, "inspector", "check_pass", "check_passed")
    case = _act(client, district, cid, "shift_leader", "close", "closed")
    assert case["status_type"] == "closed" and case["timestamps"]["closed_at"]
    _act(client, district, cid, "operator", "reopen", "filed", also_allowed=("shift_leader",),
         note="市民投诉仍未解决")

    detail = client.get(f"/api/cases/{cid}", headers=district.headers("operator")).json()
    actions = [e["action"] for e in detail["events"]]
    assert actions[0] == "report" and actions[-1] == "reopen" and actions.count("handle") == 2
    assert len(detail["photos"]) == 4
    assert detail["reporter_contact"] == "13812345678"  # operators see the caller's number
    masked = client.get(f"/api/cases/{cid}", headers=district.headers("dispatcher")).json()
    assert masked["reporter_contact"] == "138****5678"


def test_inspector_report_void_merge_and_reject(client, district):
    lon, lat = cell_centre(1, 1)
    first = _report(client, district, who="inspector", source="inspector", kind="component",
                    minor_code="01001", lon=lon + 0.00005, lat=lat)
    assert first["component_code"] == district.component_code  # snapped to the cover ~5 m away
    second = _report(client, district, who="inspector", source="inspector", kind="component",
                     minor_code="01001", lon=lon, lat=lat)
    merged = _act(client, district, second["id"], "operator", "merge", "merged", also_allowed=("shift_leader",),
                  target_case_id=first["id"])
    assert merged["merged_into_id"] == first["id"]
    _act(client, district, first["id"], "shift_leader", "file", "filed")
    _act(client, district, first["id"], "dispatcher", "request_void", "void_requested", also_allowed=("operator",),
         note="设施已拆除")
    _act(client, district, first["id"], "shift_leader", "approve_void", "voided")
    third = _report(client, district, who="inspector", source="inspector")
    _act(client, district, third["id"], "shift_leader", "reject", "rejected", note="不属于城管范围")


def test_hotline_answered_on_the_spot(client, district):
    case = _report(client, district)
    _act(client, district, case["id"], "operator", "answer_immediately", "answered", note="已告知清运时间")


def test_out_of_scope_reads_are_forbidden(client, district):
    case = _report(client, district)
    r = client.get(f"/api/cases/{case['id']}", headers=district.headers("department"))
    assert r.status_code == 403
    listed = client.get("/api/cases", headers=district.headers("department")).json()
    assert listed["total"] == 0
    assert client.get("/api/cases").status_code == 401

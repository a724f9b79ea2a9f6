"""Walking a case to the inspector's task inbox through the API, as the centre's staff would."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from backend.photos import testimages
from tests.backend.district import District, cell_centre

_seeds = itertools.count(500)


def _ok(response: Any) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def _act(http: Any, district: District, case_id: int, who: str, action: str, **fields: Any) -> dict:
    return _ok(http.post(f"/api/cases/{case_id}/actions", json={"action": action, **fields},
                         headers=district.headers(who)))


def reported_case(http: Any, district: District, *, cell: tuple[int, int] = (1, 0), minor_code: str = "06010",
                  description: str = "路边暴露垃圾") -> int:
    lon, lat = cell_centre(*cell)
    body = {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": minor_code, "lon": lon, "lat": lat,
            "description": description}
    photo = [("before.jpg", testimages.jpeg(480, 360, seed=next(_seeds)), "image/jpeg")]
    return _ok(http.post("/api/reports", data={"report": json.dumps(body)}, files=[("photos", p) for p in photo],
                         headers=district.headers("inspector")))["id"]


def case_waiting_for_check(http: Any, district: District, **report: Any) -> int:
    """report → file → dispatch → the department's after-photo + handle → operator request_check."""
    case_id = reported_case(http, district, **report)
    _act(http, district, case_id, "shift_leader", "file")
    _act(http, district, case_id, "dispatcher", "dispatch")
    files = [("photos", ("after.jpg", testimages.jpeg(480, 360, seed=next(_seeds)), "image/jpeg"))]
    _ok(http.post(f"/api/cases/{case_id}/photos?kind=after", files=files, headers=district.headers("department")))
    _act(http, district, case_id, "department", "handle", note="已清运")
    case = _act(http, district, case_id, "operator", "request_check")
    assert case["status"] == "pending_check"
    return case_id


def case_waiting_for_verify(http: Any, district: District, *, cell: tuple[int, int] = (0, 2)) -> int:
    """A citizen's hotline report the operator sends out for verification."""
    lon, lat = cell_centre(*cell)
    body = {"client_uuid": str(uuid.uuid4()), "source": "phone", "kind": "event", "minor_code": "06036",
            "lon": lon, "lat": lat, "description": "市民来电：楼道口乱堆杂物", "reporter_name": "李先生",
            "reporter_contact": "13912345678"}
    case_id = _ok(http.post("/api/reports", json=body, headers=district.headers("operator")))["id"]
    assert _act(http, district, case_id, "operator", "request_verify")["status"] == "pending_verify"
    return case_id

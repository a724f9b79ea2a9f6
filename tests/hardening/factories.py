"""Small builders shared by the hardening tests."""

from __future__ import annotations

import json
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.photos import testimages
from tests.backend.district import District, cell_centre

CALLER_PHONE = "13812345678"
CALLER_EMAIL = "caller.private@example.cn"


def report_body(cell: tuple[int, int] = (1, 1), **extra) -> dict:
    lon, lat = cell_centre(*cell)
    return {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06036", "lon": lon, "lat": lat,
            "description": "路边堆放废弃家具", **extra}


def submit_report(client: TestClient, district: District, *, who: str = "inspector", photo: bool = False,
                  seed: int | None = None, **fields) -> dict:
    body = report_body(**fields)
    if photo:
        seed = seed if seed is not None else int(body["client_uuid"][:6], 16)  # distinct photos
        r = client.post("/api/reports", data={"report": json.dumps(body)}, headers=district.headers(who),
                        files=[("photos", ("p.jpg", testimages.jpeg(320, 240, seed=seed), "image/jpeg"))])
    else:
        r = client.post("/api/reports", json=body, headers=district.headers(who))
    assert r.status_code == 201, r.text
    return r.json()


def act(client: TestClient, district: District, case_id: int, who: str, action: str, **fields) -> dict:
    r = client.post(f"/api/cases/{case_id}/actions", json={"action": action, **fields},
                    headers=district.headers(who))
    assert r.status_code == 200, r.text
    return r.json()


def case_with_history(client: TestClient, district: District) -> dict:
    """A hotline case with the caller's private phone and e-mail in its contact and description."""
    case = submit_report(client, district, who="operator", source="phone", reporter_name="王女士",
                         reporter_contact=CALLER_PHONE, description=f"请回电 {CALLER_PHONE}，邮箱 {CALLER_EMAIL}")
    return case


def audit_rows(db: Session) -> list[tuple]:
    db.rollback()  # see what is committed now, not a snapshot from an earlier transaction
    return [tuple(r) for r in db.execute(text(
        "SELECT id, case_id, at, actor_user_id, action, from_status, to_status, note, data_json "
        "FROM case_event ORDER BY id"))]


def table_counts(db: Session, tables: list[str]) -> dict[str, int]:
    db.rollback()
    return {t: int(db.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()) for t in tables}

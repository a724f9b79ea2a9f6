"""The caller's phone number never appears in a list response, an export or a log line.

Numbers enter through every door (desk, Open311, upper-platform transfer, a merged duplicate, an
emergency), both as the contact field and typed into the description; then every list endpoint
is read as every role, the exports (Open311, OGC API, exchange envelopes, dead letters) are
produced, and every captured log record is scanned.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from backend.db import make_engine, make_sessionmaker
from backend.exchange.config import ExchangeConfig
from backend.exchange.reference_receiver import ReferenceReceiver
from backend.exchange.worker import HttpSender, deliver_due
from backend.interop.clients import create_api_client
from tests.backend.district import cell_centre
from tests.intake.test_desk import register, second_operator

PHONES = ["13511112222", "13533334444", "13555556666", "13577778888", "13599990000"]
ROLES = ("inspector", "operator", "shift_leader", "dispatcher", "department", "analyst", "admin")


def test_phone_numbers_never_in_lists_exports_or_logs(client, district, db, settings, caplog):
    caplog.set_level(logging.DEBUG)
    op = district.headers("operator")
    lon, lat = cell_centre(0, 1)
    first = register(client, district, caller_contact=PHONES[0], minor_code="06010",
                     description=f"门口垃圾堆放，回电 {PHONES[0]}")["case"]
    dup = register(client, district, caller_contact=PHONES[1], minor_code="06010", lon=lon + 0.0001,
                   description=f"Garbage at the gate, call me on {PHONES[1]}")
    assert client.post(f"/api/desk/cases/{dup['case']['id']}/merge", json={"target_case_id": first["id"]},
                       headers=op).status_code == 200
    emergency = register(client, district, caller_contact=PHONES[4], description=f"着火了！快来 {PHONES[4]}")
    assert emergency["emergency"] is not None
    _, open311_key = create_api_client(db_session=db, name="app", kind="open311")
    _, platform_key = create_api_client(db_session=db, name="province", kind="upper_platform")
    db.commit()
    r = client.post("/open311/v2/requests.json", data={
        "api_key": open311_key, "service_code": "event-06010", "lat": str(lat), "long": str(lon),
        "phone": PHONES[2], "description": f"垃圾 {PHONES[2]}"})
    assert r.status_code == 201, r.text
    r = client.post("/api/exchange/inbound/cases", headers={"X-Api-Key": platform_key}, json={
        "external_id": "X-1", "kind": "event", "class_code": "06010", "lon": lon, "lat": lat,
        "description": f"转办：垃圾，联系 {PHONES[3]}", "reporter": {"name": "郑女士", "contact": PHONES[3]}})
    assert r.status_code == 201, r.text
    assert client.post(f"/api/desk/cases/{first['id']}/send-to-verify", json={}, headers=op).status_code == 200

    bodies: list[str] = []
    headers = {role: district.headers(role) for role in ROLES}
    headers["operator2"] = second_operator(db, district)
    lists = ["/api/cases", "/api/cases?status=reported", "/api/cases?source=provincial", "/api/tasks",
             "/api/desk/queue", "/api/knowledge?q=垃圾", "/api/exchange/dead-letters", "/api/exchange/status"]
    for h in headers.values():
        for url in lists:
            bodies.append(client.get(url, headers=h).text)
        bodies.append(client.post("/api/desk/check", headers=h, json={
            "description": "垃圾", "kind": "event", "minor_code": "06010", "lon": lon, "lat": lat}).text)
    for url in ("/open311/v2/requests.json", "/open311/v2/requests.xml", "/ogc/collections/cases/items",
                "/api/exchange/inbound/cases/X-1"):
        bodies.append(client.get(url, headers={"X-Api-Key": platform_key}).text)

    engine = make_engine(settings.database_url)
    try:
        factory = make_sessionmaker(engine)
        with ReferenceReceiver() as receiver:
            receiver.state.always_fail = True
            config = ExchangeConfig(endpoint_url=receiver.url, max_attempts=1)
            now = datetime.now(UTC) + timedelta(seconds=1)
            deliver_due(factory=factory, sender=HttpSender(), config=config, now=now)
            bodies.append(client.get("/api/exchange/dead-letters", headers=headers["admin"]).text)
            receiver.state.always_fail = False
            client.post("/api/exchange/dead-letters/replay", headers=headers["admin"], json={})
            deliver_due(factory=factory, sender=HttpSender(), config=config, now=now + timedelta(seconds=1))
            exported = json.dumps(receiver.state.received, ensure_ascii=False)
            assert receiver.state.received and not receiver.state.out_of_order
    finally:
        engine.dispose()
    bodies.append(exported)

    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert caplog.records  # the scan saw log lines (delivery failures are logged)
    for phone in PHONES:
        for body in bodies:
            assert phone not in body, (phone, body[:300])
        assert phone not in logged, phone
    # …while the owning operator still sees the number where the work needs it: the case itself
    detail = client.get(f"/api/desk/cases/{first['id']}", headers=op).json()
    assert detail["caller_contact"] == PHONES[0]

"""Upper-platform exchange: outbox delivery to the reference receiver (a real HTTP server on
127.0.0.1) with failures, back-off, order per case, dead letters and replay; inbound transfers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from backend.db import make_engine, make_sessionmaker
from backend.exchange.config import ExchangeConfig
from backend.exchange.reference_receiver import ReferenceReceiver
from backend.exchange.worker import HttpSender, deliver_due
from backend.interop.clients import create_api_client
from backend.models import OutboxAttempt, OutboxMessage
from tests.backend.district import cell_centre

SCHEMA = json.loads((Path(__file__).parents[2] / "backend" / "exchange" / "case-event-1.0.schema.json")
                    .read_text(encoding="utf-8"))
PHONE = "13712345678"


@pytest.fixture
def factory(settings):
    engine = make_engine(settings.database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _report(client, district, row=0, col=0, kind="event", minor="06010") -> int:
    lon, lat = cell_centre(row, col)
    body = {"client_uuid": str(uuid.uuid4()), "source": "phone", "kind": kind, "minor_code": minor,
            "lon": lon, "lat": lat, "description": f"请回电 {PHONE}", "reporter_name": "赵先生",
            "reporter_contact": PHONE}
    r = client.post("/api/reports", json=body, headers=district.headers("operator"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _act(client, district, case_id, who, action, **fields) -> None:
    r = client.post(f"/api/cases/{case_id}/actions", json={"action": action, **fields},
                    headers=district.headers(who))
    assert r.status_code == 200, r.text


def _busy_cases(client, district) -> list[int]:
    """Three cases with 1, 3 and 4 events: each event is one outbox message."""
    a = _report(client, district, 0, 0)
    b = _report(client, district, 1, 1, kind="component", minor="01001")
    c = _report(client, district, 2, 2)
    for case_id in (b, c):
        _act(client, district, case_id, "operator", "request_verify")
        _act(client, district, case_id, "inspector", "verify")
    _act(client, district, c, "shift_leader", "file")
    return [a, b, c]


def _messages(factory) -> list[OutboxMessage]:
    with factory() as db:
        return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _run_until_quiet(factory, config, start: datetime, ticks: int = 30, step_s: float = 60.0) -> datetime:
    now = start
    for _ in range(ticks):
        deliver_due(factory=factory, sender=HttpSender(), config=config, now=now)
        if all(m.sent_at or m.dead_at for m in _messages(factory)):
            break
        now += timedelta(seconds=step_s)
    return now


def _check_delivered_once_in_order(receiver, messages) -> None:
    state = receiver.state
    assert state.duplicates == [] and state.out_of_order == [] and state.rejected == []
    got = [e["message_id"] for e in state.received]
    assert sorted(got) == [m.id for m in messages]  # every event exactly once
    by_case: dict[int, list[int]] = {}
    for envelope in state.received:
        jsonschema.validate(envelope, SCHEMA, format_checker=jsonschema.FormatChecker())
        by_case.setdefault(envelope["case"]["ref"], []).append(envelope["sequence"])
    for sequences in by_case.values():
        assert sequences == list(range(1, len(sequences) + 1))  # in order per case
    assert PHONE not in json.dumps(state.received, ensure_ascii=False)


def test_endpoint_failing_three_times_then_recovering_gets_every_event_once_in_order(client, district, factory):
    _busy_cases(client, district)
    messages = _messages(factory)
    assert len(messages) == 1 + 3 + 4
    with ReferenceReceiver() as receiver:
        receiver.state.fail_next = 3
        config = ExchangeConfig(endpoint_url=receiver.url, backoff_base_s=5, max_attempts=5, timeout_s=5)
        start = datetime.now(UTC) + timedelta(seconds=1)
        first = deliver_due(factory=factory, sender=HttpSender(), config=config, now=start)
        assert (first.sent, first.failed) == (0, 3)  # the three case heads failed; nothing behind them moved
        # Within the back-off nothing is retried.
        assert deliver_due(factory=factory, sender=HttpSender(), config=config,
                           now=start + timedelta(seconds=4)).failed == 0
        _run_until_quiet(factory, config, start + timedelta(seconds=6))
        assert receiver.state.requests_seen == len(messages) + 3
        _check_delivered_once_in_order(receiver, _messages(factory))
    with factory() as db:
        failures = db.scalars(select(OutboxAttempt).where(OutboxAttempt.status_code == 503)).all()
        assert len(failures) == 3 and all("503" in f.error for f in failures)
    assert all(m.sent_at and not m.dead_at for m in _messages(factory))


def test_permanent_failure_ends_in_dead_letters_and_replay_delivers(client, district, factory):
    case_ids = _busy_cases(client, district)
    admin = district.headers("admin")
    with ReferenceReceiver() as receiver:
        receiver.state.always_fail = True
        r = client.put("/api/exchange/config", headers=admin,
                       json={"endpoint_url": receiver.url, "max_attempts": 3, "backoff_base_s": 1, "token": "s3cret"})
        assert r.status_code == 200, r.text
        assert r.json()["token"] == "***"
        _run_until_quiet(factory, None, datetime.now(UTC) + timedelta(seconds=1))
        assert receiver.state.received == []
        dead = client.get("/api/exchange/dead-letters", headers=admin)
        assert dead.status_code == 200, dead.text
        letters = dead.json()
        assert len(letters) == 3  # each case's head; the rest is held behind it, not dead
        assert {letter["held_behind"] for letter in letters} == {0, 2, 3}
        assert all(len(letter["history"]) == 3 and "503" in letter["last_error"] for letter in letters)
        status = client.get("/api/exchange/status", headers=admin).json()
        assert status["dead"] == 3 and status["pending"] == 5
        for who in ("operator", "dispatcher", "analyst"):
            assert client.get("/api/exchange/dead-letters", headers=district.headers(who)).status_code == 403

        receiver.state.always_fail = False
        first_case_letter = next(x for x in letters if x["case_id"] == case_ids[2])
        r = client.post("/api/exchange/dead-letters/replay", headers=admin,
                        json={"message_ids": [first_case_letter["id"]]})
        assert r.json() == {"replayed": 1}
        deliver_due(factory=factory, sender=HttpSender(), now=datetime.now(UTC) + timedelta(seconds=2))
        assert {e["case"]["ref"] for e in receiver.state.received} == {_ref(client, district, case_ids[2])}
        assert client.post("/api/exchange/dead-letters/replay", headers=admin, json={}).json() == {"replayed": 2}
        r = client.post("/api/exchange/deliver", headers=admin)
        assert r.status_code == 200 and r.json()["sent"] == 4, r.text
        assert client.get("/api/exchange/dead-letters", headers=admin).json() == []
        _check_delivered_once_in_order(receiver, _messages(factory))


def _ref(client, district, case_id: int) -> str:
    return client.get(f"/api/cases/{case_id}", headers=district.headers("operator")).json()["ref"]


def test_inbound_transfers_are_idempotent_and_report_results(client, district, db, factory):
    _, key = create_api_client(db_session=db, name="province-12345", kind="upper_platform")
    db.commit()
    lon, lat = cell_centre(1, 0)
    transfer = {"external_id": "JS-12345-20260314-0042", "kind": "event", "class_code": "06010", "lon": lon,
                "lat": lat, "description": "省平台转办：小区门口垃圾堆积", "reporter": {"name": "钱女士", "contact": PHONE}}
    headers = {"X-Api-Key": key}
    r = client.post("/api/exchange/inbound/cases", json=transfer, headers=headers)
    assert r.status_code == 201, r.text
    ref = r.json()["case_ref"]
    assert r.json()["created"] and r.json()["status"] == "reported"
    again = client.post("/api/exchange/inbound/cases", json=transfer, headers=headers)
    assert again.status_code == 200 and again.json()["case_ref"] == ref and not again.json()["created"]
    changed = client.post("/api/exchange/inbound/cases", json={**transfer, "description": "别的内容"}, headers=headers)
    assert changed.status_code == 409, changed.text
    assert client.post("/api/exchange/inbound/cases", json=transfer, headers={"X-Api-Key": "nope"}).status_code == 401
    assert client.post("/api/exchange/inbound/cases", json=transfer).status_code == 401

    items = client.get("/api/cases?source=provincial", headers=district.headers("operator")).json()["items"]
    assert [c["ref"] for c in items] == [ref]
    case_id = items[0]["id"]
    _act(client, district, case_id, "operator", "request_verify")
    _act(client, district, case_id, "inspector", "verify_fail", note="现场已清理完毕")
    result = client.get(f"/api/exchange/inbound/cases/{transfer['external_id']}", headers=headers).json()
    assert result["status"] == "verify_failed" and result["status_type"] == "closed"
    assert result["result_note"] == "现场已清理完毕"
    assert client.get("/api/exchange/inbound/cases/none", headers=headers).status_code == 404

    with ReferenceReceiver() as receiver:
        config = ExchangeConfig(endpoint_url=receiver.url)
        deliver_due(factory=factory, sender=HttpSender(), config=config, now=datetime.now(UTC) + timedelta(seconds=1))
        envelopes = receiver.state.received
    assert [e["event"]["action"] for e in envelopes] == ["report", "request_verify", "verify_fail"]
    assert all(e["case"]["external_id"] == transfer["external_id"] for e in envelopes)
    last = envelopes[-1]["case"]
    assert last["status_type"] == "closed" and envelopes[-1]["event"]["note"] == "现场已清理完毕"
    assert last["grid_code"] == "320508019044004" and last["county_code"] == "320508"
    assert last["reporter"]["contact"] == "137****5678"


def test_in_app_worker_delivers_on_its_own(settings, district, monkeypatch, db):
    """GRIDWATCH_EXCHANGE_WORKER=1 starts the delivery thread with the app (and stops it with it)."""
    import time

    from fastapi.testclient import TestClient

    from backend.exchange.config import save_config
    from backend.main import create_app

    monkeypatch.setenv("GRIDWATCH_EXCHANGE_WORKER", "1")
    with ReferenceReceiver() as receiver:
        save_config(db, {"endpoint_url": receiver.url})
        db.commit()
        with TestClient(create_app(settings)) as client:
            assert client.app.state.outbox_worker is not None
            _report(client, district)
            deadline = time.monotonic() + 15
            while not receiver.state.received and time.monotonic() < deadline:
                time.sleep(0.1)
            worker = client.app.state.outbox_worker
        assert not worker._thread.is_alive()
        assert [e["event"]["action"] for e in receiver.state.received] == ["report"]

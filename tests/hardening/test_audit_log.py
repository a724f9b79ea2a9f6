"""The audit log (case_event) is append-only in the database itself, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.hardening.factories import act, audit_rows, submit_report

pytestmark = pytest.mark.db


def test_direct_sql_cannot_rewrite_or_delete_events(client, district, engine):
    case = submit_report(client, district, who="inspector")
    act(client, district, case["id"], "shift_leader", "file", note="立案")
    statements = [
        "UPDATE case_event SET note = 'rewritten' WHERE case_id = :cid",
        "UPDATE case_event SET actor_user_id = NULL",
        "DELETE FROM case_event WHERE case_id = :cid",
        "DELETE FROM case_event",
    ]
    for sql in statements:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(sql), {"cid": case["id"]})
            conn.commit()
    with engine.connect() as conn:
        notes = [r[0] for r in conn.execute(text("SELECT note FROM case_event WHERE case_id = :cid ORDER BY id"),
                                            {"cid": case["id"]})]
        assert notes == ["", "立案"]
        # Appending is what the log is for.
        conn.execute(text("INSERT INTO case_event (case_id, at, action, from_status, to_status, note, data_json) "
                          "VALUES (:cid, CURRENT_TIMESTAMP, 'note', 'filed', 'filed', 'appended', '{}')"),
                     {"cid": case["id"]})
        conn.commit()


def test_the_orm_cannot_rewrite_an_event_either(client, district, db):
    from backend.models import CaseEvent

    submit_report(client, district, who="inspector")
    before = audit_rows(db)
    event = db.get(CaseEvent, before[0][0])
    event.note = "rewritten"
    with pytest.raises(DBAPIError, match="append-only"):
        db.commit()
    db.rollback()
    assert audit_rows(db) == before

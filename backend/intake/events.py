"""Timeline entries for intake steps that do not change a case's status.

A callback, an emergency flag, a knowledge-base answer picked, reporters informed: each is a
``CaseEvent`` with ``from_status == to_status`` and an outbox message, exactly like a status
change, so the case history and the upper platform see them too. The status itself is still
written only by ``backend.cases.service.transition``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.models import Case, CaseEvent, User


def note_event(db_session: Session, case: Case, user: User | None, action: str, note: str = "",
               data: dict | None = None, now: datetime | None = None) -> CaseEvent:
    now = now or datetime.now(UTC)
    event = CaseEvent(case_id=case.id, at=now, actor_user_id=None if user is None else user.id, action=action,
                      from_status=case.status, to_status=case.status, note=note,
                      data_json=json.dumps(data or {}, ensure_ascii=False, default=str))
    db_session.add(event)
    # One outbox format for every event: reuse the case service's writer (same package family).
    case_service._queue_outbox(db_session, case, action, now)
    db_session.flush()
    return event

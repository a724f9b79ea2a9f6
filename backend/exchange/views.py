"""Exchange API: the administrator's outbox view (status, dead letters, replay, settings, deliver
now) and the upper platform's inbound door (transferred cases, results)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import func, select

from backend.auth.deps import BearerAuthRoute, require_roles
from backend.catalog.service import get_active_edition
from backend.deps import AppSettings, DbSession
from backend.exchange import inbound
from backend.exchange.config import load_config, save_config
from backend.exchange.worker import HttpSender, deliver_due, replay
from backend.interop.clients import authenticate
from backend.models import Case, OutboxAttempt, OutboxMessage, User

router = APIRouter(prefix="/api/exchange", tags=["exchange"], route_class=BearerAuthRoute)
Admin = Annotated[User, Depends(require_roles("admin"))]


class DeadLetter(BaseModel):
    id: int
    case_id: int | None
    case_ref: str | None
    action: str | None
    created_at: datetime
    attempts: int
    last_error: str
    dead_at: datetime
    held_behind: int  # later messages of the same case waiting for this one
    history: list[dict]


@router.get("/status")
def outbox_status(_: Admin, db: DbSession) -> dict:
    def count(*where) -> int:
        return int(db.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0)

    return {"pending": count(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None)),
            "sent": count(OutboxMessage.sent_at.is_not(None)), "dead": count(OutboxMessage.dead_at.is_not(None)),
            "config": load_config(db).public()}


@router.get("/dead-letters", response_model=list[DeadLetter])
def dead_letters(_: Admin, db: DbSession, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[DeadLetter]:
    """Messages that exhausted their attempts, oldest first, with each attempt's error."""
    rows = db.execute(select(OutboxMessage, Case.ref).outerjoin(Case, Case.id == OutboxMessage.case_id)
                      .where(OutboxMessage.dead_at.is_not(None), OutboxMessage.sent_at.is_(None))
                      .order_by(OutboxMessage.id).limit(limit)).all()
    letters = []
    for message, ref in rows:
        held = db.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.case_id == message.case_id, OutboxMessage.id > message.id,
            OutboxMessage.sent_at.is_(None))) if message.case_id else 0
        history = [{"at": a.at, "status_code": a.status_code, "error": a.error, "duration_ms": a.duration_ms}
                   for a in db.scalars(select(OutboxAttempt).where(OutboxAttempt.message_id == message.id)
                                       .order_by(OutboxAttempt.id))]
        letters.append(DeadLetter(
            id=message.id, case_id=message.case_id, case_ref=ref,
            action=json.loads(message.payload_json).get("action"), created_at=message.created_at,
            attempts=message.attempts, last_error=message.last_error, dead_at=message.dead_at,
            held_behind=int(held or 0), history=history))
    return letters


class ReplayRequest(BaseModel):
    message_ids: list[int] | None = None  # None: every dead message


@router.post("/dead-letters/replay")
def replay_dead_letters(body: ReplayRequest, _: Admin, db: DbSession) -> dict:
    """Queue dead messages again (attempts reset); the worker delivers them in order."""
    return {"replayed": replay(db, body.message_ids)}


@router.post("/deliver")
def deliver_now(request: Request, _: Admin) -> dict:
    """Run one delivery pass now (the background worker does the same every few seconds)."""
    stats = deliver_due(factory=request.app.state.sessionmaker, sender=HttpSender())
    return {"sent": stats.sent, "failed": stats.failed, "dead": stats.dead}


class ConfigUpdate(BaseModel):
    endpoint_url: str | None = None
    token: str | None = None
    timeout_s: float | None = None
    max_attempts: int | None = None
    backoff_base_s: float | None = None
    backoff_cap_s: float | None = None
    batch_size: int | None = None


@router.get("/config")
def get_config(_: Admin, db: DbSession) -> dict:
    return load_config(db).public()


@router.put("/config")
def put_config(body: ConfigUpdate, _: Admin, db: DbSession) -> dict:
    return save_config(db, body.model_dump(exclude_none=True)).public()


def _platform(db: DbSession, x_api_key: Annotated[str | None, Header()] = None) -> User:
    _, user = authenticate(db_session=db, key=x_api_key, kind="upper_platform")
    return user


Platform = Annotated[User, Depends(_platform)]


@router.post("/inbound/cases", response_model=inbound.TransferResult, status_code=201)
def receive_transfer(body: inbound.TransferIn, request: Request, response: Response, user: Platform,
                     db: DbSession, settings: AppSettings) -> inbound.TransferResult:
    """Receive a case transferred by the upper platform; resending the same one returns it (200)."""
    edition = get_active_edition(db_session=db, default=settings.catalog_edition)
    case, created = inbound.receive(db_session=db, cache=request.app.state.spatial_cache, edition=edition,
                                    user=user, transfer=body, timezone=settings.timezone)
    db.commit()
    if not created:
        response.status_code = 200
    return inbound.result_of(db_session=db, case=case, created=created)


@router.get("/inbound/cases/{external_id}", response_model=inbound.TransferResult)
def transfer_result(external_id: str, _: Platform, db: DbSession) -> inbound.TransferResult:
    """The current result of a transferred case (also pushed as outbox events)."""
    return inbound.result_of(db_session=db, case=inbound.find_by_external_id(db_session=db, external_id=external_id))

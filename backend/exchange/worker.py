"""The outbox worker: deliver queued case events to the upper platform, in order per case.

Rules
-----
- Only the oldest undelivered message of a case (its *head*) may be sent; the next one waits
  until the head is delivered, so the receiver sees each case's events in order.
- A failure (connection error, timeout, any non-2xx answer) is recorded as an attempt; the
  message is retried after a doubling delay; after ``max_attempts`` it is *dead*. A dead head
  holds its case's later messages back until an administrator replays it.
- Each message is claimed in its own transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so
  several workers never send the same message at once. The envelope carries ``message_id``: a
  receiver that lost our acknowledgement can drop the repeat.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from backend.cases.service import UPPER_PLATFORM
from backend.exchange.config import ExchangeConfig, load_config
from backend.exchange.envelope import build_envelope
from backend.models import OutboxAttempt, OutboxMessage

log = logging.getLogger("gridwatch.exchange")


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None
    error: str
    duration_ms: int


class Sender(Protocol):
    def send(self, envelope: dict, config: ExchangeConfig) -> SendResult: ...


class HttpSender:
    """POSTs the envelope as JSON; 2xx is success, anything else a failure to retry."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client()

    def send(self, envelope: dict, config: ExchangeConfig) -> SendResult:
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": f"gridwatch-{envelope['message_id']}"}
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        started = time.monotonic()
        try:
            response = self._client.post(config.endpoint_url, json=envelope, headers=headers,
                                         timeout=config.timeout_s)
        except httpx.HTTPError as exc:
            return SendResult(False, None, f"{type(exc).__name__}: {exc}"[:500], _ms(started))
        if 200 <= response.status_code < 300:
            return SendResult(True, response.status_code, "", _ms(started))
        return SendResult(False, response.status_code, f"HTTP {response.status_code}: {response.text[:300]}",
                          _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def __iadd__(self, other: DeliveryStats) -> DeliveryStats:
        self.sent, self.failed, self.dead = self.sent + other.sent, self.failed + other.failed, self.dead + other.dead
        return self


def _undelivered():
    return and_(OutboxMessage.destination == UPPER_PLATFORM, OutboxMessage.sent_at.is_(None))


def due_heads(db_session: Session, now: datetime, limit: int) -> list[int]:
    """Ids of messages that may be sent now: each case's oldest undelivered one, if alive and due."""
    heads = (select(func.min(OutboxMessage.id)).where(_undelivered(), OutboxMessage.case_id.is_not(None))
             .group_by(OutboxMessage.case_id))
    stmt = (select(OutboxMessage.id)
            .where(_undelivered(), OutboxMessage.dead_at.is_(None),
                   or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
                   or_(OutboxMessage.id.in_(heads), OutboxMessage.case_id.is_(None)))
            .order_by(OutboxMessage.id).limit(limit))
    return list(db_session.scalars(stmt))


def _claim(db: Session, message_id: int) -> OutboxMessage | None:
    stmt = select(OutboxMessage).where(OutboxMessage.id == message_id, _undelivered(),
                                       OutboxMessage.dead_at.is_(None))
    if db.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update(skip_locked=True)
    message = db.scalar(stmt)
    if message is None or message.case_id is None:
        return message
    earlier = db.scalar(select(OutboxMessage.id).where(_undelivered(), OutboxMessage.case_id == message.case_id,
                                                       OutboxMessage.id < message.id).limit(1))
    return None if earlier is not None else message  # another worker's view was stale


def deliver_one(db: Session, message_id: int, sender: Sender, config: ExchangeConfig, now: datetime) -> str:
    """Try one message in the caller's transaction: "sent", "failed", "dead" or "skipped"."""
    message = _claim(db, message_id)
    if message is None:
        return "skipped"
    result = sender.send(build_envelope(db, message, sent_at=now), config)
    message.attempts += 1
    db.add(OutboxAttempt(message_id=message.id, at=now, status_code=result.status_code, error=result.error,
                         duration_ms=result.duration_ms))
    if result.ok:
        message.sent_at, message.last_error = now, ""
        return "sent"
    message.last_error = result.error
    if message.attempts >= config.max_attempts:
        message.dead_at = now
        log.warning("outbox message %s is dead after %d attempts: %s", message.id, message.attempts,
                    result.error[:200])
        return "dead"
    message.next_attempt_at = now + timedelta(seconds=config.backoff_seconds(message.attempts))
    return "failed"


def deliver_due(*, factory: sessionmaker[Session], sender: Sender, config: ExchangeConfig | None = None,
                now: datetime | None = None, max_rounds: int = 1000) -> DeliveryStats:
    """Deliver everything due now; a case's next message goes out as soon as its head is sent."""
    now = now or datetime.now(UTC)
    stats = DeliveryStats()
    with factory() as db:
        config = config or load_config(db)
    if not config.endpoint_url:
        return stats
    for _ in range(max_rounds):
        with factory() as db:
            ids = due_heads(db, now, config.batch_size)
        if not ids:
            break
        round_stats = DeliveryStats()
        for message_id in ids:
            with factory() as db, db.begin():
                outcome = deliver_one(db, message_id, sender, config, now)
            if outcome == "sent":
                round_stats.sent += 1
            elif outcome == "failed":
                round_stats.failed += 1
            elif outcome == "dead":
                round_stats.dead += 1
        stats += round_stats
        if round_stats.sent == 0:
            break  # nothing moved: the rest waits for its back-off
    return stats


def replay(db_session: Session, message_ids: list[int] | None, now: datetime | None = None) -> int:
    """Bring dead messages back to life (all dead ones when ``message_ids`` is None)."""
    now = now or datetime.now(UTC)
    stmt = select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None), OutboxMessage.sent_at.is_(None))
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(message_ids))
    count = 0
    for message in db_session.scalars(stmt):
        message.dead_at, message.attempts, message.next_attempt_at = None, 0, now
        count += 1
    return count


class OutboxWorker:
    """A background thread calling :func:`deliver_due` every ``interval`` seconds until stopped."""

    def __init__(self, factory: sessionmaker[Session], sender: Sender | None = None, interval: float = 2.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.factory, self.sender, self.interval = factory, sender or HttpSender(), interval
        self.clock = clock or (lambda: datetime.now(UTC))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gridwatch-outbox", daemon=True)

    def start(self) -> OutboxWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        from backend.duplicates.service import inform_all_finished

        while not self._stop.is_set():
            try:
                # Reporters learn the outcome however the case was closed; those events are then
                # delivered in the same tick.
                with self.factory() as db, db.begin():
                    inform_all_finished(db_session=db, now=self.clock())
                deliver_due(factory=self.factory, sender=self.sender, now=self.clock())
            except Exception:  # a bad tick must not kill the worker; the next one retries
                log.exception("outbox delivery tick failed")
            self._stop.wait(self.interval)

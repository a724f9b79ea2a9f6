"""A local SQLite outbox: each report is written here, with the client UUID it will always be sent
with, and committed *before* anything goes over the network. A run that is killed at any instant
resumes from this file: reports the server already has are answered with the same case (same UUID,
same bytes), the others are created; none is lost, none is sent twice.

Photos stay where they are on disk; the outbox keeps their path and SHA-256, and refuses to send a
photo whose file changed since it was queued (the server would rightly see a different report).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from field_app.client import FieldApiError, FieldClient

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    source_key TEXT NOT NULL UNIQUE,      -- a bulk file's absolute path; a fresh key for one-off reports
    client_uuid TEXT NOT NULL UNIQUE,
    report_json TEXT NOT NULL,            -- the body, frozen: every retry sends exactly this
    photos_json TEXT NOT NULL,            -- [{"path": ..., "sha256": ...}]
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    case_id INTEGER,
    case_ref TEXT,
    grid_code TEXT,
    queued_at TEXT NOT NULL,
    sent_at TEXT
);
"""
# Consecutive network or server failures after which a run stops (the next run resumes).
MAX_CONSECUTIVE_RETRYABLE = 3


@dataclass(frozen=True)
class OutboxItem:
    id: int
    source_key: str
    client_uuid: str
    report: dict[str, Any]
    photos: list[dict[str, str]]
    status: str
    attempts: int
    last_error: str | None
    case_id: int | None
    case_ref: str | None
    grid_code: str | None
    queued_at: str
    sent_at: str | None


@dataclass
class SyncResult:
    sent: int = 0
    failed: int = 0
    pending: int = 0
    stopped_by: FieldApiError | None = None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Outbox:
    """``Outbox(path)``: the queue of reports on this machine."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode; every write below is its own committed transaction.
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a queued report survives a power cut too
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # -- queueing --------------------------------------------------------------------------

    def find(self, source_key: str) -> OutboxItem | None:
        row = self._db.execute("SELECT * FROM outbox WHERE source_key = ?", (source_key,)).fetchone()
        return None if row is None else _item(row)

    def add(self, report: dict[str, Any], photo_paths: Sequence[Path], *, source_key: str | None = None
            ) -> tuple[OutboxItem, bool]:
        """Queue a report (without ``client_uuid``: it is made here, once). Returns (item, added);
        a ``source_key`` already queued returns the existing item and adds nothing."""
        if source_key is not None:
            existing = self.find(source_key)
            if existing is not None:
                return existing, False
        client_uuid = str(uuid.uuid4())
        body = {**report, "client_uuid": client_uuid}
        photos = [{"path": str(p.resolve()), "sha256": sha256_of(p)} for p in photo_paths]
        try:
            with self._write() as db:
                cursor = db.execute(
                    "INSERT INTO outbox (source_key, client_uuid, report_json, photos_json, queued_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (source_key or f"report:{client_uuid}", client_uuid, json.dumps(body, ensure_ascii=False),
                     json.dumps(photos), _now()))
        except sqlite3.IntegrityError:
            # Another run queued the same file a moment ago: theirs stands.
            existing = self.find(source_key) if source_key is not None else None
            if existing is None:
                raise
            return existing, False
        return self.get(int(cursor.lastrowid)), True

    def get(self, item_id: int) -> OutboxItem:
        return _item(self._db.execute("SELECT * FROM outbox WHERE id = ?", (item_id,)).fetchone())

    def items(self, status: str | None = None) -> list[OutboxItem]:
        if status is None:
            rows = self._db.execute("SELECT * FROM outbox ORDER BY id")
        else:
            rows = self._db.execute("SELECT * FROM outbox WHERE status = ? ORDER BY id", (status,))
        return [_item(r) for r in rows]

    def counts(self) -> dict[str, int]:
        counts = {"pending": 0, "sent": 0, "failed": 0}
        counts.update(dict(self._db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()))
        return counts

    def requeue_failed(self) -> int:
        with self._write() as db:
            return db.execute("UPDATE outbox SET status = 'pending', last_error = NULL WHERE status = 'failed'").rowcount

    def delete(self, item_id: int) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM outbox WHERE id = ? AND status != 'sent'", (item_id,)).rowcount == 1

    # -- sending ---------------------------------------------------------------------------

    def _mark(self, item: OutboxItem, **fields: Any) -> None:
        fields["attempts"] = item.attempts + 1
        columns = ", ".join(f"{k} = ?" for k in fields)
        with self._write() as db:
            db.execute(f"UPDATE outbox SET {columns} WHERE id = ?", (*fields.values(), item.id))

    def _photos(self, item: OutboxItem) -> list[tuple[str, bytes]]:
        files = []
        for photo in item.photos:
            path = Path(photo["path"])
            data = path.read_bytes()  # FileNotFoundError is reported as a failure of this item
            if hashlib.sha256(data).hexdigest() != photo["sha256"]:
                raise ValueError(f"{path} changed after it was queued; queue it again as a new report")
            files.append((path.name, data))
        return files

    def _post(self, client: FieldClient, item: OutboxItem) -> dict[str, Any] | FieldApiError:
        """The network half of sending (safe in a worker thread: it does not touch the database)."""
        try:
            photos = self._photos(item)
        except (OSError, ValueError) as exc:
            return FieldApiError(0, "photo_unavailable", str(exc))
        try:
            case, _created = client.submit_report(item.report, photos)
        except FieldApiError as exc:
            return exc
        return case

    def _record(self, item: OutboxItem, outcome: dict[str, Any] | FieldApiError) -> FieldApiError | None:
        """Write down what happened; only an acknowledged report becomes ``sent``."""
        if isinstance(outcome, FieldApiError):
            self._mark(item, status="pending" if outcome.retryable else "failed", last_error=str(outcome))
            return outcome
        self._mark(item, status="sent", last_error=None, case_id=outcome["id"], case_ref=outcome["ref"],
                   grid_code=outcome.get("grid_code"), sent_at=_now())
        return None

    def send_one(self, client: FieldClient, item: OutboxItem) -> FieldApiError | None:
        """Send one item; returns the error that left it pending or failed, None when sent."""
        return self._record(item, self._post(client, item))

    def send_pending(self, client: FieldClient, *, progress: Callable[[OutboxItem, FieldApiError | None], None]
                     | None = None, workers: int = 1) -> SyncResult:
        """Send every pending item, oldest first, ``workers`` at a time. Stops after a few
        consecutive network or server failures (and at once when signed out); what is left stays
        pending for the next run. Results are written down one by one, as they arrive."""
        result = SyncResult()
        queue = iter(self.items("pending"))
        streak = 0
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running: dict[Future, OutboxItem] = {}

            def refill() -> None:
                while len(running) < max(1, workers) and result.stopped_by is None:
                    item = next(queue, None)
                    if item is None:
                        return
                    running[pool.submit(self._post, client, item)] = item

            refill()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    error = self._record(item, future.result())
                    if progress is not None:
                        progress(item, error)
                    if error is None:
                        result.sent += 1
                        streak = 0
                    elif error.retryable:
                        streak += 1
                        if error.status == 401 or streak >= MAX_CONSECUTIVE_RETRYABLE:
                            result.stopped_by = error
                    else:
                        result.failed += 1
                refill()
        result.pending = self.counts()["pending"]
        return result


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"], source_key=row["source_key"], client_uuid=row["client_uuid"],
        report=json.loads(row["report_json"]), photos=json.loads(row["photos_json"]), status=row["status"],
        attempts=row["attempts"], last_error=row["last_error"], case_id=row["case_id"], case_ref=row["case_ref"],
        grid_code=row["grid_code"], queued_at=row["queued_at"], sent_at=row["sent_at"],
    )

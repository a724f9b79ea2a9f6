"""A bounded load generator: inspectors submitting reports with small photos while dispatchers
browse the case list, details and thumbnails. asyncio + httpx, one connection per virtual user.

Every virtual inspector behaves like the field app: a report that got no answer (the server
died, a timeout) is retried with the same ``client_uuid`` until it is acknowledged or the run
ends, so a crash in the middle tests idempotent resubmission too. Used by the in-suite quick
variants (tests/hardening) and the full runs (bench/load_test.py, bench/bench_faults.py).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.service import create_user, issue_token
from backend.models import Case, Photo
from backend.photos import testimages
from backend.photos.storage import PhotoStore
from tests.backend.district import PASSWORD, X0, Y0, grid_code

DISTRICT_SPAN = 0.003  # the test district: 3 × 3 cells of 0.001°


@dataclass
class LoadConfig:
    base_url: str
    inspector_tokens: list[str]
    dispatcher_tokens: list[str]
    inspectors: int = 50
    dispatchers: int = 10
    duration_s: float = 300.0
    inspector_think_s: tuple[float, float] = (1.0, 3.0)
    dispatcher_think_s: tuple[float, float] = (0.5, 1.5)
    photo_size: tuple[int, int] = (640, 480)
    timeout_s: float = 30.0
    seed: int = 1


@dataclass
class LoadResult:
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # unexpected answers while the server was up
    transport_failures: int = 0  # no answer at all (expected only while a fault is injected)
    last_transport_error: str = ""
    unavailable: int = 0  # 503 answers (expected only while the database is down); retried
    unavailable_without_hint: int = 0  # 503 answers lacking Retry-After: always a defect
    acknowledged: dict[str, int] = field(default_factory=dict)  # client_uuid → case id
    replays: int = 0  # retries answered 200 with the case a lost answer had created
    elapsed_s: float = 0.0

    def record(self, kind: str, status: int, ms: float) -> None:
        self.latencies_ms.setdefault(kind, []).append(ms)
        counts = self.statuses.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + 1

    def summary(self) -> dict:
        def pct(values: list[float], p: float) -> float:
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1) if ordered else 0.0

        every = [v for values in self.latencies_ms.values() for v in values]
        out = {"elapsed_s": round(self.elapsed_s, 1), "requests": len(every),
               "requests_per_s": round(len(every) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
               "errors": len(self.errors), "transport_failures": self.transport_failures,
               "last_transport_error": self.last_transport_error, "unavailable_503": self.unavailable, "unavailable_without_retry_after": self.unavailable_without_hint,
               "acknowledged_reports": len(self.acknowledged), "replays": self.replays,
               "p50_ms": pct(every, 50), "p95_ms": pct(every, 95), "p99_ms": pct(every, 99), "by_kind": {}}
        for kind, values in sorted(self.latencies_ms.items()):
            out["by_kind"][kind] = {"n": len(values), "p50_ms": pct(values, 50), "p95_ms": pct(values, 95),
                                    "p99_ms": pct(values, 99), "statuses": self.statuses.get(kind, {})}
        return out


def make_staff(db: Session, role: str, count: int, *, prefix: str) -> list[str]:
    """``count`` accounts of ``role`` (inspectors patrol the whole test district); their tokens."""
    grids = [grid_code(r, c) for r in range(3) for c in range(3)] if role == "inspector" else []
    tokens = []
    for i in range(count):
        user = create_user(db_session=db, username=f"{prefix}{i:03d}", password=PASSWORD, role=role,
                           display_name=f"{prefix}{i:03d}", grid_codes=grids)
        tokens.append(issue_token(db_session=db, user=user, ttl_minutes=240))
    db.commit()
    return tokens


def photo_pool(count: int, size: tuple[int, int], seed: int) -> list[bytes]:
    return [testimages.jpeg(*size, seed=seed * 10_000 + i, quality=80) for i in range(count)]


def _retry_hint(r: httpx.Response, result: LoadResult) -> float:
    result.unavailable += 1
    hint = r.headers.get("retry-after", "")
    if not hint.isdigit():
        result.unavailable_without_hint += 1
        return 1.0
    return min(float(hint), 2.0)  # a bounded run waits at most 2 s per hint


async def _inspector(n: int, cfg: LoadConfig, result: LoadResult, photos: list[bytes], stop_at: float,
                     rng: random.Random) -> None:
    token = cfg.inspector_tokens[n % len(cfg.inspector_tokens)]
    async with httpx.AsyncClient(base_url=cfg.base_url, timeout=cfg.timeout_s,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < stop_at:
            body = {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06036",
                    "lon": X0 + rng.uniform(0.0001, DISTRICT_SPAN - 0.0001),
                    "lat": Y0 + rng.uniform(0.0001, DISTRICT_SPAN - 0.0001),
                    "description": f"load inspector {n}: 占道堆物"}
            photo = photos[rng.randrange(len(photos))]
            answered = False
            while not answered and time.monotonic() < stop_at + cfg.timeout_s:
                started = time.perf_counter()
                try:
                    r = await http.post("/api/reports", data={"report": json.dumps(body)},
                                        files=[("photos", ("p.jpg", photo, "image/jpeg"))])
                except httpx.TransportError as exc:
                    result.transport_failures += 1
                    result.last_transport_error = repr(exc)[:200]
                    await asyncio.sleep(0.5)  # the field app retries the same report later
                    continue
                result.record("report", r.status_code, (time.perf_counter() - started) * 1000)
                if r.status_code == 503:
                    await asyncio.sleep(_retry_hint(r, result))
                    continue  # nothing was saved: send the same report again
                answered = True
                if r.status_code in (200, 201):
                    result.acknowledged[body["client_uuid"]] = r.json()["id"]
                    result.replays += r.status_code == 200
                else:
                    result.errors.append(f"report {r.status_code}: {r.text[:200]}")
            await asyncio.sleep(rng.uniform(*cfg.inspector_think_s))


async def _dispatcher(n: int, cfg: LoadConfig, result: LoadResult, stop_at: float, rng: random.Random) -> None:
    token = cfg.dispatcher_tokens[n % len(cfg.dispatcher_tokens)]

    async def get(kind: str, url: str, **params) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = await http.get(url, params=params)
        except httpx.TransportError:
            result.transport_failures += 1
            await asyncio.sleep(0.5)
            return None
        result.record(kind, r.status_code, (time.perf_counter() - started) * 1000)
        if r.status_code == 503:
            await asyncio.sleep(_retry_hint(r, result))
            return None
        if r.status_code != 200:
            result.errors.append(f"{kind} {r.status_code}: {r.text[:200]}")
            return None
        return r

    async with httpx.AsyncClient(base_url=cfg.base_url, timeout=cfg.timeout_s,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < stop_at:
            filters = rng.choice([{}, {"status_type": "open"}, {"grid": grid_code(rng.randrange(3), rng.randrange(3))},
                                  {"bbox": f"{X0},{Y0},{X0 + 0.0015},{Y0 + 0.0015}"}, {"offset": 50}])
            page = await get("case_list", "/api/cases", limit=50, **filters)
            items = page.json()["items"] if page is not None else []
            if items:
                case = await get("case_detail", f"/api/cases/{rng.choice(items)['id']}")
                photos = case.json()["photos"] if case is not None else []
                if photos:
                    await get("photo_thumb", photos[0]["thumb_url"])
            await asyncio.sleep(rng.uniform(*cfg.dispatcher_think_s))


async def run_load(cfg: LoadConfig, *, during: Callable[[float, LoadResult], object] | None = None) -> LoadResult:
    """Run for ``cfg.duration_s``; ``during(elapsed, result_so_far)`` is polled every 0.25 s (faults)."""
    result = LoadResult()
    photos = photo_pool(min(100, cfg.inspectors * 4), cfg.photo_size, cfg.seed)
    started = time.monotonic()
    stop_at = started + cfg.duration_s
    rng = random.Random(cfg.seed)
    tasks = [asyncio.create_task(_inspector(i, cfg, result, photos, stop_at, random.Random(rng.random())))
             for i in range(cfg.inspectors)]
    tasks += [asyncio.create_task(_dispatcher(i, cfg, result, stop_at, random.Random(rng.random())))
              for i in range(cfg.dispatchers)]
    while not all(t.done() for t in tasks):
        if during is not None:
            outcome = during(time.monotonic() - started, result)
            if asyncio.iscoroutine(outcome):
                await outcome
        await asyncio.sleep(0.25)
    for t in tasks:
        t.result()  # a bug in the generator itself must not pass silently
    result.elapsed_s = time.monotonic() - started
    return result


@dataclass
class Verification:
    missing: list[str]  # acknowledged but not in the database
    without_photo: list[str]  # in the database without exactly one photo row
    photo_files_missing: list[str]  # photo rows whose original file is not in the store
    duplicates: int  # client_uuids stored more than once (cannot happen: unique index)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.without_photo or self.photo_files_missing or self.duplicates)


def verify_reports(db: Session, acknowledged: dict[str, int], photo_dir) -> Verification:
    db.rollback()
    uuids = list(acknowledged)
    stored: dict[str, int] = {}
    for i in range(0, len(uuids), 500):
        stored.update(db.execute(select(Case.client_uuid, Case.id).where(Case.client_uuid.in_(uuids[i:i + 500]))).all())
    photo_counts = dict(db.execute(select(Photo.case_id, func.count()).group_by(Photo.case_id)).all())
    store = PhotoStore(photo_dir)
    keys = {p.case_id: p.storage_key for p in db.scalars(select(Photo))}
    duplicates = db.scalar(select(func.count()).select_from(
        select(Case.client_uuid).group_by(Case.client_uuid).having(func.count() > 1).subquery()))
    return Verification(
        missing=[u for u in uuids if u not in stored],
        without_photo=[u for u, cid in stored.items() if photo_counts.get(cid) != 1],
        photo_files_missing=[u for u, cid in stored.items() if cid in keys and not store.path_for(keys[cid]).is_file()],
        duplicates=int(duplicates or 0),
    )

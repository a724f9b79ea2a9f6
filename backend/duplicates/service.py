"""Duplicates: open cases of the same class near the same place and time, or on the same
component; merging them keeps every reporter on the surviving case.

The search radius and time window are configuration (setting ``duplicates.config``). Candidates
come from the spatial index (a bounding box around the point), then an exact great-circle
distance; the same component matches at any distance.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.cases import workflow as wf
from backend.cases.schemas import ActionRequest
from backend.errors import NotFound, Unprocessable
from backend.intake.events import note_event
from backend.models import Case, CaseReporter, Setting, User
from backend.spatial import bbox_filter
from backend.worktime import WorkCalendar

CONFIG_KEY = "duplicates.config"
EARTH_RADIUS_M = 6_371_008.8
OPEN_STATUSES = tuple(s.value for s in wf.Status if wf.is_open(s))


@dataclass(frozen=True)
class DuplicateConfig:
    radius_m: float = 50.0
    window_hours: float = 72.0

    def __post_init__(self) -> None:
        if not (0 < self.radius_m <= 5000 and 0 < self.window_hours <= 24 * 365):
            raise Unprocessable("radius_m must be in (0, 5000] and window_hours in (0, 8760].",
                                "半径须在 (0, 5000] 米内，时间窗须在 (0, 8760] 小时内。")


def get_config(db_session: Session) -> DuplicateConfig:
    row = db_session.get(Setting, CONFIG_KEY)
    return DuplicateConfig(**json.loads(row.value_json)) if row else DuplicateConfig()


def set_config(db_session: Session, config: DuplicateConfig) -> DuplicateConfig:
    row = db_session.get(Setting, CONFIG_KEY)
    value = json.dumps(asdict(config))
    if row is None:
        db_session.add(Setting(key=CONFIG_KEY, value_json=value))
    else:
        row.value_json = value
    return config


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Candidate:
    case_id: int
    ref: str
    status: str
    reported_at: datetime
    distance_m: float | None
    same_component: bool
    description: str


def find_duplicates(
    *, db_session: Session, kind: str, minor_code: str, lon: float, lat: float, component_id: int | None = None,
    exclude_case_id: int | None = None, now: datetime | None = None, config: DuplicateConfig | None = None,
) -> list[Candidate]:
    """Open cases of the class within the radius and window (or on the component), nearest first."""
    config = config or get_config(db_session)
    now = now or datetime.now(UTC)
    dlat = config.radius_m / 111_320.0
    dlon = config.radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    dialect = db_session.get_bind().dialect.name
    near = bbox_filter(Case, dialect, (lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    where = [near] if component_id is None else [or_(near, Case.component_id == component_id)]
    stmt = (select(Case, func.ST_X(Case.geom), func.ST_Y(Case.geom))
            .where(Case.kind == kind, Case.minor_code == minor_code, Case.status.in_(OPEN_STATUSES),
                   Case.merged_into_id.is_(None), Case.reported_at >= now - timedelta(hours=config.window_hours),
                   *where))
    if exclude_case_id is not None:
        stmt = stmt.where(Case.id != exclude_case_id)
    found = []
    for case, x, y in db_session.execute(stmt):
        dist = distance_m(lon, lat, x, y) if x is not None else None
        same = component_id is not None and case.component_id == component_id
        if same or (dist is not None and dist <= config.radius_m):
            found.append(Candidate(case.id, case.ref, case.status, case.reported_at,
                                   None if dist is None else round(dist, 1), same, case.description))
    return sorted(found, key=lambda c: (not c.same_component, c.distance_m or 0.0, c.case_id))


def ensure_reporter(db_session: Session, case: Case) -> None:
    """The case's own reporter as a row (cases from /api/reports have none yet)."""
    exists = db_session.scalar(select(CaseReporter.id).where(CaseReporter.case_id == case.id,
                                                             CaseReporter.origin_case_id == case.id))
    if exists is None:
        db_session.add(CaseReporter(case_id=case.id, origin_case_id=case.id, channel=case.source,
                                    name=case.reporter_name, contact=case.reporter_contact, added_at=case.reported_at))
        db_session.flush()


def merge(*, db_session: Session, case_id: int, target_case_id: int, user: User, note: str,
          calendar: WorkCalendar, now: datetime | None = None) -> Case:
    """Merge a duplicate into ``target`` (workflow action ``merge``) and carry its reporters over.

    The duplicate's reporters are told at once that their request continues as the target case;
    they are told the final outcome with the target's other reporters.
    """
    now = now or datetime.now(UTC)
    duplicate, target = db_session.get(Case, case_id), db_session.get(Case, target_case_id)
    if duplicate is None or target is None:
        raise NotFound("The case or the merge target does not exist.", "案件或合并目标不存在。")
    ensure_reporter(db_session, duplicate)
    ensure_reporter(db_session, target)
    case_service.transition(db_session=db_session, case_id=case_id, user=user, calendar=calendar, now=now,
                            req=ActionRequest(action="merge", target_case_id=target_case_id, note=note))
    carried = 0
    for reporter in list(db_session.scalars(select(CaseReporter).where(CaseReporter.case_id == case_id))):
        already = db_session.scalar(select(CaseReporter.id).where(
            CaseReporter.case_id == target_case_id, CaseReporter.origin_case_id == reporter.origin_case_id))
        if already is None:
            db_session.add(CaseReporter(case_id=target_case_id, origin_case_id=reporter.origin_case_id,
                                        channel=reporter.channel, name=reporter.name, contact=reporter.contact,
                                        added_at=now))
            carried += 1
        reporter.informed_at, reporter.informed_status = now, wf.Status.MERGED.value
    note_event(db_session, target, user, "absorb_duplicate", note,
               {"duplicate_case_id": case_id, "duplicate_ref": duplicate.ref, "reporters_added": carried}, now)
    return duplicate


def reporters_of(db_session: Session, case_id: int) -> list[CaseReporter]:
    return list(db_session.scalars(select(CaseReporter).where(CaseReporter.case_id == case_id)
                                   .order_by(CaseReporter.id)))


def inform_reporters(*, db_session: Session, case: Case, user: User | None, now: datetime | None = None) -> int:
    """Tell every reporter of a finished case its outcome (recorded once per outcome)."""
    if wf.is_open(case.status):
        return 0
    now = now or datetime.now(UTC)
    ensure_reporter(db_session, case)
    pending = [r for r in reporters_of(db_session, case.id) if r.informed_status != case.status]
    for reporter in pending:
        reporter.informed_at, reporter.informed_status = now, case.status
    if pending:
        note_event(db_session, case, user, "inform_reporters", wf.status_label(case.status),
                   {"reporters": len(pending), "status": case.status}, now)
    return len(pending)


def inform_all_finished(*, db_session: Session, now: datetime | None = None, limit: int = 500) -> int:
    """Inform the reporters of every finished case not yet told its outcome (whatever closed it)."""
    closed = [s.value for s in wf.Status if not wf.is_open(s)]
    pending = (select(CaseReporter.case_id).join(Case, Case.id == CaseReporter.case_id)
               .where(Case.status.in_(closed),
                      or_(CaseReporter.informed_status.is_(None), CaseReporter.informed_status != Case.status))
               .distinct().limit(limit))
    total = 0
    for case in db_session.scalars(select(Case).where(Case.id.in_(pending))):
        total += inform_reporters(db_session=db_session, case=case, user=None, now=now)
    return total

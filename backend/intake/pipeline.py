"""What every new request goes through, whatever door it came in by (desk, Open311, upper platform):
its reporter is recorded, the emergency rules run at once, and possible duplicates are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.duplicates.service import Candidate, ensure_reporter, find_duplicates
from backend.emergency.service import EmergencyFlag, flag_case
from backend.models import Case, User


@dataclass
class IntakeOutcome:
    emergency: EmergencyFlag | None = None
    duplicates: list[Candidate] = field(default_factory=list)


def after_create(*, db_session: Session, case: Case, user: User | None, created: bool,
                 now: datetime | None = None) -> IntakeOutcome:
    """Run the intake checks on a newly created case (nothing for a replayed submission)."""
    now = now or datetime.now(UTC)
    outcome = IntakeOutcome()
    if created:
        ensure_reporter(db_session, case)
        outcome.emergency = flag_case(db_session=db_session, case=case, user=user, now=now)
    if outcome.emergency is None and case.geom is not None:
        lon, lat = db_session.execute(select(func.ST_X(Case.geom), func.ST_Y(Case.geom))
                                      .where(Case.id == case.id)).one()
        outcome.duplicates = find_duplicates(db_session=db_session, kind=case.kind, minor_code=case.minor_code,
                                             lon=lon, lat=lat, component_id=case.component_id,
                                             exclude_case_id=case.id, now=now)
    return outcome

"""One call to create a case from any intake door (desk, Open311, upper platform)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.cases.locate import SpatialCache
from backend.cases.photos import StoredPhoto
from backend.cases.schemas import ReportCreate
from backend.models import Case, User


def create_case(*, db_session: Session, cache: SpatialCache, edition: str, user: User, report: ReportCreate,
                photos: list[StoredPhoto], timezone: str) -> tuple[Case, bool]:
    """``(case, created)``; ``created`` is False for a replay of the same submission."""
    result = case_service.create_report(db_session=db_session, cache=cache, edition=edition, user=user,
                                        report=report, photos=photos, timezone=timezone)
    # The case service returns a (case, created) pair or a record with those two fields.
    if isinstance(result, tuple):
        return result
    return result.case, result.created

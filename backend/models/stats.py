"""Statistics storage: covering indexes on ``case_record`` and the daily rollup table.

Indexes: the dashboard counts cases by cohort, received (``reported_at``) and filed
(``filed_at``). Each cohort gets an index on its timestamp that, on PostGIS, also *includes*
every column the cohort's measures and the common filters read, so a window of 10^6 cases is
counted by an index-only range scan without reading the wide case rows. SQLite has no INCLUDE:
there they are plain timestamp indexes. ``updated_at`` is indexed so the rollup finds the cases
changed since its last refresh without a full scan.

``stats_daily``: the unfiltered dashboard's counts per local day, maintained incrementally by
:mod:`backend.stats.rollup` (days touched by changed cases are recounted), so a whole year of
the dashboard reads a few thousand small rows instead of half a million cases.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base
from backend.models.case import Case

INTAKE_COLUMNS = ("merged_into_id", "source", "kind", "minor_code", "status", "dispatched_at", "satisfaction",
                  "department_id", "street_code")
FILED_COLUMNS = ("merged_into_id", "status", "source", "kind", "minor_code", "dispatched_at", "handled_at",
                 "verified_at", "handled_on_time", "closed_on_time", "rework_count", "extension_count",
                 "department_id", "street_code")

CASE_INTAKE_INDEX = Index("ix_case_record_stats_intake", Case.reported_at, postgresql_include=list(INTAKE_COLUMNS))
CASE_FILED_INDEX = Index("ix_case_record_stats_filed", Case.filed_at, postgresql_include=list(FILED_COLUMNS))
CASE_UPDATED_INDEX = Index("ix_case_record_stats_updated", Case.updated_at)

# The measures a rollup row counts (backend.stats.measures, intake and filed cohorts).
ROLLUP_MEASURES = ("received", "hotline", "answered", "dispatched", "events", "components", "rated", "satisfied",
                   "dissatisfied", "filed", "voided", "should_close", "closed", "closed_on_time", "should_handle",
                   "handled", "handled_on_time", "reworked", "extended", "public_verified")


class StatsDaily(Base):
    """Counts of one cohort on one local day, whole (dim "all") or per source or catalog class."""

    __tablename__ = "stats_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    cohort: Mapped[str] = mapped_column(String(8), primary_key=True)  # intake | filed
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)  # all | source | class
    value: Mapped[str] = mapped_column(String(24), primary_key=True)  # "" | source | "kind:minor"
    received: Mapped[int] = mapped_column(Integer, default=0)
    hotline: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int] = mapped_column(Integer, default=0)
    components: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    dissatisfied: Mapped[int] = mapped_column(Integer, default=0)
    filed: Mapped[int] = mapped_column(Integer, default=0)
    voided: Mapped[int] = mapped_column(Integer, default=0)
    should_close: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    closed_on_time: Mapped[int] = mapped_column(Integer, default=0)
    should_handle: Mapped[int] = mapped_column(Integer, default=0)
    handled: Mapped[int] = mapped_column(Integer, default=0)
    handled_on_time: Mapped[int] = mapped_column(Integer, default=0)
    reworked: Mapped[int] = mapped_column(Integer, default=0)
    extended: Mapped[int] = mapped_column(Integer, default=0)
    public_verified: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["CASE_FILED_INDEX", "CASE_INTAKE_INDEX", "CASE_UPDATED_INDEX", "ROLLUP_MEASURES", "StatsDaily"]

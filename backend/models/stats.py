"""Indexes the statistics need on ``case_record`` (no tables of their own).

The dashboard counts cases by cohort: received (``reported_at``) and filed (``filed_at``). Each
cohort gets an index on its timestamp that, on PostGIS, also *includes* every column the
cohort's measures and the common filters read, so a month of 10^6 cases is counted by an
index-only range scan without reading the (wide) case rows (bench/bench_kpis.py). SQLite has no
INCLUDE: there they are plain timestamp indexes. Declared here, against the case table, so the
models and migration 0005_stats stay in step.
"""

from __future__ import annotations

from sqlalchemy import Index

from backend.models.case import Case

INTAKE_COLUMNS = ("merged_into_id", "source", "kind", "minor_code", "status", "dispatched_at", "satisfaction",
                  "department_id", "street_code")
FILED_COLUMNS = ("merged_into_id", "status", "source", "kind", "minor_code", "dispatched_at", "handled_at",
                 "verified_at", "handled_on_time", "closed_on_time", "rework_count", "extension_count",
                 "department_id", "street_code")

CASE_INTAKE_INDEX = Index("ix_case_record_stats_intake", Case.reported_at, postgresql_include=list(INTAKE_COLUMNS))
CASE_FILED_INDEX = Index("ix_case_record_stats_filed", Case.filed_at, postgresql_include=list(FILED_COLUMNS))

__all__ = ["CASE_FILED_INDEX", "CASE_INTAKE_INDEX"]

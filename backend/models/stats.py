"""Indexes the statistics need on ``case_record`` (no tables of their own).

The dashboard counts cases by cohort: received (``reported_at``, already indexed) and filed
(``filed_at``). Without an index on ``filed_at`` every closure figure is a full scan of the case
table; with it a month of 10^6 cases is an index range scan (bench/bench_kpis.py). Declared here,
against the case table, so models and migration 0005_stats stay in step.
"""

from __future__ import annotations

from sqlalchemy import Index

from backend.models.case import Case

CASE_FILED_AT_INDEX = Index("ix_case_record_filed_at", Case.filed_at)

__all__ = ["CASE_FILED_AT_INDEX"]

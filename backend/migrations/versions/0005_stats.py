"""Statistics: covering indexes for the intake (reported_at) and filed (filed_at) cohorts, an
index on case_record.updated_at, and the daily rollup table stats_daily.

On PostGIS each cohort index INCLUDEs the columns the cohort's measures and common filters read,
so the dashboard counts by index-only scans; SQLite ignores INCLUDE (plain timestamp indexes).

Revision ID: 0005_stats
Revises: 0001
Create Date: 2026-11-25 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_stats"
down_revision = "0001"
branch_labels = None
depends_on = None

INTAKE_COLUMNS = ["merged_into_id", "source", "kind", "minor_code", "status", "dispatched_at", "satisfaction",
                  "department_id", "street_code"]
FILED_COLUMNS = ["merged_into_id", "status", "source", "kind", "minor_code", "dispatched_at", "handled_at",
                 "verified_at", "handled_on_time", "closed_on_time", "rework_count", "extension_count",
                 "department_id", "street_code"]


MEASURES = ["received", "hotline", "answered", "dispatched", "events", "components", "rated", "satisfied",
            "dissatisfied", "filed", "voided", "should_close", "closed", "closed_on_time", "should_handle",
            "handled", "handled_on_time", "reworked", "extended", "public_verified"]


def upgrade() -> None:
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cohort", sa.String(length=8), nullable=False),
        sa.Column("dim", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=24), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in MEASURES),
        sa.PrimaryKeyConstraint("day", "cohort", "dim", "value", name=op.f("pk_stats_daily")),
    )
    # Plain CREATE INDEX (no batch mode): SpatiaLite never copies the spatial case table.
    op.create_index("ix_case_record_stats_intake", "case_record", ["reported_at"], unique=False,
                    postgresql_include=INTAKE_COLUMNS)
    op.create_index("ix_case_record_stats_filed", "case_record", ["filed_at"], unique=False,
                    postgresql_include=FILED_COLUMNS)
    op.create_index("ix_case_record_stats_updated", "case_record", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_record_stats_updated", table_name="case_record")
    op.drop_index("ix_case_record_stats_filed", table_name="case_record")
    op.drop_index("ix_case_record_stats_intake", table_name="case_record")
    op.drop_table("stats_daily")

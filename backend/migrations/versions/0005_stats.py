"""Statistics: an index on case_record.filed_at (the filed cohort of every closure figure).

Revision ID: 0005_stats
Revises: 0001
Create Date: 2026-11-25 14:00:00
"""
from alembic import op

revision = "0005_stats"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX: no batch mode, so SpatiaLite never copies the spatial case table.
    op.create_index("ix_case_record_filed_at", "case_record", ["filed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_record_filed_at", table_name="case_record")

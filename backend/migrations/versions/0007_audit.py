"""The audit log is append-only: the database itself refuses UPDATE and DELETE on case_event.

Every change to a case appends a ``case_event`` row; those rows are the evidence behind every
KPI and every department's assessment, so no code path, API route, role or hand-typed SQL may
rewrite them. Application code never updates or deletes events; these triggers make sure a bug
or an operator with a SQL prompt cannot either. Inserts are untouched.

TRUNCATE and DROP are left alone on purpose (tests empty tables that way, and restoring a backup
replaces whole tables); in production the application's database role should own no tables, so
it cannot run either. A future migration that rebuilds ``case_event`` on SQLite (batch mode copies
the table) must recreate these triggers.

Revision ID: 0007_audit
Revises: 0001
Create Date: 2026-11-25 14:00:00
"""
from alembic import op

revision = "0007_audit"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "case_event is append-only: the audit log cannot be changed or deleted (审计日志只能追加，不能修改或删除)"

SQLITE_UP = [
    f"CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER case_event_no_delete BEFORE DELETE ON case_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS case_event_no_update", "DROP TRIGGER IF EXISTS case_event_no_delete"]

POSTGRES_UP = [
    f"""CREATE FUNCTION gridwatch_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$""",
    "CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event "
    "FOR EACH ROW EXECUTE FUNCTION gridwatch_refuse_audit_change()",
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS case_event_append_only ON case_event",
                 "DROP FUNCTION IF EXISTS gridwatch_refuse_audit_change()"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN)

"""Intake and exchange: API clients, case reporters, knowledge base, emergency rules/transfers,
outbox attempts.

Revision ID: 0006_intake
Revises: 0001
Create Date: 2026-11-25 13:30:00
"""
import sqlalchemy as sa
from alembic import op

import backend.models.base

revision = "0006_intake"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc() -> sa.types.TypeEngine:
    return backend.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", _id(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", _id(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_api_client_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
    )
    op.create_table(
        "case_reporter",
        sa.Column("id", _id(), nullable=False),
        sa.Column("case_id", _id(), nullable=False),
        sa.Column("origin_case_id", _id(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("added_at", _utc(), nullable=False),
        sa.Column("informed_at", _utc(), nullable=True),
        sa.Column("informed_status", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_reporter_case_id_case_record")),
        sa.ForeignKeyConstraint(["origin_case_id"], ["case_record.id"],
                                name=op.f("fk_case_reporter_origin_case_id_case_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reporter")),
    )
    op.create_index(op.f("ix_case_reporter_case_id"), "case_reporter", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_reporter_origin_case_id"), "case_reporter", ["origin_case_id"], unique=False)
    op.create_table(
        "knowledge_article",
        sa.Column("id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("minor_codes", sa.String(length=300), nullable=False),
        sa.Column("owner_user_id", _id(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("reviewed_at", _utc(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["app_user.id"],
                                name=op.f("fk_knowledge_article_owner_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_article")),
    )
    op.create_table(
        "knowledge_term",
        sa.Column("article_id", _id(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["knowledge_article.id"], ondelete="CASCADE",
                                name=op.f("fk_knowledge_term_article_id_knowledge_article")),
        sa.PrimaryKeyConstraint("article_id", "term", name=op.f("pk_knowledge_term")),
    )
    op.create_index(op.f("ix_knowledge_term_term"), "knowledge_term", ["term"], unique=False)
    op.create_table(
        "knowledge_use",
        sa.Column("id", _id(), nullable=False),
        sa.Column("case_id", _id(), nullable=False),
        sa.Column("article_id", _id(), nullable=False),
        sa.Column("user_id", _id(), nullable=True),
        sa.Column("used_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["knowledge_article.id"],
                                name=op.f("fk_knowledge_use_article_id_knowledge_article")),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_knowledge_use_case_id_case_record")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_knowledge_use_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_use")),
    )
    op.create_index(op.f("ix_knowledge_use_case_id"), "knowledge_use", ["case_id"], unique=False)
    op.create_index(op.f("ix_knowledge_use_article_id"), "knowledge_use", ["article_id"], unique=False)
    op.create_table(
        "emergency_rule",
        sa.Column("id", _id(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("minor_codes", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("hand_off_zh", sa.Text(), nullable=False),
        sa.Column("hand_off_en", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_emergency_rule_code")),
    )
    op.create_table(
        "emergency_transfer",
        sa.Column("id", _id(), nullable=False),
        sa.Column("case_id", _id(), nullable=False),
        sa.Column("rule_codes", sa.String(length=300), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("flagged_at", _utc(), nullable=False),
        sa.Column("transferred_at", _utc(), nullable=True),
        sa.Column("dismissed_at", _utc(), nullable=True),
        sa.Column("decided_by", _id(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"],
                                name=op.f("fk_emergency_transfer_case_id_case_record")),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"],
                                name=op.f("fk_emergency_transfer_decided_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_transfer")),
        sa.UniqueConstraint("case_id", name=op.f("uq_emergency_transfer_case_id")),
    )
    op.create_table(
        "outbox_attempt",
        sa.Column("id", _id(), nullable=False),
        sa.Column("message_id", _id(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_message.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_attempt_message_id_outbox_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempt")),
    )
    op.create_index(op.f("ix_outbox_attempt_message_id"), "outbox_attempt", ["message_id"], unique=False)


def downgrade() -> None:
    for table in ("outbox_attempt", "emergency_transfer", "emergency_rule", "knowledge_use", "knowledge_term",
                  "knowledge_article", "case_reporter", "api_client"):
        op.drop_table(table)

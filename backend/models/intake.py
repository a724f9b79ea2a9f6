"""Intake and exchange tables: API clients (Open311, upper platform), the reporters of a case,
the knowledge base with its search index, emergency rules and transfers, and outbox attempts.

No geometry here: duplicates and geocoding use the case, grid and street tables' geometries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType, UTCDateTime, utcnow

API_CLIENT_KINDS = ("open311", "upper_platform")
SATISFACTION_LEVELS = ("satisfied", "basically_satisfied", "dissatisfied")
ARTICLE_KINDS = ("policy", "procedure", "answer")


class ApiClient(Base):
    """A system allowed to post cases: an Open311 app (api_key) or the upper platform (inbound).

    Only the SHA-256 of the key is stored. Cases it creates are reported by its service account
    (``user_id``, role citizen, no password, no token).
    """

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseReporter(Base):
    """Everyone who reported a problem; merged duplicates bring their reporters to the kept case.

    ``contact`` is private like ``Case.reporter_contact``: masked everywhere but for the operator
    owning the case. ``informed_*`` records that the reporter was told the outcome.
    """

    __tablename__ = "case_reporter"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    origin_case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    informed_status: Mapped[str | None] = mapped_column(String(24))


class KnowledgeArticle(Base):
    """知识库: policies, procedures and standard answers, each with an owner and a review date."""

    __tablename__ = "knowledge_article"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="answer")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    minor_codes: Mapped[str] = mapped_column(String(300), default="")  # comma-separated catalog classes
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    review_due: Mapped[date | None] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnowledgeTerm(Base):
    """Inverted index of the knowledge base: one row per (article, term), same on both databases.

    Terms come from jieba for Chinese and from lower-cased words for English, so search needs no
    database-specific full-text feature.
    """

    __tablename__ = "knowledge_term"

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id", ondelete="CASCADE"),
                                            primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class KnowledgeUse(Base):
    """An operator picked this article's answer into this case."""

    __tablename__ = "knowledge_use"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmergencyRule(Base):
    """A configurable emergency rule: keywords (Chinese and English, one per line) or classes."""

    __tablename__ = "emergency_rule"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[str] = mapped_column(Text, default="")
    minor_codes: Mapped[str] = mapped_column(String(300), default="")
    target: Mapped[str] = mapped_column(String(20))  # the emergency line, e.g. 110, 119, 120, 122
    hand_off_zh: Mapped[str] = mapped_column(Text)
    hand_off_en: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EmergencyTransfer(Base):
    """A request flagged as an emergency: what matched, and whether it was handed off."""

    __tablename__ = "emergency_transfer"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), unique=True)
    rule_codes: Mapped[str] = mapped_column(String(300))
    matched: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(20))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class OutboxAttempt(Base):
    """One delivery attempt of an outbox message (the dead-letter view shows the history)."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)

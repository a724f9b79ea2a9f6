"""Departments, users, roles, and the grids a user patrols."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdType, UTCDateTime, utcnow

ROLES = ("inspector", "operator", "shift_leader", "dispatcher", "department", "analyst", "admin")


class Department(Base):
    """专业部门: a body that handles cases."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserGrid(Base):
    """The grids an inspector patrols (many-to-many, by grid code so redrawn grids keep it)."""

    __tablename__ = "user_grid"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    grid_code: Mapped[str] = mapped_column(String(15), primary_key=True)


class ApiToken(Base):
    """Bearer tokens: stored as a hash, expire, and can be revoked."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoutingRule(Base):
    """Routing as data: catalog class × area → department (most specific area wins)."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    minor_code: Mapped[str | None] = mapped_column(String(5), index=True)  # NULL = any class
    area_level: Mapped[str] = mapped_column(String(12))  # grid | community | street | county
    area_code: Mapped[str] = mapped_column(String(15))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    priority: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

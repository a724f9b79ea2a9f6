"""Loading the catalog into the database and reading the active edition."""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backend.catalog.parse import EDITIONS, CatalogRow, count_by_edition_kind
from backend.models import CatalogClass, Setting

ACTIVE_EDITION_KEY = "catalog.active_edition"


def load_catalog(*, db_session: Session, rows: list[CatalogRow]) -> dict[str, dict[str, int]]:
    """Insert new classes and refresh names of known ones; local settings are kept.

    The caller owns the transaction, so a failure loads nothing.
    """
    existing = {
        (c.edition, c.kind, c.minor_code): c for c in db_session.scalars(select(CatalogClass)).all()
    }
    fresh = []
    for row in rows:
        names = {"major_code": row.major_code, "major_name_zh": row.major_name_zh, "name_zh": row.name_zh,
                 "name_en": row.name_en, "source": row.source}
        cls = existing.get((row.edition, row.kind, row.minor_code))
        if cls is None:
            fresh.append({"edition": row.edition, "kind": row.kind, "minor_code": row.minor_code,
                          "active": True, "filing_condition": "", "closing_condition": "", **names})
        else:
            for key, value in names.items():
                setattr(cls, key, value)
    if fresh:
        # One executemany instead of 542 ORM inserts: a first load takes milliseconds.
        db_session.execute(insert(CatalogClass), fresh)
    db_session.flush()
    return count_by_edition_kind(rows)


def get_active_edition(*, db_session: Session, default: str) -> str:
    row = db_session.get(Setting, ACTIVE_EDITION_KEY)
    return edition_from_setting(None if row is None else row.value_json, default)


def edition_from_setting(value_json: str | None, default: str) -> str:
    """The edition a stored ``catalog.active_edition`` value names, or ``default`` when unset."""
    return json.loads(value_json) if value_json is not None else default


def set_active_edition(*, db_session: Session, edition: str) -> None:
    if edition not in EDITIONS:
        raise ValueError(f"unknown catalog edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    row = db_session.get(Setting, ACTIVE_EDITION_KEY)
    if row is None:
        db_session.add(Setting(key=ACTIVE_EDITION_KEY, value_json=json.dumps(edition)))
    else:
        row.value_json = json.dumps(edition)


def list_classes(*, db_session: Session, edition: str, kind: str | None = None) -> list[CatalogClass]:
    stmt = select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.active.is_(True))
    if kind:
        stmt = stmt.where(CatalogClass.kind == kind)
    return list(db_session.scalars(stmt.order_by(CatalogClass.minor_code)))

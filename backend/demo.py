"""Prepare the demo: schema, catalog, (later) the demo district, users and history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.catalog.parse import BUNDLED_CATALOG, parse_catalog
from backend.catalog.service import load_catalog, set_active_edition
from backend.config import Settings
from backend.db import make_engine, make_sessionmaker, session_scope
from backend.migrate import upgrade


@dataclass
class DemoInfo:
    lines: list[str] = field(default_factory=list)


def prepare_demo(settings: Settings, *, reset: bool = False) -> DemoInfo:
    url = settings.database_url
    if reset and settings.is_sqlite:
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            counts = load_catalog(db_session=db, rows=parse_catalog(BUNDLED_CATALOG))
            set_active_edition(db_session=db, edition=settings.catalog_edition)
    finally:
        engine.dispose()
    total = sum(sum(k.values()) for k in counts.values())
    return DemoInfo(lines=[f"catalog {total} classes; active edition {settings.catalog_edition}",
                           f"database {url}"])

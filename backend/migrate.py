"""Schema changes go through Alembic only; this module runs it programmatically."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from backend.db import make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at ``url`` to ``revision`` (creating the SpatiaLite file if needed).

    "heads" rather than "head": feature areas may add their migrations as branches off the same
    parent; upgrading applies every branch.
    """
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The database's revision(s), comma-separated when several branches are applied."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()
    return ",".join(sorted(heads)) or None


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest revision(s) in the code, comma-separated when there are several branches."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return ",".join(sorted(heads)) or None

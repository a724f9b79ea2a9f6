"""Alembic environment: the engine comes from backend.db so SpatiaLite loads the same way everywhere."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers

from backend.db import make_engine
from backend.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    # Tables we do not model (SpatiaLite's and PostGIS' own, e.g. KNN, spatial_ref_sys) are
    # never ours to drop.
    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("GridWatch migrations run online only (they need the spatial extension).")
run_migrations_online()

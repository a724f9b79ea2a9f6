"""Schema comes only from Alembic, identically on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from backend.db import make_engine
from backend.migrate import alembic_config, current_revision, head_revision, upgrade
from backend.models import Base
from tests.conftest import create_postgis_database

SPATIAL_TABLES = {"county", "street", "community", "unit_grid", "street_line", "observation_point",
                  "component", "case_record"}


def _fresh_url(backend: str, tmp_path, request) -> str:
    if backend == "spatialite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    admin = request.getfixturevalue("postgis_admin_url")
    return create_postgis_database(admin, f"gw_fresh_{tmp_path.name[-20:]}".lower().replace("-", "_"))


def test_upgrade_from_empty_creates_every_table_and_spatial_index(db_url, tmp_path, request):
    backend = "spatialite" if db_url.startswith("sqlite") else "postgis"
    url = _fresh_url(backend, tmp_path, request)
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision()
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            if backend == "spatialite":
                rows = conn.execute(
                    text("SELECT f_table_name, srid, spatial_index_enabled FROM geometry_columns")
                ).all()
            else:
                rows = conn.execute(
                    text("SELECT f_table_name, srid, 1 FROM geometry_columns WHERE f_table_schema='public'")
                ).all()
                gist = {r[0] for r in conn.execute(text(
                    "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'"))}
                assert gist >= SPATIAL_TABLES
        assert {r[0] for r in rows} == SPATIAL_TABLES
        assert all(r[1] == 4490 and r[2] == 1 for r in rows), rows
    finally:
        engine.dispose()


def test_models_and_migrations_do_not_drift(engine):
    """A model change without a migration fails here (autogenerate would find a diff)."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "include_object": _only_ours,
        })
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def _only_ours(obj, name, type_, reflected, compare_to):
    from geoalchemy2 import alembic_helpers

    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def test_upgrade_is_idempotent_and_downgrade_round_trips(db_url):
    from alembic import command

    upgrade(db_url)  # already at head: nothing to do, no error
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "base")
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()

"""Dumping and restoring each database.

SpatiaLite: SQLite's online backup API copies a consistent snapshot page by page while the app
keeps writing (WAL mode: readers do not block writers), and restores the same way into the
target, so a stale ``-wal`` file can never be replayed over a restored database.
PostGIS: ``pg_dump``/``pg_restore`` in custom format, from the PostgreSQL client matching the
server's major version (Debian keeps each under /usr/lib/postgresql/<major>/bin).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from backend.backup.manifest import BackupError
from backend.db import make_engine
from backend.models import Base

SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"


def backend_of(url: str) -> str:
    return "spatialite" if url.startswith("sqlite") else "postgis"


def sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up. （内存数据库无法备份。）")
    return Path(path)


def our_tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)
                    for t in our_tables() if t in present}
    finally:
        engine.dispose()


def schema_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return ",".join(sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))) or None
    finally:
        engine.dispose()


# ---- SpatiaLite ---------------------------------------------------------------------------------


def dump_facts(dump: Path) -> tuple[dict[str, int], set[str]]:
    """Row counts and photo keys read from a SQLite dump with plain sqlite3, read-only: opening it
    through SpatiaLite would initialise metadata and change the file after it was checksummed."""
    conn = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                  for t in our_tables() if t in present}
        keys = {r[0] for r in conn.execute("SELECT storage_key FROM photo")} if "photo" in present else set()
        return counts, keys
    finally:
        conn.close()


def dump_sqlite(url: str, out: Path) -> Path:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"No database file at {source}. （找不到数据库文件 {source}。）")
    target = out / SQLITE_FILE
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        dst.commit()
    finally:
        dst.close()
        src.close()
    return target


def load_sqlite(dump: Path, url: str) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.commit()
    finally:
        dst.close()
        src.close()


# ---- PostGIS ------------------------------------------------------------------------------------


def _pg_env_and_db(url: str) -> tuple[dict[str, str], str]:
    parsed = make_url(url)
    env = dict(os.environ)
    host = parsed.query.get("host") or parsed.host
    port = parsed.query.get("port") or parsed.port
    for name, value in (("PGHOST", host), ("PGPORT", port), ("PGUSER", parsed.username),
                        ("PGPASSWORD", parsed.password)):
        if value:
            env[name] = str(value if not isinstance(value, tuple) else value[0])
    if not parsed.database:
        raise BackupError("The PostgreSQL URL names no database. （PostgreSQL 连接串中没有数据库名。）")
    return env, parsed.database


def _server_major(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    finally:
        engine.dispose()


def pg_tool(name: str, url: str) -> str:
    """The client tool matching the server's major version (a newer client also works)."""
    override = os.environ.get("GRIDWATCH_PG_BIN")
    candidates = [Path(override) / name] if override else []
    major = _server_major(url)
    candidates += [Path(f"/usr/lib/postgresql/{v}/bin/{name}") for v in range(major + 3, major - 1, -1)]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client-{major}). "
                      f"（找不到 {name}，请安装 PostgreSQL 客户端。）")


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def dump_postgres(url: str, out: Path) -> tuple[Path, dict[str, int], set[str]]:
    """pg_dump plus the row counts and photo keys of the very snapshot it dumps.

    A repeatable-read transaction exports its snapshot and pg_dump runs inside it
    (``--snapshot``), so the manifest's counts describe the dump exactly even while the app writes.
    """
    env, database = _pg_env_and_db(url)
    target = out / PG_FILE
    tool = pg_tool("pg_dump", url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
                present = set(inspect(conn).get_table_names())
                counts = {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)
                          for t in our_tables() if t in present}
                keys = {r[0] for r in conn.execute(text("SELECT storage_key FROM photo"))}
                _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                      "--file", str(target), "--dbname", database], env)
    finally:
        engine.dispose()
    return target, counts, keys


def load_postgres(dump: Path, url: str) -> None:
    env, database = _pg_env_and_db(url)
    # --clean drops what the dump recreates; one transaction: a failed restore changes nothing.
    _run([pg_tool("pg_restore", url), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", "--dbname", database, str(dump)], env)

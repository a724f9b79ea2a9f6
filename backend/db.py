"""Engines and sessions: SpatiaLite by default, PostGIS when the URL says so.

Nothing is built at import time; callers pass a URL (usually from Settings).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Load order matters. SQLite loads mod_spatialite with RTLD_GLOBAL, which puts Debian's libproj,
# libgeos and libgdal symbols in the global namespace; a wheel that bundles its own copies
# (pyproj, shapely, pyogrio) and is imported afterwards binds to the wrong ones and the process
# aborts ("free(): invalid pointer"). Importing them first keeps each on its own copy.
import pyogrio  # noqa: F401
import pyproj  # noqa: F401
import shapely  # noqa: F401
from geoalchemy2 import load_spatialite
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# geoalchemy2 reads the module name from the environment when it loads the extension.
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

STORED_SRID = 4490  # CGCS2000 geographic, lon/lat; numerically WGS-84 within a metre
# SRIDs we transform to or from inside SpatiaLite; its WGS84 init mode lacks them.
_EXTRA_SPATIALITE_SRIDS = (4490, 3857)


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def _prepare_sqlite_connection(dbapi_conn, record) -> None:
    # WGS84 init mode takes 0.01 s on a new file instead of ~10 s for the full EPSG table.
    load_spatialite(dbapi_conn, record, transaction=True, init_mode="WGS84")
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    for srid in _EXTRA_SPATIALITE_SRIDS:
        if cur.execute("SELECT 1 FROM spatial_ref_sys WHERE srid=?", (srid,)).fetchone() is None:
            cur.execute("SELECT InsertEpsgSrid(?)", (srid,))
    dbapi_conn.commit()
    cur.close()


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """Build an engine for a SpatiaLite file or a PostGIS database.

    Parameters
    ----------
    url
        ``sqlite:///path`` (SpatiaLite; parent folder is created) or
        ``postgresql+psycopg://…`` (PostGIS).
    """
    if is_sqlite_url(url):
        db_path = url.split("///", 1)[1] if "///" in url else ""
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _prepare_sqlite_connection)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size)


class _SqliteWriters:
    """One writer at a time on a SpatiaLite file, queued on locks that wake the next at once.

    SQLite itself allows one writer and makes the others retry after sleeping (1, 2, 5, 10 …
    ms, its busy handler): under concurrent intake the cores sat idle in those sleeps. A thread
    lock (threads of this process) and an ``flock`` on a file beside the database (the other
    server processes) hand the turn over as soon as the writer commits.
    """

    def __init__(self, db_path: str) -> None:
        self._thread_lock = threading.Lock()
        self._path = f"{db_path}.writer-lock"

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._thread_lock:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing the descriptor releases the flock


_WRITERS: dict[str, _SqliteWriters] = {}
_WRITERS_LOCK = threading.Lock()


@contextmanager
def write_turn(session: Session) -> Iterator[None]:
    """Wrap a short write transaction (first write … commit): on a SpatiaLite file it waits
    for its turn among this machine's writers; on PostGIS it does nothing (MVCC, row locks)."""
    bind = session.get_bind()
    path = bind.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with _WRITERS_LOCK:
        writers = _WRITERS.setdefault(os.path.abspath(path), _SqliteWriters(os.path.abspath(path)))
    with writers.turn():
        yield


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def backend_name(engine: Engine) -> str:
    """``spatialite`` or ``postgis``: used by tests and by dialect-specific queries."""
    return "spatialite" if engine.dialect.name == "sqlite" else "postgis"


def spatial_version(engine: Engine) -> str:
    query = "SELECT spatialite_version()" if engine.dialect.name == "sqlite" else "SELECT postgis_full_version()"
    with engine.connect() as conn:
        return str(conn.execute(text(query)).scalar())

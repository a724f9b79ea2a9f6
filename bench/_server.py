"""Helpers shared by the HTTP benchmarks: a prepared database, a real server process, a PostGIS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgis_cluster():
    """A throwaway PostGIS cluster (scripts/pg_cluster.sh); yields its URL."""
    root = Path(tempfile.mkdtemp(prefix="gw-bench-pg-"))
    root.chmod(0o755)
    port = free_port()
    script = ROOT / "scripts" / "pg_cluster.sh"
    url = subprocess.run([str(script), "start", str(root / "c"), str(port)], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([str(script), "stop", str(root / "c")], check=False)


def prepare_database(url: str):
    """Migrate, load the small test district (catalog, grids, one user per role); return it."""
    from argon2.profiles import CHEAPEST

    from backend.auth.passwords import set_parameters
    from backend.db import make_engine, make_sessionmaker
    from backend.migrate import upgrade
    from tests.backend.district import build_district

    set_parameters(CHEAPEST)
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        district = build_district(db)
    engine.dispose()
    return district


@contextmanager
def running_server(url: str, photo_dir: Path, *, workers: int = 1):
    port = free_port()
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": url, "GRIDWATCH_PHOTO_DIR": str(photo_dir),
           "GRIDWATCH_DEMO_MODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)

"""A real GridWatch server process on 127.0.0.1 for load and fault runs (tests and bench/).

Started as ``python -m backend.cli serve`` in its own session, so SIGKILL takes the whole process
group (the server and its photo-copy worker) at once, as a crash would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live_app import free_port

ROOT = Path(__file__).resolve().parents[2]


class LiveServer:
    def __init__(self, database_url: str, photo_dir: Path, *, port: int | None = None, log_path: Path | None = None,
                 extra_env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.database_url, self.photo_dir = database_url, Path(photo_dir)
        self.port = port or free_port()
        self.log_path, self.extra_env, self.workers = log_path, extra_env or {}, workers
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60.0) -> LiveServer:
        env = {**os.environ, "GRIDWATCH_DATABASE_URL": self.database_url, "GRIDWATCH_PHOTO_DIR": str(self.photo_dir),
               "GRIDWATCH_DEMO_MODE": "1", **self.extra_env}
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} during start-up")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("server did not become healthy in time")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handlers, no flushing, like a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

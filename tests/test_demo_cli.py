"""`gridwatch demo` builds the embedded database, prints where to click, serves, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from tests.live_app import free_port


def test_demo_serves_on_spatialite_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
           "GRIDWATCH_PHOTO_DIR": str(tmp_path / "photos"),
           # a smaller year of history: this test is about serving and stopping; the history
           # itself is tested in tests/gisio
           "GRIDWATCH_DEMO_CASES": "1500"}
    env.pop("GRIDWATCH_SECRET_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "demo", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 300
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.3)
        assert health is not None and health.status_code == 200
        assert health.json()["database"] == "spatialite" and health.json()["status"] == "ok"
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5)
        assert docs.status_code == 200 and "https://" not in docs.text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, out
    assert f"http://localhost:{port}/" in out
    assert "Ctrl-C" in out

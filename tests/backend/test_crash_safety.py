"""SIGKILL the server while inspectors upload: after a restart, every acknowledged report is
there with its photos, no case lacks its photos, and no photo file is left without a row."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from backend.models import Case, Photo
from backend.photos import testimages
from backend.photos.storage import PhotoStore
from tests.backend.district import cell_centre
from tests.live_app import free_port

pytestmark = pytest.mark.slow


def _start_server(db_url: str, photo_dir: Path, port: int, grace: float) -> subprocess.Popen:
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": db_url, "GRIDWATCH_PHOTO_DIR": str(photo_dir),
           "GRIDWATCH_DEMO_MODE": "1", "GRIDWATCH_ORPHAN_GRACE_SECONDS": str(grace)}
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def test_sigkill_during_uploads_loses_nothing_and_leaves_no_orphans(db_url, db, district, tmp_path):
    photo_dir = tmp_path / "photos"
    port = free_port()
    server = _start_server(db_url, photo_dir, port, grace=600)
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    statuses: list[int] = []
    stop = threading.Event()
    lon, lat = cell_centre(1, 1)

    def upload(worker: int) -> None:
        headers = district.headers("inspector")
        with httpx.Client(timeout=10) as http:
            for i in range(200):
                if stop.is_set():
                    return
                body = {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06036",
                        "lon": lon, "lat": lat, "description": f"worker {worker} report {i}"}
                photo = testimages.jpeg(1280, 960, seed=worker * 1000 + i)
                try:
                    r = http.post(f"{base}/api/reports", data={"report": json.dumps(body)},
                                  files=[("photos", ("p.jpg", photo, "image/jpeg"))], headers=headers)
                except httpx.TransportError:
                    return  # the server died under us: this report was never acknowledged
                statuses.append(r.status_code)
                if r.status_code == 201:
                    acknowledged.append(body["client_uuid"])

    threads = [threading.Thread(target=upload, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    # Kill mid-stream once a few reports are acknowledged (a loaded machine is slower to get there).
    deadline = time.monotonic() + 60
    while len(acknowledged) < 5 and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=20)
    assert len(acknowledged) >= 3, "the server acknowledged too few reports before the kill to prove anything"

    # Restart with no grace period: the start-up sweep removes what the crash left behind.
    server = _start_server(db_url, photo_dir, port, grace=0)
    try:
        db.expire_all()
        cases = {c.client_uuid: c.id for c in db.scalars(select(Case))}
        assert set(acknowledged) <= set(cases), "an acknowledged report was lost"
        photo_counts = dict(db.execute(select(Photo.case_id, func.count()).group_by(Photo.case_id)).all())
        assert all(photo_counts.get(cid) == 1 for cid in cases.values()), "a case lacks its photo"
        store = PhotoStore(photo_dir)
        keys = set(store.iter_keys())
        referenced = {p.storage_key for p in db.scalars(select(Photo))}
        assert referenced <= keys, "a photo row points at a missing file"
        shas = {k.split("/")[-1].split(".")[0] for k in keys}
        assert shas == {p.sha256 for p in db.scalars(select(Photo))}, "orphan photo files remain"
        leftovers = [p for p in photo_dir.rglob("*") if p.is_file() and ".tmp" in p.name]
        assert leftovers == []
        # and the restarted server works
        r = httpx.get(f"http://127.0.0.1:{port}/api/cases", headers=district.headers("operator"), timeout=5)
        assert r.status_code == 200 and r.json()["total"] == len(cases)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

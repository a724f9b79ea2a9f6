"""Acceptance: the CLI's bulk upload of a folder of 200 geotagged JPEGs, killed midway with
SIGKILL and restarted, ends with 200 cases: none lost, none duplicated. A real server process
(``gridwatch serve``) on 127.0.0.1 and a real ``gridwatch-field`` process."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.models import Case, Photo
from backend.photos import testimages
from tests.backend.district import PASSWORD, STEP, X0, Y0, grid_code

pytestmark = [pytest.mark.db, pytest.mark.slow]
PHOTOS = 200


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("gridwatch-field")
    return [str(script)] if script.exists() else [sys.executable, "-m", "field_app.cli"]


def _positions(n: int) -> list[tuple[float, float, str]]:
    """Points spread over the 3 × 3 grids, away from the edges, with the grid each lies in."""
    out = []
    for i in range(n):
        row, col = (i // 3) % 3, i % 3
        fx, fy = 0.15 + 0.7 * ((i * 37) % 100) / 100, 0.15 + 0.7 * ((i * 61) % 100) / 100
        out.append((round(X0 + (col + fx) * STEP, 7), round(Y0 + (row + fy) * STEP, 7), grid_code(row, col)))
    return out


def _count_cases(engine) -> int:
    with engine.connect() as conn:  # a fresh snapshot each time
        return int(conn.scalar(select(func.count()).select_from(Case)))


def test_bulk_upload_killed_midway_resumes_to_exactly_200_cases(server_process, engine, db, tmp_path):
    folder = tmp_path / "DCIM"
    folder.mkdir()
    expected: dict[str, str] = {}
    for i, (lon, lat, grid) in enumerate(_positions(PHOTOS)):
        name = f"IMG_{i:04d}.jpg"
        (folder / name).write_bytes(testimages.jpeg(320, 240, seed=i, quality=80,
                                                    exif=testimages.make_exif(lon=lon, lat=lat)))
        expected[name] = grid
    home = tmp_path / "field-home"
    env = {**os.environ, "GRIDWATCH_FIELD_HOME": str(home), "GRIDWATCH_FIELD_SERVER": server_process}
    login = subprocess.run([*_cli(), "login", "-u", "inspector", "-p", PASSWORD], env=env, capture_output=True,
                           text=True, timeout=60)
    assert login.returncode == 0, login.stderr
    assert (home / "session.json").stat().st_mode & 0o077 == 0, "the token file must be private"

    bulk = [*_cli(), "bulk", str(folder), "--category", "06036", "--kind", "event", "--description", "批量上报"]
    first = subprocess.Popen(bulk, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while _count_cases(engine) < PHOTOS // 4:
        assert first.poll() is None, f"the run ended before it could be interrupted: {first.communicate()}"
        assert time.monotonic() < deadline, "too slow to reach a quarter"
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    first.stdout.close()
    first.stderr.close()
    at_kill = _count_cases(engine)
    assert PHOTOS // 4 <= at_kill < PHOTOS, at_kill
    with sqlite3.connect(home / "outbox.sqlite") as outbox:
        states = dict(outbox.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    assert states.get("pending", 0) > 0 and states.get("sent", 0) > 0, states

    second = subprocess.run(bulk, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{PHOTOS} sent, 0 pending, 0 failed" in second.stdout
    assert "queued 0 new" in second.stdout, "a restart must not queue any file again"

    db.expire_all()
    cases = list(db.scalars(select(Case)))
    assert len(cases) == PHOTOS, "none lost, none duplicated"
    with sqlite3.connect(home / "outbox.sqlite") as outbox:
        queued = dict(outbox.execute("SELECT client_uuid, source_key FROM outbox WHERE status = 'sent'").fetchall())
    assert {c.client_uuid for c in cases} == set(queued), "every case is one queued file, sent once"
    photos = dict(db.execute(select(Photo.case_id, func.count()).group_by(Photo.case_id)).all())
    assert all(photos.get(c.id) == 1 for c in cases), "every case has its one photo"
    landed = {Path(queued[c.client_uuid]).name: c.grid_code for c in cases}
    assert landed == expected, "every photo's case lies in the grid of its EXIF position"
    shutil.rmtree(folder)

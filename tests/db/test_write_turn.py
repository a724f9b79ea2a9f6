"""SpatiaLite writers take turns on locks that wake the next one at once (not SQLite's sleeps)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

from backend.db import make_engine, make_sessionmaker, write_turn

REPO = Path(__file__).resolve().parents[2]


def test_threads_and_processes_take_turns_on_one_spatialite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/turns.sqlite"
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    spans: list[tuple[float, float]] = []

    def writer() -> None:
        with maker() as db, write_turn(db):
            start = time.monotonic()
            time.sleep(0.05)
            spans.append((start, time.monotonic()))

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans.sort()
    assert len(spans) == 4
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))

    # Another process holding the turn makes this one wait until it lets go.
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from backend.db import make_engine, make_sessionmaker, write_turn;"
            "db = make_sessionmaker(make_engine(sys.argv[1]))();"
            "cm = write_turn(db); cm.__enter__(); print('held', flush=True); time.sleep(1.0); cm.__exit__(None, None, None)"
        ), url, str(REPO)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with maker() as db, write_turn(db):
        waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert waited > 0.3, f"did not wait for the other process's turn (waited {waited:.2f} s)"
    engine.dispose()


def test_an_in_memory_database_needs_no_turn(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    with make_sessionmaker(engine)() as db, write_turn(db):  # in-memory: nothing to share, no lock file
        pass
    assert not list(tmp_path.iterdir())
    engine.dispose()

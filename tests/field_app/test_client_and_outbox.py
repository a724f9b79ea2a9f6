"""The Python client and its SQLite outbox against the real API (TestClient as the transport),
on both databases: idempotent replays, resuming after an interruption, task answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.models import Case
from backend.photos import testimages
from field_app.bulk import queue_folder
from field_app.client import FieldApiError, FieldClient
from field_app.exif import GpsFix
from field_app.outbox import Outbox
from tests.backend.district import PASSWORD, cell_centre, grid_code
from tests.field_app.workflow import case_waiting_for_check

pytestmark = pytest.mark.db


def geotagged(folder: Path, positions: list[tuple[float, float]], *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (lon, lat) in enumerate(positions, start=start):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(testimages.jpeg(320, 240, seed=i, exif=testimages.make_exif(lon=lon, lat=lat)))
        paths.append(path)
    return paths


@pytest.fixture
def inspector(client) -> FieldClient:
    field = FieldClient("http://testserver", http=client)
    field.login("inspector", PASSWORD)
    return field


def count_cases(db) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Case)))


def test_login_report_and_replay_return_the_same_case(client, inspector, db):
    lon, lat = cell_centre(0, 1)
    photo = testimages.jpeg(320, 240, seed=1)
    report = {"client_uuid": "0b5e9a52-7d0c-4b1e-9a3e-0f6f8d1c2a11", "kind": "event", "minor_code": "06010",
              "lon": lon, "lat": lat, "description": "暴露垃圾"}
    case, created = inspector.submit_report(report, [("a.jpg", photo)])
    assert created and case["grid_code"] == grid_code(0, 1) and len(case["photos"]) == 1
    again, created_again = inspector.submit_report(report, [("a.jpg", photo)])
    assert (again["id"], created_again) == (case["id"], False)
    with pytest.raises(FieldApiError) as refused:
        inspector.submit_report({**report, "description": "different"}, [("a.jpg", photo)])
    assert refused.value.status == 409 and not refused.value.retryable and refused.value.message_zh
    assert count_cases(db) == 1


def test_network_errors_are_retryable():
    # Port 9 (discard): nothing listens there.
    with FieldClient("http://127.0.0.1:9", timeout=2) as offline, pytest.raises(FieldApiError) as exc:
        offline.login("inspector", PASSWORD)
    assert exc.value.network and exc.value.retryable


def test_interrupted_run_resumes_without_losing_or_duplicating(inspector, db, tmp_path):
    positions = [cell_centre(r, c) for r in range(3) for c in range(2)]  # 6 photos in 6 grids
    folder = tmp_path / "photos"
    geotagged(folder, positions)
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        summary = queue_folder(outbox, folder, kind="event", minor_code="06036", description="乱堆杂物")
        assert (summary.added, summary.already_queued) == (6, 0)
        first, second, *_ = outbox.items("pending")
        assert outbox.send_one(inspector, first) is None
        # The server got the second report but the run died before writing that down.
        inspector.submit_report(second.report, [(Path(p["path"]).name, Path(p["path"]).read_bytes())
                                                for p in second.photos])
    assert count_cases(db) == 2

    with Outbox(tmp_path / "outbox.sqlite") as outbox:  # a new run
        summary = queue_folder(outbox, folder, kind="event", minor_code="06036", description="乱堆杂物")
        assert (summary.added, summary.already_queued) == (0, 6), "files keep the report queued the first time"
        result = outbox.send_pending(inspector)
        assert (result.sent, result.failed, result.pending) == (5, 0, 0)
        items = outbox.items()
        assert {i.status for i in items} == {"sent"}
        assert [i.grid_code for i in items] == [grid_code(r, c) for r in range(3) for c in range(2)]
    db.expire_all()
    assert sorted(db.scalars(select(Case.client_uuid))) == sorted(i.client_uuid for i in items)


def test_changed_or_missing_photo_fails_with_a_reason_and_others_still_go(inspector, tmp_path):
    folder = tmp_path / "photos"
    a, b, _ = geotagged(folder, [cell_centre(1, 1)] * 3)
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        queue_folder(outbox, folder, kind="event", minor_code="06010")
        a.write_bytes(testimages.jpeg(320, 240, seed=99))
        b.unlink()
        result = outbox.send_pending(inspector)
        assert (result.sent, result.failed) == (1, 2)
        failed = outbox.items("failed")
        assert "changed after it was queued" in failed[0].last_error
        assert "IMG_0001.jpg" in failed[1].last_error


def test_photos_without_gps_use_the_fallback_or_are_listed(inspector, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "no_gps.jpg").write_bytes(testimages.jpeg(320, 240, seed=5))
    with Outbox(tmp_path / "outbox.sqlite") as outbox:
        skipped = queue_folder(outbox, folder, kind="event", minor_code="06010")
        assert skipped.added == 0 and [p.name for p in skipped.without_position] == ["no_gps.jpg"]
        lon, lat = cell_centre(2, 2)
        queued = queue_folder(outbox, folder, kind="event", minor_code="06010", fallback=GpsFix(lon, lat))
        assert queued.added == 1
        assert outbox.send_pending(inspector).sent == 1
        assert outbox.items()[0].grid_code == grid_code(2, 2)


def test_answering_a_check_task_with_a_photo_moves_the_case_on(client, district, inspector):
    case_id = case_waiting_for_check(client, district)
    task = next(t for t in inspector.tasks() if t["case_id"] == case_id)
    assert task["kind"] == "check"
    photo = [("check.jpg", testimages.jpeg(320, 240, seed=77))]
    case = inspector.answer_task(task, "pass", note="现场已清理", photos=photo)
    assert case["status"] == "check_passed"
    # A retry after a lost response finds the task done and does not fail.
    assert inspector.answer_task(task, "pass", note="现场已清理", photos=photo)["status"] == "check_passed"
    assert all(t["id"] != task["id"] for t in inspector.tasks())

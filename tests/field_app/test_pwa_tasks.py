"""Acceptance: a check task sent by the centre is answered in the app with an after-photo and the
case moves on (pending_check → check_passed). Also: overdue tasks stand out, the case's photos and
location are shown, a verify task is answered too, and the English switch works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from backend.models import Photo, Task, User
from tests.backend.district import cell_centre
from tests.field_app.browser import open_app, phone, shot, sign_in, wait_count
from tests.field_app.test_pwa_offline_report import write_photos
from tests.field_app.workflow import case_waiting_for_check, case_waiting_for_verify

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_check_and_verify_tasks_are_answered_in_the_app(browser, live_server, db, artifacts_dir, tmp_path):
    with live_server.api() as http:
        check_case = case_waiting_for_check(http, live_server.district, cell=(1, 0))
        verify_case = case_waiting_for_verify(http, live_server.district, cell=(0, 2))
    # The verify task is overdue: its two working hours ran out yesterday.
    db.execute(update(Task).where(Task.case_id == verify_case).values(due_at=datetime.now(UTC) - timedelta(days=1)))
    db.commit()
    after_photo = write_photos(tmp_path, 1, size=(2400, 1800))

    lon, lat = cell_centre(1, 1)
    with phone(browser, lon=lon, lat=lat) as (context, log):
        page = open_app(context, live_server.url)
        sign_in(page)
        page.wait_for_selector("#tasks-badge:not([hidden])")
        assert page.inner_text("#tasks-badge") == "2"
        page.click("#tabs a[data-tab='tasks']")
        overdue = page.wait_for_selector(".card.task.overdue")
        assert overdue.get_attribute("data-kind") == "verify" and "已超时" in overdue.inner_text()
        assert page.locator(".card.task:not(.overdue)").get_attribute("data-kind") == "check"
        shot(page, artifacts_dir, "tasks")

        # The check task: the case's photos (before and the department's after), a way to get there.
        page.click(".card.task[data-kind='check'] a.button")
        page.wait_for_selector("#screen-task:not([hidden])")
        wait_count(page, "#task-photos img", 2)
        assert page.evaluate("[...document.querySelectorAll('#task-photos img')].every(i => i.naturalWidth > 0)")
        href = page.get_attribute("#task-navigate", "href")
        assert href.startswith("geo:31.30") and ",120.60" in href
        page.click("#result-pass")
        page.click("#submit-answer")
        assert "核查须拍摄至少一张现场照片" in page.inner_text("#answer-message")  # the photo is required
        page.set_input_files("#answer-photo-input", after_photo)
        page.wait_for_selector("#answer-photos .thumb")
        page.fill("#answer-note", "已清理干净")
        shot(page, artifacts_dir, "task_check", full_page=True)
        page.click("#submit-answer")
        page.wait_for_selector(".queue-item[data-type='answer'][data-status='sent']", timeout=20_000)
        assert "核查通过" in page.inner_text(".queue-item[data-type='answer']")

        # The verify task, in English this time.
        page.click("#lang")
        page.click("#tabs a[data-tab='tasks']")
        page.wait_for_selector(".card.task[data-kind='verify'] a.button")
        assert "Overdue" in page.inner_text(".card.task[data-kind='verify']")
        page.click(".card.task[data-kind='verify'] a.button")
        page.wait_for_selector("#screen-task:not([hidden])")
        assert page.inner_text("#result-fail") == "Not confirmed"
        page.click("#result-fail")
        page.click("#submit-answer")
        assert page.inner_text("#answer-message") == "Write a note"
        page.fill("#answer-note", "No piles found on site")
        page.click("#submit-answer")
        wait_count(page, ".queue-item[data-type='answer'][data-status='sent']", 2)
        shot(page, artifacts_dir, "queue_answers_en")
        page.click("#tabs a[data-tab='tasks']")
        page.wait_for_selector("#task-list li.muted")  # "No tasks"
        log.assert_clean()

    with live_server.api() as http:
        checked = http.get(f"/api/cases/{check_case}").json()
        verified = http.get(f"/api/cases/{verify_case}").json()
    assert checked["status"] == "check_passed"
    assert verified["status"] == "verify_failed"
    inspector_id = db.scalar(select(User.id).where(User.username == "inspector"))
    evidence = list(db.scalars(select(Photo).where(Photo.case_id == check_case, Photo.uploaded_by == inspector_id,
                                                   Photo.kind == "evidence")))
    assert len(evidence) == 1 and max(evidence[0].width, evidence[0].height) == 1920
    assert evidence[0].case_event_id is not None, "the photo belongs to the check step"

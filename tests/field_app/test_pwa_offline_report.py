"""Acceptance: a report made with no connection is queued, survives a reload, and after the
connection returns arrives exactly once with its photos on the right grid. Driven through the UI
in headless Chromium with a phone's viewport, GPS and offline emulation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from backend.models import Case, Photo
from backend.photos import testimages
from tests.backend.district import cell_centre, grid_code
from tests.field_app.browser import (
    open_app,
    phone,
    queued_photo_sizes,
    shot,
    sign_in,
    wait_count,
    wait_offline_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.db]


def write_photos(folder: Path, count: int, size: tuple[int, int] = (2400, 1800)) -> list[str]:
    """Camera-sized JPEGs (bigger than 1920 px) the app must shrink before queueing."""
    paths = []
    for i in range(count):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(testimages.jpeg(*size, seed=100 + i, quality=85))
        paths.append(str(path))
    return paths


def make_report(page, *, search: str, photos: list[str], description: str) -> None:
    page.click("#tabs a[data-tab='report']")
    page.wait_for_selector("#screen-report:not([hidden])")
    page.click("#kind-event")
    page.fill("#class-search", search)
    page.click(f"#class-list .class-option[data-code='{search}']")
    page.wait_for_selector("#class-chosen:not([hidden])")
    page.set_input_files("#photo-input", photos)
    wait_count(page, "#photo-list .thumb", len(photos))
    page.fill("#description", description)


def test_offline_report_survives_reload_and_arrives_once(browser, live_server, db, artifacts_dir, tmp_path):
    lon, lat = cell_centre(2, 1)
    photos = write_photos(tmp_path, 2)
    with phone(browser, lon=lon, lat=lat, accuracy=35) as (context, log):
        page = open_app(context, live_server.url)
        shot(page, artifacts_dir, "login")
        sign_in(page)
        wait_offline_ready(page)
        page.wait_for_selector("#gps-line.warn")  # 35 m: the accuracy warning shows
        shot(page, artifacts_dir, "map")

        log.offline = True
        context.set_offline(True)
        page.wait_for_selector("#net[data-state='offline']")
        make_report(page, search="06010", photos=photos, description="离线上报：路口暴露垃圾")
        # The preview comes from the cached grids, with no connection.
        landing = page.locator("#landing")
        assert landing.get_attribute("data-grid") == grid_code(2, 1)
        assert "养育巷社区" in landing.inner_text()
        assert "20" in page.locator("#report-gps").inner_text()  # the > 20 m warning names the limit
        shot(page, artifacts_dir, "report", full_page=True)
        page.click("#submit-report")
        item = page.wait_for_selector(".queue-item[data-status='pending']")
        uuid = item.get_attribute("data-uuid")
        # Each photo was shrunk to at most 1920 px before it was queued.
        sizes = queued_photo_sizes(page, uuid)
        assert len(sizes) == 2 and all(max(w, h) == 1920 for w, h, _ in sizes), sizes
        shot(page, artifacts_dir, "queue_offline")

        page.reload()  # still offline: the shell comes from the service worker, the queue from IndexedDB
        page.wait_for_selector("body[data-ready='1']")
        page.click("#tabs a[data-tab='queue']")
        page.wait_for_selector(f".queue-item[data-uuid='{uuid}'][data-status='pending']")
        with live_server.api() as api:
            assert api.get("/api/cases").json()["total"] == 0, "nothing can have arrived while offline"

        context.set_offline(False)
        log.offline = False
        page.wait_for_selector(f".queue-item[data-uuid='{uuid}'][data-status='sent']", timeout=20_000)
        shot(page, artifacts_dir, "queue_sent")
        page.click("#sync-all")  # sending again must not create anything
        page.wait_for_timeout(500)
        # The app makes no request while it knows it is offline, so even the offline phase is clean.
        log.assert_clean(offline_too=True)

    db.expire_all()
    cases = list(db.scalars(select(Case)))
    assert [c.client_uuid for c in cases] == [uuid], "the report must arrive exactly once"
    case = cases[0]
    assert (case.grid_code, case.community_code, case.source) == (grid_code(2, 1), "320508019044", "inspector")
    assert case.minor_code == "06010" and case.description == "离线上报：路口暴露垃圾"
    stored = list(db.scalars(select(Photo).where(Photo.case_id == case.id)))
    assert len(stored) == 2 and all(max(p.width, p.height) == 1920 for p in stored)

"""Never lost, never twice, the hard cases: the browser is closed with a report still queued, and
when it comes back the server's answer to the first send is lost on the way (the case was created,
the phone never heard). The retry must find the same case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.models import Case
from tests.backend.district import cell_centre, grid_code
from tests.field_app.browser import open_app, persistent_phone, sign_in, wait_offline_ready
from tests.field_app.test_pwa_offline_report import make_report, write_photos

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_queue_survives_closing_the_browser_and_a_lost_response_is_not_a_duplicate(
        browser, live_server, db, tmp_path):
    lon, lat = cell_centre(0, 0)
    profile = tmp_path / "profile"
    photos = write_photos(tmp_path, 1, size=(1600, 1200))
    with persistent_phone(browser, profile, lon=lon, lat=lat) as (context, log):
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server.url}/field/")
        page.wait_for_selector("body[data-ready='1']")
        sign_in(page)
        wait_offline_ready(page)
        context.set_offline(True)
        make_report(page, search="06036", photos=photos, description="关闭浏览器前保存")
        page.click("#submit-report")
        uuid = page.wait_for_selector(".queue-item[data-status='pending']").get_attribute("data-uuid")
        log.assert_clean(offline_too=True)
    # The whole browser is gone. A new one on the same profile, still with no connection:
    with persistent_phone(browser, profile, lon=lon, lat=lat, offline=True) as (context, log):
        reports_url = f"{live_server.url}/api/reports"
        lost: list[int] = []

        def lose_first_answer(route) -> None:
            if lost:
                route.continue_()
                return
            response = route.fetch()  # the server creates the case ...
            lost.append(response.status)
            route.abort("connectionreset")  # ... and the phone never hears about it

        context.route(reports_url, lose_first_answer)
        # That one deliberately failed request, and the console line the browser writes for it:
        log.expected_failures[reports_url] = 1
        log.expected_console_errors["net::ERR_CONNECTION_RESET"] = 1
        page = open_app(context, live_server.url)
        page.click("#tabs a[data-tab='queue']")
        page.wait_for_selector(f".queue-item[data-uuid='{uuid}'][data-status='pending']")
        context.set_offline(False)
        sent = page.wait_for_selector(f".queue-item[data-uuid='{uuid}'][data-status='sent']", timeout=30_000)
        assert lost == [201], "the first send reached the server and created the case"
        assert "已尝试 2 次" in sent.inner_text()  # the lost answer, then the replay
        log.assert_clean(offline_too=True)
        assert log.expected_failures[reports_url] == 0
        assert log.expected_console_errors["net::ERR_CONNECTION_RESET"] == 0

    db.expire_all()
    cases = list(db.scalars(select(Case)))
    assert [(c.client_uuid, c.grid_code) for c in cases] == [(uuid, grid_code(0, 0))]

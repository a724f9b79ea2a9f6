"""The report screen's position tools: GPS accuracy with the 20 m warning, a point outside the
jurisdiction flagged before sending (and, sent anyway, failed in the queue with the server's
message, retried, deleted), a pin set by hand, and snapping to a nearby inventoried component —
which the server then links to the case."""

from __future__ import annotations

import pytest

from tests.backend.district import cell_centre, grid_code
from tests.field_app.browser import open_app, phone, shot, sign_in
from tests.field_app.test_pwa_offline_report import write_photos

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_accuracy_outside_warning_manual_pin_and_snap_to_component(browser, live_server, artifacts_dir, tmp_path):
    cover_lon, cover_lat = cell_centre(1, 1)  # the district's water-supply manhole cover
    near = (cover_lon + 0.0001, cover_lat)  # about 10 m east of it
    with phone(browser, lon=near[0], lat=near[1], accuracy=35) as (context, log):
        page = open_app(context, live_server.url)
        sign_in(page)
        page.click("#tabs a[data-tab='report']")
        page.wait_for_selector("#report-gps.warn")
        assert "35" in page.inner_text("#report-gps") and "20" in page.inner_text("#report-gps")
        assert page.get_attribute("#landing", "data-grid") == grid_code(1, 1)

        context.set_geolocation({"longitude": 121.2, "latitude": 31.3, "accuracy": 5})  # another city
        page.click("#use-gps")
        page.wait_for_selector("#landing.warn")
        page.locator("#landing", has_text="不在本辖区").wait_for()
        # Sent anyway, the server refuses it: the item fails with the server's own words, can be
        # retried (and fails again), and is deleted with a second tap.
        page.fill("#class-search", "06010")
        page.click("#class-list .class-option[data-code='06010']")
        page.set_input_files("#photo-input", write_photos(tmp_path, 1, size=(800, 600)))
        page.wait_for_selector("#photo-list .thumb")
        log.expected_console_errors["status of 422"] = 2  # the browser logs each refusal too
        page.click("#submit-report")
        failed = page.wait_for_selector(".queue-item[data-status='failed']", timeout=20_000)
        assert "不在本辖区任何单元网格内" in failed.inner_text() and "(422)" in failed.inner_text()
        page.click(".queue-item[data-status='failed'] .retry")
        page.locator(".queue-item[data-status='failed']", has_text="已尝试 2 次").wait_for()
        shot(page, artifacts_dir, "queue_failed")
        page.click(".queue-item .delete")
        page.locator(".queue-item .delete", has_text="确认删除").wait_for()
        page.click(".queue-item .delete")
        page.locator("#queue-list li.muted").wait_for()  # the queue is empty
        page.click("#tabs a[data-tab='report']")

        context.set_geolocation({"longitude": near[0], "latitude": near[1], "accuracy": 4})
        page.click("#use-gps")
        page.locator("#report-gps", has_text="±4 米").wait_for()
        box = page.locator("#report-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)  # a tap moves the pin
        page.locator("#report-gps", has_text="已手动调整位置").wait_for()

        page.click("#kind-component")
        page.fill("#class-search", "供水井盖")
        page.click("#class-list .class-option[data-code='01001']")
        page.click("#use-gps")  # back near the cover, then snap to it
        snap = page.wait_for_selector(f"#nearby-list .snap[data-code='{live_server.district.component_code}']")
        snap.click()
        page.locator("#report-gps", has_text="已吸附到部件").wait_for()
        assert page.get_attribute("#landing", "data-grid") == grid_code(1, 1)
        page.set_input_files("#photo-input", write_photos(tmp_path, 1, size=(1200, 900)))
        page.wait_for_selector("#photo-list .thumb")
        shot(page, artifacts_dir, "report_snapped", full_page=True)
        page.click("#submit-report")
        page.wait_for_selector(".queue-item[data-status='sent']", timeout=20_000)
        # The two refusals are the server's deliberate answers to a bad position, nothing else.
        assert [line.split()[0] for line in log.bad_status] == ["422", "422"]
        log.bad_status.clear()
        assert log.expected_console_errors["status of 422"] == 0
        log.assert_clean()

    with live_server.api() as http:
        cases = http.get("/api/cases").json()["items"]
        assert len(cases) == 1
        case = http.get(f"/api/cases/{cases[0]['id']}").json()
    assert case["component_code"] == live_server.district.component_code
    assert (case["kind"], case["minor_code"], case["grid_code"]) == ("component", "01001", grid_code(1, 1))
    assert (case["lon"], case["lat"]) == pytest.approx((cover_lon, cover_lat), abs=1e-7)

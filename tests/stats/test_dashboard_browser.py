"""/stats in headless Chromium against a real uvicorn server on 127.0.0.1: sign in, filters, KPI
tiles, charts, scorecards, a drill-down and an export; no console error, no failed request, no
request leaving 127.0.0.1. Screenshots go to tests/artifacts/stats_*.png."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from backend.main import create_app
from tests.backend.district import PASSWORD
from tests.live_app import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.db]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def wait_js(page, expression: str, timeout: float = 120) -> None:
    """Poll an expression (page.wait_for_function uses eval, which the app's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        status = page.evaluate("document.querySelector('#gw-status') && document.querySelector('#gw-status').textContent")
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression} (status: {status})"
        time.sleep(0.1)


@pytest.fixture
def server(env):
    with serve_in_thread(create_app(env.settings)) as url:
        yield url


def test_dashboard_page_offline_with_drilldown_and_export(env, server, artifacts_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("request", lambda r: outside.append(r.url)
                if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith(("data:", "blob:"))
                else None)
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(f"{server}/stats")
        page.fill("#gw-login input[name=username]", "analyst")
        page.fill("#gw-login input[name=password]", PASSWORD)
        page.click("#gw-login button[type=submit]")
        page.wait_for_selector("#gw-app:not([hidden])")
        page.fill("#gw-filters input[name=month]", "2026-06")
        page.click("#gw-filters button[type=submit]")
        wait_js(page, "!!document.querySelector('.gw-meta') && "
                      "document.querySelector('.gw-meta').textContent.includes('2026-06-01')")
        tiles = page.inner_text("[data-section=tiles]")
        assert "受理数" in tiles and "12" in tiles and "50.0%" in tiles and "+1100.0%" in tiles
        for chart in ("trend", "pareto", "ranking", "sources", "gridmap"):
            assert page.locator(f"svg.chart.{chart}").count() == 1, chart
        assert page.locator("table.scorecard").count() == 6
        assert "环境卫生管理处" in page.inner_text("[data-section=scorecard_departments]")
        page.screenshot(path=str(artifacts_dir / f"stats_dashboard_{env.backend}.png"), full_page=True)

        # Drill down from the "closed" tile to its four cases.
        page.click("[data-section=tiles] .gw-tile[data-key=closed] [data-drill]")
        page.wait_for_selector("#gw-drill:not([hidden]) table.gw")
        drill = page.inner_text("#gw-drill")
        assert "结案数 Closed — 4 件" in drill
        assert "2026-06-01T09:00" in drill and "已结案" in drill  # C1, reported 09:00 local time
        for ref in env.scenario.refs(env.db, "C1", "C2", "C5", "C6"):
            assert ref in drill
        page.screenshot(path=str(artifacts_dir / f"stats_drilldown_{env.backend}.png"))
        page.click("#gw-drill .close")

        # Narrow to one department, then export the tables.
        page.select_option("#gw-filters select[name=department]", str(env.scenario.district.other_department_id))
        page.click("#gw-filters button[type=submit]")
        wait_js(page, "!document.querySelector('[data-section=scorecard_departments]').innerText"
                      ".includes('环境卫生管理处')")
        with page.expect_download() as info:
            page.click("[data-export='/api/stats/export/tables.xlsx']")
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.suffix == ".xlsx" and target.stat().st_size > 1000
        browser.close()
    assert problems == []
    assert outside == []

"""The hotline desk page in headless Chromium against a real server: answer a call on the spot
from the knowledge base and call back; divert an emergency. No request leaves 127.0.0.1, no
console error, no failed request."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests

from tests.backend.district import PASSWORD, cell_centre
from tests.intake.test_desk import ARTICLES

pytestmark = pytest.mark.browser

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


@pytest.fixture
def spatialite_only(db_url):
    """Skip before the server and district are built: the page is the same on both databases."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the page is the same on both databases; its API is tested on both in test_desk.py")


def test_desk_answer_callback_and_emergency(spatialite_only, live_server, district, artifacts_dir):
    from playwright.sync_api import sync_playwright

    for article in ARTICLES[:1]:
        r = requests.post(f"{live_server}/api/knowledge", json=article, headers=district.headers("shift_leader"),
                          timeout=10)
        assert r.status_code == 201, r.text
    problems: list[str] = []
    hosts: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))
        page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)

        page.goto(f"{live_server}/desk")
        page.fill("input[name=username]", "operator")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button")
        try:
            page.wait_for_selector("#desk:not([hidden])", timeout=60_000)  # a shared 2-core machine
        except Exception as exc:  # say what the page said, not only that it timed out
            raise AssertionError(f"desk did not open: {page.inner_text('#login-error')!r}; {problems}") from exc
        page.wait_for_selector(".leaflet-interactive")  # our grid layer is the base map

        # 1. a question answered on the spot from the knowledge base
        page.fill("textarea[name=description]", "请问垃圾分类怎么投放？厨余垃圾放哪个桶")
        page.fill("input[name=caller_contact]", "13612345678")
        page.fill("input[name=address]", "观前街口")
        page.click("#locate")
        page.click("#candidates button")
        page.fill("#category-search", "垃圾未分类")
        page.wait_for_selector("#category option[value='event|06041']", state="attached")
        page.select_option("#category", "event|06041")
        page.wait_for_selector("#answers button")
        page.click("#answers button")
        page.click("#register")
        page.wait_for_selector("#case-card textarea[name=answer]")
        assert "绿色桶" in page.input_value("#case-card textarea[name=answer]")
        page.screenshot(path=str(artifacts_dir / "desk_registered.png"), full_page=True)
        page.click("#case-card button[data-act=answer]")
        page.wait_for_selector("#case-card .badge:has-text('即时答复')")
        page.wait_for_selector("#q-callbacks select")
        page.select_option("#q-callbacks select", "satisfied")
        page.click("#q-callbacks button")
        page.wait_for_selector("#q-callbacks li:has-text('无')")

        # 2. an emergency: flagged while typing, located by a map click, handed off
        page.click("#case-card button[data-act=new]")
        page.fill("textarea[name=description]", "楼下饭店厨房着火了，浓烟很大")
        page.wait_for_selector("#emergency-banner:not([hidden])")
        assert "119" in page.inner_text("#emergency-banner")
        assert page.locator("#answers li").count() == 0, page.inner_text("#answers")  # no stale suggestions
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#place:has-text('网格')")
        page.fill("#category-search", "焚烧")
        page.wait_for_selector("#category option[value='event|06020']", state="attached")
        page.select_option("#category", "event|06020")
        page.click("#register")
        page.wait_for_selector("#case-card textarea[name=em_note]")
        page.fill("#case-card textarea[name=em_note]", "已三方转接 119")
        page.screenshot(path=str(artifacts_dir / "desk_emergency.png"), full_page=True)
        page.click("#case-card button[data-act='emergency/transfer']")
        page.wait_for_selector("#case-card .badge:has-text('已转应急处置')")
        browser.close()

    assert problems == []
    assert hosts == {"127.0.0.1"}
    assert cell_centre(1, 1)  # the click landed inside the district's 3 × 3 grids

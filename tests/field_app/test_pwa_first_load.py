"""Performance: the app's first load is at most 500 KB on the wire (photos excluded), counted by
the server for every response — the page's, and the service worker's own precaching — from the
first request to a signed-in map with the offline bundle and the task inbox loaded. The browser's
own count (CDP encodedDataLength, page requests only) is recorded alongside."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from tests.backend.district import cell_centre
from tests.field_app.browser import open_app, phone, sign_in, wait_count, wait_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.db]
BUDGET_BYTES = 500_000


def _by_path(records: list[tuple[str, str, int]]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for method, path, size in records:
        sizes[f"{method} {path}"] += size
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def test_first_load_is_under_500_kb(browser, live_server, artifacts_dir):
    lon, lat = cell_centre(1, 1)
    with phone(browser, lon=lon, lat=lat) as (context, log):
        live_server.counter.reset()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        page_bytes = []
        cdp.on("Network.loadingFinished", lambda e: page_bytes.append(e["encodedDataLength"]))
        page.goto(f"{live_server.url}/field/")
        page.wait_for_selector("body[data-ready='1']")
        wait_offline_ready(page)  # the service worker has precached the shell
        shell_bytes = live_server.counter.total()
        sign_in(page)
        page.wait_for_selector("body[data-refreshed]")  # the task inbox is loaded and the outbox checked
        wait_count(page, "#map .grid-label", 9)
        total = live_server.counter.total(exclude_prefix=("/api/photos/",))
        records = list(live_server.counter.records)
        log.assert_clean()

        # A second visit comes from the service worker's cache: only the data is fetched.
        live_server.counter.reset()
        again = open_app(context, live_server.url)
        again.wait_for_selector("body[data-refreshed]")
        repeat_bytes = live_server.counter.total()
        repeat_paths = sorted({path for _, path, _ in live_server.counter.records})

    report = {"budget_bytes": BUDGET_BYTES, "first_load_bytes": total, "shell_bytes_before_sign_in": shell_bytes,
              "page_encoded_bytes_cdp": sum(page_bytes), "repeat_visit_bytes": repeat_bytes,
              "repeat_visit_paths": repeat_paths, "by_path": _by_path(records)}
    (artifacts_dir / "field_first_load.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert total <= BUDGET_BYTES, report
    assert not any(p.startswith("/field/") and p != "/field/sw.js" for p in repeat_paths), \
        "the shell comes from the service worker's cache on a repeat visit"

"""Every map page in headless Chromium against a real server on 127.0.0.1: sign in, layers
drawn (canvas painted, markers, grid polygons), legend shown, a layer toggled, a filter that
changes what is shown, the dispatcher's action from a popup without losing the view; no
failed request, no console error, no request leaving the machine. Screenshots go to
tests/artifacts/map_*.png."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest

from backend.config import Settings
from backend.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.photos import testimages
from tests.backend.district import PASSWORD, build_district, cell_centre
from tests.live_app import serve_in_thread
from tests.map_viewer.conftest import CHROMIUM, CHROMIUM_ARGS, PageLog
from tests.maps.seed import HOT_GRID, Seeded, seed_cases

# With --dist loadgroup the module stays on one worker: one server and one browser.
pytestmark = [pytest.mark.browser, pytest.mark.db, pytest.mark.xdist_group("maps_browser")]

ANALYSIS = ("density", "choropleth", "hotspots", "closure", "comparison", "inventory")


class Site:
    def __init__(self, root: str, settings: Settings, seeded: Seeded, district: Any, filed: dict[str, Any]) -> None:
        self.root, self.settings, self.seeded, self.district, self.filed = root, settings, seeded, district, filed


@pytest.fixture(scope="module", params=["spatialite"])
def map_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SpatiaLite only: these tests drive the page script; the API answers they rely on are
    checked on both databases in test_maps_api.py, and a second run would double the time."""
    path = tmp_path_factory.mktemp("browser") / "gridwatch.sqlite"
    shutil.copyfile(request.getfixturevalue("spatialite_template"), path)
    yield f"sqlite:///{path}"


@pytest.fixture(scope="module")
def site(map_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    engine = make_engine(map_db_url)
    with make_sessionmaker(engine)() as db:
        district = build_district(db)
        seeded = seed_cases(db, district)
    engine.dispose()
    settings = Settings(database_url=map_db_url, demo_mode=True, photo_dir=tmp_path_factory.mktemp("photos"))
    with serve_in_thread(create_app(settings)) as root:
        yield _site_with_a_filed_case(root, settings, seeded, district)


def _site_with_a_filed_case(root: str, settings: Settings, seeded: Seeded, district: Any) -> Site:
    # One filed case with a real photo, for the dispatcher to dispatch from the map.
    lon, lat = cell_centre(1, 0)
    body = {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06010", "lon": lon, "lat": lat,
            "description": "地图派遣测试 dispatch from the map", "address": "养育巷 1 号"}
    with httpx.Client(base_url=root, timeout=30) as http:
        r = http.post("/api/reports", data={"report": json.dumps(body)},
                      files=[("photos", ("p.jpg", testimages.jpeg(800, 600, seed=4), "image/jpeg"))],
                      headers=district.headers("inspector"))
        assert r.status_code == 201, r.text
        case = r.json()
        r = http.post(f"/api/cases/{case['id']}/actions", json={"action": "file"},
                      headers=district.headers("shift_leader"))
        assert r.status_code == 200, r.text
    return Site(root, settings, seeded, district, case)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (browser tests need it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def open_map(browser: Any, site: Site) -> Iterator[Callable[..., tuple[Any, PageLog]]]:
    """open_map(path, who) -> (page, log): signs in through the page's own form."""
    contexts = []

    def _open(path: str, who: str = "analyst") -> tuple[Any, PageLog]:
        log = PageLog()
        context = browser.new_context(viewport={"width": 1200, "height": 800}, accept_downloads=True)
        contexts.append(context)
        # Nothing may leave the machine: anything not on 127.0.0.1 is aborted (and so fails).
        context.route("**/*", lambda r: r.continue_() if urlsplit(r.request.url).hostname in ("127.0.0.1", None)
                      and urlsplit(r.request.url).scheme in ("http", "data", "blob") else r.abort())
        page = context.new_page()
        # Generous: the suite shares two cores with others; these tests check behaviour, not speed.
        page.set_default_timeout(60_000)
        page.on("request", lambda req: log.requests.append(req.url))
        page.on("requestfailed", lambda req: log.failed.append(f"{req.url} {req.failure}"))
        page.on("response", lambda res: res.status >= 400 and log.bad_status.append(f"{res.status} {res.url}"))
        page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
        page.on("pageerror", lambda err: log.page_errors.append(str(err)))
        page.goto(site.root + path, wait_until="networkidle")
        page.wait_for_selector(".gw-login form")
        page.fill(".gw-login input[name=username]", who)
        page.fill(".gw-login input[name=password]", PASSWORD)
        page.click(".gw-login button[type=submit]")
        try:
            page.wait_for_selector("body[data-gw-ready]")
        except Exception as exc:  # say why: the page's own error box and what the browser saw
            error = page.locator(".gw-error, .gw-login-error").all_inner_texts()
            raise AssertionError(f"{path} did not draw: {error} {log}") from exc
        page.wait_for_load_state("networkidle")
        return page, log

    yield _open
    for context in contexts:
        context.close()


def ready_count(page: Any) -> int:
    return int(page.get_attribute("body", "data-gw-ready") or 0)


def wait_until(page: Any, js_function: str, timeout_s: float = 60.0) -> None:
    """Poll a JS function until it returns true. (page.wait_for_function evaluates a string
    with eval, which the app's Content-Security-Policy rightly forbids.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js_function):
        assert time.monotonic() < deadline, f"timed out waiting for {js_function}"
        page.wait_for_timeout(50)


def wait_redraw(page: Any, before: int) -> None:
    wait_until(page, f"() => +document.body.getAttribute('data-gw-ready') > {before} "
                     "&& !document.body.hasAttribute('data-gw-loading')")
    page.wait_for_timeout(150)


PAINTED = """() => Array.from(document.querySelectorAll('.leaflet-pane canvas')).map(c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })"""


def painted(page: Any) -> int:
    return sum(page.evaluate(PAINTED))


def toggle(page: Any, key: str) -> None:
    page.click(f".leaflet-control-layers label:has([data-gw-layer={key}]) input")
    page.wait_for_timeout(150)


def has_layer(page: Any, key: str) -> bool:
    return page.evaluate(f"gridwatchApp.map.hasLayer(gridwatchApp.overlays['{key}'])")


def finish(page: Any, log: PageLog, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"map_{name}.png"))
    log.assert_clean()
    hosts = log.hosts()
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"


def test_dispatcher_case_map(open_map, site: Site, artifacts_dir: Path) -> None:
    page, log = open_map("/map/cases", "dispatcher")
    total = page.evaluate("gridwatchApp.data.total")
    assert total == len(site.seeded.all()) + 1
    assert page.evaluate("gridwatchApp.gridShapes.length") == 9
    assert page.evaluate("gridwatchApp.overlays.observation_points.getLayers().length") == 1
    assert painted(page) > 1000  # grids, community, observation point drawn on the canvas
    assert page.locator(".gw-case, .gw-cluster").count() > 0
    legend = page.locator(".gw-legend")
    assert legend.is_visible() and "案件状态" in legend.inner_text() and "已超期" in legend.inner_text()
    # Toggle the grid layer off and on.
    before = painted(page)
    toggle(page, "grids")
    assert not has_layer(page, "grids") and painted(page) < before
    toggle(page, "grids")
    assert has_layer(page, "grids")
    # A filter changes what is shown (and keeps the view).
    view = page.evaluate("[gridwatchApp.map.getZoom(), gridwatchApp.map.getCenter()]")
    n = ready_count(page)
    page.select_option(".gw-filter-form select[name=source]", "phone")
    wait_redraw(page, n)
    assert page.evaluate("gridwatchApp.data.total") == 1
    assert "source=phone" in page.url
    assert page.evaluate("[gridwatchApp.map.getZoom(), gridwatchApp.map.getCenter()]") == view
    n = ready_count(page)
    page.click(".gw-filter-form .gw-reset")
    wait_redraw(page, n)
    assert page.evaluate("gridwatchApp.data.total") == total
    page.screenshot(path=str(artifacts_dir / "map_cases_overview.png"))

    # The dispatcher opens the filed case's popup, sees its photo and deadline, and dispatches it.
    case = site.filed
    page.evaluate(f"gridwatchApp.map.setView([{case['lat']}, {case['lon']}], 19, {{animate: false}})")
    page.wait_for_timeout(400)
    marker = page.locator(f".leaflet-marker-icon[title='{case['ref']}']")
    assert "gw-case-new" in marker.get_attribute("class")
    marker.click()
    popup = page.locator(".gw-case-popup")
    popup.locator(".gw-actions button[data-action=dispatch]").wait_for()
    wait_until(page, "() => { const i = document.querySelector('.gw-case-popup img.gw-thumb');"
                     " return !!i && i.complete && i.naturalWidth > 0; }")
    assert popup.locator("img.gw-thumb").get_attribute("src").startswith("blob:")
    assert "已立案" in popup.inner_text() and "处置时限" in popup.inner_text()
    view = page.evaluate("[gridwatchApp.map.getZoom(), gridwatchApp.map.getCenter()]")
    popup.locator("button[data-action=dispatch]").click()
    popup.locator("form[data-action=dispatch] select[name=department_id]").select_option(
        str(site.district.department_id))
    n = ready_count(page)
    popup.locator("form[data-action=dispatch] button[type=submit]").click()
    popup.locator(".gw-ok").wait_for()
    wait_redraw(page, n)
    assert "已派遣" in popup.inner_text()
    assert "gw-case-progress" in page.locator(f".leaflet-marker-icon[title='{case['ref']}']").get_attribute("class")
    assert page.evaluate("[gridwatchApp.map.getZoom(), gridwatchApp.map.getCenter()]") == view
    finish(page, log, artifacts_dir, "cases")
    detail = httpx.get(f"{site.root}/api/cases/{case['id']}", headers=site.district.headers("dispatcher")).json()
    assert detail["status"] == "dispatched" and detail["department_id"] == site.district.department_id


def test_case_map_says_when_markers_are_capped(open_map, site: Site, artifacts_dir: Path) -> None:
    page, log = open_map("/map/cases?cap=5", "dispatcher")
    notice = page.locator(".gw-notice")
    assert notice.is_visible() and "仅显示最新 5 个" in notice.inner_text()
    assert page.evaluate("gridwatchApp.data.shown") == 5
    assert has_layer(page, "grid_counts")  # the rest are shown per grid
    finish(page, log, artifacts_dir, "cases_capped")


EXPECTED_LEGEND = {
    "density": "核密度", "choropleth": "案件数", "hotspots": "Getis-Ord Gi*", "closure": "网格结案情况",
    "comparison": "环比变化", "inventory": "部件状态",
}


@pytest.mark.parametrize("kind", ANALYSIS)
def test_analysis_map(kind: str, open_map, site: Site, artifacts_dir: Path) -> None:
    page, log = open_map(f"/map/analysis/{kind}")
    legend = page.locator(".gw-legend")
    assert legend.is_visible() and EXPECTED_LEGEND[kind] in legend.inner_text()
    assert page.evaluate("gridwatchApp.gridShapes.length") == 9
    assert painted(page) > 1000
    layer = {"density": "density", "inventory": "components"}.get(kind, "analysis")
    if kind == "density":
        wait_until(page, "() => { const i = document.querySelector('img.gw-density');"
                         " return !!i && i.complete && i.naturalWidth > 0; }")
    elif kind == "inventory":
        assert page.evaluate("gridwatchApp.overlays.components.getLayers().length") == 1
    else:
        if kind != "hotspots":  # nine cells are too few for a significant Gi* spot: nothing filled
            assert page.evaluate("gridwatchApp.themeCells") > 0
        # Hovering a cell shows its values.
        lat, lon = cell_centre(0, 0)[1], cell_centre(0, 0)[0]
        x, y = page.evaluate(f"() => {{ const p = gridwatchApp.map.latLngToContainerPoint([{lat}, {lon}]);"
                             " const r = gridwatchApp.map.getContainer().getBoundingClientRect();"
                             " return [p.x + r.left, p.y + r.top]; }")
        page.mouse.move(x, y)
        page.locator(".gw-hover").wait_for()
        assert HOT_GRID in page.locator(".gw-hover").inner_text()
        page.mouse.move(5, 790)
    # Toggling the map's own layer hides it and its legend.
    toggle(page, layer)
    assert not has_layer(page, layer)
    if kind == "density":
        assert page.locator("img.gw-density").count() == 0
    toggle(page, layer)
    assert has_layer(page, layer) and legend.is_visible()
    page.screenshot(path=str(artifacts_dir / f"map_{kind}.png"))
    # A filter changes what is shown.
    before = page.evaluate("JSON.stringify(gridwatchApp.data.summary)")
    n = ready_count(page)
    if kind == "inventory":
        page.select_option(".gw-filter-form select[name=state]", "lost")
    else:
        page.select_option(".gw-filter-form select[name=category]", "01001")
    wait_redraw(page, n)
    assert page.evaluate("JSON.stringify(gridwatchApp.data.summary)") != before
    assert "category=01001" in page.url or "state=lost" in page.url
    if kind == "hotspots":
        theme = page.locator(".gw-theme select")
        theme.select_option("count")
        assert "案件数" in legend.inner_text() and page.evaluate("gridwatchApp.themeCells") > 0
        theme.select_option("gi_bin")
    finish(page, log, artifacts_dir, f"{kind}_filtered")


def test_exported_html_works_offline_from_disk(open_map, browser: Any, site: Site, tmp_path: Path,
                                               artifacts_dir: Path) -> None:
    page, log = open_map("/map/cases", "dispatcher")
    with page.expect_download() as download:
        page.click(".gw-export[data-format=html]")
    exported = tmp_path / "cases.html"
    download.value.save_as(exported)
    log.assert_clean()
    html = exported.read_text("utf-8")
    assert '"mode":"static"' in html and "/static/vendor/" not in html
    # Open the file with the network switched off: it must draw everything by itself.
    offline = PageLog()
    context = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True)
    try:
        view = context.new_page()
        view.on("request", lambda req: offline.requests.append(req.url))
        view.on("requestfailed", lambda req: offline.failed.append(f"{req.url} {req.failure}"))
        view.on("console", lambda msg: msg.type == "error" and offline.console_errors.append(msg.text))
        view.on("pageerror", lambda err: offline.page_errors.append(str(err)))
        view.goto(exported.as_uri())
        view.wait_for_selector("body[data-gw-ready]")
        assert view.evaluate("gridwatchApp.data.total") == len(site.seeded.all()) + 1
        assert view.locator(".gw-case, .gw-cluster").count() > 0 and painted(view) > 1000
        assert view.locator(".gw-legend").is_visible()
        view.screenshot(path=str(artifacts_dir / "map_cases_exported_offline.png"))
        offline.assert_clean()
        assert {urlsplit(u).scheme for u in offline.requests} <= {"file", "data", "blob"}
    finally:
        context.close()


def test_png_export_through_the_api_and_the_cli(site: Site, artifacts_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from PIL import Image
    from typer.testing import CliRunner

    from backend.cli import app
    from backend.config import get_settings

    r = httpx.get(f"{site.root}/api/maps/hotspots/export", params={"format": "png"},
                  headers=site.district.headers("analyst"), timeout=120)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content)).convert("RGB")
    assert img.size == (1400, 1000)
    assert len(np.unique(np.asarray(img.resize((140, 100))).reshape(-1, 3), axis=0)) > 20  # not blank
    (artifacts_dir / "map_export_hotspots.png").write_bytes(r.content)

    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", site.settings.database_url)
    get_settings.cache_clear()
    try:
        out = tmp_path / "density.png"
        result = CliRunner().invoke(app, ["map", "density", "--from", "2026-01-01", "--to", "2026-12-31",
                                          "--bandwidth", "150", "-o", str(out)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (1400, 1000)
    (artifacts_dir / "map_export_density.png").write_bytes(out.read_bytes())

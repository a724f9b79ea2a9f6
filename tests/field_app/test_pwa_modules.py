"""The app's pure modules run in Chromium as the app loads them (ES modules from /field/js):
point-in-grid, distances, nearby components, catalog search, photo shrinking with EXIF
orientation. Served by the field router alone (no database needed)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from backend.errors import install_error_handlers
from backend.field.views import pwa_router
from backend.photos import testimages
from tests.field_app.browser import PHONE
from tests.live_app import serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def static_site() -> Iterator[str]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(pwa_router)
    with serve_in_thread(app, start_timeout=60) as url:
        yield url


@pytest.fixture(scope="module")
def page(browser, static_site) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{static_site}/field/manifest.webmanifest")  # any same-origin page to import from
    yield page
    context.close()
    assert errors == []


SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}


def test_point_in_grid_handles_holes_edges_and_multipolygons(page):
    result = page.evaluate("""async (square) => {
        const geo = await import("/field/js/geo.js");
        const multi = { type: "MultiPolygon", coordinates: [square.coordinates, [[[20, 0], [30, 0], [30, 10], [20, 0]]]] };
        const grids = [{ geometry: square, properties: { code: "A" } }, { geometry: multi, properties: { code: "B" } }];
        return {
            inside: geo.contains(square, 2, 2), hole: geo.contains(square, 5, 5), holeEdge: geo.contains(square, 4, 5),
            edge: geo.contains(square, 10, 5), corner: geo.contains(square, 0, 0), outside: geo.contains(square, 11, 5),
            multi: geo.contains(multi, 28, 2), first: geo.locateGrid(grids, 1, 1).code,
            second: geo.locateGrid(grids, 29, 1).code, none: geo.locateGrid(grids, 50, 50),
        };
    }""", SQUARE_WITH_HOLE)
    assert result == {"inside": True, "hole": False, "holeEdge": True, "edge": True, "corner": True,
                      "outside": False, "multi": True, "first": "A", "second": "B", "none": None}


def test_distances_and_nearby_components(page):
    result = page.evaluate("""async () => {
        const geo = await import("/field/js/geo.js");
        const components = [
            { code: "far", lon: 120.6010, lat: 31.3010 },
            { code: "near", lon: 120.60005, lat: 31.30000 },
            { code: "nearer", lon: 120.60000, lat: 31.30010 },
        ];
        return {
            degree: geo.distanceM(120.6, 31.3, 120.6, 32.3),
            nearby: geo.nearby(components, 120.6, 31.3, 30).map((c) => [c.code, Math.round(c.distance)]),
        };
    }""")
    assert result["degree"] == pytest.approx(111_195, rel=1e-3)
    assert result["nearby"] == [["near", 5], ["nearer", 11]]  # "far" (~140 m) is beyond 30 m


def test_catalog_search_by_chinese_english_or_code_with_recent_first(page):
    result = page.evaluate("""async () => {
        const catalog = await import("/field/js/catalog.js");
        const classes = [
            { kind: "event", minor_code: "06010", name_zh: "暴露垃圾", name_en: "Exposed garbage", major_name_zh: "市容环境类" },
            { kind: "event", minor_code: "06036", name_zh: "乱堆杂物", name_en: "Randomly piled sundries", major_name_zh: "市容环境类" },
            { kind: "event", minor_code: "06011", name_zh: "积存垃圾渣土", name_en: "Accumulated garbage", major_name_zh: "市容环境类" },
            { kind: "component", minor_code: "01001", name_zh: "供水井盖", name_en: "Water-supply manhole cover", major_name_zh: "市政公用设施" },
        ];
        const codes = (r) => [r.recent.map((c) => c.minor_code), r.results.map((c) => c.minor_code)];
        return {
            zh: codes(catalog.search(classes, "event", "垃圾", [])),
            en: codes(catalog.search(classes, "event", "GARBAGE", [])),
            code: codes(catalog.search(classes, "event", "0603", [])),
            recent: codes(catalog.search(classes, "event", "", ["event:06036", "component:01001"])),
            kind: codes(catalog.search(classes, "component", "井盖", [])),
            none: catalog.search(classes, "event", "井盖", []).results.length,
        };
    }""")
    assert result["zh"] == [[], ["06010", "06011"]]
    assert result["en"] == [[], ["06010", "06011"]]  # case-insensitive; equal matches by code
    assert result["code"] == [[], ["06036"]]
    assert result["recent"] == [["06036"], ["06010", "06011"]]
    assert result["kind"] == [[], ["01001"]]
    assert result["none"] == 0


def test_photos_are_shrunk_to_1920_and_turned_upright(page):
    big = base64.b64encode(testimages.jpeg(3000, 2000, seed=3)).decode()
    rotated = base64.b64encode(testimages.rotated_jpeg_with_gps()).decode()  # 400 × 300 stored, orientation 6
    result = page.evaluate("""async ([big, rotated]) => {
        const photos = await import("/field/js/photos.js");
        const file = (b64) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "p.jpg", { type: "image/jpeg" });
        const a = await photos.prepare(file(big));
        const b = await photos.prepare(file(rotated));
        const bytes = new Uint8Array(a.data);
        // Where is the red marker now? Displayed upright it sits in the top-right corner.
        const bitmap = await createImageBitmap(photos.asBlob(b));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext("2d");
        ctx.drawImage(bitmap, 0, 0);
        const px = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
        return { a: [a.width, a.height, a.type, bytes[0], bytes[1], a.thumb.slice(0, 23)], b: [b.width, b.height],
                 topRight: px(b.width - 10, 10), topLeft: px(10, 10) };
    }""", [big, rotated])
    assert result["a"] == [1920, 1280, "image/jpeg", 0xFF, 0xD8, "data:image/jpeg;base64,"]
    assert result["b"] == [300, 400]
    red, grey = result["topRight"], result["topLeft"]
    assert red[0] > 200 and red[1] < 60 and red[2] < 60, red
    assert all(100 < v < 160 for v in grey), grey

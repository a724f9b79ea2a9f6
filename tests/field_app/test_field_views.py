"""Serving the PWA (MIME types, service worker scope, manifest, gzip, ETags) and the two field
endpoints (offline bundle, locate), on both databases."""

from __future__ import annotations

import json
import re

import pytest

from field_app import STATIC_DIR
from tests.backend.district import COMMUNITY, cell_centre, grid_code

pytestmark = pytest.mark.db


def test_the_app_lives_under_field_with_exact_media_types(client):
    r = client.get("/field", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/field/"
    expected = {
        "/field/": "text/html; charset=utf-8",
        "/field/app.css": "text/css; charset=utf-8",
        "/field/js/app.js": "text/javascript; charset=utf-8",
        "/field/sw.js": "text/javascript; charset=utf-8",
        "/field/manifest.webmanifest": "application/manifest+json",
        "/field/icons/icon-192.png": "image/png",
        "/field/vendor/leaflet/leaflet.js": "text/javascript; charset=utf-8",
        "/field/vendor/leaflet/leaflet.css": "text/css; charset=utf-8",
    }
    for path, media_type in expected.items():
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == media_type, path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.head("/field/js/app.js").status_code == 200


def test_every_asset_the_page_names_is_served_from_here(client):
    html = client.get("/field/").text
    refs = re.findall(r'(?:href|src)="([^"#]+)"', html)
    assert refs, "the page references its assets"
    for ref in refs:
        assert not ref.startswith(("http:", "https:", "//")), f"{ref}: no asset from another origin"
        assert client.get(f"/field/{ref}").status_code == 200, ref


def test_service_worker_scope_build_id_and_shell_list(client):
    r = client.get("/field/sw.js")
    assert r.headers["service-worker-allowed"] == "/field/"
    assert r.headers["cache-control"] == "no-cache"
    build = re.search(r'const BUILD = "([0-9a-f]{16})";', r.text)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", r.text).group(1))
    assert build, "the build id is written in"
    assert "./" in shell and "js/app.js" in shell and "vendor/leaflet/leaflet.js" in shell
    for url in shell:
        assert client.get(f"/field/{url}").status_code == 200, url
    modules = {f"js/{p.name}" for p in (STATIC_DIR / "js").glob("*.js")}
    assert modules <= set(shell), "every module is cached for offline use"


def test_manifest_is_installable(client):
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        r = client.get(f"/field/{icon['src']}")
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")


def test_text_is_gzipped_and_revalidation_answers_304(client):
    r = client.get("/field/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < 50_000  # 147 KB of Leaflet on the wire as ~43 KB
    etag = r.headers["etag"]
    again = client.get("/field/vendor/leaflet/leaflet.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    plain = client.get("/field/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


@pytest.mark.parametrize("path", ["/field/%2e%2e/%2e%2e/backend/config.py", "/field/js/%2e%2e/%2e%2e/__init__.py",
                                  "/field/nope.js", "/field/vendor/leaflet/%2e%2e/package.json", "/field/js"])
def test_nothing_outside_the_app_is_served(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["message_zh"]


def test_bundle_holds_my_grids_components_and_catalog(client, district):
    r = client.get("/api/field/bundle", headers={**district.headers("inspector"), "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == "private, no-cache"
    bundle = r.json()
    assert bundle["format"] == "gridwatch.field-bundle" and bundle["edition"] == "GB/T 47678.5-2026"
    assert bundle["user"]["username"] == "inspector" and len(bundle["user"]["grid_codes"]) == 9
    features = bundle["grids"]["features"]
    assert sorted(f["properties"]["code"] for f in features) == sorted(bundle["user"]["grid_codes"])
    props = features[0]["properties"]
    assert (props["community_code"], props["community_name"], props["street_name"]) == (COMMUNITY, "养育巷社区", "金阊街道")
    assert features[0]["geometry"]["type"] == "MultiPolygon"
    assert [c["code"] for c in bundle["components"]] == [district.component_code]
    assert {c["kind"] for c in bundle["catalog"]} == {"component", "event"}
    assert any(c["minor_code"] == "06010" and c["name_en"] == "Exposed garbage" for c in bundle["catalog"])
    assert int(r.headers["content-length"]) < len(r.content) / 3, "gzip shrinks the bundle on the wire"
    unchanged = client.get("/api/field/bundle", headers={**district.headers("inspector"),
                                                         "If-None-Match": r.headers["etag"]})
    assert unchanged.status_code == 304


def test_bundle_needs_a_sign_in(client):
    r = client.get("/api/field/bundle")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_locate_previews_grid_community_and_street(client, district):
    lon, lat = cell_centre(2, 0)
    r = client.get(f"/api/field/locate?lon={lon}&lat={lat}", headers=district.headers("inspector"))
    assert r.json() | {"lon": 0, "lat": 0} == {
        "inside": True, "lon": 0, "lat": 0, "grid_code": grid_code(2, 0), "grid_name": "",
        "community_code": COMMUNITY, "community_name": "养育巷社区", "street_code": "320508019",
        "street_name": "金阊街道"}
    outside = client.get("/api/field/locate?lon=121.5&lat=31.2", headers=district.headers("inspector")).json()
    assert outside["inside"] is False and outside["grid_code"] is None
    bad = client.get("/api/field/locate?lon=999&lat=31.2", headers=district.headers("inspector"))
    assert bad.status_code == 422 and bad.json()["error"]["message_zh"]

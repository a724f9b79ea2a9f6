"""Report intake over HTTP: photo battery, idempotent replays, positions, categories."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from backend.models import Case, Photo
from backend.photos import testimages
from tests.backend.district import cell_centre, grid_code


def _body(**overrides):
    lon, lat = cell_centre(1, 0)
    return {"client_uuid": str(uuid.uuid4()), "kind": "event", "minor_code": "06036", "lon": lon, "lat": lat,
            "description": "乱堆杂物", **overrides}


def _multipart(client, district, body, photos, who="inspector"):
    import json

    files = [("photos", (name, data, "image/jpeg")) for name, data in photos]
    return client.post("/api/reports", data={"report": json.dumps(body)}, files=files,
                       headers=district.headers(who))


def _count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "make", "status", "code"),
    [
        ("truncated.jpg", lambda: testimages.truncated_jpeg(), 422, "photo_truncated"),
        ("bomb.png", lambda: testimages.png_bomb(), 422, "photo_too_many_pixels"),
        ("notes.jpg", lambda: testimages.text_named_jpg()[1], 422, "photo_not_an_image"),
        ("huge.jpg", lambda: testimages.big_jpeg(30), 413, "photo_too_large"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(client, district, db, name, make, status, code):
    good = testimages.jpeg(seed=7)
    r = _multipart(client, district, _body(), [("good.jpg", good), (name, make())])
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"].startswith("Photo 2:") and err["message_zh"]
    assert _count(db, Case) == 0 and _count(db, Photo) == 0  # the report and its photos, or nothing


def test_rotated_gps_photo_is_upright_and_served_without_exif(client, district, db):
    r = _multipart(client, district, _body(), [("rot.jpg", testimages.rotated_jpeg_with_gps())])
    assert r.status_code == 201, r.text
    photo = r.json()["photos"][0]
    assert (photo["width"], photo["height"]) == (300, 400)  # EXIF orientation applied
    stored = db.scalar(select(Photo))
    assert stored.gps_lon == pytest.approx(120.585316, abs=1e-6)  # kept as data …
    assert stored.gps_lat == pytest.approx(31.298886, abs=1e-6)
    for url in (photo["url"], photo["thumb_url"]):
        served = client.get(url, headers=district.headers("dispatcher"))
        assert served.status_code == 200
        img = Image.open(io.BytesIO(served.content))
        exif = img.getexif()
        assert len(exif) == 0 and not exif.get_ifd(0x8825)  # … but never served
        assert b"Exif" not in served.content[:2000]
        assert img.width < img.height  # upright
        # the red marker stored top-left ends up top-right once rotated 90° clockwise
        r_, g_, b_ = img.convert("RGB").getpixel((img.width - 3, 3))
        assert r_ > 180 and g_ < 90 and b_ < 90


def test_png_and_webp_are_accepted(client, district):
    r = _multipart(client, district, _body(), [("a.png", testimages.png_with_alpha()),
                                                ("b.webp", testimages.webp())])
    assert r.status_code == 201, r.text
    assert sorted(p["mime"] for p in r.json()["photos"]) == ["image/png", "image/webp"]


def test_replaying_a_report_creates_one_case(client, district, db):
    body = _body()
    photo = testimages.jpeg(seed=3)
    codes = [_multipart(client, district, body, [("p.jpg", photo)]).status_code for _ in range(5)]
    assert codes == [201, 200, 200, 200, 200]
    assert _count(db, Case) == 1 and _count(db, Photo) == 1
    changed = _multipart(client, district, {**body, "description": "something else"}, [("p.jpg", photo)])
    assert changed.status_code == 409
    assert body["client_uuid"] in changed.json()["error"]["message"]
    assert _count(db, Case) == 1


def test_positions_and_categories(client, district):
    h = district.headers("inspector")
    lon, lat = cell_centre(2, 2)
    ok = client.post("/api/reports", json=_body(lon=lon, lat=lat), headers=h)
    assert ok.status_code == 201 and ok.json()["grid_code"] == grid_code(2, 2)
    outside = client.post("/api/reports", json=_body(lon=121.5, lat=31.2), headers=h)
    assert outside.status_code == 422 and outside.json()["error"]["code"] == "outside_jurisdiction"
    assert "outside every unit grid" in outside.json()["error"]["message"]
    swapped = client.post("/api/reports", json=_body(lon=lat, lat=lon), headers=h)
    assert swapped.status_code == 422 and "lat" in swapped.json()["error"]["message"].lower()
    nan = client.post("/api/reports", content=b'{"client_uuid": "%s", "kind": "event", "minor_code": "06036", '
                      b'"lon": NaN, "lat": 31.3}' % str(uuid.uuid4()).encode(), headers={**h, "content-type": "application/json"})
    assert nan.status_code == 422
    unknown = client.post("/api/reports", json=_body(minor_code="99999"), headers=h)
    assert unknown.status_code == 422 and "Unknown category" in unknown.json()["error"]["message"]
    junk = client.post("/api/reports", json={"kind": "event"}, headers=h)
    assert junk.status_code == 422 and "client_uuid" in junk.json()["error"]["message"]


def test_gcj02_input_is_converted_before_locating(client, district):
    from gis_data.crs import from_stored

    lon, lat = cell_centre(1, 2)
    glon, glat = from_stored(lon, lat, "gcj02")
    assert abs(glon - lon) > 0.001  # hundreds of metres apart: would land in the wrong place unconverted
    r = client.post("/api/reports", json=_body(lon=glon, lat=glat, crs="gcj02"), headers=district.headers("inspector"))
    assert r.status_code == 201 and r.json()["grid_code"] == grid_code(1, 2)
    assert r.json()["lon"] == pytest.approx(lon, abs=5e-6)


def test_list_filters_and_pagination(client, district):
    h = district.headers("inspector")
    for row, col, code in [(0, 0, "06036"), (0, 1, "06036"), (2, 2, "06010")]:
        lon, lat = cell_centre(row, col)
        assert client.post("/api/reports", json=_body(lon=lon, lat=lat, minor_code=code), headers=h).status_code == 201
    op = district.headers("operator")
    page = client.get("/api/cases", params={"limit": 2}, headers=op).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert client.get("/api/cases", params={"category": "06010"}, headers=op).json()["total"] == 1
    assert client.get("/api/cases", params={"grid": grid_code(0, 1)}, headers=op).json()["total"] == 1
    x0, y0 = cell_centre(0, 0)
    x1, y1 = cell_centre(0, 1)
    bbox = f"{x0 - 1e-4},{y0 - 1e-4},{x1 + 1e-4},{y1 + 1e-4}"
    assert client.get("/api/cases", params={"bbox": bbox}, headers=op).json()["total"] == 2
    assert client.get("/api/cases", params={"status": "reported", "source": "inspector"},
                      headers=op).json()["total"] == 3
    assert client.get("/api/cases", params={"overdue": True}, headers=op).json()["total"] == 0
    bad = client.get("/api/cases", params={"bbox": "1,2,3"}, headers=op)
    assert bad.status_code == 422 and "bbox" in bad.json()["error"]["message"]

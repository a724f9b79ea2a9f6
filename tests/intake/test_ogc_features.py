"""OGC API – Features: bbox, datetime, limit/offset with next links, single features, errors."""

from __future__ import annotations

import uuid

from tests.backend.district import cell_centre


def _report(client, district, row: int, col: int) -> dict:
    lon, lat = cell_centre(row, col)
    body = {"client_uuid": str(uuid.uuid4()), "source": "phone", "kind": "event", "minor_code": "06010",
            "lon": lon, "lat": lat, "description": "垃圾 13812345678", "reporter_contact": "13812345678"}
    r = client.post("/api/reports", json=body, headers=district.headers("operator"))
    assert r.status_code == 201, r.text
    return r.json()


def test_landing_conformance_and_collections(client, district):
    landing = client.get("/ogc").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    assert client.get("/openapi.json").status_code == 200
    collections = client.get("/ogc/collections").json()["collections"]
    assert all(c["itemType"] == "feature" and c["links"] for c in collections)
    assert client.get("/ogc/collections/nothing").status_code == 404


def test_items_bbox_datetime_and_paging(client, district):
    first = _report(client, district, 0, 0)
    _report(client, district, 2, 2)
    r = client.get("/ogc/collections/cases/items")
    assert r.headers["content-type"].startswith("application/geo+json")
    assert r.json()["numberMatched"] == 2
    west = client.get("/ogc/collections/cases/items?bbox=120.600,31.300,120.601,31.301").json()
    assert [f["id"] for f in west["features"]] == [first["ref"]]
    assert west["features"][0]["geometry"]["type"] == "Point"
    assert "13812345678" not in str(west)
    assert client.get("/ogc/collections/cases/items?datetime=2000-01-01T00:00:00Z/2000-12-31T00:00:00Z"
                      ).json()["numberMatched"] == 0
    assert client.get("/ogc/collections/cases/items?datetime=2020-01-01T00:00:00Z/..").json()["numberMatched"] == 2
    assert client.get("/ogc/collections/grids/items?datetime=2025-06-01T00:00:00Z").json()["numberMatched"] == 0
    assert client.get("/ogc/collections/grids/items?datetime=2026-06-01T00:00:00Z").json()["numberMatched"] == 9

    seen, url, pages = [], "/ogc/collections/grids/items?limit=4", 0
    while url:
        page = client.get(url.replace("http://testserver", "")).json()
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 9

    one = client.get(f"/ogc/collections/cases/items/{first['ref']}").json()
    assert one["type"] == "Feature" and one["properties"]["status"] == "reported"
    assert client.get("/ogc/collections/cases/items/GW-none").status_code == 404
    assert client.get("/ogc/collections/grids/items/not-a-number").status_code == 404
    assert client.get("/ogc/collections/grids/items?bbox=1,2,3").status_code == 422
    assert client.get("/ogc/collections/grids/items?datetime=yesterday").status_code == 422

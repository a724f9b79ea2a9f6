"""Independent clients against a real server on 127.0.0.1.

- Open311: PyPI ``georeport`` (0.3.x, a GeoReport v2 client written for US cities) reads what we
  serve, in JSON and XML. It has no POST method; the POST below is a minimal hand-written client
  built only from the spec (form-encoded, multipart ``media``), clearly not the library.
  (PyPI ``open311`` 1.1 and ``three`` 0.8 are Python-2-only and do not import on 3.11.)
- OGC API – Features: OWSLib's ``owslib.ogcapi.features.Features``.
"""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport
from owslib.ogcapi.features import Features

from backend.photos import testimages
from tests.backend.district import cell_centre
from tests.intake.test_open311 import PHONE, validate


def spec_post(root: str, api_key: str, **fields) -> list[dict]:
    """HAND-WRITTEN minimal GeoReport v2 POST (not from a library): POST {root}/requests.json."""
    media = fields.pop("media", None)
    files = {"media": ("photo.jpg", media, "image/jpeg")} if media else None
    response = requests.post(f"{root}/requests.json", data={"api_key": api_key, **fields}, files=files, timeout=60)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_georeport_round_trip(live_server, open311_key):
    root = f"{live_server}/open311/v2"
    lon, lat = cell_centre(1, 2)
    created = spec_post(root, open311_key, service_code="event-06010", lat=str(lat), long=str(lon),
                        description="路边暴露垃圾 exposed garbage", phone=PHONE, media=testimages.jpeg(seed=9))
    validate(created, "post_request")
    ref = created[0]["service_request_id"]

    for output_format in ("json", "xml"):
        client = GeoReport(root, output_format=output_format)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert {"event-06010", "component-01001"} <= codes
        definition = client.get_service_definition("component-01001")
        attributes = definition["attributes"]
        if output_format == "xml":
            attributes = attributes["attribute"]
        assert "component_code" in {a["code"] for a in attributes}
        requests_ = client.get_service_requests(service_request_id=ref)
        if output_format == "xml":  # xmltodict gives a dict for a single <request>
            requests_ = [requests_] if isinstance(requests_, dict) else requests_
        assert [r["service_request_id"] for r in requests_] == [ref]
        one = client.get_service_request(ref)
        assert one["service_request_id"] == ref and one["status"] == "open"
        assert one["service_code"] == "event-06010"
        assert float(one["long"]) == pytest.approx(lon) and float(one["lat"]) == pytest.approx(lat)
        assert PHONE not in str(one)
        open_ones = client.get_service_requests(status="open", service_code="event-06010")
        open_ones = [open_ones] if isinstance(open_ones, dict) else open_ones
        assert ref in {r["service_request_id"] for r in open_ones}
    validate(GeoReport(root).get_service_requests(), "requests")


def test_owslib_reads_every_collection(live_server, district, client):
    lon, lat = cell_centre(1, 1)
    report = {"client_uuid": "9b7e1c1e-5f40-4c57-9a43-2f0f6a6f0001", "source": "phone", "kind": "event",
              "minor_code": "06010", "lon": lon, "lat": lat, "description": f"垃圾，电话 {PHONE}",
              "reporter_name": "王女士", "reporter_contact": PHONE}
    r = requests.post(f"{live_server}/api/reports", json=report, headers=district.headers("operator"), timeout=10)
    assert r.status_code == 201, r.text

    api = Features(f"{live_server}/ogc")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    assert set(api.feature_collections()) == {"grids", "communities", "observation-points", "components", "cases"}
    expected = {"grids": 9, "communities": 1, "observation-points": 1, "components": 1, "cases": 1}
    for collection_id, count in expected.items():
        meta = api.collection(collection_id)
        assert meta["id"] == collection_id
        items = api.collection_items(collection_id, limit=100)
        assert items["type"] == "FeatureCollection"
        assert items["numberMatched"] == count == len(items["features"]), collection_id
    cases = api.collection_items("cases")
    props = cases["features"][0]["properties"]
    assert props["class_code"] == "06010" and "reporter_contact" not in props and "reporter_name" not in props
    assert PHONE not in str(cases)
    page = api.collection_items("grids", limit=4, bbox=[120.600, 31.300, 120.6025, 31.3025])
    assert page["numberMatched"] == 9 and page["numberReturned"] == 4
    assert any(link["rel"] == "next" for link in page["links"])
    single = api.collection_item("components", district.component_code)
    assert single["geometry"]["type"] == "Point" and single["properties"]["class_code"] == "01001"

"""Open311 GeoReport v2: every response validated against JSON Schemas written from the spec
(tests/intake/open311_schemas), XML parsed, errors in the spec's format, and the caller's phone
number never published."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from backend.photos import testimages
from tests.backend.district import cell_centre

SCHEMAS = Path(__file__).with_name("open311_schemas")
PHONE = "13912345678"
BASE = "/open311/v2"


def validate(body, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())


def post(client, key: str, **fields) -> object:
    lon, lat = cell_centre(0, 2)
    form = {"api_key": key, "service_code": "event-06010", "lat": str(lat), "long": str(lon),
            "description": f"路口有暴露垃圾，请回电 {PHONE}", "first_name": "李", "last_name": "先生",
            "phone": PHONE, "email": "li@example.org", **fields}
    return client.post(f"{BASE}/requests.json", data=form)


def test_discovery_services_and_definitions(client, district):
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200
    validate(r.json(), "discovery")
    services = client.get(f"{BASE}/services.json").json()
    validate(services, "services")
    by_code = {s["service_code"]: s for s in services}
    assert by_code["event-06010"]["service_name"] == "暴露垃圾"
    assert by_code["component-01001"]["service_name"] == "供水井盖"
    english = {s["service_code"]: s for s in client.get(f"{BASE}/services.json?lang=en").json()}
    assert english["event-06010"]["service_name"] == "Exposed garbage"
    for code in ("event-06010", "component-01001"):
        definition = client.get(f"{BASE}/services/{code}.json").json()
        validate(definition, "service_definition")
        assert definition["service_code"] == code
    component = client.get(f"{BASE}/services/component-01001.json").json()
    assert "component_code" in {a["code"] for a in component["attributes"]}
    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services" and len(xml.findall("service")) == len(services)
    assert xml.find("service/metadata").text == "true"
    definition_xml = ET.fromstring(client.get(f"{BASE}/services/event-06010.xml").content)
    assert definition_xml.tag == "service_definition"
    assert definition_xml.findall("attributes/attribute/values/value/key")


def test_post_then_read_back_with_filters(client, district, open311_key):
    r = post(client, open311_key, **{"attribute[hazard]": "no", "attribute[landmark]": "便利店门口"})
    assert r.status_code == 201, r.text
    created = r.json()
    validate(created, "post_request")
    ref, token = created[0]["service_request_id"], created[0]["token"]

    listing = client.get(f"{BASE}/requests.json")
    validate(listing.json(), "requests")
    assert ref in {item["service_request_id"] for item in listing.json()}
    one = client.get(f"{BASE}/requests/{ref}.json").json()
    validate(one, "requests")
    record = one[0]
    assert record["status"] == "open" and record["service_code"] == "event-06010"
    assert record["status_notes"].startswith("已上报")
    assert "便利店门口" in record["description"]
    assert abs(record["long"] - cell_centre(0, 2)[0]) < 1e-9
    datetime.fromisoformat(record["requested_datetime"])
    for body in (listing.text, json.dumps(one, ensure_ascii=False), client.get(f"{BASE}/requests.xml").text):
        assert PHONE not in body and "li@example.org" not in body and "李" not in body.replace("李先生", "")

    tokens = client.get(f"{BASE}/tokens/{token}.json").json()
    validate(tokens, "tokens")
    assert tokens == [{"service_request_id": ref, "token": token}]

    def ids(query: str) -> set[str]:
        response = client.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 200, response.text
        validate(response.json(), "requests")
        return {item["service_request_id"] for item in response.json()}

    assert ref in ids("status=open") and ref not in ids("status=closed")
    assert ref in ids("status=open,closed")
    assert ref in ids("service_code=event-06010,component-01001") and ref not in ids("service_code=event-06011")
    assert ref in ids(f"service_request_id={ref},GW-none")
    now = datetime.now(UTC)
    assert ref in ids(f"start_date={(now - timedelta(days=1)):%Y-%m-%dT%H:%M:%SZ}")
    assert ref not in ids(f"end_date={(now - timedelta(days=1)):%Y-%m-%dT%H:%M:%SZ}")

    xml = ET.fromstring(client.get(f"{BASE}/requests/{ref}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == ref
    assert xml.find("request/status").text == "open"


def test_status_mapping_closed_with_notes_and_agency(client, district, open311_key):
    ref = post(client, open311_key).json()[0]["service_request_id"]
    case_id = next(c["id"] for c in client.get("/api/cases", headers=district.headers("operator")).json()["items"]
                   if c["ref"] == ref)
    op = district.headers("operator")
    r = client.post(f"/api/cases/{case_id}/actions", headers=op, json={"action": "request_verify"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/cases/{case_id}/actions", headers=district.headers("inspector"),
                    json={"action": "verify_fail", "note": "现场未发现垃圾，联系电话 13800001111"})
    assert r.status_code == 200, r.text
    record = client.get(f"{BASE}/requests/{ref}.json").json()[0]
    assert record["status"] == "closed"
    assert record["status_notes"].startswith("核实不属实") and "13800001111" not in record["status_notes"]
    english = client.get(f"{BASE}/requests/{ref}.json?lang=en").json()[0]
    assert english["status_notes"].startswith("Not confirmed on site")


def test_agency_responsible_after_dispatch(client, district, open311_key, db):
    from backend.models import Case

    ref = post(client, open311_key).json()[0]["service_request_id"]
    case = db.query(Case).filter(Case.ref == ref).one()
    case_id = case.id
    steps = [("operator", {"action": "request_verify"}), ("inspector", {"action": "verify"}),
             ("shift_leader", {"action": "file"}),
             ("dispatcher", {"action": "dispatch", "department_id": district.department_id})]
    for who, body in steps:
        r = client.post(f"/api/cases/{case_id}/actions", headers=district.headers(who), json=body)
        assert r.status_code == 200, r.text
    record = client.get(f"{BASE}/requests/{ref}.json").json()[0]
    assert record["agency_responsible"] == "环境卫生管理处" and record["status"] == "open"
    assert record["expected_datetime"]
    assert client.get(f"{BASE}/requests/{ref}.json?lang=en").json()[0]["agency_responsible"] == "Sanitation"


def test_media_upload_and_address_only(client, district, open311_key):
    lon, lat = cell_centre(0, 0)
    files = {"media": ("photo.jpg", testimages.jpeg(seed=3), "image/jpeg")}
    form = {"api_key": open311_key, "service_code": "event-06010", "lat": str(lat), "long": str(lon),
            "description": "garbage with photo"}
    r = client.post(f"{BASE}/requests.json", data=form, files=files)
    assert r.status_code == 201, r.text
    ref = r.json()[0]["service_request_id"]
    items = client.get("/api/cases", headers=district.headers("operator")).json()["items"]
    case_id = next(c["id"] for c in items if c["ref"] == ref)
    detail = client.get(f"/api/cases/{case_id}", headers=district.headers("operator")).json()
    assert len(detail["photos"]) == 1 and detail["source"] == "app"

    r = client.post(f"{BASE}/requests.json", data={"api_key": open311_key, "service_code": "event-06010",
                                                   "address_string": "观前街口附近", "description": "垃圾"})
    assert r.status_code == 201, r.text
    record = client.get(f"{BASE}/requests/{r.json()[0]['service_request_id']}.json").json()[0]
    assert (record["long"], record["lat"]) == pytest.approx(cell_centre(0, 0))
    assert record["address_id"] == "320508019044001"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_in_the_spec_format(client, district, open311_key, fmt):
    def error_of(response, status: int) -> None:
        assert response.status_code == status, response.text
        if fmt == "json":
            validate(response.json(), "errors")
            assert response.json()[0]["code"] == status
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors" and root.find("error/code").text == str(status)
            assert root.find("error/description").text

    lon, lat = cell_centre(0, 2)
    good = {"service_code": "event-06010", "lat": str(lat), "long": str(lon)}
    error_of(client.post(f"{BASE}/requests.{fmt}", data={**good, "api_key": "wrong"}), 403)
    error_of(client.post(f"{BASE}/requests.{fmt}", data=good), 403)
    error_of(client.post(f"{BASE}/requests.{fmt}", data={**good, "api_key": open311_key,
                                                         "service_code": "event-99999"}), 404)
    error_of(client.post(f"{BASE}/requests.{fmt}", data={**good, "api_key": open311_key, "lat": "0", "long": "0"}),
             400)
    error_of(client.post(f"{BASE}/requests.{fmt}", data={"api_key": open311_key, "service_code": "event-06010"}),
             400)
    error_of(client.get(f"{BASE}/services/event-99999.{fmt}"), 404)
    error_of(client.get(f"{BASE}/requests/GW-none.{fmt}"), 404)
    error_of(client.get(f"{BASE}/tokens/nope.{fmt}"), 404)
    error_of(client.get(f"{BASE}/requests.{fmt}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"),
             400)
    error_of(client.get(f"{BASE}/requests.{fmt}?status=pending"), 400)
    error_of(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=999999"), 404)


def test_emergency_requests_are_not_published(client, district, open311_key):
    r = post(client, open311_key, description="Fire! The bins are on fire next to the school")
    assert r.status_code == 201, r.text
    body = r.json()[0]
    assert "119" in body["service_notice"]
    listing = client.get(f"{BASE}/requests.json").json()
    assert body["service_request_id"] not in {i["service_request_id"] for i in listing}

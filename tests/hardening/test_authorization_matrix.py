"""Every endpoint × every role: allowed, or 403; without a token 401; never a 5xx.

The expected table is derived from the policy each route declares (``require_roles`` or a plain
``CurrentUser``), so routes added later are checked too. Object-level rules inside allowed
routes (a department sees only its cases, the workflow table per action) have their own tests:
this one checks the gate in front of each route, and that no route rewrites the audit log.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from backend.cases import workflow as wf
from tests.backend.district import ROLES
from tests.hardening.factories import act, audit_rows, case_with_history, report_body, submit_report
from tests.hardening.routes import body_kwargs, endpoints, fill_path, operation_of, required_query

pytestmark = pytest.mark.db
# Signing out revokes the token the matrix uses: do it last.
LAST = ("POST /api/auth/logout",)
# Routes whose gate admits a role that a rule inside may still refuse for the probed value
# (the matrix probes path parameters with their first enum value).
INNER_RULES = {
    "GET /api/stats/evaluation/{post}": "a department sees only the department scorecard",
    "GET /api/stats/evaluation/{post}/cases": "a department sees only the department scorecard",
}
# An admitted role whose request takes longer than this is not repeated for the other admitted
# roles (a PDF report renders in Chromium for seconds); refused roles are always all checked.
SLOW_SECONDS = 0.3


def _request(client, endpoint, openapi, headers):
    operation = operation_of(openapi, endpoint)
    return client.request(endpoint.method, fill_path(endpoint.path, operation), params=required_query(operation),
                          headers=headers, **body_kwargs(operation))


def test_every_endpoint_for_every_role(client, district, db):
    case_with_history(client, district)
    case = submit_report(client, district, who="inspector", photo=True)
    act(client, district, case["id"], "shift_leader", "file")
    act(client, district, case["id"], "dispatcher", "dispatch", department_id=district.department_id)
    audit_before = audit_rows(db)
    openapi = client.get("/openapi.json").json()
    client = TestClient(client.app, raise_server_exceptions=False)  # a 500 is a finding, not a crash
    found = sorted(endpoints(client.app), key=lambda e: (e.label in LAST, e.label))
    assert len(found) > 30, "the route walk found too few endpoints"
    problems: list[str] = []
    for endpoint in found:
        if not endpoint.bearer:
            if not endpoint.declared_public:
                problems.append(f"{endpoint.label}: public (no sign-in) but not under a declared public prefix")
            r = _request(client, endpoint, openapi, {})
            if r.status_code >= 500:
                problems.append(f"{endpoint.label} without a token: {r.status_code}")
            continue
        r = _request(client, endpoint, openapi, {})
        if r.status_code != 401:
            problems.append(f"{endpoint.label} without a token: {r.status_code}, expected 401")
        elif "bearer" not in r.headers.get("www-authenticate", "").lower():
            problems.append(f"{endpoint.label}: 401 without 'WWW-Authenticate: Bearer'")
        slow = False
        for role in ROLES:
            allowed = role in endpoint.roles
            if allowed and slow:
                continue
            started = time.perf_counter()
            r = _request(client, endpoint, openapi, district.headers(role))
            slow = slow or (allowed and time.perf_counter() - started > SLOW_SECONDS)
            if r.status_code >= 500:
                problems.append(f"{endpoint.label} as {role}: {r.status_code} {r.text[:200]}")
            elif allowed and r.status_code == 403 and endpoint.label in INNER_RULES:
                continue
            elif allowed and r.status_code in (401, 403):
                problems.append(f"{endpoint.label} as {role}: {r.status_code}, but the route admits {role}")
            elif not allowed and r.status_code != 403:
                problems.append(f"{endpoint.label} as {role}: {r.status_code}, expected 403")
    assert problems == [], "\n".join(problems)
    # No route, whoever calls it, changed or removed an audit row (new rows may only be appended).
    assert audit_rows(db)[:len(audit_before)] == audit_before


def test_report_submission_is_limited_to_reporting_roles(client, district):
    """POST /api/reports admits every signed-in user at the gate; the service checks the role."""
    reporting = {r.value for r in wf.REPORT_ROLES}
    for role in ROLES:
        r = client.post("/api/reports", json=report_body(), headers=district.headers(role))
        assert r.status_code == (201 if role in reporting else 403), (role, r.text)
    submit_report(client, district, who="inspector")  # and the inspector's normal path still works


def test_a_department_cannot_read_another_departments_case(client, district):
    case = submit_report(client, district, who="inspector")
    act(client, district, case["id"], "shift_leader", "file")
    act(client, district, case["id"], "dispatcher", "dispatch", department_id=district.department_id)
    assert client.get(f"/api/cases/{case['id']}", headers=district.headers("department")).status_code == 200
    assert client.get(f"/api/cases/{case['id']}", headers=district.headers("other_department")).status_code == 403

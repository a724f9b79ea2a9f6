"""综合评价 over HTTP against hand-computed values (tests/stats/expected.py), on both databases:
every post's indicators, composites and ratings, drill-down to the events/cases behind each
numerator and denominator, departments and regions, and the admin-only settings."""

from __future__ import annotations

import pytest

from tests.backend.district import COMMUNITY, grid_code
from tests.stats import expected as X

pytestmark = pytest.mark.db


def _cards(env, post, who="analyst", **params):
    r = env.get(f"/api/stats/evaluation/{post}", who, **{"month": "2026-06", **params})
    assert r.status_code == 200, r.text
    return {str(row["subject"]["name"]): row for row in r.json()["rows"]}


def _check(row, expected):
    for key, (value, numerator, denominator) in expected.items():
        ind = row["indicators"][key]
        assert (ind["numerator"], ind["denominator"]) == (numerator, denominator), key
        if value is None:
            assert ind["value"] is None and ind["note"], key
        else:
            assert ind["value"] == pytest.approx(value), key


def _items(env, url, who="analyst"):
    r = env.client.get(url, headers=env.headers(who))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _refs(env, url):
    return {i.get("ref") for i in _items(env, url)}


def test_inspectors(env):
    cards = _cards(env, "inspectors")
    _check(cards["inspector"], X.INSPECTOR)
    assert cards["inspector"]["composite"]["value"] == pytest.approx(X.INSPECTOR_COMPOSITE)
    assert cards["inspector"]["composite"]["rating"] == "C"
    _check(cards["inspector2"], X.INSPECTOR2)
    c2 = cards["inspector2"]["composite"]
    assert c2["value"] == pytest.approx(X.INSPECTOR2_COMPOSITE) and c2["rating"] == "A"
    assert set(c2["missing"]) == {"on_time_verify_rate", "on_time_check_rate"} and c2["note"]
    links = cards["inspector"]["indicators"]
    sc, db = env.scenario, env.db
    assert _refs(env, links["valid_report_rate"]["drilldown"]["numerator"]) == sc.refs(db, "C1", "C5", "C6", "C17")
    assert _refs(env, links["valid_report_rate"]["drilldown"]["denominator"]) == sc.refs(
        db, "C1", "C5", "C6", "C7", "C15", "C17")
    assert _refs(env, links["on_time_verify_rate"]["drilldown"]["numerator"]) == sc.refs(db, "C2")
    verify_tasks = _items(env, links["on_time_verify_rate"]["drilldown"]["denominator"])
    assert {i["ref"] for i in verify_tasks} == sc.refs(db, "C2", "C11", "C12")
    assert all(i["task_id"] for i in verify_tasks)
    assert _refs(env, links["miss_rate"]["drilldown"]["numerator"]) == sc.refs(db, "C2", "C12")
    checks = _items(env, links["on_time_check_rate"]["drilldown"]["denominator"])
    assert len(checks) == 7 and sum(1 for i in checks if i["ref"] in sc.refs(db, "C6")) == 2


def test_operators_shift_leaders_dispatchers(env):
    sc, db = env.scenario, env.db
    op = _cards(env, "operators")["operator"]
    _check(op, X.OPERATOR)
    assert op["indicators"]["intake_score"]["count"] == X.OPERATOR_INTAKE
    assert op["indicators"]["intake_score"]["value"] == 0
    assert op["composite"]["value"] == pytest.approx(X.OPERATOR_COMPOSITE) and op["composite"]["rating"] == "D"
    late = op["indicators"]["on_time_verify_dispatch_rate"]["drilldown"]
    assert _refs(env, late["denominator"]) - _refs(env, late["numerator"]) == sc.refs(db, "C11")
    checks = op["indicators"]["on_time_check_dispatch_rate"]["drilldown"]
    assert _refs(env, checks["denominator"]) - _refs(env, checks["numerator"]) == sc.refs(db, "C2")
    assert _refs(env, op["indicators"]["intake_score"]["drilldown"]["numerator"]) == sc.refs(
        db, "C2", "C3", "C4", "C11", "C12")

    leader = _cards(env, "shift_leaders")["shift_leader"]
    _check(leader, X.SHIFT_LEADER)
    assert leader["composite"]["value"] == pytest.approx(X.SHIFT_LEADER_COMPOSITE)
    assert leader["composite"]["rating"] == "A"
    filing = leader["indicators"]["on_time_filing_rate"]["drilldown"]
    assert _refs(env, filing["denominator"]) - _refs(env, filing["numerator"]) == sc.refs(db, "C9")
    accurate = leader["indicators"]["accurate_filing_rate"]["drilldown"]
    assert _refs(env, accurate["denominator"]) - _refs(env, accurate["numerator"]) == sc.refs(db, "C7")

    dispatcher = _cards(env, "dispatchers")["dispatcher"]
    _check(dispatcher, X.DISPATCHER)
    assert dispatcher["indicators"]["dispatch_count_score"]["count"] == 8
    assert dispatcher["composite"]["value"] == pytest.approx(X.DISPATCHER_COMPOSITE)
    assert dispatcher["composite"]["rating"] == "C"
    acc = dispatcher["indicators"]["accurate_dispatch_rate"]["drilldown"]
    assert _refs(env, acc["denominator"]) - _refs(env, acc["numerator"]) == sc.refs(db, "C6")


def test_departments(env):
    cards = _cards(env, "departments")
    env_dept, roads = cards["环境卫生管理处"], cards["市政道路处"]
    _check(env_dept, X.DEPARTMENT_ENV)
    assert env_dept["indicators"]["filed_count_score"]["count"] == 7
    assert env_dept["indicators"]["filed_count_score"]["value"] == 10
    assert env_dept["composite"]["value"] == pytest.approx(X.DEPARTMENT_ENV_SCORE)
    assert env_dept["composite"]["rating"] == "C"
    _check(roads, X.DEPARTMENT_ROAD)
    assert roads["composite"]["value"] == pytest.approx(X.DEPARTMENT_ROAD_SCORE)
    sc, db = env.scenario, env.db
    rework = env_dept["indicators"]["rework_rate"]["drilldown"]
    assert _refs(env, rework["numerator"]) == sc.refs(db, "C6")
    assert _refs(env, rework["denominator"]) == sc.refs(db, "C1", "C2", "C5", "C6", "C17")
    # A department user sees its own scorecard only.
    own = _cards(env, "departments", who="department")
    assert list(own) == ["环境卫生管理处"]
    assert env.get("/api/stats/evaluation/inspectors", "department").status_code == 403
    # An empty month: no figure can be computed, so no score (not a fake 0 or 100).
    march = _cards(env, "departments", month="2026-03")
    assert all(r["composite"]["value"] is None and r["composite"]["note"] for r in march.values())


def test_regions_by_grid_and_community(env):
    grids = _cards(env, "regions")
    assert len(grids) == 9
    g00 = grids[grid_code(0, 0)]
    _check(g00, X.GRID_00)
    assert g00["indicators"]["filed_count_score"]["value"] == 90
    assert g00["composite"]["value"] == pytest.approx(X.GRID_00_COMPOSITE) and g00["composite"]["rating"] == "A"
    empty = grids[grid_code(1, 0)]
    assert empty["indicators"]["filed_count_score"]["value"] == 100 and empty["composite"]["value"] is None
    community = _cards(env, "regions", level="community")["养育巷社区"]
    assert community["subject"]["id"] == COMMUNITY and community["subject"]["grids"] == 9
    assert community["indicators"]["filed_count_score"]["value"] == pytest.approx(X.COMMUNITY_SCORE)
    assert community["indicators"]["public_report_rate"]["value"] == pytest.approx(200 / 9)
    assert community["composite"]["value"] == pytest.approx(X.COMMUNITY_COMPOSITE)
    assert community["composite"]["rating"] == "D"
    assert _refs(env, g00["indicators"]["closure_rate"]["drilldown"]["numerator"]) == env.scenario.refs(env.db, "C1")


def test_settings_are_admin_only_validated_and_change_the_scores(env):
    current = env.get("/api/stats/settings").json()["settings"]
    assert current["weights"]["inspector"]["valid_report_rate"] == 0.4
    body = {**current, "weights": {**current["weights"], "shift_leader": {
        "on_time_filing_rate": 0.5, "accurate_filing_rate": 0.5, "on_time_closing_rate": 0.0}}}
    assert env.client.put("/api/stats/settings", json=body, headers=env.headers("analyst")).status_code == 403
    bad = {**body, "weights": {**body["weights"], "operator": {"intake_score": 0.5, "on_time_verify_dispatch_rate": 0.4,
                                                                "on_time_check_dispatch_rate": 0.35}}}
    r = env.client.put("/api/stats/settings", json=bad, headers=env.headers("admin"))
    assert r.status_code == 422 and "100" in r.json()["error"]["message"] and r.json()["error"]["message_zh"]
    r = env.client.put("/api/stats/settings", json={**current, "rating_bands": [{"grade": "A", "min_score": 50},
                                                                              {"grade": "B", "min_score": 80}]},
                       headers=env.headers("admin"))
    assert r.status_code == 422
    try:
        r = env.client.put("/api/stats/settings", json=body, headers=env.headers("admin"))
        assert r.status_code == 200, r.text
        leader = _cards(env, "shift_leaders")["shift_leader"]
        assert leader["composite"]["value"] == pytest.approx(800 / 9)  # 0.5 × 88.9 + 0.5 × 88.9
        assert leader["composite"]["rating"] == "B"
    finally:
        r = env.client.put("/api/stats/settings", json=env.get("/api/stats/settings").json()["defaults"],
                           headers=env.headers("admin"))
        assert r.status_code == 200
    assert _cards(env, "shift_leaders")["shift_leader"]["composite"]["rating"] == "A"

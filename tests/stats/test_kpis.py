"""Dashboard KPIs over HTTP against the hand-computed scenario (tests/stats/expected.py), on both
databases: every count, every rate, 同比/环比, sources, top problems, drill-downs, filters and
zero denominators."""

from __future__ import annotations

import pytest

from tests.backend.district import COMMUNITY, grid_code
from tests.stats import expected as X

pytestmark = pytest.mark.db


def _kpis(env, who="analyst", **params):
    params = {"month": "2026-06", **params}
    r = env.get("/api/stats/kpis", who, **{k: v for k, v in params.items() if v is not None})
    assert r.status_code == 200, r.text
    return r.json()


def _drill_refs(env, url, who="analyst"):
    r = env.client.get(url + "&limit=1000", headers=env.headers(who))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return {item["ref"] for item in body["items"]}


def test_june_figures_rates_and_changes_match_hand_computed_values(env):
    k = _kpis(env)
    assert {key: f["value"] for key, f in k["figures"].items()} == X.JUNE_FIGURES
    for key, value in X.JUNE_RATES.items():
        assert k["rates"][key]["value"] == pytest.approx(value), key
    for key, (current, previous, change) in X.JUNE_CHANGES.items():
        c = k["changes"][key]
        assert (c["current"], c["previous"]) == (current, previous)
        assert c["value"] == pytest.approx(change)
    assert k["changes"]["received_mom"]["compared_window"]["label"] == "2026-05"
    assert k["changes"]["received_yoy"]["compared_window"]["label"] == "2025-06"
    sources = {r["source"]: (r["received"], r["previous"], r["last_year"]) for r in k["by_source"]}
    assert sources == X.JUNE_SOURCES
    inspector = next(r for r in k["by_source"] if r["source"] == "inspector")
    assert inspector["mom"] == pytest.approx(250.0) and inspector["yoy"] is None and inspector["note"]
    assert [(p["kind"], p["minor_code"], p["count"]) for p in k["pareto"]] == [("event", "06010", 11),
                                                                              ("component", "01001", 1)]
    assert k["top_problems"]["event"][0]["name_zh"] == "暴露垃圾"
    assert k["pareto"][-1]["cumulative_share"] == pytest.approx(100.0)


def test_every_figure_drills_down_to_exactly_its_cases(env):
    k = _kpis(env)
    for key, names in X.JUNE_CASES.items():
        assert _drill_refs(env, k["figures"][key]["drilldown"]) == env.scenario.refs(env.db, *names), key
    rate = k["rates"]["closure_rate"]
    assert _drill_refs(env, rate["drilldown_numerator"]) == env.scenario.refs(env.db, "C1", "C2", "C5", "C6")
    assert len(_drill_refs(env, rate["drilldown_denominator"])) == rate["denominator_value"] == 8
    previous = k["changes"]["received_mom"]["drilldown_previous"]
    assert _drill_refs(env, previous) == env.scenario.refs(env.db, "C9", "C10")
    last_year = k["changes"]["received_yoy"]["drilldown_previous"]
    assert _drill_refs(env, last_year) == env.scenario.refs(env.db, "C13")


def test_cases_crossing_months_count_in_the_month_of_their_own_step(env):
    may = _kpis(env, month="2026-05")
    for key, value in X.MAY_FIGURES.items():
        assert may["figures"][key]["value"] == value, key
    assert may["rates"]["closure_rate"]["value"] == 100.0
    assert may["rates"]["on_time_closure_rate"]["value"] == 0.0  # 0 of 1 is a real 0 %
    # A custom window over both months: each case once, by its own dates.
    both = _kpis(env, month=None, start="2026-05-01", end="2026-06-30")
    assert both["figures"]["received"]["value"] == 14
    assert both["figures"]["filed"]["value"] == 10
    assert both["changes"]["received_mom"]["compared_window"]["label"] == "2026-03-01..2026-04-30"


def test_zero_denominators_are_null_with_a_note_never_zero(env):
    empty = _kpis(env, month="2026-03")
    assert all(f["value"] == 0 for key, f in empty["figures"].items() if key != "overdue_now")
    for rate in empty["rates"].values():
        assert rate["value"] is None and rate["note"], rate["key"]
    assert empty["changes"]["received_mom"]["value"] is None and empty["changes"]["received_mom"]["note"]
    inspectors_only = _kpis(env, source="inspector")
    assert inspectors_only["figures"]["hotline"]["value"] == 0
    assert inspectors_only["rates"]["immediate_answer_rate"]["value"] is None
    assert inspectors_only["rates"]["satisfaction_rate"]["value"] is None
    assert inspectors_only["figures"]["received"]["value"] == 7


@pytest.mark.parametrize(("params", "received", "filed", "closed"), [
    ({"grid": grid_code(0, 0)}, 2, 2, 1),  # C1 C7 (C8 merged away); C7 voided
    ({"community": COMMUNITY}, 12, 9, 4),
    ({"street": "320508019"}, 12, 9, 4),
    ({"county": "320508"}, 12, 9, 4),
    ({"county": "110101"}, 0, 0, 0),
    ({"kind": "component"}, 1, 1, 1),
    ({"kind": "event", "major": "06"}, 11, 8, 3),
    ({"minor": "01001"}, 1, 1, 1),
    ({"source": "phone"}, 3, 2, 1),
    ({"source": ["phone", "web"]}, 4, 2, 1),
])
def test_filters_apply_to_every_figure(env, params, received, filed, closed):
    k = _kpis(env, **params)
    assert (k["figures"]["received"]["value"], k["figures"]["filed"]["value"],
            k["figures"]["closed"]["value"]) == (received, filed, closed)


def test_department_filter_and_department_users_see_their_own(env):
    d = env.scenario.district
    roads = _kpis(env, department=d.other_department_id)
    assert roads["figures"]["filed"]["value"] == 1 and roads["figures"]["handled_on_time"]["value"] == 1
    own = _kpis(env, who="department")
    assert own["filters"]["department_id"] == d.department_id
    assert own["figures"]["filed"]["value"] == 7  # C1 C2 C5 C6 C7 C9 C17
    r = env.get("/api/stats/kpis", "department", department=d.other_department_id)
    assert r.status_code == 403 and r.json()["error"]["message_zh"]
    assert env.get("/api/stats/kpis", "inspector").status_code == 403
    page = env.get("/api/stats/dashboard.html", "department", month="2026-06")
    assert page.status_code == 200 and "专业部门综合评价" in page.text and "区域综合评价" in page.text
    assert "监督员综合评价" not in page.text and "受理员综合评价" not in page.text  # staff scorecards are the centre's
    assert env.client.get("/api/stats/kpis").status_code == 401


def test_bad_parameters_are_refused_in_both_languages(env):
    h = env.headers()
    for params in ({"month": "2026-13"}, {"grid": "123"}, {"source": "fax"}, {"start": "2026-06-01"},
                   {"start": "2026-06-10", "end": "2026-06-01"}):
        r = env.client.get("/api/stats/kpis", params=params, headers=h)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error"]["message_zh"]
    r = env.client.get("/api/stats/cases", params={"figure": "nonsense"}, headers=h)
    assert r.status_code == 404


def test_trend_points_equal_the_dashboard_month_by_month(env):
    rows = env.get("/api/stats/trend", month="2026-06").json()
    assert [r["month"] for r in rows][-3:] == ["2026-04", "2026-05", "2026-06"] and len(rows) == 12
    june, may = rows[-1], rows[-2]
    assert (june["received"], june["should_close"], june["closed"], june["closed_on_time"]) == (12, 8, 4, 2)
    assert june["closure_rate"] == 50.0 and june["on_time_closure_rate"] == 25.0
    assert (may["received"], may["should_close"], may["closed"]) == (2, 1, 1)
    assert rows[0]["closure_rate"] is None and rows[0]["note"]

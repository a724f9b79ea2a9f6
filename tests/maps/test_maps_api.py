"""The map API on both databases: payloads aggregate in SQL with the /api/cases filters,
respect who may see what, cap the markers, and export offline HTML."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from backend.cases import workflow as wf
from backend.models import Case
from map_viewer import cdn_host_references, external_asset_urls
from map_viewer.page import MAP_KINDS
from tests.backend.district import grid_code
from tests.maps.seed import COVER, HOT_GRID

pytestmark = pytest.mark.db


def _get(client, district, path, who="analyst", **params):
    r = client.get(path, params=params, headers=district.headers(who))
    assert r.status_code == 200, r.text
    return r.json()


def _theme(payload, theme_id):
    return next(t for t in payload["themes"] if t["id"] == theme_id)


def _by_code(payload, theme_id):
    t = _theme(payload, theme_id)
    return dict(zip(payload["codes"], t["values"], strict=True))


def test_every_map_kind_answers_for_an_analyst(client, district, seeded):
    for kind in MAP_KINDS:
        payload = _get(client, district, f"/api/maps/{kind}")
        assert payload["kind"] == kind
        assert "summary" in payload


def test_maps_need_a_token_and_a_staff_role(client, district, seeded):
    r = client.get("/api/maps/hotspots")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/maps/nonsense", headers=district.headers("analyst")).status_code == 422


def test_choropleth_counts_and_rates_match_the_cases(client, district, seeded, db):
    payload = _get(client, district, "/api/maps/choropleth")
    counts = _by_code(payload, "count")
    in_db = dict(db.execute(select(Case.grid_code, func.count()).group_by(Case.grid_code)).all())
    assert {c: n for c, n in counts.items() if n} == in_db
    assert counts[grid_code(1, 2)] == 0  # a grid without cases is there, with zero
    per_10k = _by_code(payload, "per_10k")
    assert per_10k[HOT_GRID] == pytest.approx(counts[HOT_GRID])  # test grids are 10,000 m²
    # Grid (0,0): 2 closed, 2 overdue, 2 dispatched, 2 only reported; filed = 6 should be closed.
    assert _by_code(payload, "closure_rate")[HOT_GRID] == pytest.approx(2 / 6, abs=1e-4)
    assert _by_code(payload, "on_time_rate")[HOT_GRID] == pytest.approx(2 / 6, abs=1e-4)
    assert _by_code(payload, "overdue")[HOT_GRID] == 2
    assert _by_code(payload, "closure_rate")[grid_code(2, 0)] is None  # nothing filed there: no rate
    legend = _theme(payload, "closure_rate")["legend"]
    assert [i["label_zh"][:3] for i in legend["items"][:5]] == ["A 级", "B 级", "C 级", "D 级", "E 级"]


def test_filters_are_the_case_list_filters(client, district, seeded):
    every = _get(client, district, "/api/maps/choropleth")["summary"]["total"]
    for params in ({"category": COVER}, {"source": "phone"}, {"status_type": "closed"}, {"overdue": "true"},
                   {"department": district.other_department_id}, {"status": "dispatched"},
                   {"grid": HOT_GRID}):
        listed = _get(client, district, "/api/cases", limit=1, **params)["total"]
        mapped = _get(client, district, "/api/maps/choropleth", **params)
        assert mapped["summary"]["total"] == listed, params
        assert 0 < listed < every, params
    assert _get(client, district, "/api/maps/choropleth", overdue="true")["summary"]["total"] == 2


def test_time_window_takes_local_dates_and_is_inclusive(client, district, seeded):
    now_local = seeded.now.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    today = _get(client, district, "/api/maps/hotspots", reported_from=str(now_local), reported_to=str(now_local))
    month = _get(client, district, "/api/maps/hotspots", reported_from=str(now_local.replace(day=1)))
    assert 0 < today["summary"]["total"] <= month["summary"]["total"] < 22
    r = client.get("/api/maps/hotspots", params={"reported_from": "2026-13-01"}, headers=district.headers("analyst"))
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"]["message"]


def test_departments_see_only_their_cases_on_every_map(client, district, seeded):
    mine = _get(client, district, "/api/maps/cases", who="department")
    assert seeded.ids["other_department"][0] not in mine["cases"]["id"]
    assert mine["total"] == _get(client, district, "/api/cases", who="department", limit=1)["total"]
    theirs = _get(client, district, "/api/maps/cases", who="other_department")
    assert theirs["cases"]["id"] == seeded.ids["other_department"]
    counts = _get(client, district, "/api/maps/hotspots", who="other_department")
    assert sum(v for v in _by_code(counts, "count").values()) == 1


def test_case_markers_carry_status_classes(client, district, seeded):
    payload = _get(client, district, "/api/maps/cases", who="dispatcher")
    cls = dict(zip(payload["cases"]["id"], payload["cases"]["cls"], strict=True))
    for label, expected in (("closed", "closed"), ("overdue", "overdue"), ("progress", "progress"),
                            ("new", "new"), ("answered", "closed")):
        assert {cls[i] for i in seeded.ids[label]} == {expected}, label
    assert payload["capped"] is False and "notice_zh" not in payload
    assert payload["legend"]["items"][3]["count"] == 2  # overdue
    assert set(payload["cases"]) >= {"id", "lon", "lat", "ref", "label_zh", "due"}
    assert payload["cases"]["label_zh"][0] in ("暴露垃圾", "供水井盖异常")


def test_markers_are_capped_and_the_cap_is_said(client, district, seeded):
    payload = _get(client, district, "/api/maps/cases", cap=5)
    assert payload["shown"] == 5 and payload["total"] == len(seeded.all())
    assert payload["capped"] is True
    assert "仅显示最新 5 个" in payload["notice_zh"] and "newest 5 of" in payload["notice_en"]
    # All cases are still counted per grid.
    assert sum(_theme(payload, "count")["values"]) == len(seeded.all())
    newest = _get(client, district, "/api/cases", limit=5)["items"]
    assert payload["cases"]["id"] == [c["id"] for c in newest]


def test_hotspots_find_the_hot_grid(client, district, seeded):
    payload = _get(client, district, "/api/maps/hotspots", fdr="false")
    gi = _theme(payload, "gi_bin")
    z = dict(zip(payload["codes"], gi["values"], strict=True))
    assert max(z, key=z.get) == HOT_GRID
    assert "Benjamini" not in gi["legend"]["note_en"]
    fdr = _theme(_get(client, district, "/api/maps/hotspots"), "gi_bin")
    assert "Benjamini" in fdr["legend"]["note_en"]
    band = _get(client, district, "/api/maps/hotspots", weights="distance_band", distance=300)
    assert "distance band 300 m" in _theme(band, "gi_bin")["legend"]["note_en"]


def test_density_raster_is_computed_on_the_server(client, district, seeded):
    payload = _get(client, district, "/api/maps/density", bandwidth=150)
    assert payload["image"].startswith("data:image/png;base64,")
    assert payload["summary"]["total"] == len(seeded.all())
    assert payload["legend"]["type"] == "ramp" and payload["legend"]["max"] > 0
    west, south, east, north = payload["bounds"]
    assert west < 120.600 and east > 120.603 and south < 31.300 and north > 31.303  # padded by the bandwidth
    assert "150" in payload["legend"]["note_en"]
    assert "lon" not in json.dumps(payload)  # no raw points are sent
    none = _get(client, district, "/api/maps/density", category="09999")
    assert none["summary"]["total"] == 0 and none["legend"]["max"] == 0


def test_closure_status_by_grid(client, district, seeded):
    payload = _get(client, district, "/api/maps/closure")
    status = _theme(payload, "status")
    palette_keys = ["closed", "progress", "warning", "overdue"]
    by_code = {c: (palette_keys[k] if k >= 0 else None) for c, k in zip(payload["codes"], status["classes"],
                                                                          strict=True)}
    assert by_code[HOT_GRID] == "overdue"
    assert by_code[grid_code(1, 1)] == "closed"  # only an answered request
    assert by_code[grid_code(2, 2)] == "progress"
    assert by_code[grid_code(1, 2)] is None
    assert payload["summary"]["lines"][0][2] == "8 / 3"  # 8 filed (should be closed), 3 closed


def test_comparison_this_month_against_last(client, district, seeded):
    payload = _get(client, district, "/api/maps/comparison")
    cur, prev = _by_code(payload, "current"), _by_code(payload, "previous")
    assert prev[grid_code(2, 0)] == 3 and cur[grid_code(2, 0)] == 0
    assert prev[HOT_GRID] == 2 and cur[HOT_GRID] == 6
    change = _theme(payload, "change")
    assert dict(zip(payload["codes"], change["values"], strict=True))[grid_code(2, 0)] == -3
    assert re.match(r"本期 \d{4}-\d{2}", _theme(payload, "current")["name_zh"])
    # Two explicit windows: the window against the one of the same length before it.
    day = seeded.now.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    win = _get(client, district, "/api/maps/comparison", reported_from=str(day), reported_to=str(day))
    assert sum(_theme(win, "previous")["values"]) <= sum(_theme(win, "current")["values"])


def test_inventory_colours_components_by_state(client, district, seeded):
    payload = _get(client, district, "/api/maps/inventory")
    assert payload["points"]["code"] == [district.component_code]
    assert payload["points"]["state"] == ["intact"] and payload["points"]["name_zh"] == ["供水井盖"]
    assert payload["legend"]["items"][0]["count"] == 1
    empty = _get(client, district, "/api/maps/inventory", state="lost")
    assert empty["points"]["code"] == [] and empty["total"] == 0


def test_base_layers_and_options(client, district, seeded):
    r = client.get("/api/maps/base", headers={**district.headers("analyst"), "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    base = r.json()
    assert len(base["grids"]["codes"]) == 9 and base["observation_points"]["code"] == ["OP-1"]
    assert base["bounds"] == pytest.approx([120.600, 31.300, 120.603, 31.303])
    options = _get(client, district, "/api/maps/options")
    assert {"categories", "departments", "streets", "communities", "statuses", "sources"} <= set(options)
    assert options["communities"][0]["parent"] == "320508019"
    assert {s["value"] for s in options["statuses"]} == {s.value for s in wf.Status}


def test_export_html_is_one_offline_file(client, district, seeded):
    r = client.get("/api/maps/hotspots/export", params={"format": "html", "category": "06010"},
                   headers=district.headers("analyst"))
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="gridwatch-hotspots-')
    html = r.text
    assert external_asset_urls(html) == [] and "/static/vendor/" not in html
    assert '"mode":"static"' in html and "Getis-Ord" in html
    assert "类别：06010 暴露垃圾" in html  # the applied filters are printed on the map


def test_pages_are_shells_without_data(client, district, seeded):
    for path in ["/map/cases", *(f"/map/analysis/{k}" for k in MAP_KINDS if k != "cases")]:
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.text
        assert external_asset_urls(html) == [] and cdn_host_references(html) == []
        assert '"mode":"live"' in html and "GW2" not in html  # no case reference in the page
        assert "/static/vendor/leaflet@1.9.3/dist/leaflet.js" in html
    assert client.get("/map/analysis/cases").status_code == 422
    assert "热点分析" in client.get("/map").text


def test_a_public_tile_host_is_refused_at_start_up_with_a_clear_message():
    """Map pages never name public tile hosts; configuring one fails when the settings load,
    saying what to do, instead of every map page failing later."""
    from pydantic import ValidationError

    from backend.config import Settings

    with pytest.raises(ValidationError, match="own tile server"):
        Settings(tile_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert Settings(tile_url="http://tiles.intranet.example/{z}/{x}/{y}.png").tile_url.startswith("http://tiles")

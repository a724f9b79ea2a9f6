"""Exports open in their own libraries (csv, openpyxl, json, pyogrio, pypdf) and hold the same
numbers as the API, on both databases."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.stats import expected as X

pytestmark = pytest.mark.db


def _download(env, path, **params):
    r = env.get(path, **{"month": "2026-06", **params})
    assert r.status_code == 200, r.text[:500]
    assert "attachment" in r.headers["content-disposition"]
    return r


def _csv_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel opens the Chinese text correctly
    rows = list(csv.reader(io.StringIO(text[1:])))
    return rows[0], rows[1:]


def test_cases_csv_and_xlsx_hold_exactly_the_figures_cases(env):
    from openpyxl import load_workbook

    sc, db = env.scenario, env.db
    header, rows = _csv_rows(_download(env, "/api/stats/export/cases.csv", figure="closed").content)
    assert header[0] == "案件编号 / reference"
    assert {r[0] for r in rows} == sc.refs(db, *X.JUNE_CASES["closed"])
    assert not any("13812345678" in cell for r in rows for cell in r)  # no caller contact ever
    wb = load_workbook(io.BytesIO(_download(env, "/api/stats/export/cases.xlsx").content), read_only=True)
    assert wb.sheetnames == ["说明", "cases"]
    sheet = list(wb["cases"].iter_rows(values_only=True))
    assert sheet[0][0] == "案件编号" and sheet[1][0] == "reference"
    assert {r[0] for r in sheet[2:]} == sc.refs(db, *X.JUNE_CASES["received"])
    assert len(sheet) - 2 == X.JUNE_FIGURES["received"]


def test_cases_geojson_and_geopackage(env, tmp_path):
    import pyogrio

    features = json.loads(_download(env, "/api/stats/export/cases.geojson", figure="overdue_now").content)["features"]
    assert {f["properties"]["ref"] for f in features} == env.scenario.refs(env.db, *X.JUNE_CASES["overdue_now"])
    lon, lat = features[0]["geometry"]["coordinates"]
    assert 120.600 < lon < 120.603 and 31.300 < lat < 31.303  # lon, lat order
    path = tmp_path / "cases.gpkg"
    path.write_bytes(_download(env, "/api/stats/export/cases.gpkg").content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == X.JUNE_FIGURES["received"]
    assert frame.crs.to_epsg() == 4490
    assert set(frame["ref"]) == env.scenario.refs(env.db, *X.JUNE_CASES["received"])


def test_grid_statistics_geojson_and_geopackage_match_the_api(env, tmp_path):
    import pyogrio

    api = {r["grid_code"]: r for r in env.get("/api/stats/grids", month="2026-06").json()}
    assert sum(r["received"] for r in api.values()) == X.JUNE_FIGURES["received"]
    assert sum(r["should_close"] for r in api.values()) == X.JUNE_FIGURES["should_close"]
    features = json.loads(_download(env, "/api/stats/export/grids.geojson").content)["features"]
    assert len(features) == 9
    for feature in features:
        props = feature["properties"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for key in ("received", "filed", "should_close", "closed", "closed_on_time", "overdue_now"):
            assert props[key] == api[props["grid_code"]][key], (props["grid_code"], key)
    path = tmp_path / "grids.gpkg"
    path.write_bytes(_download(env, "/api/stats/export/grids.gpkg").content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == 9 and frame.crs.to_epsg() == 4490
    for row in frame.itertuples():
        expected_rate = api[row.grid_code]["closure_rate"]
        assert (row.closure_rate != row.closure_rate and expected_rate is None) or \
            row.closure_rate == pytest.approx(expected_rate)


def test_every_table_in_xlsx_and_csv_matches_the_api(env):
    from openpyxl import load_workbook

    kpis = env.get("/api/stats/kpis", month="2026-06").json()
    wb = load_workbook(io.BytesIO(_download(env, "/api/stats/export/tables.xlsx").content), read_only=True)
    assert {"说明", "kpis", "by_source", "top_problems", "trend", "grids", "scorecard_inspectors",
            "scorecard_operators", "scorecard_shift_leaders", "scorecard_dispatchers", "scorecard_departments",
            "scorecard_regions"} <= set(wb.sheetnames)
    sheet = list(wb["kpis"].iter_rows(values_only=True))
    values = {row[0]: row[3] for row in sheet[2:]}
    for key, figure in kpis["figures"].items():
        assert values[key] == figure["value"], key
    for key, rate in kpis["rates"].items():
        assert (values[key] is None and rate["value"] is None) or values[key] == pytest.approx(rate["value"]), key
    departments = env.get("/api/stats/evaluation/departments", month="2026-06").json()["rows"]
    sheet = list(wb["scorecard_departments"].iter_rows(values_only=True))
    header = list(sheet[0])
    composite = {row[0]: row[header.index("综合指标值")] for row in sheet[2:]}
    rating = {row[0]: row[header.index("等级")] for row in sheet[2:]}
    for row in departments:
        assert composite[row["subject"]["name"]] == pytest.approx(row["composite"]["value"])
        assert rating[row["subject"]["name"]] == row["composite"]["rating"]
    header, rows = _csv_rows(_download(env, "/api/stats/export/table/by_source.csv").content)
    received = {r[0]: int(r[2]) for r in rows}
    assert received == {s: v[0] for s, v in X.JUNE_SOURCES.items()}
    r = env.get("/api/stats/export/table/nonsense.csv", month="2026-06")
    assert r.status_code == 404 and r.json()["error"]["message_zh"]



def _approx_or_none(cell, value):
    return (cell is None and value is None) or cell == pytest.approx(value)


def test_trend_top_problems_grids_and_every_scorecard_sheet_match_the_api(env):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_download(env, "/api/stats/export/tables.xlsx").content), read_only=True)

    def sheet(name):
        rows = list(wb[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[2:]]  # row 2 is the English header

    trend = env.get("/api/stats/trend", month="2026-06").json()
    assert [r["月份"] for r in sheet("trend")] == [r["month"] for r in trend]
    for cells, api in zip(sheet("trend"), trend, strict=True):
        assert (cells["受理数"], cells["应结案数"], cells["结案数"], cells["按期结案数"]) == (
            api["received"], api["should_close"], api["closed"], api["closed_on_time"]), api["month"]
        assert _approx_or_none(cells["结案率%"], api["closure_rate"]), api["month"]

    pareto = env.get("/api/stats/kpis", month="2026-06").json()["pareto"]
    assert [(r["小类代码"], r["件数"]) for r in sheet("top_problems")] == [(p["minor_code"], p["count"]) for p in pareto]

    grids = {r["grid_code"]: r for r in env.get("/api/stats/grids", month="2026-06").json()}
    cells = {r["网格编码"]: r for r in sheet("grids")}
    assert set(cells) == set(grids)
    for code, api in grids.items():
        assert (cells[code]["受理数"], cells[code]["应结案数"], cells[code]["结案数"], cells[code]["当前超期数"]) == (
            api["received"], api["should_close"], api["closed"], api["overdue_now"]), code
        assert _approx_or_none(cells[code]["结案率%"], api["closure_rate"]), code

    for post in ("inspectors", "operators", "shift_leaders", "dispatchers", "departments", "regions"):
        api = env.get(f"/api/stats/evaluation/{post}", month="2026-06").json()["rows"]
        cells = {str(r["编号"]): r for r in sheet(f"scorecard_{post}")}
        assert set(cells) == {str(r["subject"]["id"]) for r in api}, post
        for row in api:
            got = cells[str(row["subject"]["id"])]
            assert _approx_or_none(got["综合指标值"], row["composite"]["value"]), (post, row["subject"])
            assert got["等级"] == row["composite"]["rating"], (post, row["subject"])
            for key, ind in row["indicators"].items():
                assert _approx_or_none(got[ind["label_zh"]], ind["value"]), (post, row["subject"], key)

@pytest.mark.browser
def test_monthly_report_pdf_renders_with_extractable_text(env, artifacts_dir):
    from pypdf import PdfReader

    pdf = _download(env, "/api/stats/export/report.pdf").content
    assert pdf.startswith(b"%PDF")
    (artifacts_dir / f"stats_report_{env.backend}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 30
    text = "".join(page.extract_text() or "" for page in reader.pages).replace("\n", "")
    # The embedded font subset keeps 门/长/行 from reading back as the radicals ⻔/⻓/⾏.
    assert not [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF]
    for phrase in ("城市管理运行统计与综合评价报告", "主要指标", "结案率", "按期结案率", "即时答复率", "专业部门综合评价",
                   "监督员综合评价", "暴露垃圾", "热点分析图", "网格分布图", "结案趋势", "50.0%", "25.0%", "69.0"):
        assert phrase in text, phrase

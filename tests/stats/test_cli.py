"""`gridwatch stats …` on the scenario: exports and the monthly report from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from backend.cli import app
from backend.config import get_settings
from tests.stats import expected as X

pytestmark = pytest.mark.db


@pytest.fixture
def run(env, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", env.url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, ["stats", *args])
        assert result.exit_code == 0, result.output
        return result.output

    yield invoke
    get_settings.cache_clear()


def test_cli_exports_and_kpis(env, run, tmp_path):
    import pyogrio

    run("export", "cases", "--month", "2026-06", "--figure", "closed", "-o", str(tmp_path / "closed.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "closed.csv").read_text(encoding="utf-8-sig"))))[1:]
    assert {r[0] for r in rows} == env.scenario.refs(env.db, *X.JUNE_CASES["closed"])
    run("export", "grids", "--month", "2026-06", "-o", str(tmp_path / "grids.gpkg"))
    grids = pyogrio.read_dataframe(tmp_path / "grids.gpkg")
    assert int(grids["received"].sum()) == X.JUNE_FIGURES["received"]
    run("export", "scorecard_departments", "--month", "2026-06", "-o", str(tmp_path / "departments.csv"))
    assert "环境卫生管理处" in (tmp_path / "departments.csv").read_text(encoding="utf-8-sig")
    lines = [json.loads(line) for line in run("kpis", "--month", "2026-06").splitlines()]
    figures = {line["figure"]: line["value"] for line in lines}
    assert figures["closed"] == 4 and figures["closure_rate"] == 50.0 and figures["received_yoy"] == 1100.0


@pytest.mark.browser
def test_cli_monthly_report(env, run, tmp_path):
    """PDF on one backend, HTML on the other: printing is the same code whatever the database
    (and the API test prints the PDF on both), so one Chromium run here is enough."""
    from pypdf import PdfReader

    if env.backend == "spatialite":
        out = tmp_path / "report.pdf"
        assert "report.pdf" in run("report", "--month", "2026-06", "--no-hotspots", "-o", str(out))
        reader = PdfReader(out)
        assert len(reader.pages) >= 2
        text = "".join(p.extract_text() or "" for p in reader.pages)
    else:
        out = tmp_path / "report.html"
        run("report", "--month", "2026-06", "--no-hotspots", "--level", "community", "-o", str(out))
        text = out.read_text(encoding="utf-8")
        assert "@font-face" in text and "<svg" in text and "养育巷社区" in text
    assert "城市管理运行统计与综合评价报告（2026-06）" in text.replace("\n", "")

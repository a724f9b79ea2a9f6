"""`gridwatch map KIND … -o FILE.html` on both databases: one offline file per map type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backend.cli import app
from backend.config import get_settings
from map_viewer import asset_urls
from map_viewer.page import MAP_KINDS

pytestmark = pytest.mark.db


@pytest.fixture
def cli(map_env, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", map_env.settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_every_map_exports_to_one_offline_file(kind: str, cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.html"
    result = cli.invoke(app, ["map", kind, "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert [u for u in asset_urls(html) if u.startswith(("/", "http:", "https:"))] == []
    assert '"mode":"static"' in html and f'"kind":"{kind}"' in html
    assert "起始日期：2026-01-01；截止日期：2026-12-31" in html
    assert str(out) in result.output


def test_filters_reach_the_map(cli: CliRunner, tmp_path: Path, seeded) -> None:
    out = tmp_path / "h.html"
    result = cli.invoke(app, ["map", "hotspots", "--source", "phone", "--no-fdr", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert '"total":1' in html and "未作多重检验校正" in html


def test_bad_arguments_say_what_is_wrong(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["map", "hotspots", "-o", str(tmp_path / "h.pdf")])
    assert result.exit_code != 0 and ".html or .png" in result.output
    result = cli.invoke(app, ["map", "choropleth", "--source", "pigeon", "-o", str(tmp_path / "c.html")])
    assert result.exit_code == 1 and "未知的source" in result.output
    assert not (tmp_path / "c.html").exists()

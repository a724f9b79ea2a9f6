"""Malformed GeoJSON, Shapefile and PBF imports through the `gridwatch grids import` and
`gridwatch components import --osm` commands: a clear refusal (exit 1, no traceback) and nothing
written to the database."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from tests.hardening.factories import table_counts

pytestmark = pytest.mark.db

GEOJSON = {
    "truncated": b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polyg',
    "not GeoJSON": b'{"hello": "world"}',
    "empty file": b"",
    "NaN coordinates": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"320508019044999",'
                       b'"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[NaN,31.3],[120.6,31.3],[120.6,31.4],'
                       b'[NaN,31.3]]]}}]}',
    "coordinates not an array": b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                                b'"geometry":{"type":"Polygon","coordinates":"x"}}]}',
    "binary garbage": os.urandom(4096),
}


def _cli(monkeypatch, settings, module: str, args: list[str]):
    import importlib

    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", settings.database_url)
    from backend.config import get_settings

    get_settings.cache_clear()
    try:
        return CliRunner().invoke(importlib.import_module(module).app, args)
    finally:
        get_settings.cache_clear()


def _assert_refused(result, label: str) -> None:
    assert result.exit_code != 0, (label, result.output)
    text = result.output + (str(result.exception) if result.exception and not isinstance(result.exception,
                                                                                         SystemExit) else "")
    assert "Traceback" not in text, (label, text[-500:])
    assert result.exception is None or isinstance(result.exception, SystemExit), (label, repr(result.exception))


@pytest.mark.parametrize("label", list(GEOJSON))
def test_malformed_geojson_grid_import_is_refused(label, district, db, settings, tmp_path, monkeypatch):
    path = tmp_path / "grids.geojson"
    path.write_bytes(GEOJSON[label])
    before = table_counts(db, ["unit_grid", "community", "street"])
    result = _cli(monkeypatch, settings, "backend.gisio.cli", ["import", f"grids={path}"])
    _assert_refused(result, label)
    assert table_counts(db, ["unit_grid", "community", "street"]) == before


@pytest.mark.parametrize("label", ["garbage .shp", "shp without .shx/.dbf"])
def test_malformed_shapefile_import_is_refused(label, district, db, settings, tmp_path, monkeypatch):
    path = tmp_path / "grids.shp"
    if label == "garbage .shp":
        path.write_bytes(os.urandom(2000))
        (tmp_path / "grids.shx").write_bytes(os.urandom(100))
        (tmp_path / "grids.dbf").write_bytes(os.urandom(100))
    else:
        path.write_bytes(b"\x00\x00\x27\x0a" + os.urandom(96))
    before = table_counts(db, ["unit_grid"])
    _assert_refused(_cli(monkeypatch, settings, "backend.gisio.cli", ["import", f"grids={path}"]), label)
    assert table_counts(db, ["unit_grid"]) == before


@pytest.mark.parametrize("label", ["random bytes", "empty", "text"])
def test_malformed_pbf_component_import_is_refused(label, district, db, settings, tmp_path, monkeypatch):
    path = tmp_path / "district.osm.pbf"
    path.write_bytes({"random bytes": os.urandom(5000), "empty": b"", "text": b"<osm>not a pbf</osm>"}[label])
    before = table_counts(db, ["component"])
    _assert_refused(_cli(monkeypatch, settings, "backend.gisio.components_cli", ["import", "--osm", str(path)]),
                    label)
    assert table_counts(db, ["component"]) == before

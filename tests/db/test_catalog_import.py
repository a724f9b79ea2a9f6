"""The bundled catalog loads 542 classes; a corrupted copy is refused whole, naming its line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.catalog.parse import BUNDLED_CATALOG, CatalogFileError, parse_catalog
from backend.catalog.service import load_catalog
from backend.models import CatalogClass

EXPECTED = {
    "CJ/T 214-2007": {"component": 85, "event": 54},
    "GB/T 47678.5-2026": {"component": 153, "event": 250},
}


def test_bundled_catalog_loads_542_classes(db):
    counts = load_catalog(db_session=db, rows=parse_catalog(BUNDLED_CATALOG))
    db.commit()
    assert counts == EXPECTED
    assert db.scalar(select(func.count()).select_from(CatalogClass)) == 542
    cover = db.scalar(select(CatalogClass).where(
        CatalogClass.edition == "GB/T 47678.5-2026", CatalogClass.kind == "component",
        CatalogClass.minor_code == "01001"))
    assert (cover.name_zh, cover.name_en, cover.major_code) == ("供水井盖", "Water-supply manhole cover", "01")


def test_reloading_keeps_local_settings(db):
    rows = parse_catalog(BUNDLED_CATALOG)
    load_catalog(db_session=db, rows=rows)
    cls = db.scalar(select(CatalogClass).where(CatalogClass.minor_code == "06010",
                                               CatalogClass.kind == "event"))
    cls.time_limit_value, cls.time_limit_unit = 4, "working_hours"
    db.commit()
    load_catalog(db_session=db, rows=rows)
    db.commit()
    assert db.scalar(select(func.count()).select_from(CatalogClass)) == 542
    db.refresh(cls)
    assert (cls.time_limit_value, cls.time_limit_unit) == (4, "working_hours")


def _corrupt(tmp_path: Path, line_no: int, new_line: str) -> Path:
    lines = BUNDLED_CATALOG.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = new_line
    path = tmp_path / "catalog.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "row", "message"),
    [
        (40, "GB/T 47678.5-2026,component,01,市政公用设施,0100X,坏,Bad,src", "minor code must be 5 digits"),
        (41, "GB/T 47678.5-2026,component,01,市政公用设施,02001,错,Wrong,src", "not under major code 01"),
        (300, "GB/T 47678.5-2026,gadget,06,市容环境类,06001,私搭乱建,x,src", "kind must be component or event"),
        (500, "CJ/T 214-2007,event,1,市容环境,101,暴露垃圾,x,src", "major code must be 2 digits"),
        (3, "GB/T 47678.5-2026,component,01,市政公用设施,01001,供水井盖,Dup,src", "duplicate component class 01001"),
        (10, "GB/T 30428.2-2013,component,01,公用设施,0101,上水井盖,x,src", "unknown edition"),
        (12, "GB/T 47678.5-2026,component,01,市政公用设施,01011", "expected 8 columns"),
        (20, "GB/T 47678.5-2026,component,01,市政公用设施,01019,,Reclaimed,src", "Chinese name"),
    ],
)
def test_corrupted_catalog_names_the_line(tmp_path, line, row, message):
    with pytest.raises(CatalogFileError) as err:
        parse_catalog(_corrupt(tmp_path, line, row))
    assert any(ln == line and message in msg for ln, msg in err.value.problems), err.value.problems
    assert f"line {line}:" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"just,a,header\n"])
def test_empty_binary_or_wrong_header_files_are_refused(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CatalogFileError):
        parse_catalog(path)


def test_cli_refuses_corrupted_file_and_loads_nothing(db_url, tmp_path):
    bad = _corrupt(tmp_path, 400, "GB/T 47678.5-2026,event,09,街面秩序类,0900,短,x,src")
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": db_url}
    cli = [sys.executable, "-m", "backend.cli"]
    result = subprocess.run([*cli, "import-catalog", str(bad)], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "line 400" in result.stderr and "nothing loaded" in result.stderr
    from backend.db import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CatalogClass)) == 0
    ok = subprocess.run([*cli, "import-catalog"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "loaded 542 catalog classes" in ok.stdout
    assert "GB/T 47678.5-2026: 153 components, 250 events" in ok.stdout
    assert "CJ/T 214-2007: 85 components, 54 events" in ok.stdout
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CatalogClass)) == 542
    engine.dispose()


def test_load_failure_midway_leaves_nothing(db, monkeypatch):
    rows = parse_catalog(BUNDLED_CATALOG)
    broken = [*rows[:100], rows[0].__class__(**{**rows[100].__dict__, "name_en": None})]
    with pytest.raises(Exception):  # noqa: B017 - the database rejects the NULL name
        load_catalog(db_session=db, rows=broken)
        db.commit()
    db.rollback()
    assert db.scalar(select(func.count()).select_from(CatalogClass)) == 0

"""`gridwatch backup` / `gridwatch restore` round trip on both backends: after damage, a restore
brings back the same row counts per table and the same photo files (by sha256)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from backend.backup import BackupError, verify
from backend.backup.cli import app as backup_cli
from backend.backup.manifest import sha256_of
from tests.hardening.factories import submit_report

pytestmark = pytest.mark.db


def _store_hashes(photo_dir) -> dict[str, str]:
    return {p.relative_to(photo_dir).as_posix(): sha256_of(p) for p in photo_dir.rglob("*")
            if p.is_file() and not p.name.endswith(".tmp")}


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("case_record", "case_event", "photo", "app_user", "unit_grid", "catalog_class")}


def test_backup_and_restore_round_trip(client, district, settings, engine, tmp_path, monkeypatch):
    for i in range(3):
        submit_report(client, district, who="inspector", photo=True, description=f"备份测试 {i}")
    client.close()  # the app stops, as it must for a restore
    photo_dir = settings.photo_dir
    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GRIDWATCH_PHOTO_DIR", str(photo_dir))
    before_counts, before_files = _counts(engine), _store_hashes(photo_dir)
    assert before_counts["photo"] == 3 and len(before_files) >= 3

    out = tmp_path / "backup"
    result = CliRunner().invoke(backup_cli, ["backup", "-o", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["database"]["row_counts"]["case_record"] == 3
    assert manifest["photos"]["files"] == before_files and manifest["photos"]["missing_for_rows"] == []
    assert CliRunner().invoke(backup_cli, ["backup", "-o", str(out)]).exit_code == 1  # never overwrites

    # Damage: new data after the backup, a lost photo, a damaged photo.
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_record SET description = 'changed after the backup'"))
        conn.execute(text("DELETE FROM task"))
    engine.dispose()
    lost, damaged = sorted(before_files)[:2]
    (photo_dir / lost).unlink()
    (photo_dir / damaged).write_bytes(b"not the photo")

    result = CliRunner().invoke(backup_cli, ["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert _counts(engine) == before_counts
    with engine.connect() as conn:
        descriptions = {r[0] for r in conn.execute(text("SELECT description FROM case_record"))}
    assert descriptions == {f"备份测试 {i}" for i in range(3)}
    restored = _store_hashes(photo_dir)
    assert {k: restored[k] for k in before_files} == before_files


def test_a_damaged_backup_is_refused_before_anything_is_touched(client, district, settings, tmp_path,
                                                               monkeypatch):
    submit_report(client, district, who="inspector", photo=True)
    client.close()
    monkeypatch.setenv("GRIDWATCH_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GRIDWATCH_PHOTO_DIR", str(settings.photo_dir))
    out = tmp_path / "backup"
    assert CliRunner().invoke(backup_cli, ["backup", "-o", str(out)]).exit_code == 0
    verify(out)
    photo = next(p for p in (out / "photos").rglob("*") if p.is_file())
    photo.write_bytes(photo.read_bytes() + b"x")
    with pytest.raises(BackupError, match="missing or damaged"):
        verify(out)
    result = CliRunner().invoke(backup_cli, ["restore", str(out), "--yes"])
    assert result.exit_code == 1 and "nothing was restored" in result.output
    (out / "manifest.json").unlink()
    with pytest.raises(BackupError, match="unfinished"):
        verify(out)

"""The backup manifest: what a backup folder holds, with checksums, so a restore can prove it
put back exactly that. Written last, so a folder without ``manifest.json`` is an unfinished
backup."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "gridwatch-backup"
VERSION = 1
MANIFEST_NAME = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (English, then Chinese)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class DatabasePart:
    backend: str  # "spatialite" or "postgis"
    file: str
    sha256: str
    bytes: int
    schema_revision: str | None
    row_counts: dict[str, int]


@dataclass
class PhotoPart:
    dir: str = "photos"
    count: int = 0
    bytes: int = 0
    files: dict[str, str] = field(default_factory=dict)  # relative path → sha256
    missing_for_rows: list[str] = field(default_factory=list)  # keys the database names but the store lacked


@dataclass
class Manifest:
    created_at: str
    database: DatabasePart
    photos: PhotoPart
    format: str = FORMAT
    version: int = VERSION

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_NAME
        tmp = folder / f".{MANIFEST_NAME}.tmp"
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST_NAME
        if not path.is_file():
            raise BackupError(f"{folder} has no {MANIFEST_NAME}: not a backup, or an unfinished one. "
                              f"（{folder} 中没有 {MANIFEST_NAME}：不是备份或备份未完成。）")
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or raw.get("version") != VERSION:
            raise BackupError(f"Unknown backup format {raw.get('format')!r} version {raw.get('version')!r}. "
                              "（无法识别的备份格式。）")
        return cls(created_at=raw["created_at"], database=DatabasePart(**raw["database"]),
                   photos=PhotoPart(**raw["photos"]))

"""``backup`` and ``restore`` for either database plus the photo store.

Order matters for consistency while the app is running: the database is dumped first, then the
photo store is copied. Photo files are written before their rows commit and are never changed
afterwards, so every photo a dumped row names is already on disk when the store is copied.
A restore checks every checksum before it touches anything, then replaces the database, puts
the photos back, and proves the result: row counts per table and every file's sha256 as in
the manifest. Stop the server during a restore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backend.backup import databases as dbs
from backend.backup.manifest import BackupError, DatabasePart, Manifest, sha256_of
from backend.backup.photos import back_up_photos, check_restored_photos, restore_photos, verify_photo_copies


def backup(*, database_url: str, photo_dir: Path, out: Path) -> Manifest:
    """Write a complete backup into the new or empty folder ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; back up into a new folder. （{out} 不是空目录，请指定新目录。）")
    out.mkdir(parents=True, exist_ok=True)
    backend = dbs.backend_of(database_url)
    started = datetime.now(UTC)
    # The counts and photo keys describe exactly what the dump holds: read back from the SQLite
    # copy, or taken inside the snapshot pg_dump dumps.
    if backend == "spatialite":
        dump = dbs.dump_sqlite(database_url, out)
        counts, keys = dbs.dump_facts(dump)
    else:
        dump, counts, keys = dbs.dump_postgres(database_url, out)
    database = DatabasePart(backend=backend, file=dump.name, sha256=sha256_of(dump), bytes=dump.stat().st_size,
                            schema_revision=dbs.schema_revision(database_url), row_counts=counts)
    photos = back_up_photos(Path(photo_dir), out, keys)
    manifest = Manifest(created_at=started.isoformat(), database=database, photos=photos)
    manifest.write(out)
    return manifest


@dataclass
class RestoreReport:
    backend: str
    row_counts: dict[str, int]
    photos_written: int
    photos_checked: int


def verify(folder: Path) -> Manifest:
    """Check a backup folder without restoring it: manifest, dump checksum, every photo."""
    folder = Path(folder)
    manifest = Manifest.read(folder)
    dump = folder / manifest.database.file
    if not dump.is_file() or sha256_of(dump) != manifest.database.sha256:
        raise BackupError(f"The database dump {dump.name} is missing or damaged; nothing was restored. "
                          f"（数据库备份文件 {dump.name} 缺失或损坏，未做任何恢复。）")
    verify_photo_copies(folder, manifest.photos)
    return manifest


def restore(*, folder: Path, database_url: str, photo_dir: Path) -> RestoreReport:
    folder = Path(folder)
    manifest = verify(folder)
    backend = dbs.backend_of(database_url)
    if backend != manifest.database.backend:
        raise BackupError(f"This is a {manifest.database.backend} backup; the target database is {backend}. "
                          f"（备份来自 {manifest.database.backend}，目标数据库为 {backend}，不能恢复。）")
    dump = folder / manifest.database.file
    if backend == "spatialite":
        dbs.load_sqlite(dump, database_url)
    else:
        dbs.load_postgres(dump, database_url)
    counts = dbs.row_counts(database_url)
    wrong = {t: (n, counts.get(t)) for t, n in manifest.database.row_counts.items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"After the restore, row counts differ from the manifest: {wrong}. "
                          f"（恢复后各表行数与清单不符。）")
    written = restore_photos(folder, manifest.photos, Path(photo_dir))
    damaged = check_restored_photos(manifest.photos, Path(photo_dir))
    if damaged:
        raise BackupError(f"{len(damaged)} restored photo(s) do not match their checksum, e.g. {damaged[0]}. "
                          f"（{len(damaged)} 个恢复后的照片校验不符。）")
    return RestoreReport(backend=backend, row_counts=counts, photos_written=written,
                         photos_checked=len(manifest.photos.files))

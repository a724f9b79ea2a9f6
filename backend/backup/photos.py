"""Copying the photo store with checksums, and putting it back."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from backend.backup.manifest import CHUNK, BackupError, PhotoPart, sha256_of


def _store_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    # Temp files are uploads in flight (or crash leftovers): not part of the store.
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".tmp"))


def _copy_hashing(src: Path, dst: Path) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` via a temp file and rename; the sha256 of what was written."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.restore.tmp")
    digest, size = hashlib.sha256(), 0
    with src.open("rb") as fin, tmp.open("wb") as fout:
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    tmp.replace(dst)
    return digest.hexdigest(), size


def back_up_photos(photo_dir: Path, out: Path, referenced: set[str]) -> PhotoPart:
    part = PhotoPart()
    target = out / part.dir
    target.mkdir(parents=True, exist_ok=True)
    for path in _store_files(photo_dir):
        rel = path.relative_to(photo_dir).as_posix()
        digest, size = _copy_hashing(path, target / rel)
        part.files[rel] = digest
        part.bytes += size
    part.count = len(part.files)
    part.missing_for_rows = sorted(referenced - set(part.files))
    return part


def verify_photo_copies(folder: Path, part: PhotoPart) -> None:
    """Every file the manifest lists is in the backup with its checksum (before anything is touched)."""
    bad = []
    for rel, digest in part.files.items():
        path = folder / part.dir / rel
        if not path.is_file() or sha256_of(path) != digest:
            bad.append(rel)
    if bad:
        raise BackupError(f"{len(bad)} photo file(s) in the backup are missing or damaged, e.g. {bad[0]}; "
                          f"nothing was restored. （备份中有 {len(bad)} 个照片文件缺失或损坏，未做任何恢复。）")


def restore_photos(folder: Path, part: PhotoPart, photo_dir: Path) -> int:
    """Copy the backup's photos into the store; returns how many files were written."""
    written = 0
    for rel, digest in part.files.items():
        dst = photo_dir / rel
        if dst.is_file() and sha256_of(dst) == digest:
            continue
        got, _ = _copy_hashing(folder / part.dir / rel, dst)
        if got != digest:
            raise BackupError(f"photo {rel} changed while it was restored. （照片 {rel} 在恢复过程中发生变化。）")
        written += 1
    return written


def check_restored_photos(part: PhotoPart, photo_dir: Path) -> list[str]:
    return [rel for rel, digest in part.files.items()
            if not (photo_dir / rel).is_file() or sha256_of(photo_dir / rel) != digest]


__all__ = ["back_up_photos", "check_restored_photos", "restore_photos", "verify_photo_copies"]

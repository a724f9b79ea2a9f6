"""Content-addressed, atomic photo files: ``root/ab/cd/<sha256>.<variant>.<ext>``.

The database is the source of truth. The caller writes the files first (:meth:`PhotoStore.put`)
and commits the database row afterwards. A crash in between leaves only files no row points to;
:meth:`PhotoStore.sweep_orphans` removes them (and half-written temp files) once they are old
enough that no transaction can still be about to commit them.

Pure stdlib (no database, no web framework).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from backend.photos.processing import PhotoError

log = logging.getLogger(__name__)

VARIANTS = ("original", "display", "thumb")
SERVED_VARIANTS = ("display", "thumb")  # the original keeps EXIF/GPS: evidence, never served by default
EXTENSIONS = ("jpg", "png", "webp", "heic")
_KEY = re.compile(
    r"(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})"
    r"\.(?P<variant>original|display|thumb)\.(?P<ext>jpg|png|webp|heic)"
)
_SHA = re.compile(r"[0-9a-f]{64}")
_SHARD = re.compile(r"[0-9a-f]{2}")
_TEMP_SUFFIX = ".tmp"  # temp files are ".<final name>.<random>.tmp" next to their final name
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class InvalidKey(ValueError):
    """Not a storage key this store could have produced (also what traversal attempts get)."""


class StorageFull(PhotoError):
    """The disk (or quota) is full: nothing was stored, the upload can be retried later."""

    def __init__(self, needed: int) -> None:
        super().__init__(
            "storage_full", 507,
            "The server has no room to store this photo right now. Try again later; "
            "if it keeps happening, tell the system administrator.",
            "服务器暂时没有空间保存这张照片。请稍后重试；如果一直出现此问题，请联系系统管理员。",
            {"needed_bytes": needed},
        )


@dataclass(slots=True)
class SweepResult:
    removed: list[str] = field(default_factory=list)  # orphan keys deleted
    removed_temp: list[str] = field(default_factory=list)  # paths (relative to root) of stale temp files
    kept_young: int = 0  # orphans still inside the grace period


def make_key(sha256: str, variant: str, ext: str) -> str:
    """The key of one variant of one photo; raises :class:`InvalidKey` on anything unexpected."""
    key = f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{variant}.{ext}"
    if not _SHA.fullmatch(sha256) or not _KEY.fullmatch(key):
        raise InvalidKey(f"bad photo key parts: {sha256!r}, {variant!r}, {ext!r}")
    return key


def is_key(key: object) -> bool:
    """True for a well-formed key whose shard directories match its hash."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    return match is not None and match["sha"][:2] == match["a"] and match["sha"][2:4] == match["b"]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PhotoStore:
    """Photo files under one root directory, addressed by the original photo's sha256."""

    def __init__(self, root: Path | str, *, file_mode: int = 0o640, dir_mode: int = 0o750) -> None:
        self.root = Path(root)
        self._file_mode, self._dir_mode = file_mode, dir_mode

    # ------------------------------------------------------------------ keys and paths
    def path_for(self, key: str) -> Path:
        """The file behind ``key``; refuses anything that is not a well-formed key inside root."""
        if not is_key(key):
            raise InvalidKey(f"not a photo storage key: {key!r}")
        path = self.root / key
        # The regex already rules out "..", "/" and absolute keys; this also refuses a shard
        # directory that is a symlink leading out of the store.
        if self.root.exists() and not path.resolve().is_relative_to(self.root.resolve()):
            raise InvalidKey(f"photo key leads outside the store: {key!r}")
        return path

    def locate(self, sha256: str, variant: str) -> str | None:
        """The stored key of ``variant`` for this photo, whatever its extension, or None."""
        for ext in EXTENSIONS:
            key = make_key(sha256, variant, ext)
            if self.path_for(key).is_file():
                return key
        return None

    # ------------------------------------------------------------------ writing
    def put(self, data: bytes, sha256: str, variant: str, ext: str) -> str:
        """Store ``data`` atomically under its key and return the key; safe to repeat.

        ``sha256`` is the original photo's hash for every variant (and is checked for
        ``original``). Nothing is ever visible under the final name until it is complete and
        fsynced. Raises :class:`StorageFull` (507) when the disk or quota is full.
        """
        key = make_key(sha256, variant, ext)
        if variant == "original" and hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("sha256 does not match the original photo's bytes")
        path = self.path_for(key)
        if self._already_stored(path, len(data)):
            return key
        self._move_into_place(self._write_temp(data, path.parent, path.name), path, len(data))
        return key

    def stage(self, data: bytes, sha256: str) -> Path:
        """Write and fsync an original's bytes to a temp file in its shard directory.

        Nothing is visible under a key yet: :meth:`publish` names it once the photo has passed
        its checks (whose result, the file extension, is not known while this runs), and
        :meth:`discard` drops it otherwise. A crash leaves a temp file the sweep removes.
        """
        directory = self.path_for(make_key(sha256, "original", "jpg")).parent
        return self._write_temp(data, directory, f"{sha256}.original")

    def publish(self, staged: Path, sha256: str, ext: str) -> str:
        """Give a staged original its key (atomic rename, directory fsynced); returns the key."""
        key = make_key(sha256, "original", ext)
        path = self.path_for(key)
        size = staged.stat().st_size
        if self._already_stored(path, size):
            self.discard(staged)
        else:
            self._move_into_place(staged, path, size)
        return key

    def _write_temp(self, data: bytes, directory: Path, name: str) -> Path:
        """``data`` written and fsynced to a new temp file ``.<name>.<random>.tmp`` in
        ``directory`` (removed again if anything fails)."""
        tmp: str | None = None
        try:
            self._make_dirs(directory)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=_TEMP_SUFFIX, dir=directory)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, self._file_mode)
            written, tmp = Path(tmp), None
            return written
        except OSError as exc:
            if exc.errno in _NO_SPACE:
                raise StorageFull(len(data)) from exc
            raise
        finally:
            if tmp is not None:
                with suppress(FileNotFoundError):
                    os.unlink(tmp)

    def _move_into_place(self, tmp: Path, path: Path, size: int) -> None:
        """Rename a written temp file to its final name and make the directory entry durable."""
        try:
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except OSError as exc:
            self.discard(tmp)  # gone already if the rename happened
            if exc.errno in _NO_SPACE:
                raise StorageFull(size) from exc
            raise

    @staticmethod
    def discard(staged: Path) -> None:
        with suppress(FileNotFoundError):
            staged.unlink()

    def _already_stored(self, path: Path, size: int) -> bool:
        try:
            if path.stat().st_size != size:  # a different encoding of a derived copy: replace it
                return False
        except FileNotFoundError:
            return False
        try:
            # Same content: no rewrite, but a fresh mtime gives the transaction about to point a
            # new row at this file the full grace period against a concurrent orphan sweep.
            os.utime(path)
        except OSError as exc:
            log.warning("could not refresh mtime of %s: %s", path, exc)
        return True

    def _make_dirs(self, directory: Path) -> None:
        missing = []
        for parent in (directory, *directory.parents):
            if parent.is_dir():
                break
            missing.append(parent)
        for new in reversed(missing):
            with suppress(FileExistsError):  # a concurrent put created it first
                os.mkdir(new, self._dir_mode)
            _fsync_dir(new.parent)

    # ------------------------------------------------------------------ reading and deleting
    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def open(self, key: str) -> BinaryIO:
        """A binary file object; raises FileNotFoundError if the key is not stored."""
        return self.path_for(key).open("rb")

    def read(self, key: str) -> bytes:
        return self.path_for(key).read_bytes()

    def delete(self, key: str) -> bool:
        """Remove one stored file; False if it was not there. Shard directories are kept."""
        path = self.path_for(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    # ------------------------------------------------------------------ orphans
    def _shard_dirs(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for a in sorted(os.scandir(self.root), key=lambda e: e.name):
            if _SHARD.fullmatch(a.name) and a.is_dir(follow_symlinks=False):
                for b in sorted(os.scandir(a.path), key=lambda e: e.name):
                    if _SHARD.fullmatch(b.name) and b.is_dir(follow_symlinks=False):
                        yield Path(b.path)

    def iter_keys(self) -> Iterator[str]:
        """Every stored key (files that are not keys, such as temp files, are skipped)."""
        for shard in self._shard_dirs():
            for entry in sorted(os.scandir(shard), key=lambda e: e.name):
                key = f"{shard.parent.name}/{shard.name}/{entry.name}"
                if is_key(key) and entry.is_file(follow_symlinks=False):
                    yield key

    def orphans(self, known_keys: Iterable[str]) -> list[str]:
        """Stored keys that no database row knows about (``known_keys``), sorted."""
        known = set(known_keys)
        return [key for key in self.iter_keys() if key not in known]

    def sweep_orphans(self, known_keys: Iterable[str], older_than_seconds: float) -> SweepResult:
        """Delete orphans and stale temp files last modified more than ``older_than_seconds`` ago.

        ``known_keys`` must be read from the database *before* the sweep starts, and the grace
        period must exceed the longest upload transaction (files are written before the row is
        committed): an hour is a sensible value, 0 only in tests.
        """
        if older_than_seconds < 0:
            raise ValueError("older_than_seconds must be >= 0")
        cutoff = time.time() - older_than_seconds
        result = SweepResult()
        for key in self.orphans(known_keys):
            path = self.root / key
            try:  # stat right before unlinking: put() refreshes mtime when it reuses a file
                if path.stat().st_mtime > cutoff:
                    result.kept_young += 1
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            result.removed.append(key)
        for shard in self._shard_dirs():
            for entry in os.scandir(shard):
                if entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIX):
                    with suppress(FileNotFoundError):
                        if entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                            os.unlink(entry.path)
                            result.removed_temp.append(f"{shard.parent.name}/{shard.name}/{entry.name}")
        if result.removed or result.removed_temp:
            log.info("photo sweep removed %d orphans and %d temp files (%d young orphans kept)",
                     len(result.removed), len(result.removed_temp), result.kept_young)
        return result

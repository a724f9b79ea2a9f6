"""Case photos: glue between the pure photo pipeline (backend.photos) and the database: files first,
then rows.

A report and its photos commit in one transaction; files written for a transaction that never
committed are orphans that :func:`sweep_orphans` removes (the database is the source of truth).
"""

from __future__ import annotations

import hashlib
import logging
import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.models import Photo
from backend.photos.processing import ImageInfo, derive_copies, inspect_image
from backend.photos.storage import PhotoStore, SweepResult, make_key


@dataclass(frozen=True)
class StoredPhoto:
    info: ImageInfo
    original_key: str


def photo_store(settings: Settings) -> PhotoStore:
    return PhotoStore(settings.photo_dir)


def process_and_store(data: bytes, *, settings: Settings, store: PhotoStore) -> StoredPhoto:
    """Validate (PhotoRejected 413/422) and write the original; CPU-bound, call it in a thread.

    The durable write of the bytes (fsync) and the decoding check both release the GIL, so they
    run side by side: the bytes are staged under a temp name while Pillow checks them, and only
    a photo that passed gets its key. The EXIF-free display and thumbnail copies are not made
    here: they are derived data, made after the response (:func:`make_copies`) or on first view,
    so a report's acknowledgement waits only for the checks and the durable write.
    """
    if not 0 < len(data) <= settings.max_photo_bytes:  # refused at once, nothing to stage
        inspect_image(data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels)
    sha256 = hashlib.sha256(data).hexdigest()
    staged = _staging_pool().submit(store.stage, data, sha256)
    try:
        info = inspect_image(data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels)
    except BaseException:
        staged.add_done_callback(lambda done: _discard_staged(store, done))
        raise
    return StoredPhoto(info, store.publish(staged.result(), sha256, info.ext))


@lru_cache(maxsize=1)
def _staging_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="photo-stage")


def _discard_staged(store: PhotoStore, done: Future) -> None:
    if not done.cancelled() and done.exception() is None:
        store.discard(done.result())


def make_copies(store: PhotoStore, sha256: str, original_key: str, *, max_pixels: int) -> tuple[str, str]:
    """Make (or find) the served copies of a stored original: (display key, thumb key)."""
    display_key, thumb_key = store.locate(sha256, "display"), store.locate(sha256, "thumb")
    if display_key is None or thumb_key is None:
        copies = derive_copies(store.read(original_key), max_pixels=max_pixels)
        display_key = store.put(copies.display.data, sha256, "display", copies.display.ext)
        thumb_key = store.put(copies.thumb.data, sha256, "thumb", copies.thumb.ext)
    return display_key, thumb_key


def make_copies_later(stored: list[StoredPhoto], settings: Settings) -> None:
    """After the response: derive the served copies in a low-priority worker process.

    Deriving costs 5-10x the acceptance checks; in the request path (or in a thread of the
    server, which shares its GIL) it would slow every report behind it. A failure here only
    means the copies are made on first view (:func:`served_key`).
    """
    pool = _copy_pool()
    for p in stored:
        future = pool.submit(_make_copies_in_worker, str(settings.photo_dir), p.info.sha256, p.original_key,
                             settings.max_photo_pixels)
        future.add_done_callback(_log_failure)


def _make_copies_in_worker(root: str, sha256: str, original_key: str, max_pixels: int) -> None:
    make_copies(PhotoStore(root), sha256, original_key, max_pixels=max_pixels)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("could not make served photo copies: %s", future.exception())


def _lower_priority() -> None:
    os.nice(10)  # the server's requests come first on a two-core machine


@lru_cache(maxsize=1)
def _copy_pool() -> ProcessPoolExecutor:
    # "spawn": a fresh interpreter, not a fork of a server with threads and SpatiaLite loaded.
    return ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_lower_priority)


def shutdown_copy_pool() -> None:
    if _copy_pool.cache_info().currsize:
        _copy_pool().shutdown(wait=False, cancel_futures=True)
        _copy_pool.cache_clear()


def add_photo_rows(
    *, db_session: Session, case_id: int, photos: list[StoredPhoto], kind: str, user_id: int | None,
    event_id: int | None, timezone: str,
) -> list[Photo]:
    zone = ZoneInfo(timezone)
    rows = []
    for p in photos:
        gps = p.info.gps
        row = Photo(
            case_id=case_id, case_event_id=event_id, sha256=p.info.sha256, kind=kind,
            mime=p.info.media_type, size_bytes=p.info.size_bytes, width=p.info.width, height=p.info.height,
            taken_at=p.info.taken_at_utc(zone), gps_lon=None if gps is None else gps.lon,
            gps_lat=None if gps is None else gps.lat, storage_key=p.original_key, uploaded_by=user_id,
        )
        db_session.add(row)
        rows.append(row)
    return rows


def served_key(store: PhotoStore, photo: Photo, variant: str, *, max_pixels: int) -> str:
    """Key of the EXIF-free ``display`` or ``thumb`` copy of ``photo``, made now if missing."""
    display_key, thumb_key = make_copies(store, photo.sha256, photo.storage_key, max_pixels=max_pixels)
    return display_key if variant == "display" else thumb_key


def known_keys(db_session: Session, store: PhotoStore) -> set[str]:
    keys: set[str] = set()
    for sha, original in db_session.execute(select(Photo.sha256, Photo.storage_key)):
        keys.add(original)
        for variant in ("display", "thumb"):
            key = store.locate(sha, variant)
            if key:
                keys.add(key)
    return keys


def sweep_orphans(db_session: Session, store: PhotoStore, *, older_than_seconds: float = 3600) -> SweepResult:
    """Remove files no committed row refers to (left by a crash between file write and commit)."""
    return store.sweep_orphans(known_keys(db_session, store), older_than_seconds)


log = logging.getLogger("gridwatch.photos")

__all__ = ["StoredPhoto", "add_photo_rows", "make_copies", "make_copies_later", "make_key", "photo_store",
           "process_and_store", "served_key", "sweep_orphans"]

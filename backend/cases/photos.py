"""Case photos: glue between the pure photo pipeline (backend.photos) and the database: files first,
then rows.

A report and its photos commit in one transaction; files written for a transaction that never
committed are orphans that :func:`sweep_orphans` removes (the database is the source of truth).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    display_key: str
    thumb_key: str


def photo_store(settings: Settings) -> PhotoStore:
    return PhotoStore(settings.photo_dir)


def process_and_store(data: bytes, *, settings: Settings, store: PhotoStore) -> StoredPhoto:
    """Validate (PhotoRejected 413/422), make EXIF-free copies and write all three files.

    CPU-bound: call it from a worker thread in async code.
    """
    info = inspect_image(data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels)
    # Content addressing makes a retried upload free: the copies already exist.
    display_key = store.locate(info.sha256, "display")
    thumb_key = store.locate(info.sha256, "thumb")
    if display_key is None or thumb_key is None:
        copies = derive_copies(data, max_pixels=settings.max_photo_pixels)
        display_key = store.put(copies.display.data, info.sha256, "display", copies.display.ext)
        thumb_key = store.put(copies.thumb.data, info.sha256, "thumb", copies.thumb.ext)
    original_key = store.put(data, info.sha256, "original", info.ext)
    return StoredPhoto(info, original_key, display_key, thumb_key)


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


def served_key(store: PhotoStore, photo: Photo, variant: str) -> str | None:
    """Key of the EXIF-free ``display`` or ``thumb`` copy of ``photo``."""
    return store.locate(photo.sha256, variant)


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


__all__ = ["StoredPhoto", "add_photo_rows", "make_key", "photo_store", "process_and_store", "served_key",
           "sweep_orphans"]

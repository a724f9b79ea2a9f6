"""Turning photos into queued reports: the position from each photo's EXIF GPS, else a fallback
position given by the user; one report per photo in a folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from field_app.exif import GpsFix, read_gps
from field_app.outbox import Outbox

PHOTO_SUFFIXES = {".jpg", ".jpeg"}


@dataclass
class QueueSummary:
    added: int = 0
    already_queued: int = 0
    without_position: list[Path] = field(default_factory=list)


def report_body(*, kind: str, minor_code: str, position: GpsFix, description: str = "", address: str = "",
                crs: str = "wgs84") -> dict[str, Any]:
    """A ReportCreate body without its client_uuid (the outbox adds it, once)."""
    return {"kind": kind, "minor_code": minor_code, "lon": position.lon, "lat": position.lat, "crs": crs,
            "description": description, "address": address}


def position_of(photo: Path, fallback: GpsFix | None) -> tuple[GpsFix | None, str]:
    """(position, where it came from): EXIF GPS first (always WGS-84), then the fallback."""
    fix = read_gps(photo.read_bytes())
    if fix is not None:
        return fix, "exif"
    return fallback, "argument" if fallback is not None else "none"


def photos_in(folder: Path, *, recursive: bool = False) -> list[Path]:
    pattern = "**/*" if recursive else "*"
    return sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)


def queue_folder(outbox: Outbox, folder: Path, *, kind: str, minor_code: str, description: str = "",
                 fallback: GpsFix | None = None, fallback_crs: str = "wgs84", recursive: bool = False) -> QueueSummary:
    """Queue one report per JPEG in ``folder``. Files queued by an earlier (perhaps interrupted)
    run keep their report and UUID; a photo with no GPS and no fallback is left out and listed."""
    summary = QueueSummary()
    for photo in photos_in(folder, recursive=recursive):
        key = str(photo.resolve())
        if outbox.find(key) is not None:
            summary.already_queued += 1
            continue
        position, source = position_of(photo, fallback)
        if position is None:
            summary.without_position.append(photo)
            continue
        crs = "wgs84" if source == "exif" else fallback_crs
        body = report_body(kind=kind, minor_code=minor_code, position=position, description=description, crs=crs)
        _, added = outbox.add(body, [photo], source_key=key)
        summary.added += int(added)
        summary.already_queued += int(not added)
    return summary

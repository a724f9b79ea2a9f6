"""Where a photo was taken, from its EXIF GPS block (read with Pillow; no backend import)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

GPS_IFD = 0x8825
LAT_REF, LAT, LON_REF, LON = 1, 2, 3, 4


@dataclass(frozen=True)
class GpsFix:
    lon: float
    lat: float


def _number(value: Any) -> float | None:
    try:
        number = float(value)  # IFDRational, int, or a (numerator, denominator) pair below
    except (TypeError, ValueError, ZeroDivisionError):
        if isinstance(value, tuple) and len(value) == 2 and value[1]:
            return value[0] / value[1]
        return None
    return number if math.isfinite(number) else None


def _degrees(dms: Any, ref: Any, negative: str) -> float | None:
    if not isinstance(dms, (tuple, list)) or not dms:
        return None
    parts = [_number(v) for v in dms]
    if any(p is None for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts[:3]))  # type: ignore[operator]
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -degrees if str(ref).strip().upper() == negative else degrees


def read_gps(data: bytes) -> GpsFix | None:
    """The EXIF GPS position of a JPEG (WGS-84, as cameras write it), or None when it has none.

    A (0, 0) fix is treated as missing: it is what cameras write while they have no fix.
    """
    try:
        with Image.open(io.BytesIO(data)) as img:
            gps = img.getexif().get_ifd(GPS_IFD)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if not gps:
        return None
    lat = _degrees(gps.get(LAT), gps.get(LAT_REF, "N"), "S")
    lon = _degrees(gps.get(LON), gps.get(LON_REF, "E"), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return GpsFix(lon=round(lon, 7), lat=round(lat, 7))

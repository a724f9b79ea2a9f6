"""Density rasters as map images: a colour ramp, transparency, and Web Mercator rows.

Leaflet stretches an ``ImageOverlay`` linearly between its corners in Web Mercator, while the
density raster (:mod:`gis_data.density`) has rows of equal latitude steps; rows are resampled
to equal Mercator steps here, so each pixel lands where it belongs at any zoom. The image is
an indexed PNG (64 colour levels with per-level alpha): small enough to embed in the page.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from map_viewer.classify import DENSITY_RAMP

LEVELS: Final = 64
# Below this share of the maximum a pixel fades out, so the reference layers stay visible.
FADE_BELOW: Final = 0.12
MAX_ALPHA: Final = 0.82


def _merc(lat_deg: NDArray[np.float64] | float) -> NDArray[np.float64]:
    phi = np.radians(lat_deg)
    return np.log(np.tan(np.pi / 4 + phi / 2))


def to_mercator_rows(raster: NDArray[np.float64], south: float, north: float) -> NDArray[np.float64]:
    """Resample rows (south → north, equal latitude steps) to equal Web Mercator steps, north first."""
    ny = raster.shape[0]
    y_n, y_s = _merc(north), _merc(south)
    y = y_n - (np.arange(ny) + 0.5) * (y_n - y_s) / ny
    lat = np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)
    f = (lat - south) / ((north - south) / ny) - 0.5
    f = np.clip(f, 0, ny - 1)
    lo = np.floor(f).astype(int)
    hi = np.minimum(lo + 1, ny - 1)
    t = (f - lo)[:, None]
    return raster[lo] * (1 - t) + raster[hi] * t


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def ramp_palette(colours: Sequence[str] = DENSITY_RAMP, levels: int = LEVELS) -> list[tuple[int, int, int, int]]:
    """``levels`` RGBA colours along the ramp; level 0 is fully transparent."""
    stops = np.array([_hex(c) for c in colours], dtype=np.float64)
    out = []
    for i in range(levels):
        t = i / (levels - 1)
        pos = t * (len(stops) - 1)
        j = min(int(pos), len(stops) - 2)
        rgb = stops[j] + (stops[j + 1] - stops[j]) * (pos - j)
        alpha = 0.0 if i == 0 else MAX_ALPHA * min(1.0, t / FADE_BELOW)
        out.append((*(int(np.rint(c)) for c in rgb), int(np.rint(alpha * 255))))
    return out


def density_image(
    density: NDArray[np.float64], bounds: Sequence[float], *, vmax: float | None = None
) -> tuple[bytes, float]:
    """Colour a density raster into an indexed PNG for an ImageOverlay over ``bounds``.

    Parameters
    ----------
    density : ndarray (ny, nx)
        Rows south → north, columns west → east (as :mod:`gis_data.density` makes them).
    bounds : (west, south, east, north)
        The raster's outer edges in degrees.
    vmax : float, optional
        Value drawn with the darkest colour; default the raster's maximum.

    Returns
    -------
    png : bytes
    vmax : float
        The value of the top of the ramp (for the legend); 0 for an empty raster.
    """
    _, south, _, north = (float(v) for v in bounds)
    if not (-85 < south < north < 85):
        raise ValueError(f"bounds must be (west, south, east, north) in degrees, got {bounds!r}")
    top = float(vmax) if vmax is not None else float(np.max(density, initial=0.0))
    rows = to_mercator_rows(np.asarray(density, dtype=np.float64), south, north)
    if top > 0 and math.isfinite(top):
        level = np.clip(np.rint(rows / top * (LEVELS - 1)), 0, LEVELS - 1).astype(np.uint8)
    else:
        level = np.zeros(rows.shape, dtype=np.uint8)
    image = Image.frombytes("P", (level.shape[1], level.shape[0]), np.ascontiguousarray(level).tobytes())
    palette = ramp_palette()
    image.putpalette([c for rgba in palette for c in rgba[:3]])
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True, transparency=bytes(rgba[3] for rgba in palette))
    return buf.getvalue(), max(top, 0.0)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

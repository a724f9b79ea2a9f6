"""Coordinate reference systems: what we store, what we accept, how we measure.

* Stored: CGCS2000 geographic, EPSG:4490, axis order always ``(lon, lat)``.
* Accepted at the edges: WGS-84 (phones' GPS) and CGCS2000 as is — the two agree to
  centimetres, far below GPS noise, so no datum shift is applied — and the obfuscated
  GCJ-02 (Chinese consumer maps) and BD-09 (Baidu), which are converted with the
  maintained ``prcoords`` package. Its inverses are iterative and round-trip to millimetres.
* Metric work (distances, nearest neighbours, areas) happens in the CGCS2000 3-degree
  Gauss-Krüger zone of the data (EPSG:4534..4554, central meridians 75E..135E).

``prcoords`` works in ``(lat, lon)`` order; that order never leaves this module.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import prcoords
from pyproj import Transformer

from gis_data.errors import InvalidCoordinate

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

STORED_CRS = "EPSG:4490"

InputCRS = Literal["wgs84", "cgcs2000", "gcj02", "bd09"]

#: (min lon, min lat, max lon, max lat) inside which GCJ-02/BD-09 offsets are applied; the
#: same rough box prcoords and the map vendors use. Outside it GCJ-02 equals WGS-84.
CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)

_ALIASES: dict[str, InputCRS] = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "cgcs2000": "cgcs2000",
    "epsg:4490": "cgcs2000",
    "4490": "cgcs2000",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "gcj": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
}

# EPSG:4534 is "CGCS2000 / 3-degree Gauss-Kruger CM 75E"; codes run consecutively to 4554
# (CM 135E). Checked against pyproj's database in tests/gis_data/test_crs.py.
_GK_FIRST_EPSG, _GK_FIRST_CM, _GK_LAST_CM = 4534, 75, 135


def _in_china(lon: float, lat: float) -> bool:
    return CHINA_BBOX[0] <= lon <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]


def normalize_crs_name(name: str) -> InputCRS:
    """Map a user-supplied CRS name (``"GCJ-02"``, ``"EPSG:4326"`` ...) to an :data:`InputCRS`."""
    key = str(name).strip().lower().replace("_", "")
    try:
        return _ALIASES[key]
    except KeyError:
        raise InvalidCoordinate(
            f"Unknown coordinate system {name!r}; expected one of wgs84, cgcs2000, gcj02, bd09."
        ) from None


def validate_lonlat(
    lon: float, lat: float, *, expected_bbox: tuple[float, float, float, float] | None = None
) -> tuple[float, float]:
    """Check a ``(lon, lat)`` pair and return it as floats.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees.
    expected_bbox : tuple of 4 float, optional
        ``(min lon, min lat, max lon, max lat)`` of the deployment (a district or the country).
        When given, the point must be inside it, and a point that is inside only once its
        values are exchanged is reported as swapped.

    Returns
    -------
    tuple of float
        ``(lon, lat)``.

    Raises
    ------
    InvalidCoordinate
        Non-numeric, NaN or infinite values; out of range; swapped; outside ``expected_bbox``.
    """
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InvalidCoordinate(f"Coordinates must be numbers, got lon={lon!r}, lat={lat!r}.") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidCoordinate(f"Coordinates must be finite numbers, got lon={lon}, lat={lat}.")
    if abs(lat) > 90 or abs(lon) > 180:
        if abs(lon) <= 90 and abs(lat) <= 180:
            raise InvalidCoordinate(
                f"Latitude {lat} is beyond ±90°; the pair looks swapped — did you mean "
                f"lon={lat}, lat={lon}? Coordinates are given as (lon, lat)."
            )
        raise InvalidCoordinate(
            f"Coordinates out of range: lon={lon} must be within ±180 and lat={lat} within ±90."
        )
    if expected_bbox is not None:
        x0, y0, x1, y1 = expected_bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            if x0 <= lat <= x1 and y0 <= lon <= y1:
                raise InvalidCoordinate(
                    f"Point lon={lon}, lat={lat} is outside the expected area but inside it with "
                    f"the values swapped; send (lon, lat), i.e. lon={lat}, lat={lon}."
                )
            raise InvalidCoordinate(
                f"Point lon={lon}, lat={lat} is outside the expected area lon {x0}..{x1}, lat {y0}..{y1}."
            )
    return lon, lat


def to_stored(
    lon: float,
    lat: float,
    source: InputCRS | str = "wgs84",
    *,
    expected_bbox: tuple[float, float, float, float] | None = None,
) -> tuple[float, float]:
    """Validate a point given in ``source`` and convert it to the stored CRS (EPSG:4490).

    Parameters
    ----------
    lon, lat : float
        The point as the client sent it.
    source : {"wgs84", "cgcs2000", "gcj02", "bd09"} or an alias
        The client's coordinate system.
    expected_bbox : tuple of 4 float, optional
        Passed to :func:`validate_lonlat` (checked after conversion).

    Returns
    -------
    tuple of float
        ``(lon, lat)`` in EPSG:4490.
    """
    kind = normalize_crs_name(source)
    lon, lat = validate_lonlat(lon, lat)
    if kind in ("gcj02", "bd09") and _in_china(lon, lat):
        if kind == "gcj02":
            got = prcoords.gcj_wgs_bored((lat, lon), False)
        else:
            got = prcoords.bd_wgs_bored((lat, lon), False)
        lon, lat = got.lon, got.lat
    return validate_lonlat(lon, lat, expected_bbox=expected_bbox)


def from_stored(lon: float, lat: float, target: InputCRS | str) -> tuple[float, float]:
    """Convert a stored ``(lon, lat)`` to ``target`` for display on a Chinese consumer map."""
    kind = normalize_crs_name(target)
    lon, lat = validate_lonlat(lon, lat)
    if kind in ("gcj02", "bd09") and _in_china(lon, lat):
        got = prcoords.wgs_gcj((lat, lon), False)
        if kind == "bd09":
            got = prcoords.gcj_bd(got)
        lon, lat = got.lon, got.lat
    return lon, lat


def to_stored_many(
    lons: ArrayLike, lats: ArrayLike, source: InputCRS | str = "wgs84"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Array version of :func:`to_stored`; raises on the first invalid point, naming its index."""
    kind = normalize_crs_name(source)
    x = np.array(lons, dtype=np.float64).ravel()
    y = np.array(lats, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise InvalidCoordinate(f"lons and lats differ in size: {x.size} vs {y.size}.")
    if kind in ("wgs84", "cgcs2000"):
        bad = ~(np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            _validate_at(i, x[i], y[i])
        return x, y
    # prcoords is scalar-only: ~20 µs a point, fine for imports of 10^5 features.
    for i in range(x.size):
        try:
            x[i], y[i] = to_stored(x[i], y[i], kind)
        except InvalidCoordinate as exc:
            raise InvalidCoordinate(f"Point {i}: {exc}") from None
    return x, y


def _validate_at(index: int, lon: float, lat: float) -> None:
    """Run :func:`validate_lonlat`, prefixing any error with the point's index."""
    try:
        validate_lonlat(lon, lat)
    except InvalidCoordinate as exc:
        raise InvalidCoordinate(f"Point {index}: {exc}") from None


def metric_crs_for(lon: float) -> str:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (CM variant) containing ``lon``.

    The central meridian is the multiple of 3° nearest to ``lon``; the codes cover China,
    central meridians 75E (EPSG:4534) to 135E (EPSG:4554). False easting is 500 000 m
    without the zone prefix, and ``always_xy`` transforms give (easting, northing).

    Raises
    ------
    InvalidCoordinate
        If ``lon`` is not finite or its zone is outside 75E..135E.
    """
    lon = float(lon)
    cm = 3 * math.floor(lon / 3 + 0.5) if math.isfinite(lon) else math.nan
    if not (_GK_FIRST_CM <= cm <= _GK_LAST_CM):
        raise InvalidCoordinate(
            f"Longitude {lon} has no CGCS2000 3-degree Gauss-Krüger zone; zones cover "
            f"{_GK_FIRST_CM - 1.5}E..{_GK_LAST_CM + 1.5}E."
        )
    return f"EPSG:{_GK_FIRST_EPSG + (cm - _GK_FIRST_CM) // 3}"


def metric_crs_near(lon: float) -> str:
    """A metric CRS for data around ``lon``, in China or not.

    In China this is :func:`metric_crs_for`; elsewhere a transverse Mercator on the CGCS2000
    ellipsoid centred on the nearest whole degree, for deployments and demos abroad (no datum
    shift is involved, so PROJ builds it in milliseconds). Within ±0.5° of its centre,
    distances stretch by less than 0.004 %.
    """
    lon = float(lon)
    if math.isfinite(lon) and not (_GK_FIRST_CM - 1.5 <= lon < _GK_LAST_CM + 1.5) and abs(lon) <= 180:
        return (
            f"+proj=tmerc +lat_0=0 +lon_0={round(lon)} +k=1 +x_0=500000 +y_0=0"
            " +ellps=GRS80 +units=m +no_defs +type=crs"
        )
    return metric_crs_for(lon)


@lru_cache(maxsize=32)
def transformer(src: str, dst: str) -> Transformer:
    """Cached ``always_xy`` pyproj transformer (building one costs milliseconds)."""
    return Transformer.from_crs(src, dst, always_xy=True)


def project(
    lons: ArrayLike, lats: ArrayLike, *, crs: str | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Project stored ``(lon, lat)`` arrays to a metric CRS, vectorised.

    Parameters
    ----------
    lons, lats : array_like of float
        Coordinates in EPSG:4490.
    crs : str, optional
        Target CRS; default is :func:`metric_crs_near` of the median longitude, so one dataset
        lands in one zone (a city never spans more than one or two zones).

    Returns
    -------
    x, y : numpy.ndarray
        Easting and northing in metres.
    crs : str
        The CRS actually used, to project later queries the same way.
    """
    x = np.asarray(lons, dtype=np.float64)
    y = np.asarray(lats, dtype=np.float64)
    if crs is None:
        finite = x[np.isfinite(x)]
        if finite.size == 0:
            raise InvalidCoordinate("Cannot choose a metric CRS: no finite longitude given.")
        crs = metric_crs_near(float(np.median(finite)))
    ex, ny = transformer(STORED_CRS, crs).transform(x, y)
    return np.asarray(ex, dtype=np.float64), np.asarray(ny, dtype=np.float64), crs


def unproject(xs: ArrayLike, ys: ArrayLike, *, crs: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inverse of :func:`project`: metric ``(x, y)`` in ``crs`` back to stored ``(lon, lat)``."""
    lon, lat = transformer(crs, STORED_CRS).transform(np.asarray(xs, float), np.asarray(ys, float))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)

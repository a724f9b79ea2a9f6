"""Tests for gis_data.crs: conversions to the stored CRS, validation, metric zones."""

from __future__ import annotations

import ast
import math
import pathlib
import warnings

import coordTransform
import numpy as np
import pyproj
import pytest

from gis_data import crs
from gis_data.errors import GisDataError, InvalidCoordinate

GEOD = pyproj.Geod(ellps="GRS80")  # the CGCS2000 ellipsoid


def china_points(n_lon: int = 60, n_lat: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """A regular net over mainland China's extent, plus jitter so no point is special."""
    lon, lat = np.meshgrid(np.linspace(74.0, 134.5, n_lon), np.linspace(18.5, 53.3, n_lat))
    rng = np.random.default_rng(7)
    return lon.ravel() + rng.uniform(-0.4, 0.4, lon.size), lat.ravel() + rng.uniform(-0.2, 0.2, lat.size)


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_stored_crs_is_cgcs2000() -> None:
    assert crs.STORED_CRS == "EPSG:4490"
    assert pyproj.CRS(crs.STORED_CRS).name == "China Geodetic Coordinate System 2000"


@pytest.mark.parametrize("kind", ["gcj02", "bd09"])
def test_inverse_round_trips_within_half_a_metre_across_china(kind: str) -> None:
    lon, lat = china_points()
    shown = np.array([crs.from_stored(a, b, kind) for a, b in zip(lon, lat, strict=True)])
    back = np.array([crs.to_stored(a, b, kind) for a, b in shown])
    offset = metres(lon, lat, shown[:, 0], shown[:, 1])
    error = metres(lon, lat, back[:, 0], back[:, 1])
    assert offset.min() > 10  # the obfuscation really was applied everywhere
    assert error.max() < 0.5, f"worst round trip {error.max():.3f} m"
    assert np.median(error) < 0.05


def test_forward_agrees_with_an_independent_implementation() -> None:
    lon, lat = china_points(20, 12)
    for a, b in zip(lon, lat, strict=True):
        if coordTransform.out_of_china(a, b):
            continue  # its border (a polygon) differs from prcoords' rough box; both are fine
        ours = crs.from_stored(a, b, "gcj02")
        theirs = coordTransform.wgs84_to_gcj02(a, b)
        assert ours == pytest.approx(tuple(theirs), abs=1e-6)  # ~0.1 m
        ours_bd = crs.from_stored(a, b, "bd09")
        assert ours_bd == pytest.approx(tuple(coordTransform.wgs84_to_bd09(a, b)), abs=1e-6)


def test_known_offset_in_beijing_is_hundreds_of_metres() -> None:
    lon, lat = 116.3975, 39.9087  # Tian'anmen, WGS-84
    glon, glat = crs.from_stored(lon, lat, "gcj02")
    assert 300 < metres(lon, lat, glon, glat) < 700
    assert crs.to_stored(glon, glat, "GCJ-02") == pytest.approx((lon, lat), abs=1e-7)


@pytest.mark.parametrize("kind", ["wgs84", "cgcs2000", "EPSG:4326", "epsg:4490", "WGS-84"])
def test_gps_systems_are_stored_unchanged(kind: str) -> None:
    assert crs.to_stored(121.4737, 31.2304, kind) == (121.4737, 31.2304)


def test_outside_china_gcj_is_wgs_and_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert crs.to_stored(2.3522, 48.8566, "gcj02") == (2.3522, 48.8566)
        assert crs.from_stored(2.3522, 48.8566, "bd09") == (2.3522, 48.8566)


def test_unknown_crs_name_is_refused() -> None:
    with pytest.raises(InvalidCoordinate, match="Unknown coordinate system 'mars'"):
        crs.to_stored(121.0, 31.0, "mars")


def test_array_conversion_matches_scalar_and_names_the_bad_index() -> None:
    lon, lat = china_points(8, 5)
    x, y = crs.to_stored_many(lon, lat, "bd09")
    for i in range(lon.size):
        assert (x[i], y[i]) == crs.to_stored(lon[i], lat[i], "bd09")
    assert crs.to_stored_many(lon, lat, "wgs84")[0] == pytest.approx(lon)
    for kind in ("wgs84", "gcj02"):
        with pytest.raises(InvalidCoordinate, match=r"Point 2: .*nan"):
            crs.to_stored_many([121.0, 121.1, math.nan], [31.0, 31.1, 31.2], kind)


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (math.nan, 31.2, "finite"),
        (121.5, math.inf, "finite"),
        ("abc", 31.2, "must be numbers"),
        (None, 31.2, "must be numbers"),
        (31.2, 121.5, "looks swapped — did you mean lon=121.5, lat=31.2"),
        (200.0, 95.0, "out of range: lon=200.0"),
        (-181.0, 10.0, "out of range"),
    ],
)
def test_validate_refuses_with_a_message_naming_the_values(lon, lat, message) -> None:
    with pytest.raises(InvalidCoordinate, match=message) as info:
        crs.validate_lonlat(lon, lat)
    assert isinstance(info.value, ValueError) and isinstance(info.value, GisDataError)


SHANGHAI_HUANGPU = (121.45, 31.19, 121.52, 31.25)
KASHGAR = (75.90, 39.40, 76.10, 39.55)


def test_swap_detected_by_the_district_bbox() -> None:
    # In Kashgar both orders are legal on the globe (lat 75.99 exists); only the bbox tells.
    assert crs.validate_lonlat(75.99, 39.47) == (75.99, 39.47)
    assert crs.validate_lonlat(39.47, 75.99) == (39.47, 75.99)
    assert crs.validate_lonlat(75.99, 39.47, expected_bbox=KASHGAR) == (75.99, 39.47)
    with pytest.raises(InvalidCoordinate, match=r"swapped; send \(lon, lat\), i.e. lon=75.99, lat=39.47"):
        crs.validate_lonlat(39.47, 75.99, expected_bbox=KASHGAR)
    # In Shanghai the swapped latitude is impossible, bbox or not.
    with pytest.raises(InvalidCoordinate, match="looks swapped"):
        crs.validate_lonlat(31.22, 121.48, expected_bbox=SHANGHAI_HUANGPU)
    with pytest.raises(InvalidCoordinate, match="outside the expected area"):
        crs.validate_lonlat(0.0, 0.0, expected_bbox=SHANGHAI_HUANGPU)


def test_to_stored_checks_the_bbox_after_conversion() -> None:
    glon, glat = crs.from_stored(121.48, 31.22, "gcj02")
    assert crs.to_stored(glon, glat, "gcj02", expected_bbox=SHANGHAI_HUANGPU) == pytest.approx(
        (121.48, 31.22), abs=1e-7
    )


def test_metric_zones_match_the_epsg_database() -> None:
    for cm in range(75, 136, 3):
        code = crs.metric_crs_for(cm + 1.2)
        assert crs.metric_crs_for(cm - 1.2) == code
        zone = pyproj.CRS(code)
        assert zone.name == f"CGCS2000 / 3-degree Gauss-Kruger CM {cm}E"
        params = {p.name: p.value for p in zone.coordinate_operation.params}
        assert params["Longitude of natural origin"] == cm
        assert params["False easting"] == 500_000
    assert crs.metric_crs_for(117.0) == "EPSG:4548"  # Jinan
    assert crs.metric_crs_for(121.47) == "EPSG:4549"  # Shanghai, CM 120E


@pytest.mark.parametrize("lon", [70.0, 140.0, math.nan, -117.0])
def test_no_zone_outside_china(lon: float) -> None:
    with pytest.raises(InvalidCoordinate, match="Gauss-Krüger"):
        crs.metric_crs_for(lon)


def test_project_gives_metres_and_round_trips() -> None:
    rng = np.random.default_rng(3)
    lon, lat = 117.0 + rng.uniform(-0.5, 0.5, 1000), 36.6 + rng.uniform(-0.5, 0.5, 1000)
    x, y, code = crs.project(lon, lat)
    assert code == "EPSG:4548"
    assert x.min() > 400_000 and x.max() < 600_000  # easting first, no zone prefix
    geodesic = metres(lon[:-1], lat[:-1], lon[1:], lat[1:])
    planar = np.hypot(np.diff(x), np.diff(y))
    assert np.abs(planar / geodesic - 1).max() < 2e-4  # scale error near the central meridian
    back_lon, back_lat = crs.unproject(x, y, crs=code)
    assert back_lon == pytest.approx(lon, abs=1e-9) and back_lat == pytest.approx(lat, abs=1e-9)
    x2, _, code2 = crs.project(lon, lat, crs="EPSG:4549")
    assert code2 == "EPSG:4549" and not np.allclose(x, x2)


@pytest.mark.parametrize("module", ["crs", "errors", "grid_index", "nearest"])
def test_pure_library_imports_no_web_or_database(module: str) -> None:
    source = pathlib.Path(crs.__file__).with_name(f"{module}.py").read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    assert not names & {"backend", "fastapi", "sqlalchemy", "geoalchemy2", "map_viewer", "starlette"}


def test_metric_crs_near_falls_back_outside_china() -> None:
    assert crs.metric_crs_near(117.2) == crs.metric_crs_for(117.2) == "EPSG:4548"
    helsinki = crs.metric_crs_near(24.94)
    assert "+lon_0=25" in helsinki
    lon, lat = np.array([24.93, 24.96]), np.array([60.16, 60.18])
    x, y, used = crs.project(lon, lat)
    assert used == helsinki
    planar = np.hypot(np.diff(x), np.diff(y))[0]
    assert planar == pytest.approx(metres(lon[0], lat[0], lon[1], lat[1]), rel=1e-4)
    with pytest.raises(InvalidCoordinate):
        crs.metric_crs_near(math.nan)

"""EXIF GPS as the Python client reads it (with Pillow, no backend import)."""

from __future__ import annotations

import pytest

from backend.photos import testimages
from field_app.exif import read_gps


def test_reads_the_gps_position_of_a_camera_photo():
    fix = read_gps(testimages.rotated_jpeg_with_gps(lon=120.6015, lat=31.3015))
    assert fix is not None
    assert fix.lon == pytest.approx(120.6015, abs=1e-6) and fix.lat == pytest.approx(31.3015, abs=1e-6)


@pytest.mark.parametrize(("lon", "lat"), [(-58.381592, -34.603722), (151.2093, -33.8688), (-0.1276, 51.5072)])
def test_hemisphere_references_set_the_sign(lon, lat):
    data = testimages.jpeg(64, 48, exif=testimages.make_exif(lon=lon, lat=lat))
    fix = read_gps(data)
    assert fix is not None and (fix.lon, fix.lat) == pytest.approx((lon, lat), abs=1e-6)


def test_no_position_without_gps_or_with_a_null_fix():
    assert read_gps(testimages.jpeg(64, 48)) is None
    assert read_gps(testimages.jpeg(64, 48, exif=testimages.make_exif(orientation=6))) is None
    assert read_gps(testimages.jpeg(64, 48, exif=testimages.make_exif(lon=0.0, lat=0.0))) is None
    assert read_gps(testimages.text_named_jpg()[1]) is None
    assert read_gps(testimages.truncated_jpeg(0.01)) is None

"""Kernel density rasters: metric pixels, the quartic kernel, mass kept, and the image that
lands where it belongs on a Web Mercator map."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from pyproj import Geod

from gis_data.density import (
    MAX_SIDE_PX,
    bin_counts,
    bin_points,
    density_grid,
    kernel_density,
    point_density,
    quartic_kernel,
)
from map_viewer.raster import density_image, ramp_palette, to_mercator_rows

GEOD = Geod(ellps="GRS80")
BOUNDS = (120.55, 31.28, 120.65, 31.36)  # about 9.5 km × 9 km in Suzhou


def _points(n: int = 20_000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon = np.concatenate([rng.normal(120.58, 0.004, n // 2), rng.uniform(BOUNDS[0], BOUNDS[2], n // 2)])
    lat = np.concatenate([rng.normal(31.30, 0.004, n // 2), rng.uniform(BOUNDS[1], BOUNDS[3], n // 2)])
    return lon, lat


def test_pixels_are_square_metres_on_the_ground() -> None:
    grid = density_grid(BOUNDS, bandwidth_m=300, pixel_m=50)
    lat = (grid.south + grid.north) / 2
    _, _, east = GEOD.inv(grid.west, lat, grid.west + grid.dlon, lat)
    _, _, north = GEOD.inv(grid.west, lat, grid.west, lat + grid.dlat)
    assert east == pytest.approx(50, rel=1e-4) and north == pytest.approx(50, rel=1e-4)
    # Padded by one bandwidth on each side, so no kernel is cut at the edge.
    assert grid.west < BOUNDS[0] - 0.003 and grid.north > BOUNDS[3] + 0.0025


def test_large_areas_get_coarser_pixels_not_bigger_images() -> None:
    grid = density_grid((115.0, 30.0, 121.0, 34.0), bandwidth_m=300)
    assert max(grid.nx, grid.ny) <= MAX_SIDE_PX and grid.pixel_m > 500


def test_density_keeps_every_case() -> None:
    lon, lat = _points()
    density, grid = point_density(lon, lat, BOUNDS, bandwidth_m=300)
    assert density.sum() * grid.pixel_area_km2 == pytest.approx(len(lon), rel=1e-9)
    assert density.min() >= 0


def test_binned_fft_density_matches_the_quartic_kernel_summed_directly() -> None:
    rng = np.random.default_rng(8)
    lon = rng.normal(120.60, 0.003, 400)
    lat = rng.normal(31.32, 0.003, 400)
    h = 300.0
    density, grid = point_density(lon, lat, BOUNDS, bandwidth_m=h, pixel_m=25)
    # Direct evaluation at 300 pixel centres: Σ 3/(π h²) (1 − d²/h²)², in cases per km².
    iy = rng.integers(0, grid.ny, 300)
    ix = rng.integers(0, grid.nx, 300)
    centre_lon = grid.west + (ix + 0.5) * grid.dlon
    centre_lat = grid.south + (iy + 0.5) * grid.dlat
    direct = np.zeros(300)
    for k in range(300):
        _, _, d = GEOD.inv(np.full(400, centre_lon[k]), np.full(400, centre_lat[k]), lon, lat)
        direct[k] = np.sum(3 / (np.pi * h * h) * np.clip(1 - d**2 / h**2, 0, None) ** 2) * 1e6
    peak = density.max()
    # Binning moves each point by at most half a pixel (12.5 m against a 300 m kernel).
    assert np.max(np.abs(density[iy, ix] - direct)) < 0.04 * peak
    assert np.corrcoef(density[iy, ix], direct)[0, 1] > 0.999


def test_sql_binning_gives_the_same_raster() -> None:
    lon, lat = _points(5000, seed=4)
    grid = density_grid(BOUNDS, bandwidth_m=200)
    ix, iy = grid.pixel_index(lon, lat)
    keys, counts = np.unique(np.column_stack([ix, iy])[ix >= 0], axis=0, return_counts=True)
    from_sql = bin_counts(grid, keys[:, 0], keys[:, 1], counts)
    np.testing.assert_array_equal(from_sql, bin_points(grid, lon, lat))
    assert kernel_density(np.zeros_like(from_sql), grid, 200).max() == 0


def test_kernel_is_normalised_and_round() -> None:
    k = quartic_kernel(300, 50)
    assert k.sum() == pytest.approx(1.0) and k.shape == (13, 13)
    assert k[6, 0] == 0 and k[0, 0] == 0 and k[6, 6] == k.max()


def test_rows_are_resampled_to_web_mercator() -> None:
    south, north = 30.0, 40.0  # a tall raster, where the two spacings differ visibly
    raster = np.zeros((1000, 3))
    raster[500] = 1.0  # latitude 35.0–35.01
    out = to_mercator_rows(raster, south, north)
    row = int(np.argmax(out[:, 0]))  # north first
    merc = lambda lat: np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # noqa: E731
    expected = (merc(north) - merc(35.005)) / (merc(north) - merc(south)) * 1000
    assert abs(row + 0.5 - expected) <= 1.0
    assert abs(500 - expected) > 5  # without resampling the row would be visibly off


def test_density_image_is_transparent_where_there_is_nothing() -> None:
    lon, lat = _points(3000)
    density, grid = point_density(lon, lat, BOUNDS)
    png, vmax = density_image(density, grid.bounds)
    assert vmax == pytest.approx(density.max())
    img = Image.open(io.BytesIO(png)).convert("RGBA")
    assert img.size == (grid.nx, grid.ny)
    alpha = np.asarray(img)[:, :, 3]
    assert alpha.min() == 0 and alpha.max() > 200
    assert ramp_palette()[0][3] == 0
    empty_png, empty_max = density_image(np.zeros((4, 4)), grid.bounds)
    assert empty_max == 0 and np.asarray(Image.open(io.BytesIO(empty_png)).convert("RGBA"))[:, :, 3].max() == 0

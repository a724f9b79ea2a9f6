"""Photo intake: refusals (413/422), metadata, and served copies that are upright and private."""

from __future__ import annotations

import ast
import hashlib
import io
import resource
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageCms, ImageFile

from backend.photos import (
    DEFAULT_MAX_PIXELS,
    HEIF_SUPPORTED,
    PhotoRejected,
    derive_copies,
    inspect_image,
)
from backend.photos import testimages as ti

MB = 1024 * 1024
LIMITS = {"max_bytes": 20 * MB, "max_pixels": DEFAULT_MAX_PIXELS}
LON, LAT = 120.585316, 31.298886  # Suzhou, lon/lat order


def rejected(data: bytes, **limits: int) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        inspect_image(data, **{**LIMITS, **limits})
    err = caught.value
    assert err.message_en and err.message_zh and err.message_en != err.message_zh
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message_zh)  # really Chinese
    assert (err.status_code, err.message) == (err.http_status, err.message_en)  # DomainError duck type
    return err


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 60 and b < 60


# ---------------------------------------------------------------- refusals
def test_truncated_jpeg_is_rejected_not_half_accepted():
    err = rejected(ti.truncated_jpeg(0.6))
    assert (err.code, err.http_status) == ("photo_truncated", 422)
    assert "Send it again" in err.message_en
    # Even the last few bytes missing (no EOI marker) is caught.
    full = ti.jpeg()
    assert rejected(full[:-2]).code == "photo_truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_refuses_to_run_if_someone_enabled_load_truncated_images(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        inspect_image(ti.truncated_jpeg(), **LIMITS)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return ti.png_bomb(30_000, 30_000)


def test_png_decompression_bomb_is_rejected_fast_without_memory_blow_up(bomb):
    assert len(bomb) < 200_000  # a small file declaring 900 megapixels
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    err = rejected(bomb)
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 100 * 1024
    assert (err.code, err.http_status) == ("photo_too_many_pixels", 422)
    assert "900 megapixels" in err.message_en and "60 megapixels" in err.message_en


def test_pillow_bomb_warning_is_treated_as_an_error():
    # 100 MP is over Pillow's warning threshold (~89.5 MP) but under its error threshold, and we
    # allow 150 MP ourselves: only the warning-turned-error stops it before decoding.
    assert Image.MAX_IMAGE_PIXELS and Image.MAX_IMAGE_PIXELS < 100_000_000 < 2 * Image.MAX_IMAGE_PIXELS
    err = rejected(ti.png_bomb(10_000, 10_000), max_pixels=150_000_000)
    assert (err.code, err.http_status) == ("photo_too_many_pixels", 422)


def test_own_pixel_limit_is_checked_before_decoding():
    err = rejected(ti.jpeg(2000, 1500), max_pixels=1_000_000)
    assert (err.code, err.http_status) == ("photo_too_many_pixels", 422)
    assert "2000 × 1500 pixels (3 megapixels); the limit is 1 megapixels" in err.message_en
    assert err.details == {"width": 2000, "height": 1500, "max_pixels": 1_000_000}


def test_text_file_named_jpg_is_not_an_image():
    name, data = ti.text_named_jpg()
    assert name.endswith(".jpg")
    err = rejected(data)
    assert (err.code, err.http_status) == ("photo_not_an_image", 422)


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    return ti.big_jpeg(30)


def test_30_mb_photo_over_a_20_mb_limit_is_413(big_jpeg):
    assert 27 * MB < len(big_jpeg) < 33 * MB
    assert reopen(big_jpeg).format == "JPEG"  # a real photo, refused only for its size
    err = rejected(big_jpeg)
    assert (err.code, err.http_status) == ("photo_too_large", 413)
    shown = f"{-(-len(big_jpeg) * 10 // MB) / 10:.1f}"
    assert f"The photo is {shown} MB; the limit is 20 MB. Send a smaller photo" in err.message_en
    assert "上限为 20 MB" in err.message_zh
    assert err.details == {"size_bytes": len(big_jpeg), "max_bytes": 20 * MB}


def test_one_byte_over_the_limit_never_reads_as_equal_to_it():
    err = rejected(b"\xff" * (MB + 1), max_bytes=MB)
    assert "The photo is 1.1 MB; the limit is 1 MB" in err.message_en


def test_empty_upload():
    assert rejected(b"").code == "photo_empty"


@pytest.mark.skipif(HEIF_SUPPORTED, reason="pillow-heif installed: HEIC is accepted")
def test_heic_without_plugin_says_how_to_switch_the_camera_to_jpeg():
    fake_heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    err = rejected(fake_heic)
    assert (err.code, err.http_status) == ("photo_unsupported_format", 422)
    assert "Most Compatible" in err.message_en and "兼容性最佳" in err.message_zh


def test_gif_is_an_unsupported_format_not_garbage():
    err = rejected(ti.encode(Image.new("P", (10, 10)), "GIF"))
    assert err.code == "photo_unsupported_format" and err.message_en.startswith("GIF images")


def test_damaged_png_is_corrupt():
    data = bytearray(ti.encode(ti.marked_image(), "PNG"))
    data[60:80] = b"\x00" * 20  # break the IDAT payload and its CRC
    assert rejected(bytes(data)).code in {"photo_corrupt", "photo_truncated"}


# ---------------------------------------------------------------- accepted formats and metadata
@pytest.mark.parametrize(
    ("make", "fmt"),
    [(lambda: ti.webp(), "WEBP"), (lambda: ti.webp(lossless=True), "WEBP"),
     (lambda: ti.encode(ti.marked_image(), "PNG"), "PNG"), (lambda: ti.png_with_alpha(), "PNG"),
     (lambda: ti.jpeg(), "JPEG")],
)
def test_webp_png_and_jpeg_are_accepted(make, fmt):
    data = make()
    info = inspect_image(data, **LIMITS)
    assert info.format == fmt and info.size_bytes == len(data)
    assert info.ext == {"WEBP": "webp", "PNG": "png", "JPEG": "jpg"}[fmt]
    assert info.gps is None and info.taken_at is None


def test_mpo_from_phones_counts_as_jpeg():
    out = io.BytesIO()
    ti.marked_image().save(out, "MPO", save_all=True, append_images=[ti.marked_image()])
    info = inspect_image(out.getvalue(), **LIMITS)
    assert (info.format, info.media_type) == ("JPEG", "image/jpeg")


def test_exif_rotated_photo_reports_display_dimensions():
    info = inspect_image(ti.rotated_jpeg_with_gps(), **LIMITS)
    assert info.orientation == 6
    assert (info.width, info.height) == (300, 400)  # stored 400 x 300


def test_gps_time_and_camera_are_extracted():
    data = ti.rotated_jpeg_with_gps(lon=LON, lat=LAT, altitude=12.5)
    info = inspect_image(data, **LIMITS)
    assert info.gps is not None
    assert info.gps.lon == pytest.approx(LON, abs=1e-6)
    assert info.gps.lat == pytest.approx(LAT, abs=1e-6)
    assert info.gps.altitude_m == pytest.approx(12.5)
    assert info.taken_at == datetime(2026, 5, 1, 14, 3, 22, tzinfo=timezone(timedelta(hours=8)))
    assert info.taken_at_is_local is False
    assert info.taken_at_utc(ZoneInfo("Asia/Shanghai")) == datetime(2026, 5, 1, 6, 3, 22, tzinfo=UTC)
    assert (info.camera_make, info.camera_model) == ("GridWatch", "TestCam 1")
    assert info.sha256 == hashlib.sha256(data).hexdigest()


def test_southern_and_western_hemispheres_and_below_sea_level():
    data = ti.rotated_jpeg_with_gps(lon=-43.172897, lat=-22.906847, altitude=-3.25)
    gps = inspect_image(data, **LIMITS).gps
    assert gps is not None
    assert (gps.lon, gps.lat) == (pytest.approx(-43.172897, abs=1e-6), pytest.approx(-22.906847, abs=1e-6))
    assert gps.altitude_m == pytest.approx(-3.25)


def test_time_without_offset_is_naive_local_and_marked_so():
    info = inspect_image(ti.rotated_jpeg_with_gps(offset=None), **LIMITS)
    assert info.taken_at == datetime(2026, 5, 1, 14, 3, 22) and info.taken_at.tzinfo is None
    assert info.taken_at_is_local is True
    assert info.taken_at_utc(ZoneInfo("Asia/Shanghai")) == datetime(2026, 5, 1, 6, 3, 22, tzinfo=UTC)


def test_null_island_and_missing_hemisphere_are_not_a_position():
    assert inspect_image(ti.rotated_jpeg_with_gps(lon=0.0, lat=0.0), **LIMITS).gps is None
    exif = ti.make_exif(lon=LON, lat=LAT)
    del exif.get_ifd(0x8825)[1]  # GPSLatitudeRef
    data = ti.encode(ti.marked_image(), "JPEG", exif=exif)
    assert inspect_image(data, **LIMITS).gps is None


# ---------------------------------------------------------------- served copies
def test_display_copy_is_upright_with_the_marker_in_the_expected_corner():
    derived = derive_copies(ti.rotated_jpeg_with_gps())
    for copy in (derived.display, derived.thumb):
        img = reopen(copy.data)
        assert img.format == "JPEG" and img.height > img.width  # stored landscape, shown portrait
        # Orientation 6 = rotate 90° clockwise: the stored top-left ends up top-right.
        assert is_red(img.getpixel((img.width - 3, 2)))
        assert not is_red(img.getpixel((2, 2)))
        assert not is_red(img.getpixel((img.width - 3, img.height - 3)))
    assert (derived.display.width, derived.display.height) == (300, 400)


def test_served_copies_carry_no_gps_no_exif_no_xmp_no_icc():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>31,17.9N</exif:GPSLatitude></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = ti.make_exif(orientation=6, lon=LON, lat=LAT, altitude=5, make="Cam", model="X",
                        taken_at=datetime(2026, 1, 2, 3, 4, 5))
    original = ti.encode(ti.marked_image(), "JPEG", exif=exif, xmp=xmp, icc_profile=icc)
    source = reopen(original)
    assert source.getexif().get_ifd(0x8825) and "xmp" in source.info and "icc_profile" in source.info

    derived = derive_copies(original)
    for copy in (derived.display, derived.thumb):
        img = reopen(copy.data)
        assert len(img.getexif()) == 0 and not img.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(img.info)
        for marker in (b"Exif\x00\x00", b"GPS", b"adobe:ns:meta", b"ICC_PROFILE", b"TestCam"):
            assert marker not in copy.data


def test_png_with_alpha_stays_png_and_sheds_text_chunks():
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Location", "31.298886,120.585316")
    img = Image.open(io.BytesIO(ti.png_with_alpha()))
    # Bytes, not the Exif object: Pillow's PNG writer skips an Exif whose IFD0 is empty.
    data = ti.encode(img, "PNG", pnginfo=meta, exif=ti.make_exif(lon=LON, lat=LAT).tobytes())
    assert inspect_image(data, **LIMITS).gps is not None

    derived = derive_copies(data)
    assert (derived.display.format, derived.display.media_type) == ("PNG", "image/png")
    shown = reopen(derived.display.data)
    assert shown.mode == "RGBA" and shown.getchannel("A").getextrema()[0] < 255
    assert not shown.text and len(shown.getexif()) == 0 and b"Location" not in derived.display.data


def test_opaque_alpha_becomes_jpeg_and_webp_becomes_jpeg():
    opaque = ti.encode(ti.marked_image().convert("RGBA"), "PNG")
    assert derive_copies(opaque).display.format == "JPEG"
    assert derive_copies(ti.webp()).display.format == "JPEG"


def test_sizes_are_capped_at_1920_and_320_and_never_enlarged():
    derived = derive_copies(ti.jpeg(4000, 3000))
    assert (derived.display.width, derived.display.height) == (1920, 1440)
    assert (derived.thumb.width, derived.thumb.height) == (320, 240)
    assert reopen(derived.display.data).size == (1920, 1440)
    small = derive_copies(ti.jpeg(200, 100))
    assert (small.display.width, small.display.height, small.thumb.width) == (200, 100, 200)


def test_cmyk_and_16_bit_grey_become_ordinary_srgb_copies():
    cmyk = ti.encode(ti.marked_image().convert("CMYK"), "JPEG")
    img = reopen(derive_copies(cmyk).display.data)
    assert img.mode == "RGB" and is_red(img.getpixel((5, 5)))
    grey16 = ti.encode(Image.new("I;16", (64, 64), 40_000), "PNG")
    img = reopen(derive_copies(grey16).display.data)
    assert img.mode == "L" and 150 <= img.getpixel((5, 5)) <= 160  # scaled, not clipped to 255


def test_derive_refuses_what_inspect_refuses(bomb):
    with pytest.raises(PhotoRejected) as caught:
        derive_copies(ti.truncated_jpeg())
    assert caught.value.code == "photo_truncated"
    with pytest.raises(PhotoRejected) as caught:
        derive_copies(bomb)
    assert caught.value.code == "photo_too_many_pixels"


def test_photos_package_imports_only_pillow_and_the_standard_library():
    package = Path(inspect_image.__code__.co_filename).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        for module in modules:
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top in {"PIL", "pillow_heif", "__future__"} or (
                module.startswith("backend.photos")
            ), f"{path.name} imports {module}"

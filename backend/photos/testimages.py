"""Real images made with Pillow (or, for the bomb, with zlib) for tests, benchmarks and demos.

Everything is deterministic for a given seed, so a failing test can be reproduced byte for byte.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

RED = (255, 0, 0)
_MB = 1024 * 1024


def _scene(width: int, height: int, *, noise: float, seed: int) -> Image.Image:
    """A smooth 'scene' (gradients and a few shapes) plus per-pixel sensor-like noise."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    channels = []
    for i in range(3):
        base = gradient.transpose(Image.Transpose.ROTATE_180) if i == 1 else gradient
        grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
        channels.append(Image.blend(base, grain, noise))
    img = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        r = max(2, min(width, height) // rng.randint(6, 12))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def jpeg(width: int = 640, height: int = 480, *, seed: int = 0, quality: int = 90, **params: object) -> bytes:
    """An ordinary photo-like JPEG."""
    return encode(_scene(width, height, noise=0.2, seed=seed), "JPEG", quality=quality, **params)


def noisy_jpeg(target_bytes: int, *, seed: int = 0, quality: int = 95) -> bytes:
    """A real JPEG of roughly ``target_bytes`` (within ~10 %): a noisy 4:3 scene.

    Heavy noise with 4:4:4 chroma keeps the pixel count (and so the time to build it) small:
    about 2 bytes per pixel, i.e. ~15 megapixels for 30 MB.
    """
    params = {"quality": quality, "subsampling": 0}
    sample = encode(_scene(512, 384, noise=0.7, seed=seed), "JPEG", **params)
    pixels = target_bytes / (len(sample) / (512 * 384))
    data = b""
    for _ in range(3):  # one estimate, then at most two corrections
        width = max(16, int((pixels * 4 / 3) ** 0.5))
        data = encode(_scene(width, width * 3 // 4, noise=0.7, seed=seed), "JPEG", **params)
        if abs(len(data) - target_bytes) <= 0.1 * target_bytes:
            break
        pixels *= target_bytes / len(data)
    return data


def big_jpeg(megabytes: float = 30) -> bytes:
    """A real JPEG of about ``megabytes`` MiB (the default is over a 20 MB upload limit)."""
    return noisy_jpeg(int(megabytes * _MB))


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees as EXIF wants them: whole degrees, whole minutes, seconds to 1/10000."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 10_000)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 10_000)


def make_exif(
    *,
    orientation: int | None = None,
    lon: float | None = None,
    lat: float | None = None,
    altitude: float | None = None,
    taken_at: datetime | None = None,
    offset: str | None = None,
    make: str | None = None,
    model: str | None = None,
) -> Image.Exif:
    """EXIF written with Pillow's Image.Exif API: IFD0, the Exif IFD (0x8769), the GPS IFD (0x8825)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if make is not None:
        exif[0x010F] = make
    if model is not None:
        exif[0x0110] = model
    if taken_at is not None:
        exif_ifd = exif.get_ifd(0x8769)
        exif_ifd[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
        if offset is not None:
            exif_ifd[0x9011] = offset  # OffsetTimeOriginal
    if lon is not None and lat is not None:
        gps = exif.get_ifd(0x8825)
        gps[0x0000] = b"\x02\x03\x00\x00"  # GPSVersionID
        gps[0x0001], gps[0x0002] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[0x0003], gps[0x0004] = ("E" if lon >= 0 else "W"), _dms(lon)
        if altitude is not None:
            gps[0x0005] = b"\x00" if altitude >= 0 else b"\x01"
            gps[0x0006] = IFDRational(round(abs(altitude) * 100), 100)
    return exif


def marked_image(width: int = 400, height: int = 300, *, marker: tuple[int, int, int] = RED) -> Image.Image:
    """A grey picture with a 40 px ``marker`` square in the top-left corner of the stored pixels."""
    img = Image.new("RGB", (width, height), (128, 128, 128))
    img.paste(marker, (0, 0, 40, 40))
    return img


def rotated_jpeg_with_gps(
    *,
    orientation: int = 6,
    lon: float = 120.585316,
    lat: float = 31.298886,
    altitude: float = 12.5,
    taken_at: datetime | None = datetime(2026, 5, 1, 14, 3, 22),
    offset: str | None = "+08:00",
    make: str = "GridWatch",
    model: str = "TestCam 1",
    xmp: bytes | None = None,
) -> bytes:
    """400 × 300 stored pixels, red marker top-left, EXIF orientation 6 (rotate 90° clockwise to view).

    Displayed upright it is 300 × 400 with the marker in the top-right corner. Carries GPS,
    DateTimeOriginal, make/model, and (when given) an XMP packet, all of which served copies must drop.
    """
    exif = make_exif(orientation=orientation, lon=lon, lat=lat, altitude=altitude, taken_at=taken_at,
                     offset=offset, make=make, model=model)
    params: dict[str, object] = {"quality": 92, "exif": exif}
    if xmp is not None:
        params["xmp"] = xmp
    return encode(marked_image(), "JPEG", **params)


def truncated_jpeg(keep: float = 0.6, *, seed: int = 0) -> bytes:
    """A real JPEG cut off after ``keep`` of its bytes, like an interrupted upload."""
    data = jpeg(seed=seed)
    return data[: int(len(data) * keep)]


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit PNG declaring ``width`` × ``height`` pixels (all black) in about 100 KB.

    Written by hand because building the image with Pillow would need the very memory the
    bomb is meant to exhaust (Pillow keeps mode "1" at one byte per pixel: 900 MB here).
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    rows_per_chunk = max(1, (4 * _MB) // len(row))
    parts = [packer.compress(row * min(rows_per_chunk, height - y)) for y in range(0, height, rows_per_chunk)]
    parts.append(packer.flush())

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def text_named_jpg() -> tuple[str, bytes]:
    """A text file posing as a photo: a .jpg name, not a JPEG inside."""
    return "IMG_0001.jpg", b"This is not a photo.\nJust some text saved with a .jpg name.\n"


def png_with_alpha(width: int = 300, height: int = 200) -> bytes:
    """An RGBA PNG that is half transparent (served copies must stay PNG)."""
    img = _scene(width, height, noise=0.1, seed=3).convert("RGBA")
    img.putalpha(Image.linear_gradient("L").resize((width, height)))
    return encode(img, "PNG")


def webp(width: int = 320, height: int = 240, *, lossless: bool = False) -> bytes:
    return encode(_scene(width, height, noise=0.1, seed=4), "WEBP", quality=80, lossless=lossless)


def write_samples(directory: Path) -> dict[str, Path]:
    """Write the whole set to ``directory`` with realistic names (manual tests, benchmarks)."""
    directory.mkdir(parents=True, exist_ok=True)
    name, text = text_named_jpg()
    samples = {
        "photo.jpg": jpeg(),
        "rotated_gps.jpg": rotated_jpeg_with_gps(),
        "truncated.jpg": truncated_jpeg(),
        "bomb.png": png_bomb(),
        name: text,
        "alpha.png": png_with_alpha(),
        "photo.webp": webp(),
        "big_30mb.jpg": big_jpeg(30),
    }
    written = {}
    for filename, data in samples.items():
        (directory / filename).write_bytes(data)
        written[filename] = directory / filename
    return written

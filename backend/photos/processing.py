"""Check an uploaded photo, read its metadata, make the privacy-safe copies we serve.

Pure Pillow + stdlib (no database, no web framework). Every refusal is a :class:`PhotoRejected`
with a code, an HTTP status and an English and a Chinese message saying what to do next.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

try:  # colour management is optional in Pillow builds; without it we convert naively
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None  # type: ignore[assignment]

try:  # HEIC (iPhone default) only when the optional plugin is installed
    import pillow_heif  # type: ignore[import-not-found]
except ImportError:
    pillow_heif = None
else:  # pragma: no cover - plugin not installed in CI
    pillow_heif.register_heif_opener()

HEIF_SUPPORTED = pillow_heif is not None
ALLOWED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP") + (("HEIF",) if HEIF_SUPPORTED else ())
_TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp"),
          "HEIF": ("heic", "image/heic")}  # format -> (file extension, media type)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 60_000_000  # a 48–50 MP phone sensor at full resolution fits
DISPLAY_MAX_SIDE = 1920
THUMB_MAX_SIDE = 320
_MIB = 1024 * 1024
# Image.open's bomb check only *warns*; warnings filters are process-global, so the
# catch_warnings block that turns the warning into an error is serialised.
_OPEN_LOCK = threading.Lock()
_SRGB = ImageCms.createProfile("sRGB") if ImageCms is not None else None


class PhotoError(Exception):
    """A photo problem a person can act on. Duck-types backend.errors.DomainError for the handler."""

    def __init__(self, code: str, http_status: int, message_en: str, message_zh: str,
                 details: Any = None) -> None:
        super().__init__(message_en)
        self.code, self.http_status, self.status_code = code, http_status, http_status
        self.message_en, self.message, self.message_zh = message_en, message_en, message_zh
        self.details = details


class PhotoRejected(PhotoError):
    """The upload is not an acceptable photo (413 too many bytes, 422 everything else)."""


@dataclass(frozen=True, slots=True)
class GpsPosition:
    """Where the camera says it was: WGS-84 degrees as recorded, lon/lat order, metres."""

    lon: float
    lat: float
    altitude_m: float | None = None


class _Typed:
    __slots__ = ()
    format: str

    @property
    def ext(self) -> str:
        return _TYPES[self.format][0]

    @property
    def media_type(self) -> str:
        return _TYPES[self.format][1]


@dataclass(frozen=True, slots=True)
class ImageInfo(_Typed):
    format: str  # JPEG | PNG | WEBP | HEIF
    width: int  # as displayed, i.e. after the EXIF orientation
    height: int
    sha256: str  # of the original bytes, exactly as uploaded
    size_bytes: int
    orientation: int = 1
    # Aware when the camera recorded an offset; otherwise naive camera-local time
    # (taken_at_is_local is then True and the caller decides the zone).
    taken_at: datetime | None = None
    taken_at_is_local: bool = False
    gps: GpsPosition | None = None
    camera_make: str | None = None
    camera_model: str | None = None

    def taken_at_utc(self, local_zone: tzinfo) -> datetime | None:
        """taken_at in UTC, reading a naive camera time in ``local_zone`` (the city's zone)."""
        if self.taken_at is None:
            return None
        aware = self.taken_at if self.taken_at.tzinfo else self.taken_at.replace(tzinfo=local_zone)
        return aware.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Rendition(_Typed):
    """One served copy: no EXIF, no XMP, no ICC profile, no text chunks."""

    data: bytes = field(repr=False)
    format: str  # JPEG | PNG
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Derived:
    display: Rendition
    thumb: Rendition


# ---------------------------------------------------------------- refusals (codes and messages)
def _one_decimal(n: float, unit: float, *, up: bool) -> str:
    value = (math.ceil if up else math.floor)(n / unit * 10) / 10
    return f"{value:.1f}".removesuffix(".0")


def _too_large(size: int, limit: int) -> PhotoRejected:
    # Rounded apart so the size shown is never equal to the limit shown.
    s, lim = _one_decimal(size, _MIB, up=True), _one_decimal(limit, _MIB, up=False)
    return PhotoRejected(
        "photo_too_large", 413,
        f"The photo is {s} MB; the limit is {lim} MB. Send a smaller photo "
        "(for example, choose a lower resolution in the camera settings).",
        f"照片大小为 {s} MB，上限为 {lim} MB。请发送较小的照片（例如在相机设置中选择较低的分辨率）。",
        {"size_bytes": size, "max_bytes": limit})


def _too_many_pixels(limit: int, size: tuple[int, int] | None, bomb: Exception | None = None) -> PhotoRejected:
    lim, (w, h) = _one_decimal(limit, 1e6, up=False), size or (None, None)
    declared = re.search(r"\((\d+) pixels\)", str(bomb))  # Pillow refused before we saw the size
    mp = _one_decimal(w * h if w and h else int(declared[1]) if declared else 0, 1e6, up=True)
    en, zh = f"The photo declares {mp} megapixels", f"照片声明的像素数为 {mp} 百万像素"
    if w and h:
        en, zh = f"The photo is {w} × {h} pixels ({mp} megapixels)", f"照片尺寸为 {w} × {h} 像素（{mp} 百万像素）"
    return PhotoRejected(
        "photo_too_many_pixels", 422,
        f"{en}; the limit is {lim} megapixels. Send a smaller photo or a lower-resolution copy.",
        f"{zh}，上限为 {lim} 百万像素。请发送较小的照片或较低分辨率的副本。",
        {"width": w, "height": h, "max_pixels": limit})


_MESSAGES = {  # code -> (English, Chinese); {kind} is the refused format's name
    "photo_empty": ("The upload is empty (0 bytes). Choose the photo again and resend it.",
                    "上传的文件是空的（0 字节）。请重新选择照片后再发送。"),
    "photo_not_an_image": (
        "This file is not a photo: it cannot be read as JPEG, PNG or WebP. "
        "Take or choose a photo and send it again.",
        "该文件不是照片：无法作为 JPEG、PNG 或 WebP 读取。请拍摄或选择一张照片后重新发送。"),
    "photo_unsupported_heic": (
        "HEIC photos are not accepted by this server. On an iPhone set Settings > Camera > Formats "
        "to 'Most Compatible', or share the photo as JPEG, then send it again.",
        "此服务器不接受 HEIC 格式的照片。请在 iPhone 的“设置 > 相机 > 格式”中选择“兼容性最佳”，"
        "或将照片以 JPEG 格式分享后重新发送。"),
    "photo_unsupported_format": ("{kind} images are not accepted. Send the photo as JPEG, PNG or WebP.",
                                 "不接受 {kind} 格式的图片。请以 JPEG、PNG 或 WebP 格式发送照片。"),
    "photo_truncated": (
        "The photo is incomplete: the file ends before the image does, so the upload was probably "
        "interrupted. Send it again.",
        "照片不完整：文件在图像数据结束之前就中断了，可能是上传中断。请重新发送。"),
    "photo_corrupt": (
        "The photo file is damaged and cannot be decoded. Send the original photo again or take a new one.",
        "照片文件已损坏，无法解码。请重新发送原始照片，或重新拍摄一张。"),
}


def _reject(code: str, detail: str | None = None) -> PhotoRejected:
    key = "photo_unsupported_heic" if code == "photo_unsupported_format" and detail == "HEIC" else code
    en, zh = (m.format(kind=detail) for m in _MESSAGES[key])
    return PhotoRejected(code, 422, en, zh, {"reason": detail} if detail else None)


_MAGIC = ((b"GIF8", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"%PDF", "PDF"))
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def _sniff_unsupported(data: bytes) -> str | None:
    """Name a well-known image type we refuse, for a better message than 'not a photo'."""
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS | {b"avif", b"avis"}:
        return "AVIF" if data[8:12] in (b"avif", b"avis") else "HEIC"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


# ---------------------------------------------------------------- opening and decoding safely
@contextmanager
def _decoded(
    data: bytes, max_pixels: int, *, draft_to: int | None = None
) -> Iterator[tuple[Image.Image, tuple[int, int]]]:
    """Open ``data`` with only the allowed decoders, refuse bombs, decode every pixel."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A global Pillow switch that would let half-received photos through as evidence.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for photo intake")
    try:
        with _OPEN_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels, None, exc) from None
    except UnidentifiedImageError:
        kind = _sniff_unsupported(data)
        raise _reject("photo_unsupported_format" if kind else "photo_not_an_image", kind) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # header parsers' ways of failing
        raise _reject("photo_corrupt", str(exc)) from None
    with img:
        width, height = img.size
        if width * height > max_pixels:  # checked before a single pixel is decoded
            raise _too_many_pixels(max_pixels, (width, height))
        if draft_to and img.format in ("JPEG", "MPO"):
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale while staying >= the target size.
            scale = draft_to / max(width, height)
            if scale < 1:
                img.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
        try:
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels, (width, height)) from None
        except OSError as exc:
            code = "photo_truncated" if "truncated" in str(exc) else "photo_corrupt"
            raise _reject(code, str(exc)) from None
        except (SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error) as exc:
            raise _reject("photo_corrupt", str(exc)) from None
        yield img, (width, height)  # the stored size: draft may have shrunk the decoded pixels


# ---------------------------------------------------------------- metadata (untrusted: never fatal)
def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return (value.strip("\x00 \t\r\n") or None) if isinstance(value, str) else None


def _number(value: object) -> float | None:
    try:  # IFDRational, int, float, or a raw (numerator, denominator) pair
        pair = isinstance(value, tuple) and len(value) == 2
        number = value[0] / value[1] if pair else float(value)  # type: ignore[index,arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _degrees(dms: object, ref: object, positive: str, negative: str) -> float | None:
    ref_text = (_text(ref) or "").upper()
    if ref_text not in (positive, negative) or not isinstance(dms, tuple) or not 1 <= len(dms) <= 3:
        return None  # an unknown hemisphere is not guessed: evidence must not invent a position
    parts = [_number(p) for p in dms]
    if any(p is None or p < 0 for p in parts):
        return None
    value = sum(p / 60**i for i, p in enumerate(parts))  # type: ignore[operator]
    return -value if ref_text == negative else value


def _gps(gps_ifd: dict[int, Any]) -> GpsPosition | None:
    lat = _degrees(gps_ifd.get(2), gps_ifd.get(1), "N", "S")
    lon = _degrees(gps_ifd.get(4), gps_ifd.get(3), "E", "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None  # (0, 0) is what phones write when they had no fix
    altitude, ref = _number(gps_ifd.get(6)), gps_ifd.get(5)  # AltitudeRef 1 = below sea level
    if altitude is not None and (ref == 1 or (isinstance(ref, bytes) and ref[:1] == b"\x01")):
        altitude = -altitude
    return GpsPosition(lon=lon, lat=lat, altitude_m=altitude)


_EXIF_TIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def _taken_at(exif_ifd: dict[int, Any]) -> datetime | None:
    """DateTimeOriginal (+ SubSecTimeOriginal, + OffsetTimeOriginal when the camera wrote one)."""
    match = _EXIF_TIME.match(_text(exif_ifd.get(0x9003)) or "")
    if not match:
        return None
    try:
        taken = datetime(*(int(g) for g in match.groups()))
    except ValueError:  # "0000:00:00 00:00:00" and friends
        return None
    subsec = _text(exif_ifd.get(0x9291)) or ""
    if subsec.isdigit():
        taken = taken.replace(microsecond=int(subsec[:6].ljust(6, "0")))
    offset = _EXIF_OFFSET.fullmatch(_text(exif_ifd.get(0x9011)) or "")
    if offset:
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        delta = -delta if offset.group(1) == "-" else delta
        if abs(delta) < timedelta(hours=24):
            taken = taken.replace(tzinfo=timezone(delta))
    return taken


def _metadata(img: Image.Image) -> dict[str, Any]:
    try:
        exif = img.getexif()
        orientation, taken = exif.get(0x0112, 1), _taken_at(exif.get_ifd(0x8769))
        return {"orientation": orientation if orientation in range(1, 9) else 1,
                "camera_make": _text(exif.get(0x010F)), "camera_model": _text(exif.get(0x0110)),
                "gps": _gps(exif.get_ifd(0x8825)),
                "taken_at": taken, "taken_at_is_local": taken is not None and taken.tzinfo is None}
    except Exception:  # malformed metadata means "absent", never a rejected photo
        return {}


def inspect_image(data: bytes, *, max_bytes: int, max_pixels: int) -> ImageInfo:
    """Accept ``data`` as a photo or raise :class:`PhotoRejected`; the file name is never trusted.

    413 ``photo_too_large``; 422 ``photo_empty``, ``photo_not_an_image``, ``photo_unsupported_format``,
    ``photo_too_many_pixels`` (also on Pillow's bomb warning), ``photo_truncated``, ``photo_corrupt``.
    """
    if not data:
        raise _reject("photo_empty")
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    # JPEGs are decoded at 1/8 scale: every entropy-coded byte is still read (so truncation and
    # corrupt streams are caught) but the inverse DCT does an eighth of the work.
    with _decoded(data, max_pixels, draft_to=1) as (img, (width, height)):
        # Pillow calls JPEGs with a multi-picture index (many phones: depth maps) "MPO".
        fmt = "JPEG" if img.format == "MPO" else str(img.format)
        meta = _metadata(img)
    if meta.get("orientation", 1) in (5, 6, 7, 8):  # rotated a quarter turn when displayed
        width, height = height, width
    return ImageInfo(format=fmt, width=width, height=height, sha256=hashlib.sha256(data).hexdigest(),
                     size_bytes=len(data), **meta)


# ---------------------------------------------------------------- served copies
def _to_srgb(img: Image.Image) -> Image.Image:
    """RGB/RGBA (or L for plain greyscale) pixels in sRGB, ready to be stripped and encoded."""
    if img.mode.startswith("I;16") or img.mode == "I":  # 16-bit greyscale PNG: scale, don't clip
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    # An alpha channel that is opaque everywhere does not need PNG.
    alpha = alpha and img.convert("RGBA").getchannel("A").getextrema()[0] < 255
    target = "RGBA" if alpha else ("L" if img.mode in ("1", "L") else "RGB")
    icc = img.info.get("icc_profile")
    if icc and ImageCms is not None and img.mode in ("RGB", "RGBA", "CMYK") and target != "L":
        source = img if img.mode in ("CMYK", target) else img.convert(target)
        try:  # e.g. Display P3 phone photos: keep their colours once the profile is dropped
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(source, profile, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: fall back to Pillow's plain conversion
    return img.convert(target) if img.mode != target else img


def _encode(img: Image.Image, max_side: int, quality: int) -> tuple[Image.Image, Rendition]:
    small, ratio = img, max_side / max(img.size)
    if ratio < 1:  # never enlarged
        size = (max(1, round(img.width * ratio)), max(1, round(img.height * ratio)))
        small = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    clean = Image.new(small.mode, small.size)  # a fresh image: no info, no EXIF, no ICC, no text
    clean.paste(small)
    out = io.BytesIO()
    if clean.mode == "RGBA":
        clean.save(out, "PNG", compress_level=3)  # level 6+ costs 2x the time on photos
        fmt = "PNG"
    else:
        clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        fmt = "JPEG"
    with Image.open(io.BytesIO(out.getvalue())) as check:  # prove nothing private went out
        check.load()
        leaked = _METADATA_KEYS & set(check.info)
        if len(check.getexif()) or leaked or getattr(check, "text", None):
            raise RuntimeError(f"served photo copy still carries metadata: {sorted(leaked)}")
    return clean, Rendition(data=out.getvalue(), format=fmt, width=clean.width, height=clean.height)


_METADATA_KEYS = frozenset({"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment",
                            "photoshop", "Raw profile type exif", "Raw profile type APP1"})


def derive_copies(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, display_max: int = DISPLAY_MAX_SIDE,
                  thumb_max: int = THUMB_MAX_SIDE, jpeg_quality: int = 85) -> Derived:
    """Upright display copy (<= ``display_max`` px) and thumbnail (<= ``thumb_max`` px).

    JPEG, or PNG when the photo has real transparency; both stripped of all metadata and
    converted to sRGB. Raises :class:`PhotoRejected` like :func:`inspect_image` (sizes in
    bytes are the caller's check: run ``inspect_image`` first).
    """
    with _decoded(data, max_pixels, draft_to=display_max) as (img, _):  # closing it frees the pixels
        ImageOps.exif_transpose(img, in_place=True)
        display_img, display = _encode(_to_srgb(img), display_max, jpeg_quality)
    _, thumb = _encode(display_img, thumb_max, jpeg_quality)
    return Derived(display=display, thumb=thumb)

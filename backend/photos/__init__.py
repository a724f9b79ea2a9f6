"""Photos as proof (before / after / evidence): validation, privacy-safe copies, atomic storage.

Pure Pillow + stdlib, no database or web framework. The upload flow the HTTP layer follows::

    info = inspect_image(data, max_bytes=settings.max_photo_bytes,
                         max_pixels=settings.max_photo_pixels)        # PhotoRejected: 413 / 422
    copies = derive_copies(data, max_pixels=settings.max_photo_pixels)
    key = store.put(data, info.sha256, "original", info.ext)          # StorageFull: 507
    store.put(copies.display.data, info.sha256, "display", copies.display.ext)
    store.put(copies.thumb.data, info.sha256, "thumb", copies.thumb.ext)
    ... then insert the Photo row and commit; a crash before the commit leaves orphan files
    that PhotoStore.sweep_orphans removes.
"""

from backend.photos.processing import (
    ALLOWED_FORMATS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    HEIF_SUPPORTED,
    Derived,
    GpsPosition,
    ImageInfo,
    PhotoError,
    PhotoRejected,
    Rendition,
    derive_copies,
    inspect_image,
)
from backend.photos.storage import (
    SERVED_VARIANTS,
    VARIANTS,
    InvalidKey,
    PhotoStore,
    StorageFull,
    SweepResult,
    is_key,
    make_key,
)

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "HEIF_SUPPORTED",
    "SERVED_VARIANTS",
    "VARIANTS",
    "Derived",
    "GpsPosition",
    "ImageInfo",
    "InvalidKey",
    "PhotoError",
    "PhotoRejected",
    "PhotoStore",
    "Rendition",
    "StorageFull",
    "SweepResult",
    "derive_copies",
    "inspect_image",
    "is_key",
    "make_key",
]

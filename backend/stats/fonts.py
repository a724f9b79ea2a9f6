"""A subset of Noto Sans CJK SC embedded in the report, so the PDF's text can be searched and copied.

Noto Sans CJK maps some ideographs and the look-alike radicals (门 U+95E8 and ⻔ U+2ED4, 长 and ⻓,
行 and ⾏ …) to the same glyph; Chromium writes the PDF's glyph-to-text table from the font's
character map and picks the radical, so "部门" in the PDF reads back as "部⻔" and a search for
it fails. A subset holding only the characters the report uses has no radical entries, so
every glyph maps back to the character that was typed. Without fontTools or the font the report
falls back to the system font (the PDF still renders; only that search quirk remains).
"""

from __future__ import annotations

import base64
import io
import logging
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger("gridwatch.stats")
FAMILY = "GridWatch CJK"
_FALLBACK = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2)


def _font_file() -> tuple[Path, int] | None:
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "Noto Sans CJK SC:style=Regular", "--format=%{file}:%{index}"],
                                 capture_output=True, text=True, timeout=10, check=True).stdout.strip()
            path, _, index = out.rpartition(":")
            if path and "CJK" in path and Path(path).exists():
                return Path(path), int(index or 0)
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    return _FALLBACK if _FALLBACK[0].exists() else None


def font_face_css(text: str) -> str:
    """``@font-face`` for :data:`FAMILY` with the glyphs of ``text`` (empty string if unavailable)."""
    found = _font_file()
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        log.warning("fontTools is not installed: the PDF uses the system CJK font")
        return ""
    if found is None:
        log.warning("Noto Sans CJK SC not found: the PDF uses the system font")
        return ""
    path, index = found
    font = TTFont(path, fontNumber=index, lazy=True) if path.suffix.lower() == ".ttc" else TTFont(path, lazy=True)
    options = subset.Options()
    options.name_IDs = ["*"]
    # Horizontal Chinese and Latin text needs no OpenType layout (vertical forms, locl, kerning):
    # leaving it out makes the subset 2-3× faster to build and half the size.
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "BASE", "vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes={ord(c) for c in text if not 0x2E80 <= ord(c) <= 0x2FDF})
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode()
    return f"@font-face{{font-family:'{FAMILY}';src:url(data:font/otf;base64,{data}) format('opentype');}}"

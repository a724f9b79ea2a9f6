"""Pure validation of a catalog CSV: every problem is reported with its line, nothing is loaded
unless the whole file is clean."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

EXPECTED_COLUMNS = (
    "edition", "kind", "major_code", "major_name_zh", "minor_code", "minor_name_zh", "name_en", "source",
)
# Minor-code length per edition: CJ/T 214-2007 uses 2+2 digits, GB/T 47678.5-2026 uses 2+3.
EDITIONS = {"CJ/T 214-2007": 4, "GB/T 47678.5-2026": 5}
KINDS = ("component", "event")
BUNDLED_CATALOG = Path(__file__).with_name("data") / "catalog.csv"


@dataclass(frozen=True)
class CatalogRow:
    line: int
    edition: str
    kind: str
    major_code: str
    major_name_zh: str
    minor_code: str
    name_zh: str
    name_en: str
    source: str


@dataclass
class CatalogFileError(ValueError):
    """The file was refused; ``problems`` lists (line number, message) pairs."""

    path: str
    problems: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "\n".join(f"  line {line}: {msg}" for line, msg in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        return f"{self.path}: catalog refused, nothing loaded ({len(self.problems)} problem(s)):\n{shown}{more}"


def parse_catalog(path: Path | str) -> list[CatalogRow]:
    """Read and validate a catalog CSV (UTF-8, header as in the bundled file).

    Raises
    ------
    CatalogFileError
        With every problem found, each naming its line (the header is line 1).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogFileError(str(path), [(0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise CatalogFileError(str(path), [(0, f"cannot read file: {exc.strerror}")]) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CatalogFileError(str(path), [(1, "file is empty; expected a header row")])
    if tuple(h.strip() for h in header) != EXPECTED_COLUMNS:
        raise CatalogFileError(
            str(path), [(1, f"header must be {','.join(EXPECTED_COLUMNS)}; got {','.join(header)}")]
        )
    rows: list[CatalogRow] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        row, row_problems = _check_row(line_no, values)
        problems.extend(row_problems)
        if row is None:
            continue
        # GB/T 47678.5 reuses component minor codes for the matching "X异常" items, so a class
        # is identified by edition, kind and minor code together.
        key = (row.edition, row.kind, row.minor_code)
        if key in seen:
            problems.append(
                (line_no, f"duplicate {row.kind} class {row.minor_code} in {row.edition} (first on line {seen[key]})")
            )
            continue
        seen[key] = line_no
        rows.append(row)
    if not rows and not problems:
        problems.append((2, "no catalog rows after the header"))
    if problems:
        raise CatalogFileError(str(path), problems)
    return rows


def _check_row(line: int, values: list[str]) -> tuple[CatalogRow | None, list[tuple[int, str]]]:
    if len(values) != len(EXPECTED_COLUMNS):
        return None, [(line, f"expected {len(EXPECTED_COLUMNS)} columns, found {len(values)}")]
    edition, kind, major, major_name, minor, name_zh, name_en, source = (v.strip() for v in values)
    problems: list[str] = []
    if edition not in EDITIONS:
        problems.append(f"unknown edition {edition!r} (expected one of {', '.join(EDITIONS)})")
    if kind not in KINDS:
        problems.append(f"kind must be component or event, got {kind!r}")
    if not (len(major) == 2 and major.isdigit()):
        problems.append(f"major code must be 2 digits, got {major!r}")
    want = EDITIONS.get(edition)
    if not minor.isdigit() or (want is not None and len(minor) != want):
        problems.append(f"minor code must be {want or '4 or 5'} digits, got {minor!r}")
    elif not minor.startswith(major):
        problems.append(f"minor code {minor} is not under major code {major}")
    if not name_zh:
        problems.append("Chinese name (minor_name_zh) is empty")
    if not name_en:
        problems.append("English name (name_en) is empty")
    if not major_name:
        problems.append("major class name (major_name_zh) is empty")
    if problems:
        return None, [(line, p) for p in problems]
    return CatalogRow(line, edition, kind, major, major_name, minor, name_zh, name_en, source), []


def count_by_edition_kind(rows: list[CatalogRow]) -> dict[str, dict[str, int]]:
    counts = Counter((r.edition, r.kind) for r in rows)
    out: dict[str, dict[str, int]] = {}
    for (edition, kind), n in sorted(counts.items()):
        out.setdefault(edition, {})[kind] = n
    return out

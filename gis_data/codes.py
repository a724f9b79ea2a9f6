"""National area, grid and component codes: parse, compose, validate.

Layouts (see ``reference/standards.md`` §1.2 and §2.4):

========== ====== ====================================================================
what       digits layout
========== ====== ====================================================================
county     6      GB/T 2260 administrative code, e.g. ``320508`` (姑苏区)
street     9      county + 3 (街道/乡镇), e.g. ``320508019``
community  12     street + 3 (社区/村), e.g. ``320508019044``
grid       15     community + 3 serial, e.g. ``320508019044001`` (legacy: 14, 2-digit serial)
component  16     county + 2 major + 2 minor + 6 serial (CJ/T 214-2007), ``3205080101000001``
component  17     county + 2 major + 3 minor + 6 serial (GB/T 47678.5-2026)
========== ====== ====================================================================

Codes are always handled as text: a code read back as an integer (shapefiles, spreadsheets)
is turned back into its digit string, never stored as a number.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gis_data.errors import InvalidCode

EDITION_CJT214 = "CJ/T 214-2007"
EDITION_GBT47678 = "GB/T 47678.5-2026"
EDITIONS = (EDITION_CJT214, EDITION_GBT47678)

#: Digits of the minor class code (major + minor) and of a whole component code, per edition.
MINOR_DIGITS = {EDITION_CJT214: 4, EDITION_GBT47678: 5}
COMPONENT_DIGITS = {EDITION_CJT214: 16, EDITION_GBT47678: 17}

# GB/T 2260 province prefixes; a county code outside them is a typo or a foreign code.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82}
)
_MAX_EXACT_FLOAT = 2**53  # above this a float no longer holds every integer


def as_code_text(value: Any, what: str = "code") -> str:
    """Return a code value as its digit string.

    Accepts text (surrounding blanks removed), integers, and floats that hold an exact
    integer (spreadsheets and some shapefiles store codes as numbers).

    Raises
    ------
    InvalidCode
        If the value is missing, a non-integral or too large float, or of another type.
    """
    if value is None or (isinstance(value, float) and value != value):
        raise InvalidCode(f"{what} is missing")
    if isinstance(value, bool):
        raise InvalidCode(f"{what} {value!r} is a boolean, not a code")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if f.is_integer() and abs(f) < _MAX_EXACT_FLOAT:
            return str(int(f))
        raise InvalidCode(
            f"{what} {value!r} was read as a floating-point number and may have lost digits; "
            "store codes as text"
        )
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if isinstance(value, str):
        return value.strip()
    raise InvalidCode(f"{what} {value!r} has type {type(value).__name__}; expected text")


def _digits(value: Any, n: int | tuple[int, ...], what: str) -> str:
    text = as_code_text(value, what)
    lengths = (n,) if isinstance(n, int) else n
    if not text:
        raise InvalidCode(f"{what} is empty")
    if not text.isascii() or not text.isdigit():
        raise InvalidCode(f"{what} {text!r} must contain digits only")
    if len(text) not in lengths:
        want = " or ".join(str(k) for k in lengths)
        raise InvalidCode(f"{what} {text!r} has {len(text)} digits; expected {want}")
    return text


def _nonzero(part: str, what: str, code: str) -> None:
    if int(part) == 0:
        raise InvalidCode(f"{what} of {code!r} is {part}; zero is not a valid {what}")


def _within(code: str, what: str, check: Callable[[str], str], part: str) -> str:
    """Run ``check`` on a part of ``code``, naming the whole code if it fails."""
    try:
        return check(part)
    except InvalidCode as exc:
        raise InvalidCode(f"{what} {code!r}: {exc}") from None


def validate_county_code(value: Any) -> str:
    """Return a valid 6-digit county (区县) code or raise :class:`InvalidCode`."""
    code = _digits(value, 6, "county code")
    if int(code[:2]) not in _PROVINCES:
        raise InvalidCode(f"county code {code!r} starts with {code[:2]}, which is not a GB/T 2260 province")
    _nonzero(code[2:], "prefecture/county part", code)
    return code


def validate_street_code(value: Any) -> str:
    """Return a valid 9-digit street (街道/乡镇) code or raise :class:`InvalidCode`."""
    code = _digits(value, 9, "street code")
    _within(code, "street code", validate_county_code, code[:6])
    _nonzero(code[6:], "street part", code)
    return code


def validate_community_code(value: Any, street_code: Any = None) -> str:
    """Return a valid 12-digit community (社区/村) code or raise :class:`InvalidCode`.

    Parameters
    ----------
    value : str or int
        The community code.
    street_code : str or int, optional
        When given, the community code must start with it.
    """
    code = _digits(value, 12, "community code")
    _within(code, "community code", validate_street_code, code[:9])
    _nonzero(code[9:], "community part", code)
    if street_code is not None:
        parent = validate_street_code(street_code)
        if code[:9] != parent:
            raise InvalidCode(
                f"community code {code!r} belongs to street {code[:9]}, not to its parent street {parent}"
            )
    return code


@dataclass(frozen=True, slots=True)
class GridCode:
    """A parsed 15-digit unit-grid code."""

    county: str
    street: str
    community: str
    serial: int

    @property
    def street_code(self) -> str:
        """The 9-digit street code."""
        return self.county + self.street

    @property
    def community_code(self) -> str:
        """The 12-digit community code."""
        return self.county + self.street + self.community

    @property
    def code(self) -> str:
        """The 15-digit code."""
        return f"{self.community_code}{self.serial:03d}"

    @property
    def legacy_code(self) -> str:
        """The 14-digit CJ/T 213-style code (only for serials below 100)."""
        if self.serial > 99:
            raise InvalidCode(f"grid {self.code} has serial {self.serial}, which a 14-digit code cannot hold")
        return f"{self.community_code}{self.serial:02d}"

    def __str__(self) -> str:
        return self.code


def parse_grid_code(value: Any, *, legacy_ok: bool = True, community_code: Any = None) -> GridCode:
    """Parse a unit-grid code.

    Parameters
    ----------
    value : str or int
        15 digits, or 14 digits (legacy 2-digit serial) when ``legacy_ok``.
    legacy_ok : bool
        Accept the 14-digit scheme and normalise it (serial zero-padded to 3 digits).
    community_code : str or int, optional
        The grid's parent community; the code must start with it.

    Raises
    ------
    InvalidCode
        With a message naming the code and the rule it breaks.
    """
    code = _digits(value, (14, 15) if legacy_ok else 15, "grid code")
    community = _within(code, "grid code", validate_community_code, code[:12])
    serial_text = code[12:]
    if int(serial_text) == 0:
        # In the legacy scheme serial 00 stands for the community itself, never a unit grid.
        raise InvalidCode(f"grid code {code!r} has serial {serial_text}, reserved for the community level")
    if community_code is not None:
        parent = validate_community_code(community_code)
        if community != parent:
            raise InvalidCode(
                f"grid code {code!r} belongs to community {community}, not to its parent community {parent}"
            )
    return GridCode(code[:6], code[6:9], code[9:12], int(serial_text))


def normalize_grid_code(value: Any, *, community_code: Any = None) -> str:
    """Return the 15-digit form of a 14- or 15-digit grid code (raises :class:`InvalidCode`)."""
    return parse_grid_code(value, community_code=community_code).code


def compose_grid_code(community_code: Any, serial: int) -> str:
    """Build a 15-digit grid code from a 12-digit community code and a serial 1–999."""
    community = validate_community_code(community_code)
    if isinstance(serial, bool) or not isinstance(serial, numbers.Integral) or not 1 <= serial <= 999:
        raise InvalidCode(f"grid serial {serial!r} must be an integer from 1 to 999")
    return f"{community}{int(serial):03d}"


def is_valid_grid_code(value: Any, *, legacy_ok: bool = False) -> bool:
    """Whether ``value`` is a well-formed grid code (15 digits unless ``legacy_ok``)."""
    try:
        parse_grid_code(value, legacy_ok=legacy_ok)
    except InvalidCode:
        return False
    return True


# --------------------------------------------------------------------------- components


def edition_of_minor(minor_code: Any) -> str:
    """The catalog edition a minor class code belongs to: 4 digits → CJ/T 214, 5 → GB/T 47678.5."""
    code = _digits(minor_code, (4, 5), "minor class code")
    _nonzero(code[:2], "major class", code)
    _nonzero(code[2:], "minor class", code)
    return EDITION_CJT214 if len(code) == 4 else EDITION_GBT47678


def validate_minor_code(minor_code: Any, edition: str | None = None) -> str:
    """Return a well-formed minor class code (major + minor digits) for ``edition``."""
    code = as_code_text(minor_code, "minor class code")
    found = edition_of_minor(code)
    if edition is not None:
        check_edition(edition)
        if found != edition:
            raise InvalidCode(
                f"minor class code {code!r} has {len(code)} digits; the {edition} edition uses "
                f"{MINOR_DIGITS[edition]}"
            )
    return code


def check_edition(edition: str) -> str:
    """Return ``edition`` if it is one of :data:`EDITIONS`, else raise :class:`InvalidCode`."""
    if edition not in EDITIONS:
        raise InvalidCode(f"unknown catalog edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    return edition


@dataclass(frozen=True, slots=True)
class ComponentCode:
    """A parsed component identifier (部件标识码)."""

    county: str
    minor_code: str  # major + minor: 4 digits (CJ/T 214) or 5 (GB/T 47678.5)
    serial: int

    @property
    def edition(self) -> str:
        """The catalog edition the code follows."""
        return edition_of_minor(self.minor_code)

    @property
    def major(self) -> str:
        """The 2-digit major class."""
        return self.minor_code[:2]

    @property
    def minor(self) -> str:
        """The minor class digits after the major (2 or 3)."""
        return self.minor_code[2:]

    @property
    def code(self) -> str:
        """The full 16- or 17-digit code."""
        return f"{self.county}{self.minor_code}{self.serial:06d}"

    def __str__(self) -> str:
        return self.code


def parse_component_code(value: Any, edition: str | None = None) -> ComponentCode:
    """Parse a 16-digit (CJ/T 214-2007) or 17-digit (GB/T 47678.5-2026) component code.

    Parameters
    ----------
    value : str or int
        The code.
    edition : str, optional
        Require this edition (its length); by default the length decides.
    """
    lengths = (COMPONENT_DIGITS[check_edition(edition)],) if edition else (16, 17)
    code = _digits(value, lengths, "component code")
    county = _within(code, "component code", validate_county_code, code[:6])
    minor = code[6:10] if len(code) == 16 else code[6:11]
    _within(code, "component code", validate_minor_code, minor)
    serial_text = code[-6:]
    _nonzero(serial_text, "serial", code)
    return ComponentCode(county, minor, int(serial_text))


def compose_component_code(county_code: Any, minor_code: Any, serial: int) -> str:
    """Build a component code: county (6) + minor class (4 or 5) + serial (6 digits, 1–999999)."""
    county = validate_county_code(county_code)
    minor = validate_minor_code(minor_code)
    if isinstance(serial, bool) or not isinstance(serial, numbers.Integral) or not 1 <= serial <= 999_999:
        raise InvalidCode(f"component serial {serial!r} must be an integer from 1 to 999999")
    return f"{county}{minor}{int(serial):06d}"


def is_valid_component_code(value: Any, edition: str | None = None) -> bool:
    """Whether ``value`` is a well-formed component code (of ``edition`` when given)."""
    try:
        parse_component_code(value, edition)
    except InvalidCode:
        return False
    return True

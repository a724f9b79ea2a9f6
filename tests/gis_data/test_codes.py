"""National codes: grid (15/14 digits), area levels, components (16/17 digits)."""

from __future__ import annotations

import numpy as np
import pytest

from gis_data.codes import (
    EDITION_CJT214,
    EDITION_GBT47678,
    ComponentCode,
    as_code_text,
    compose_component_code,
    compose_grid_code,
    edition_of_minor,
    is_valid_component_code,
    is_valid_grid_code,
    normalize_grid_code,
    parse_component_code,
    parse_grid_code,
    validate_community_code,
    validate_county_code,
    validate_minor_code,
    validate_street_code,
)
from gis_data.errors import InvalidCode


def test_parse_real_15_digit_grid_code():
    g = parse_grid_code("370102011201009")  # Jinan 历下区, a code in real use
    assert (g.county, g.street, g.community, g.serial) == ("370102", "011", "201", 9)
    assert g.street_code == "370102011"
    assert g.community_code == "370102011201"
    assert g.code == str(g) == "370102011201009"
    assert g.legacy_code == "37010201120109"


def test_legacy_14_digit_code_is_normalised_to_15():
    assert normalize_grid_code("32050801904401") == "320508019044001"
    assert normalize_grid_code(" 32050801904401 ") == "320508019044001"
    assert parse_grid_code("32050801904499").serial == 99
    with pytest.raises(InvalidCode, match="14"):
        parse_grid_code("32050801904401", legacy_ok=False)


def test_codes_read_back_as_numbers_become_text_again():
    assert normalize_grid_code(320508019044001) == "320508019044001"
    assert normalize_grid_code(np.int64(32050801904401)) == "320508019044001"
    assert normalize_grid_code(320508019044001.0) == "320508019044001"  # exact in a double
    assert as_code_text(" 320508 ") == "320508"
    with pytest.raises(InvalidCode, match="floating-point"):
        as_code_text(3.2050801001000001e16)  # 17 digits do not fit a double
    with pytest.raises(InvalidCode, match="boolean"):
        as_code_text(True)
    with pytest.raises(InvalidCode, match="missing"):
        as_code_text(float("nan"))


def test_compose_grid_code():
    assert compose_grid_code("320508019044", 1) == "320508019044001"
    assert compose_grid_code("320508019044", 999) == "320508019044999"
    for bad in (0, 1000, -1, 1.0, True):
        with pytest.raises(InvalidCode, match="serial"):
            compose_grid_code("320508019044", bad)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("3205080190440011", "16 digits; expected 14 or 15"),
        ("32050801904400A", "digits only"),
        ("32050801904400١", "digits only"),  # an Arabic-Indic digit is not an ASCII digit
        ("990508019044001", "not a GB/T 2260 province"),
        ("320508000044001", "street part"),
        ("320508019000001", "community part"),
        ("320508019044000", "reserved for the community level"),
        ("32050801904400", "reserved for the community level"),
        ("", "empty"),
        (None, "missing"),
    ],
)
def test_bad_grid_codes_are_refused_with_a_message_naming_them(code, fragment):
    with pytest.raises(InvalidCode, match=fragment) as err:
        parse_grid_code(code)
    if code:
        assert code in str(err.value)
    assert not is_valid_grid_code(code)


def test_grid_code_must_agree_with_its_parent_community():
    assert normalize_grid_code("320508019044001", community_code="320508019044") == "320508019044001"
    with pytest.raises(InvalidCode, match="not to its parent community 320508019045"):
        parse_grid_code("320508019044001", community_code="320508019045")


def test_area_level_codes():
    assert validate_county_code("320508") == "320508"
    assert validate_street_code("320508019") == "320508019"
    assert validate_community_code("320508019044", street_code="320508019") == "320508019044"
    with pytest.raises(InvalidCode, match="parent street 320508020"):
        validate_community_code("320508019044", street_code="320508020")
    with pytest.raises(InvalidCode, match="10 digits; expected 9"):
        validate_street_code("3205080190")
    with pytest.raises(InvalidCode, match="prefecture/county"):
        validate_county_code("320000")


def test_component_code_old_edition_16_digits():
    c = parse_component_code("3205080101000001")  # the real Suzhou 上水井盖 payload
    assert c == ComponentCode("320508", "0101", 1)
    assert (c.edition, c.major, c.minor) == (EDITION_CJT214, "01", "01")
    assert compose_component_code("320508", "0101", 1) == "3205080101000001"


def test_component_code_new_edition_17_digits():
    c = parse_component_code("32050801023000042")
    assert (c.county, c.minor_code, c.serial, c.edition) == ("320508", "01023", 42, EDITION_GBT47678)
    assert (c.major, c.minor) == ("01", "023")
    assert compose_component_code(320508, "01023", 42) == c.code == "32050801023000042"


def test_component_code_edition_is_checked():
    assert is_valid_component_code("3205080101000001", EDITION_CJT214)
    assert not is_valid_component_code("3205080101000001", EDITION_GBT47678)
    with pytest.raises(InvalidCode, match="expected 17"):
        parse_component_code("3205080101000001", EDITION_GBT47678)
    with pytest.raises(InvalidCode, match="unknown catalog edition"):
        parse_component_code("3205080101000001", "GB/T 30428.2-2013")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("320508010100000", "15 digits; expected 16 or 17"),
        ("3205080101000000", "serial"),
        ("3205080001000001", "major class"),
        ("3205080100000001", "minor class"),
        ("9905080101000001", "province"),
    ],
)
def test_bad_component_codes(code, fragment):
    with pytest.raises(InvalidCode, match=fragment):
        parse_component_code(code)


def test_minor_codes_and_serial_bounds():
    assert edition_of_minor("0305") == EDITION_CJT214
    assert edition_of_minor("03005") == EDITION_GBT47678
    assert validate_minor_code("03005", EDITION_GBT47678) == "03005"
    with pytest.raises(InvalidCode, match="uses 4"):
        validate_minor_code("03005", EDITION_CJT214)
    assert compose_component_code("320508", "03005", 999_999).endswith("999999")
    with pytest.raises(InvalidCode, match="1 to 999999"):
        compose_component_code("320508", "03005", 1_000_000)

"""GB 11643 resident IDs and GB 32100 credit codes against known valid and invalid samples."""

from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel

from plugins.registry.validators import (
    check_credit_code,
    check_resident_id,
    credit_check_character,
    id_check_character,
    mask_id,
    mask_mobile,
    parse_resident_id,
)


@pytest.fixture(autouse=True)
def _babel_context():
    """Messages are translated: they need an app context (English, the source language)."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


# Published samples: the example in GB 11643-1999 itself, and the ID used in many textbooks.
VALID_IDS = ["11010519491231002X", "440524188001010014", "11010519491231002x"]
# Computed with the algorithm (one per check character class: digit, X, 0).
COMPUTED_IDS = [
    body + id_check_character(body)
    for body in ("11010519800101001", "31011520010930123", "51010719700704356")
]


@pytest.mark.parametrize("number", VALID_IDS + COMPUTED_IDS)
def test_valid_resident_ids(number):
    assert check_resident_id(number) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1101051949123100", "18 characters"),  # too short
        ("11010519491231002XX", "18 characters"),  # too long
        ("1101051949123100Y2", "17 digits"),  # a letter inside
        ("110105194902300021", "not a date"),  # 30 February
        ("110105194913010021", "not a date"),  # month 13
        ("110105209901010021", "not possible"),  # born in the future
        ("110105194912310021", "check digit"),  # X expected
        ("440524188001010015", "check digit"),
        ("001105194912310021", "province"),
    ],
)
def test_invalid_resident_ids(number, reason):
    assert reason in check_resident_id(number, today=date(2026, 6, 1))


def test_birth_date_and_gender_come_from_the_id():
    woman = parse_resident_id("11010519491231002X")
    assert woman.birth_date == date(1949, 12, 31) and woman.gender == "F"  # sequence 002: even
    man = parse_resident_id("440524188001010014")
    assert man.birth_date == date(1880, 1, 1) and man.gender == "M"  # 001: odd
    with pytest.raises(ValueError, match="check digit"):
        parse_resident_id("110105194912310021")


# Published codes: the example of GB 32100-2015, and codes printed on well-known business licences.
VALID_CODES = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91330100716105852F",
]


@pytest.mark.parametrize(
    "code",
    VALID_CODES
    + [body + credit_check_character(body) for body in ("9111010512345678A", "12110105MB0012345")]
    + ["91350100m000100y43"],  # lower case is accepted (normalised)
)
def test_valid_credit_codes(code):
    assert check_credit_code(code) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y44", "check character"),  # last character changed
        ("914403001922038217", "check character"),
        ("91350100M00010OY43", "except I, O"),  # letter O
        ("Z1350100M000100Y43", "except I, O"),
        ("B1350100M000100Y43", "first character"),  # B is not an authority
        ("9135A100M000100Y43", "area code"),
    ],
)
def test_invalid_credit_codes(code, reason):
    assert reason in check_credit_code(code)


def test_masks_keep_the_area_code_and_the_last_digits():
    assert mask_id("110105194912311234") == "110105********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id("") == "" and mask_mobile(None) == ""


def test_a_birth_date_after_the_platforms_today_is_refused():
    """The default "today" is the platform's (``core.clock``), not the server's date."""
    from datetime import datetime

    from core import clock

    born_2010 = "11010520100101001"
    number = born_2010 + id_check_character(born_2010)
    with clock.fixed(datetime.fromisoformat("2005-06-01T12:00:00+08:00")):
        assert "not possible" in check_resident_id(number)
        with pytest.raises(ValueError, match="not possible"):
            parse_resident_id(number)
    # 16:30 UTC on 31 December 2009 is already 1 January 2010 in Beijing.
    with clock.fixed(datetime.fromisoformat("2009-12-31T16:30:00+00:00")):
        assert check_resident_id(number) is None


def test_old_address_codes_and_every_authority_are_accepted():
    """Numbers python-stdnum's whole-number ``validate`` would refuse but GB 11643 / GB 32100
    allow: an address code newer than the birth (武侯区 dates from 1990), and credit codes of the
    authorities A, N (农村集体经济组织) and Y."""
    wuhou_1970 = "51010719700704356"
    assert check_resident_id(wuhou_1970 + id_check_character(wuhou_1970)) is None
    for body in ("N2110105MF0012345", "A1110105MB0012345", "Y1110105MC0012345"):
        assert check_credit_code(body + credit_check_character(body)) is None
    assert "check character" in check_credit_code("N2110105MF0012345" + "0")

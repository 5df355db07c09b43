"""Checks of Chinese identity numbers, with our own translated message for each problem.

- 公民身份号码 (resident ID), GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
  sequence (odd for men, even for women), ISO 7064 MOD 11-2 check character (0-9 or X).
- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
  alphabet (digits and capitals without I, O, Z, S, V), the last a MOD 31 check character.

The algorithms are python-stdnum's (``stdnum.cn.ric``, ``stdnum.cn.uscc``). Its ``validate``
functions are not called whole, because each raises one generic exception in its own order (the
check digit before the birth date) and both refuse numbers the registry must accept:

- ``ric.validate`` looks the address code up in stdnum's county list for the birth year, so it
  refuses codes of districts created or renamed later (people keep the code they were first
  registered under: a Chengdu 武侯区 number of someone born in 1970) and codes newer than the
  list;
- ``uscc.validate`` wants digits in the first 8 places, refusing codes registered by the
  authorities ``A``, ``N`` and ``Y`` that GB 32100 allows (``N2…``: 农村集体经济组织).

So the functions here check in the order a clerk corrects a number — length, characters, birth
date, check character — each with its message, and use stdnum for the date and check parts.
``check_*`` returns the problem as a translated message, or ``None`` when the value is valid, so
schemas, imports and services share one set of messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from stdnum.cn import ric, uscc

from core import clock

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_AUTHORITIES = "123456789ANY"  # first character: the registering authority


@dataclass(frozen=True)
class ResidentId:
    """What a valid resident ID tells: birth date and gender (``"M"`` or ``"F"``)."""

    number: str
    birth_date: date
    gender: str


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return ric.calc_check_digit(first17 + "?")  # stdnum's function skips the last character


def normalize_id(value: str) -> str:
    """Whitespace removed (spreadsheet cells bring tabs and line breaks), ``x`` made ``X``."""
    return re.sub(r"\s+", "", value or "").upper()


def check_resident_id(value: str, today: date | None = None) -> str | None:
    """Why ``value`` is not a valid resident ID (length, characters, birth date, check digit);
    a birth date after ``today`` (default: the platform's today, ``core.clock``) is refused."""
    number = normalize_id(value)
    if len(number) != 18:
        return _("A resident ID has 18 characters; this one has %(n)s.", n=len(number))
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _("A resident ID has 17 digits followed by a digit or X.")
    if number[:2] < "11" or number[:2] > "91":
        return _("The resident ID does not begin with a province code.")
    try:
        born = _birth_date(number)
    except ValueError:
        return _("The birth date in the resident ID (%(text)s) is not a date.", text=number[6:14])
    if born.year < 1880 or born > (today or clock.today()):
        return _("The birth date in the resident ID (%(text)s) is not possible.", text=number[6:14])
    if ric.calc_check_digit(number) != number[17]:
        return _("The check digit of the resident ID is wrong: check the number again.")
    return None


def parse_resident_id(value: str, today: date | None = None) -> ResidentId:
    """The birth date and gender of a valid resident ID (``ValueError`` with the reason if not)."""
    problem = check_resident_id(value, today)
    if problem:
        raise ValueError(problem)
    number = normalize_id(value)
    return ResidentId(number, _birth_date(number), "M" if int(number[16]) % 2 else "F")


def _birth_date(number: str) -> date:
    """The birth date digits (7th to 14th) of an 18-character ID as a date (``ValueError`` if
    they are none); what ``stdnum.cn.ric.get_birth_date`` reads, without cleaning the number
    again for every row of an import."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def credit_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    return uscc.calc_check_digit(first17)


def normalize_credit_code(value: str) -> str:
    """Whitespace removed, letters made capitals."""
    return re.sub(r"\s+", "", value or "").upper()


def check_credit_code(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)s.", n=len(code))
    wrong = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if wrong:
        return _(
            "A unified social credit code has digits and capital letters except I, O, Z, S "
            "and V; not %(chars)s.",
            chars="、".join(wrong),
        )
    if code[0] not in CREDIT_AUTHORITIES:
        return _("The first character of a unified social credit code is 1-9, A, N or Y.")
    if not code[2:8].isdigit():
        return _("Characters 3 to 8 of a unified social credit code are the area code (digits).")
    if uscc.calc_check_digit(code) != code[17]:
        return _("The check character of the unified social credit code is wrong.")
    return None


def check_birth_certificate(value: str) -> str | None:
    """Why ``value`` is not a 出生医学证明编号 (one capital letter and nine digits, e.g.
    ``Q110123456``)."""
    if not re.fullmatch(r"[A-Z]\d{9}", normalize_id(value)):
        return _("A birth certificate number is one capital letter and nine digits.")
    return None


# --- masking ---------------------------------------------------------------------------------


def _masked(number: str | None, head: int, tail: int) -> str:
    """``number`` with all but its first ``head`` and last ``tail`` characters starred; a
    number too short to keep both is starred whole."""
    if not number:
        return ""
    if len(number) < head + tail:
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


def mask_id(number: str | None) -> str:
    """``110105********1234``: the area code and the last four characters stay."""
    return _masked(number, 6, 4)


def birth_year(day: str | None) -> str:
    """``1950``: a masked ID hides exactly the eight birth-date digits, so beside it the birth
    date shows only its year (an ISO date in, its year out)."""
    return (day or "")[:4]


def mask_mobile(number: str | None) -> str:
    """``138****5678``."""
    return _masked(number, 3, 4)


def mask_certificate(number: str | None) -> str:
    """``Q*****3456``: the letter and the last four digits stay."""
    return _masked(number, 1, 4)

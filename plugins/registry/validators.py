"""Checks of Chinese identity numbers, as pure functions (no app, no database).

- 公民身份号码 (resident ID), GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
  sequence (odd for men, even for women), ISO 7064 MOD 11-2 check character (0-9 or X).
- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
  alphabet (digits and capitals without I, O, Z, S, V), the last a MOD 31 check character.

Each ``check_*`` function returns the problem as a translated message, or ``None`` when the value
is valid, so schemas, imports and services share one set of messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
ID_CHECK = "10X98765432"  # check character for (sum of weighted digits) mod 11

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [3**i % 31 for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
CREDIT_AUTHORITIES = "123456789ANY"  # first character: the registering authority


@dataclass(frozen=True)
class ResidentId:
    """What a valid resident ID tells: birth date and gender (``"M"`` or ``"F"``)."""

    number: str
    birth_date: date
    gender: str


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def normalize_id(value: str) -> str:
    """Spaces removed, a lower-case x made upper-case (people type both)."""
    return re.sub(r"\s+", "", value or "").upper()


def check_resident_id(value: str, today: date | None = None) -> str | None:
    """Why ``value`` is not a valid resident ID (length, characters, birth date, check digit)."""
    number = normalize_id(value)
    if len(number) != 18:
        return _("A resident ID has 18 characters; this one has %(n)s.", n=len(number))
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _("A resident ID has 17 digits followed by a digit or X.")
    if number[:2] < "11" or number[:2] > "91":
        return _("The resident ID does not begin with a province code.")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("The birth date in the resident ID (%(text)s) is not a date.", text=number[6:14])
    if born.year < 1880 or born > (today or date.today()):
        return _("The birth date in the resident ID (%(text)s) is not possible.", text=number[6:14])
    if id_check_character(number[:17]) != number[17]:
        return _("The check digit of the resident ID is wrong: check the number again.")
    return None


def parse_resident_id(value: str, today: date | None = None) -> ResidentId:
    """The birth date and gender of a valid resident ID (``ValueError`` with the reason if not)."""
    problem = check_resident_id(value, today)
    if problem:
        raise ValueError(problem)
    number = normalize_id(value)
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return ResidentId(number, born, "M" if int(number[16]) % 2 else "F")


def credit_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
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
    if credit_check_character(code[:17]) != code[17]:
        return _("The check character of the unified social credit code is wrong.")
    return None


# --- masking ---------------------------------------------------------------------------------


def mask_id(number: str | None) -> str:
    """``110105********1234``: the area code and the last four characters stay."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_mobile(number: str | None) -> str:
    """``138****5678``."""
    if not number:
        return ""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]

"""Age bands — 未成年, 学龄, 育龄, 老年, 高龄 — computed at an as-of date from the birth date (and
the gender, for 育龄), never stored: a tag "老年人" set once is wrong a year later, a band is not.

Ages are completed years (周岁). One table of bounds serves the SQL clause (list filter,
indicators) and the answer for one resident (its JSON), so both agree to the day: a woman is
of childbearing age up to the day before her 50th birthday; someone born on 29 February is a
year older on 1 March in a common year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import clock


@dataclass(frozen=True)
class AgeBand:
    """Residents aged ``youngest`` to ``oldest`` completed years (both included; no upper
    bound when ``oldest`` is None), of ``gender`` only when it is given."""

    key: str
    label: Any
    youngest: int
    oldest: int | None = None
    gender: str | None = None


BANDS = (
    AgeBand("minor", _l("Minor (under 18)"), 0, 17),
    AgeBand("school_age", _l("School age (6 to 15)"), 6, 15),
    AgeBand("childbearing", _l("Childbearing age (women 15 to 49)"), 15, 49, "F"),
    AgeBand("elderly", _l("Elderly (60 and over)"), 60),
    AgeBand("very_old", _l("Very old (80 and over)"), 80),
)
BY_KEY = {band.key: band for band in BANDS}
AGE_BANDS = {band.key: band.label for band in BANDS}


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 28 February for a 29th that year lacks."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: date, day: date) -> int:
    """Completed years (周岁) of someone born on ``born`` at ``day``."""
    years = day.year - born.year
    return years if born <= years_before(day, years) else years - 1


def _born(band: AgeBand, as_of: date) -> tuple[date, date | None]:
    """Born on or before the first date and after the second (None: no lower limit)."""
    latest = years_before(as_of, band.youngest)
    earliest = years_before(as_of, band.oldest + 1) if band.oldest is not None else None
    return latest, earliest


def band_clause(
    key: str, birth_date: Any, gender: Any, as_of: date | None = None
) -> sa.ColumnElement[bool]:
    """The rows in band ``key`` at ``as_of`` (default: today), on their ``birth_date`` and
    ``gender`` columns: two comparisons with constants, which an index on the birth date
    serves."""
    band = BY_KEY[key]
    latest, earliest = _born(band, as_of or clock.today())
    conditions = [birth_date <= latest]
    if earliest is not None:
        conditions.append(birth_date > earliest)
    if band.gender is not None:
        conditions.append(gender == band.gender)
    return sa.and_(*conditions)


def bands_of(birth_date: date | None, gender: str | None, as_of: date | None = None) -> list[str]:
    """The keys of the bands someone born on ``birth_date`` is in at ``as_of`` (default
    today), in the table's order."""
    if birth_date is None:
        return []
    day = as_of or clock.today()
    found = []
    for band in BANDS:
        latest, earliest = _born(band, day)
        if birth_date > latest or (earliest is not None and birth_date <= earliest):
            continue
        if band.gender is not None and gender != band.gender:
            continue
        found.append(band.key)
    return found

"""The observance calendar: the dates of every entry in a year — fixed days, periods, lunar
festivals, solar terms and rules such as 每月最后一个星期五 — and whether the activity an
observance expects has been held.

Lunar dates and solar terms come from ``lunar_python`` (the 6tail lunar calendar, checked in the
tests against the published dates: 春节 2026-02-17, 中秋 2026-09-25, 重阳 2026-10-18, 春节
2027-02-06). The traditional festivals every module may follow are declared here, by core.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.clock import today
from core.records.ledger import Filter, parse_filters
from core.reports import CalendarEntry

# An observance on one day is answered by an activity within a week of it, either side.
WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Occurrence:
    """One entry on one day (or over one period) of a year."""

    entry: CalendarEntry
    start: date
    end: date | None = None

    @property
    def last_day(self) -> date:
        return self.end or self.start

    def window(self) -> tuple[date, date]:
        """When an activity answers it: the period itself, or a week either side of the day."""
        if self.end is not None:
            return self.start, self.end
        return self.start - WINDOW, self.start + WINDOW


def _lunar(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar  # imported at the first lunar date, not at start-up

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _term(year: int, name: str) -> date:
    """The day of solar term ``name`` (清明, 冬至 …) in Gregorian ``year``."""
    from lunar_python import Lunar

    for lunar_year in (year, year + 1):
        solar = Lunar.fromYmd(lunar_year, 1, 1).getJieQiTable().get(name)
        if solar is not None and solar.getYear() == year:
            return date(solar.getYear(), solar.getMonth(), solar.getDay())
    raise ValueError(f"no solar term {name!r} in {year}")


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    days = [
        date(year, month, d)
        for d in range(1, gregorian.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    index = nth - 1 if nth > 0 else nth
    return days[index] if -len(days) <= index < len(days) else None


def occurrences(
    entry: CalendarEntry, year: int, school: dict[str, tuple[date, date]] | None = None
) -> list[Occurrence]:
    """The days (or periods) of ``entry`` in ``year``; a school-holiday entry falls on the
    place's ``school`` holidays of the year (``core.school_holidays.periods``), none without.
    An entry with ``lead_days`` is the period of those days just before each date (节前)."""
    found = _dates(entry, year, school)
    if not entry.lead_days:
        return found
    lead, day = timedelta(days=entry.lead_days), timedelta(days=1)
    return [Occurrence(entry, o.start - lead, o.start - day) for o in found]


def _dates(
    entry: CalendarEntry, year: int, school: dict[str, tuple[date, date]] | None
) -> list[Occurrence]:
    if entry.kind == "records":
        return []  # the records' days need a place: :func:`record_days`
    if entry.kind == "school":
        period = (school or {}).get(entry.term)
        return [Occurrence(entry, *period)] if period else []
    if entry.kind == "lunar":
        # The 11th and 12th lunar months (腊八, 小年) of lunar year Y mostly fall in January of
        # Y+1: the Gregorian year's days are those of lunar years Y-1 and Y that fall in it.
        days = (_lunar(y, entry.month, entry.day) for y in (year - 1, year))
        return [Occurrence(entry, day) for day in days if day.year == year]
    if entry.kind == "term":
        return [Occurrence(entry, _term(year, entry.term))]
    if entry.kind == "weekday":
        months = [entry.month] if entry.month else range(1, 13)
        found = (_nth_weekday(year, m, entry.weekday or 0, entry.nth) for m in months)
        return [Occurrence(entry, day) for day in found if day is not None]
    if entry.kind == "monthly":
        return [Occurrence(entry, date(year, m, entry.day)) for m in range(1, 13)]
    end = None
    if entry.end_month is not None and entry.end_day is not None:
        end = date(year, entry.end_month, entry.end_day)
    return [Occurrence(entry, date(year, entry.month, entry.day), end)]


def record_days(
    session: Session,
    entries: list[CalendarEntry],
    year: int,
    communities_of: Callable[[str], sa.Select],
) -> list[Occurrence]:
    """The days the ``records`` entries find in ``year`` in the communities of each entry's
    module at a place (``communities_of(module)``), each under the label its record gives."""
    found = []
    for entry in entries:
        if entry.kind == "records" and entry.dates is not None:
            pairs = entry.dates(session, communities_of(entry.module), year)
            found += [Occurrence(replace(entry, label=label), day) for day, label in pairs]
    return found


YEAR = Filter("year", "year", _l("Year"))
YEAR_PARAM = YEAR.openapi()


def calendar_year(args: Any) -> int:
    """``?year=`` (1900–2999; a 422 naming it otherwise), else this year."""
    return parse_filters([YEAR], args).get("year") or today().year


def year_of(
    entries: list[CalendarEntry], year: int, school: dict[str, tuple[date, date]] | None = None
) -> list[Occurrence]:
    """Every occurrence of ``entries`` in ``year``, by date (``school``: the place's school
    holidays of the year)."""
    found = [o for entry in entries for o in occurrences(entry, year, school)]
    return sorted(found, key=lambda o: (o.start, str(o.entry.label)))


def status(
    session: Session, occurrence: Occurrence, communities: sa.Select, day: date
) -> dict[str, Any] | None:
    """For an observance that expects an activity: how many were held in its window in
    ``communities``, and ``missing`` once it has passed with none (尚未开展); None otherwise."""
    expects = occurrence.entry.expects
    if expects is None:
        return None
    start, end = occurrence.window()
    held = expects(session, communities, start, end)
    return {"held": held, "missing": held == 0 and occurrence.last_day < day, "due": start > day}


# The traditional festivals and the national days every module may follow.
NATIONAL = [
    CalendarEntry.lunar(1, 1, _l("Spring Festival")),
    CalendarEntry.lunar(1, 15, _l("Lantern Festival")),
    CalendarEntry.solar_term("清明", _l("Qingming Festival")),
    CalendarEntry.lunar(5, 5, _l("Dragon Boat Festival")),
    CalendarEntry.lunar(8, 15, _l("Mid-Autumn Festival")),
    CalendarEntry.lunar(9, 9, _l("Double Ninth Festival (Seniors' Day)")),
    CalendarEntry(10, 1, _l("National Day")),
    CalendarEntry.school_holiday("winter", _l("Winter school holiday")),
    CalendarEntry.school_holiday("summer", _l("Summer school holiday")),
]


def latest_on_or_before(day: date, month: int, dom: int) -> date:
    """The latest ``month``/``dom`` on or before ``day`` (this year's, else last year's): when a
    yearly event last happened, for demo data and "since the last …" figures."""
    candidate = date(day.year, month, dom)
    return candidate if candidate <= day else date(day.year - 1, month, dom)

"""The legal calendar (programs/legal_publicity.md, Calendar): observances an activity answers,
each expecting a publicity activity of its theme, and the screening days of 人民调解."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import CalendarEntry, activities_held

from ..common import EDIT, MODULE


def _expecting(entry: CalendarEntry, *themes: str) -> CalendarEntry:
    """``entry`` expecting an activity of ``themes`` (any theme if none), the community's
    staff told when it passed without one."""
    return replace(entry, expects=activities_held(MODULE, *themes), remind=EDIT)


def _day(month: int, day: int, label: Any, *themes: str, **period: Any) -> CalendarEntry:
    return _expecting(CalendarEntry(month, day, label, **period), *themes)


def calendar_entries() -> list[CalendarEntry]:
    """The observances of 普法 and the screening before 国庆. (The screening before 春节, in
    the twelfth lunar month, falls in the next Gregorian year, which core's calendar of a year
    does not place yet.)"""
    return [
        _day(3, 8, _l("Women's rights week"), "women", end_month=3, end_day=14),
        _day(3, 15, _l("Consumer Rights Day"), "consumer"),
        _day(4, 15, _l("National Security Education Day"), "national_security"),
        _day(5, 1, _l("Civil Code publicity month"), "civil_code", end_month=5, end_day=31),
        _day(6, 26, _l("International Day against Drug Abuse"), "anti_drug"),
        _expecting(CalendarEntry.weekday_rule(9, 5, 3, _l("National Defence Education Day"))),
        _day(12, 4, _l("National Constitution Day"), "constitution"),
        _day(12, 1, _l("Constitution publicity week"), "constitution", end_month=12, end_day=7),
        CalendarEntry(9, 20, _l("Dispute screening before National Day"), end_month=9, end_day=30),
    ]

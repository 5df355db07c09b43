"""The kinds of publicity activity and the safety observances of the calendar they follow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.reports import CalendarEntry

from ..common import MODULE

ACTIVITY_KINDS = {
    "safety_month": _l("Safety production month"),
    "fire_day": _l("11.9 Fire Safety Day"),
    "road_safety_day": _l("National Road Traffic Safety Day"),
    "ankang_cup": _l("Ankang Cup"),
    "five_into": _l("Safety into five places"),
    "drill": _l("Emergency drill"),
    "other": _l("Other activity"),
}


def calendar_entries() -> list[CalendarEntry]:
    """The safety observances of the work plans (seed 004) and the national calendar."""
    return [
        CalendarEntry(5, 12, _l("National Disaster Prevention and Reduction Day"), module=MODULE),
        CalendarEntry(6, 1, _l("Safety production month"), end_month=6, end_day=30, module=MODULE),
        CalendarEntry(6, 16, _l("Safety publicity and consultation day"), module=MODULE),
        CalendarEntry(11, 9, _l("11.9 Fire Safety Day"), module=MODULE),
        CalendarEntry(12, 2, _l("National Road Traffic Safety Day"), module=MODULE),
    ]

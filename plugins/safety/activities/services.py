"""The kinds of publicity activity, who they are for, and the safety observances of the calendar
they follow (each expecting an activity that counts for safety: core's ``activities_held``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import CalendarEntry, activities_held

from ..common import EDIT, MODULE

ACTIVITY_KINDS = {
    "safety_month": _l("Safety production month"),
    "fire_day": _l("11.9 Fire Safety Day"),
    "road_safety_day": _l("National Road Traffic Safety Day"),
    "ankang_cup": _l("Ankang Cup"),
    "five_into": _l("Safety into five places"),
    "drill": _l("Emergency drill"),
    "other": _l("Other activity"),
}

# 参加对象 of safety's activities (安全宣传"五进": 企业、社区、学校、家庭、公共场所).
TARGET_GROUPS = {
    "residents": _l("Residents"),
    "enterprises": _l("Enterprise staff"),
    "students": _l("Students"),
    "families": _l("Families"),
    "public_places": _l("Public places"),
}


def _observance(month: int, day: int, label: Any, *kinds: str, **period: Any) -> CalendarEntry:
    """An observance expecting a publicity activity (of ``kinds``, if named), the community's
    staff reminded when it passed without one."""
    held = activities_held(MODULE, *kinds)
    return CalendarEntry(month, day, label, expects=held, remind=EDIT, **period)


def calendar_entries() -> list[CalendarEntry]:
    """The safety observances of the work plans (seed 004) and the national calendar, each
    expecting a publicity activity."""
    return [
        _observance(5, 12, _l("National Disaster Prevention and Reduction Day")),
        _observance(6, 1, _l("Safety production month"), "safety_month", end_month=6, end_day=30),
        _observance(6, 16, _l("Safety publicity and consultation day")),
        _observance(11, 9, _l("11.9 Fire Safety Day"), "fire_day"),
        _observance(12, 2, _l("National Road Traffic Safety Day"), "road_safety_day"),
    ]

"""The kinds of youth-care activity, who they are for, and the observances of the 关工委's
calendar (each expecting an activity that counts for the module)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import CalendarEntry, activities_held

from ..common import EDIT, MODULE

# 父母学校: the three steps of seed 000 l.10, as sub-types of the activity.
PARENTS_SCHOOL = {
    "ps_survey": _l("Parents' school: family education survey"),
    "ps_lecture": _l("Parents' school: lecture"),
    "ps_consultation": _l("Parents' school: consultation"),
}
ACTIVITY_KINDS = {
    **PARENTS_SCHOOL,
    "performance": _l("Art performance"),
    "youth_day": _l("May Fourth Youth Day activity"),
    "childrens_day": _l("June First Children's Day activity"),
    "spring_festival": _l("Spring Festival visits and gifts to children"),
    "law_class": _l("Law class for children"),
    "drowning": _l("Drowning prevention"),
    "consultation_post": _l("Consultation post for children"),
    "deed": _l("Good deed for minors"),
    "other": _l("Other youth-care activity"),
}
TARGET_GROUPS = {
    "children": _l("Children"),
    "parents": _l("Parents"),
    "students": _l("Students"),
    "volunteers": _l("Five-elders volunteers"),
    "residents": _l("Residents"),
}


def _observance(month: int, day: int, label: Any, *kinds: str, **period: Any) -> CalendarEntry:
    """An observance expecting a youth-care activity (of ``kinds``, if named)."""
    held = activities_held(MODULE, *kinds)
    return CalendarEntry(month, day, label, expects=held, remind=EDIT, **period)


def spring_festival() -> CalendarEntry:
    """春节走访慰问 (lunar 1/1): the children in care are visited and given gifts in the week
    either side; a 送温暖 activity answers it."""
    held = activities_held(MODULE, "spring_festival")
    label = _l("Spring Festival: visits and gifts to children in care")
    return CalendarEntry.lunar(1, 1, label, expects=held, remind=EDIT)


def childrens_day() -> CalendarEntry:
    """六一: the Children's Day activity and the visits to children in care around it."""
    return _observance(6, 1, _l("June First Children's Day"), "childrens_day")


def calendar_entries() -> list[CalendarEntry]:
    """The 关工委's calendar: 春节 visits, 3.5, 清明, 5.4, 6.1, 6.26, 7.1, summer drowning
    prevention, 9.1, 10.1, 重阳 and 12.4. The city's school holidays (缤纷冬日, 七彩夏日) are the
    platform's national entries already, each place's own dates."""
    held = activities_held(MODULE)
    return [
        spring_festival(),
        _observance(3, 5, _l("Learn from Lei Feng Day")),
        CalendarEntry.solar_term("清明", _l("Qingming: remembering the martyrs"), expects=held),
        _observance(5, 4, _l("May Fourth Youth Day"), "youth_day"),
        childrens_day(),
        _observance(6, 26, _l("International Day against Drug Abuse")),
        _observance(7, 1, _l("Party founding day performance"), "performance"),
        _observance(7, 10, _l("Summer drowning prevention"), "drowning", end_month=8, end_day=31),
        _observance(9, 1, _l("Start of the school year")),
        _observance(10, 1, _l("National Day")),
        CalendarEntry.lunar(9, 9, _l("Double Ninth: elders and children"), expects=held),
        _observance(12, 4, _l("Youth rule-of-law education day"), "law_class"),
    ]

"""人口学校 and 婚育新风 activities: core's activity records, declared for family planning with
its kinds, target groups and its calendar of observances (人口学校授课档案, 宣传讲座活动档案
with their photos)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import CalendarEntry, activities_held, activity_ledger

from ..common import ACCESS

KINDS = {
    "school": _l("Population school session"),
    "lecture": _l("Publicity lecture"),
    "new_customs": _l("New customs of marriage and childbearing"),
    "contest": _l("Contraception knowledge contest"),
    "other": _l("Other family-planning activity"),
}
GROUPS = {
    "married_women": _l("Married women of childbearing age"),
    "newly_weds": _l("Newly married couples"),
    "floating": _l("Floating population"),
    "special_families": _l("Special families"),
    "residents": _l("Residents"),
}


def calendar_entries() -> list[CalendarEntry]:
    """The module's observances: 3.8, the May publicity month, 5.15, 5.29, 7.11, 9.12, and the
    春节 and 中秋 visits to special families (lunar)."""
    held = activities_held("family_planning")
    entries: list[tuple[Any, ...]] = [
        (3, 8, _l("Contraception knowledge contest (Women's Day)")),
        (5, 1, _l("Family-planning publicity month"), 5, 31),
        (5, 15, _l("International Day of Families")),
        (5, 29, _l("Family Planning Association Day")),
        (7, 11, _l("World Population Day")),
        (9, 12, _l("Birth Defects Prevention Day")),
    ]
    fixed = [
        CalendarEntry(e[0], e[1], e[2], *e[3:], module="family_planning", expects=held)
        for e in entries
    ]
    return [
        *fixed,
        CalendarEntry.lunar(1, 1, _l("Spring Festival visits to special families")),
        CalendarEntry.lunar(8, 15, _l("Mid-Autumn visits to special families")),
    ]


activities = activity_ledger(
    **{k: v for k, v in ACCESS.items() if k != "sensitive"},
    kinds=KINDS,
    target_groups=GROUPS,
    calendar=calendar_entries,
    sensitive=ACCESS["sensitive"],
    title=_l("Population school and publicity activity records"),
    label=_l("Activity"),
)

LEDGERS = activities.ledgers

"""爱国卫生活动台账 (core's activity records, for this module) and the selections ledger
(绿色家庭名单, 星级楼道)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import Filter, activity_ledger

from ..common import ACCESS, SENSITIVE, EnvLedger
from .calendar import calendar_entries
from .models import EnvironmentSelection
from .schemas import ACTIVITY_KINDS, SELECTION_KINDS, TARGET_GROUPS, SelectionSchema
from .selections import check_selection


def _photos():  # the module's photo routes, made with the blueprints
    from ..web import PHOTOS

    return PHOTOS


activities = activity_ledger(
    **ACCESS,
    kinds=ACTIVITY_KINDS,
    target_groups=TARGET_GROUPS,
    calendar=calendar_entries,
    sensitive=SENSITIVE,
    photos=_photos(),
    title=_l("Patriotic health activities"),
    label=_l("Health activity"),
)

selections = EnvLedger(
    name="selection",
    model=EnvironmentSelection,
    schema=SelectionSchema,
    title=_l("Green families and star stairwells"),
    label=_l("Nominee"),
    filters=(Filter("kind"), Filter("year", "int", _l("Year"), column="year"), Filter("result")),
    order=lambda: [
        EnvironmentSelection.year.desc(),
        EnvironmentSelection.kind,
        EnvironmentSelection.id,
    ],
    check=check_selection,
    title_of=lambda s: s.nominee,
    context=lambda: {"selection_kinds": SELECTION_KINDS},
    templates={"list": "environment/selections.html"},
)

LEDGERS = [*activities.ledgers, selections]

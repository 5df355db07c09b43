"""The publicity activity ledger (安全宣传活动台账): core's activity records, declared for
safety with its kinds, target groups, observances and photo routes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import activity_ledger

from ..common import ACCESS, SENSITIVE
from ..web import PHOTOS
from .services import ACTIVITY_KINDS, TARGET_GROUPS, calendar_entries

activities = activity_ledger(
    **ACCESS,
    kinds=ACTIVITY_KINDS,
    target_groups=TARGET_GROUPS,
    calendar=calendar_entries,
    sensitive=SENSITIVE,
    photos=PHOTOS,
    title=_l("Publicity activities"),
    label=_l("Activity"),
)

LEDGERS = activities.ledgers

"""The youth-care activity ledger (关工委活动 and 父母学校授课档案): core's activity records,
declared with the module's kinds, target groups and observances."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import activity_ledger

from ..common import ACCESS, SENSITIVE
from .services import ACTIVITY_KINDS, TARGET_GROUPS, calendar_entries

activities = activity_ledger(
    **ACCESS,
    kinds=ACTIVITY_KINDS,
    target_groups=TARGET_GROUPS,
    calendar=calendar_entries,
    sensitive=SENSITIVE,
    title=_l("Youth-care activities and parents' school records"),
    label=_l("Youth-care activity"),
)

LEDGERS = activities.ledgers

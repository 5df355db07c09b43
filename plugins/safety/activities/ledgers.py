"""The publicity activity ledger (安全宣传活动台账), declared, with each activity's photos."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Filter, db

from ..common import SafetyLedger
from ..web import PHOTOS
from .models import SafetyActivity
from .schemas import ActivitySchema
from .services import ACTIVITY_KINDS


def _photos(activity: SafetyActivity, data: dict[str, Any]) -> None:
    data["photos"] = [PHOTOS.dump(p) for p in PHOTOS.items(db.session, "activities", activity.id)]


activities = SafetyLedger(
    name="activity",
    plural="activities",
    model=SafetyActivity,
    schema=ActivitySchema,
    title=_l("Publicity activities"),
    label=_l("Activity"),
    filters=(
        Filter("year", "year", _l("Year"), column="held_on"),
        Filter("kind", "choice", _l("Kind"), ACTIVITY_KINDS),
    ),
    order=lambda: [SafetyActivity.held_on.desc(), SafetyActivity.id.desc()],
    dump_detail=_photos,
    export_order=lambda: [SafetyActivity.held_on],
    context=lambda: {"photos": lambda a: PHOTOS.block(db.session, "activities", a)},
    templates={"detail": "safety/activity.html"},
)

LEDGERS = [activities]

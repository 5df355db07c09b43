"""网吧巡查记录, declared: its checklist scored by core, its referrals (移交文化市场执法), the
workbench count of failed checks not referred within 2 working days."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.inspections.models import Referral
from core.sdk import Filter, WorkSource

from ..common import VIEW, YouthLedger, today
from .models import YouthCareVenueCheck
from .rules import CHECKLIST, VENUE_CHECKS, check_venue
from .schemas import VenueCheckSchema


def unreferred_clause(day: date) -> sa.ColumnElement[bool]:
    """Failed checks past their referral day with no referral recorded."""
    referred = sa.exists().where(
        Referral.owner_type == VENUE_CHECKS.owner_type,
        Referral.owner_id == YouthCareVenueCheck.id,
    )
    return sa.and_(YouthCareVenueCheck.refer_by < day, sa.not_(referred))


def _new_checklist() -> list[dict]:
    """The venue checklist's items, nothing ticked yet, for a new check's form."""
    return [{"item": str(item.text), "result": "", "note": ""} for item in CHECKLIST.items]


venue_checks = YouthLedger(
    name="venue_check",
    model=YouthCareVenueCheck,
    schema=VenueCheckSchema,
    title=_l("Internet café check records"),
    label=_l("Venue check"),
    filters=(
        Filter("year", "year", _l("Year"), column="done_on"),
        Filter("kind"),
        Filter.flag("unreferred", _l("Not referred in time"), lambda: unreferred_clause(today())),
    ),
    order=lambda: [YouthCareVenueCheck.done_on.desc(), YouthCareVenueCheck.id.desc()],
    options=lambda stmt: stmt.options(selectinload(YouthCareVenueCheck.unit)),
    check=check_venue,
    new_values=lambda: {"done_on": today(), "checklist": _new_checklist()},
    title_of=lambda c: c.unit.name,
    importable=False,
)

LEDGERS = [venue_checks]

VENUE_WORK = [
    WorkSource(
        "youth_care.venues_unreferred",
        _l("Venue problems not referred in time"),
        YouthCareVenueCheck,
        unreferred_clause,
        VIEW,
        "youth_care.venue_checks",
        args={"unreferred": 1},
        level="overdue",
    )
]

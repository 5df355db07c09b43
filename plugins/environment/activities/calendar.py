"""The environment calendar (seed 003 l.338-340, 001 l.167, l.945, 003 l.265): observances and
campaigns that expect an activity of this module, and the module's own working days."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import CalendarEntry, activities_held

from ..common import EDIT, MODULE
from ..upkeep.models import EnvironmentTank
from ..upkeep.rules import next_due

_HELD = activities_held(MODULE)


def tank_days(session: Session, communities: sa.Select, year: int) -> list[tuple[date, str]]:
    """Each water tank's next cleaning day that falls in ``year``, named by the facility."""
    tanks = session.scalars(
        sa.select(EnvironmentTank).where(
            EnvironmentTank.community_id.in_(communities),
            EnvironmentTank.kind == "tank",
            EnvironmentTank.deleted_at.is_(None),
        )
    )
    due = ((next_due(t), t.facility) for t in tanks)
    return [
        (day, _("Water tank to clean: %(facility)s", facility=facility))
        for day, facility in due
        if day is not None and day.year == year
    ]


def calendar_entries() -> list[CalendarEntry]:
    """Each observance expects an activity recorded for environment; the module's working days
    (renewals, self-checks, assessments) are shown without one."""
    expecting = {"expects": _HELD, "remind": EDIT, "module": MODULE}
    plain = {"module": MODULE}
    return [
        CalendarEntry(1, 1, _l("Frontage letters to renew"), end_month=1, end_day=31, **plain),
        CalendarEntry(3, 12, _l("Tree Planting Day"), **expecting),
        CalendarEntry(4, 1, _l("Patriotic Health Month"), end_month=4, end_day=30, **expecting),
        CalendarEntry(4, 22, _l("Earth Day"), **expecting),
        CalendarEntry(5, 31, _l("World No Tobacco Day"), **expecting),
        CalendarEntry(6, 5, _l("World Environment Day"), **expecting),
        CalendarEntry(4, 15, _l("Spring rodent control"), **plain),
        CalendarEntry(10, 15, _l("Autumn rodent control"), **plain),
        *(
            CalendarEntry.weekday_rule(0, 4, n, _l("Weekly self-check day"), **plain)
            for n in range(1, 5)
        ),
        CalendarEntry.weekday_rule(0, 2, 2, _l("Monthly joint sanitation inspection"), **plain),
        CalendarEntry.weekday_rule(0, 4, -1, _l("A day as a street cleaner"), **expecting),
        CalendarEntry(6, 20, _l("Property service assessment"), **plain),
        CalendarEntry(12, 20, _l("Property service assessment"), **plain),
        CalendarEntry.records(_l("Water tanks to clean"), tank_days, **plain),
    ]

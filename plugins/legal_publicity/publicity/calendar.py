"""The legal calendar (programs/legal_publicity.md, Calendar): observances an activity answers,
each expecting a publicity activity of its theme, and the screening days of 人民调解."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import CalendarEntry, activities_held

from ..common import EDIT, MEDIATION_EDIT, MODULE

# 节前排查: the screening before a festival runs over the days just before it.
FESTIVAL_SCREENING_DAYS = 15


def _expecting(entry: CalendarEntry, *themes: str) -> CalendarEntry:
    """``entry`` expecting an activity of ``themes`` (any theme if none), the community's
    staff told when it passed without one."""
    return replace(entry, expects=activities_held(MODULE, *themes), remind=EDIT)


def _day(month: int, day: int, label: Any, *themes: str, **period: Any) -> CalendarEntry:
    return _expecting(CalendarEntry(month, day, label, **period), *themes)


def screenings_held(session: Session, communities: sa.Select, start: Any, end: Any) -> int:
    """``expects=`` of a screening day: the screenings held in its window in ``communities``."""
    from ..mediation.models import LpScreening

    return (
        session.scalar(
            sa.select(sa.func.count(LpScreening.id)).where(
                LpScreening.community_id.in_(communities),
                LpScreening.deleted_at.is_(None),
                LpScreening.held_on.between(start, end),
            )
        )
        or 0
    )


def _screening(entry: CalendarEntry) -> CalendarEntry:
    """``entry`` expecting a screening, the mediation staff told when it passed without one."""
    return replace(entry, expects=screenings_held, remind=MEDIATION_EDIT)


def calendar_entries() -> list[CalendarEntry]:
    """The observances of 普法; the screening days of 人民调解 — the 1st and 16th of every
    month ("每半月召开一次矛盾纠纷排查协调会") and the fortnights before 春节 and 国庆 (拉网式排查)."""
    return [
        _day(3, 8, _l("Women's rights week"), "women", end_month=3, end_day=14),
        _day(3, 15, _l("Consumer Rights Day"), "consumer"),
        _day(4, 15, _l("National Security Education Day"), "national_security"),
        _day(5, 1, _l("Civil Code publicity month"), "civil_code", end_month=5, end_day=31),
        _day(6, 26, _l("International Day against Drug Abuse"), "anti_drug"),
        _expecting(CalendarEntry.weekday_rule(9, 5, 3, _l("National Defence Education Day"))),
        _day(12, 4, _l("National Constitution Day"), "constitution"),
        _day(12, 1, _l("Constitution publicity week"), "constitution", end_month=12, end_day=7),
        _screening(CalendarEntry.monthly(1, _l("Dispute screening day"))),
        _screening(CalendarEntry.monthly(16, _l("Dispute screening day (mid-month)"))),
        _screening(
            CalendarEntry.lunar(
                1,
                1,
                _l("Dispute screening before the Spring Festival"),
                lead_days=FESTIVAL_SCREENING_DAYS,
            )
        ),
        _screening(
            CalendarEntry(
                10,
                1,
                _l("Dispute screening before National Day"),
                lead_days=FESTIVAL_SCREENING_DAYS,
            )
        ),
    ]

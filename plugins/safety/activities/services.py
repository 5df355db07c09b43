"""The kinds of publicity activity and the safety observances of the calendar they follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.reports import CalendarEntry

from ..common import EDIT
from .models import SafetyActivity

ACTIVITY_KINDS = {
    "safety_month": _l("Safety production month"),
    "fire_day": _l("11.9 Fire Safety Day"),
    "road_safety_day": _l("National Road Traffic Safety Day"),
    "ankang_cup": _l("Ankang Cup"),
    "five_into": _l("Safety into five places"),
    "drill": _l("Emergency drill"),
    "other": _l("Other activity"),
}


def held(*kinds: str) -> Callable[[Session, sa.Select, date, date], int]:
    """What answers an observance: live publicity activities (of ``kinds``, if given) held
    between two days in the communities."""

    def count(session: Session, communities: sa.Select, start: date, end: date) -> int:
        stmt = sa.select(sa.func.count(SafetyActivity.id)).where(
            SafetyActivity.community_id.in_(communities),
            SafetyActivity.held_on.between(start, end),
            SafetyActivity.deleted_at.is_(None),
        )
        if kinds:
            stmt = stmt.where(SafetyActivity.kind.in_(kinds))
        return session.scalar(stmt) or 0

    return count


def calendar_entries() -> list[CalendarEntry]:
    """The safety observances of the work plans (seed 004) and the national calendar, each
    expecting a publicity activity."""
    return [
        CalendarEntry(
            5, 12, _l("National Disaster Prevention and Reduction Day"), expects=held(), remind=EDIT
        ),
        CalendarEntry(
            6,
            1,
            _l("Safety production month"),
            end_month=6,
            end_day=30,
            expects=held("safety_month"),
            remind=EDIT,
        ),
        CalendarEntry(
            6, 16, _l("Safety publicity and consultation day"), expects=held(), remind=EDIT
        ),
        CalendarEntry(11, 9, _l("11.9 Fire Safety Day"), expects=held("fire_day"), remind=EDIT),
        CalendarEntry(
            12,
            2,
            _l("National Road Traffic Safety Day"),
            expects=held("road_safety_day"),
            remind=EDIT,
        ),
    ]

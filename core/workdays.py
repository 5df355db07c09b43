"""Working days (工作日): the deadlines of case workflows count them, not calendar days.

A day is a working day when it is a weekday that is not a public holiday, or a weekend day
declared a working day (调休上班). The national schedule comes from ``chinese_calendar`` (the
State Council's notices, as far as that library's release has them); district admins add or
correct days (``core_holiday``: a year the library does not know yet, a local change), and
their entries win.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow

HOLIDAY, WORKDAY = "holiday", "workday"
KINDS = {HOLIDAY: _l("Public holiday"), WORKDAY: _l("Working day (adjusted)")}
# The library names the holidays in English; these are the words the notices use.
NAMES = {
    "New Year's Day": _l("New Year's Day"),
    "Spring Festival": _l("Spring Festival"),
    "Tomb-sweeping Day": _l("Qingming Festival"),
    "Labour Day": _l("Labour Day"),
    "Dragon Boat Festival": _l("Dragon Boat Festival"),
    "Mid-autumn Festival": _l("Mid-Autumn Festival"),
    "National Day": _l("National Day"),
}


class Holiday(Base):
    """A day that differs from the national schedule as the library has it, or is missing from
    it: a public holiday, or a weekend working day (调休)."""

    __tablename__ = "core_holiday"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # holiday, workday
    name: Mapped[str] = mapped_column(sa.String(50), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))


def _national(day: date) -> tuple[str, str] | None:
    """(kind, name) of ``day`` in the library's schedule, or None for an ordinary day."""
    for kind, days in ((HOLIDAY, chinese_calendar.holidays), (WORKDAY, chinese_calendar.workdays)):
        name = days.get(day)
        if name is not None:
            return kind, str(NAMES.get(name, name))
    return None


def known_years() -> set[int]:
    """The years whose national schedule the installed library carries."""
    return {d.year for d in chinese_calendar.holidays}


class WorkCalendar:
    """The working days of a span, read once: the library's schedule with the admins' days
    over it."""

    def __init__(self, session: Session, start: date, end: date) -> None:
        rows = session.scalars(sa.select(Holiday).where(Holiday.day.between(start, end)))
        self.own = {row.day: row for row in rows}

    def kind(self, day: date) -> str | None:
        """``holiday``, ``workday`` (an adjusted weekend) or None for an ordinary day."""
        if day in self.own:
            return self.own[day].kind
        national = _national(day)
        return national[0] if national else None

    def is_workday(self, day: date) -> bool:
        kind = self.kind(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5


def add_working_days(session: Session, start: date, days: int) -> date:
    """The day ``days`` working days after ``start`` (``start`` itself not counted): a
    15-working-day deadline from a finding."""
    calendar = WorkCalendar(session, start, start + timedelta(days=days * 2 + 40))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return day


def last_day_before(session: Session, day: date, days: int) -> date:
    """The latest day with at least ``days`` working days after it up to ``day``: a deadline on
    or before it is ``days`` working days overdue on ``day``."""
    calendar = WorkCalendar(session, day - timedelta(days=days * 2 + 40), day)
    counted, current = 0, day
    while counted < days:
        if calendar.is_workday(current):
            counted += 1
        current -= timedelta(days=1)
    return current


def working_days_between(session: Session, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    calendar = WorkCalendar(session, start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if calendar.is_workday(start + timedelta(n))
    )


def year_days(session: Session, year: int) -> list[dict[str, Any]]:
    """The year's holidays and adjusted working days: the library's and the admins', each with
    where it comes from (``national`` or ``local``)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    calendar = WorkCalendar(session, start, end)
    found: dict[date, dict[str, Any]] = {}
    for day in (start + timedelta(n) for n in range((end - start).days + 1)):
        national = _national(day)
        if national is not None:
            found[day] = {
                "day": day,
                "kind": national[0],
                "name": national[1],
                "source": "national",
            }
    for day, row in calendar.own.items():
        found[day] = {"day": day, "kind": row.kind, "name": row.name, "source": "local"}
    return [found[d] for d in sorted(found)]


def set_day(session: Session, day: date, kind: str, name: str, user: Any = None) -> Holiday:
    """Declare ``day`` a public holiday or an adjusted working day (the admins' entry wins over
    the national schedule)."""
    row = session.get(Holiday, day) or Holiday(day=day)
    row.kind, row.name = kind, name
    row.updated_by_id = getattr(user, "id", None)
    session.add(row)
    session.flush()
    return row


def clear_day(session: Session, day: date) -> bool:
    """Remove the admins' entry for ``day`` (the national schedule applies again)."""
    row = session.get(Holiday, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True

"""School holidays (寒假, 暑假) per city, as data: each city's education bureau sets its own
dates every year, and holiday programmes, 暑期 safety campaigns and the 关工委's after-school
work follow them.

A city is named by the first four digits of its division code (统计用区划代码: 1101 is 北京市
市辖区), which every district, street and community code below it begins with, so every place
finds its city's dates from its own code. Holders of ``calendar.manage`` enter their city's
dates; the calendar pages show them as periods, and a module's
:meth:`core.reports.CalendarEntry.school_holiday` entries fall on them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.errors import DomainError

WINTER, SUMMER = "winter", "summer"
KINDS = {WINTER: _l("Winter school holiday"), SUMMER: _l("Summer school holiday")}
LONGEST = timedelta(days=80)  # no city's break is longer; a longer one is a typing error


class SchoolHoliday(Base):
    """One city's winter or summer school holiday of one year (the year it begins in)."""

    __tablename__ = "core_school_holiday"
    __table_args__ = (sa.UniqueConstraint("city", "year", "kind", name="uq_core_school_holiday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(4))
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(8))  # winter, summer
    start: Mapped[date]
    end: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))


def city_of(ref: str) -> str:
    """The city code of a place: the first four digits of its ref (its division code)."""
    return ref[:4]


def periods(session: Session, city: str, year: int) -> dict[str, tuple[date, date]]:
    """The city's school holidays that begin in ``year``: {kind: (first day, last day)}."""
    rows = session.scalars(
        sa.select(SchoolHoliday).where(SchoolHoliday.city == city, SchoolHoliday.year == year)
    )
    return {row.kind: (row.start, row.end) for row in rows}


def set_period(
    session: Session, city: str, kind: str, start: date, end: date, user_id: int | None = None
) -> SchoolHoliday:
    """Enter or correct the city's ``kind`` holiday of the year it begins in; the last day comes
    on or after the first and within 80 days of it (a 422 naming ``end`` otherwise)."""
    if end < start:
        message = _("The last day comes on or after the first.")
        raise DomainError(message, {"end": [message]})
    if end - start > LONGEST:
        message = _("A school holiday lasts at most 80 days.")
        raise DomainError(message, {"end": [message]})
    stmt = sa.select(SchoolHoliday).where(
        SchoolHoliday.city == city, SchoolHoliday.year == start.year, SchoolHoliday.kind == kind
    )
    row = session.scalar(stmt) or SchoolHoliday(city=city, year=start.year, kind=kind)
    row.start, row.end, row.updated_by_id = start, end, user_id
    session.add(row)
    session.flush()
    return row


def clear_period(session: Session, city: str, year: int, kind: str) -> bool:
    """Remove the city's ``kind`` holiday of ``year``; False when there was none."""
    stmt = sa.delete(SchoolHoliday).where(
        SchoolHoliday.city == city, SchoolHoliday.year == year, SchoolHoliday.kind == kind
    )
    return session.execute(stmt).rowcount > 0

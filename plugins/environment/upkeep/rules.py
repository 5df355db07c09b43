"""Water tanks: cleaned every half year (the community's months), so each has a next due day
and is overdue after it; a tank never cleaned is overdue."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node

from ..common import DEFAULT_SETTINGS, today
from .models import EnvironmentTank


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, the month's last day when it has no such day (31 August + 6
    months: 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(tank: EnvironmentTank, months: int = DEFAULT_SETTINGS["tank_months"]) -> date | None:
    return add_months(tank.cleaned_on, months) if tank.cleaned_on else None


def is_overdue(tank: EnvironmentTank, day: date | None = None) -> bool:
    due = next_due(tank)
    return due is None or due < (day or today())


def check_tank(
    session: Session, community: Node, data: dict[str, Any], tank: EnvironmentTank | None
) -> None:
    from ..areas.ledgers import place

    if data.get("cleaned_on") and data["cleaned_on"] > today():
        refuse("cleaned_on", _("The date cannot be in the future."))
    place(session, community, data, tank)

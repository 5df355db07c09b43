"""Periodic upkeep: a water tank is cleaned every half year ("每半年的清洗二次供水池", 003
l.344), a rodent bait station refilled every month; each has a next due day and is overdue
after it, and one never done is overdue."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node

from ..common import today
from .models import EnvironmentTank


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, the month's last day when it has no such day (31 August + 6
    months: 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


FACILITY_KINDS = {"tank": _l("Secondary water-supply tank"), "bait": _l("Rodent bait station")}
TANK_MONTHS, BAIT_MONTHS = 6, 1  # 二次供水清洗 every half year, 鼠饵站投药 monthly


def next_due(tank: EnvironmentTank) -> date | None:
    """When it is due again: half a year after the last cleaning, a month after the bait."""
    every = BAIT_MONTHS if tank.kind == "bait" else TANK_MONTHS
    return add_months(tank.cleaned_on, every) if tank.cleaned_on else None


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

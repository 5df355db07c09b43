"""The sorting ledger's rules: a month is kept once per station or building; households
covered come from the registry (those living in the area's building) unless typed; no more
take part than are covered, no more pass a spot check than were checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import refuse
from plugins.registry.models import RegistryHousehold
from tenants.models import Node

from ..areas.models import EnvironmentArea
from ..common import live_in, today, written
from .models import EnvironmentSorting


def households_at(session: Session, node_id: int) -> int:
    """The live households of the registry whose dwelling is at ``node_id`` (a building) or,
    for the community, anywhere in it; moved-out ones are not counted."""
    place = session.get(Node, node_id)
    column = (
        RegistryHousehold.community_id if place.kind == "community" else RegistryHousehold.node_id
    )
    stmt = sa.select(sa.func.count()).where(
        column == node_id,
        RegistryHousehold.deleted_at.is_(None),
        RegistryHousehold.moved_out_on.is_(None),
    )
    return int(session.scalar(stmt) or 0)


def check_sorting(
    session: Session, community: Node, data: dict[str, Any], record: EnvironmentSorting | None
) -> None:
    month, area_id = written(data, record, "month", "area_id")
    if month is not None:
        month = data["month"] = month.replace(day=1) if "month" in data else month
        if month > today():
            refuse("month", _("The month cannot be in the future."))
    node_id = community.id
    if area_id:
        area = live_in(session, community, EnvironmentArea, area_id, "area_id",
                       _("There is no such area."))  # fmt: skip
        node_id = area.node_id
    if record is None:
        data["node_id"] = node_id
    else:
        record.node_id = node_id
    _once_a_month(session, community, month, area_id, record)
    if data.get("covered") is None and record is None:
        data["covered"] = households_at(session, node_id)
    covered, taking_part, checked, passed = written(
        data, record, "covered", "participating", "checked", "passed"
    )
    if (taking_part or 0) > (covered or 0):
        refuse("participating", _("No more households can take part than are covered."))
    if (passed or 0) > (checked or 0):
        refuse("passed", _("No more households can pass than were checked."))


def _once_a_month(
    session: Session, community: Node, month: date, area_id: int | None, record: Any
) -> None:
    stmt = sa.select(EnvironmentSorting.id).where(
        EnvironmentSorting.community_id == community.id,
        EnvironmentSorting.month == month,
        EnvironmentSorting.area_id.is_(None)
        if area_id is None
        else EnvironmentSorting.area_id == area_id,
        EnvironmentSorting.deleted_at.is_(None),
        EnvironmentSorting.id != (record.id if record else 0),
    )
    if session.scalar(stmt.limit(1)) is not None:
        refuse("month", _("This month is already kept for this station or building."))

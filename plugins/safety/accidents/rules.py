"""What an accident record must respect: its kinds and grades, its on-site meeting's dates, and
its place — the enterprise's (which must be of the community) or the community itself."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node

from ..common import enterprise_in, place_at, written
from .models import SafetyAccident

ACCIDENT_GRADES = {
    "general": _l("General accident"),
    "larger": _l("Larger accident"),
    "major": _l("Major accident"),
    "especially_major": _l("Especially major accident"),
}
ACCIDENT_KINDS = {
    "fire": _l("Fire"),
    "traffic": _l("Traffic"),
    "fall": _l("Fall from height"),
    "electric_shock": _l("Electric shock"),
    "gas": _l("Gas poisoning or explosion"),
    "machinery": _l("Machinery"),
    "collapse": _l("Collapse"),
    "other": _l("Other accident"),
}
CHECKED = ("occurred_on", "meeting_held", "meeting_on", "enterprise_id")


def check_accident(
    session: Session, community: Node, data: dict[str, Any], accident: SafetyAccident | None
) -> None:
    """A meeting date needs the meeting held and comes after the accident; the accident sits at
    its enterprise's place (checked against the stored values on an edit)."""
    occurred, held, meeting_on, enterprise_id = written(data, accident, *CHECKED)
    if meeting_on and not held:
        refuse("meeting_on", _("A meeting date needs the on-site meeting to be marked as held."))
    if meeting_on and occurred and meeting_on < occurred:
        refuse("meeting_on", _("The on-site meeting cannot be before the accident."))
    enterprise = enterprise_in(session, community, enterprise_id)
    if accident is None or "enterprise_id" in data:
        place_at(data, accident, enterprise.node_id if enterprise else community.id)

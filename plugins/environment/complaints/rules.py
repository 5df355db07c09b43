"""Complaint deadlines on the 12345 pattern, from the community's settings: first contact
within 24 hours (2 hours when urgent), resolved within 7 days of receipt, followed up within 2
days of resolution; each is met, late, open or overdue at a moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.clock import localtime
from core.sdk import refuse
from tenants.models import Node

from ..common import DEFAULT_SETTINGS, now, settings, written
from .models import EnvironmentComplaint

SOURCES = {
    "hotline": _l("12345 hotline"),
    "phone": _l("Telephone"),
    "visit": _l("Came in person"),
    "patrol": _l("Grid worker or patrol"),
    "online": _l("Online"),
    "property": _l("Passed on by the property company"),
}
CATEGORIES = {
    "garbage": _l("Garbage"),
    "noise": _l("Noise"),
    "fumes": _l("Cooking fumes"),
    "structure": _l("Illegal structure"),
    "greenery": _l("Greenery"),
    "pests": _l("Pests"),
    "occupation": _l("Street occupied"),
    "water": _l("Secondary water supply or water quality"),
    "mess": _l("Dirty surroundings"),
    "other": _l("Other matter"),
}
RESULTS = {
    "solved": _l("Solved"),
    "partly": _l("Partly solved"),
    "unsolved": _l("Not solved (explained)"),
}
SATISFACTION = {
    "satisfied": _l("Satisfied"),
    "fairly": _l("Fairly satisfied"),
    "unsatisfied": _l("Not satisfied"),
}
DEADLINE_STATES = {
    "met": _l("On time"),
    "late": _l("Late"),
    "open": _l("Running"),
    "overdue": _l("Overdue"),
}


def deadlines(session: Session, community: Node, c: EnvironmentComplaint) -> dict[str, Any]:
    """The three deadlines of a complaint (the follow-up's once it is resolved)."""
    rules = settings(session, community)
    hours = rules["urgent_contact_hours"] if c.urgent else rules["contact_hours"]
    resolved = c.resolved_at
    return {
        "contact": c.received_at + timedelta(hours=int(hours)),
        "resolve": c.received_at + timedelta(days=int(rules["resolve_days"])),
        "follow_up": resolved + timedelta(days=int(rules["follow_up_days"])) if resolved else None,
    }


def deadline_state(
    due: datetime | None, done: datetime | None, at: datetime | None = None
) -> str | None:
    """met / late once done; open / overdue while not."""
    if due is None:
        return None
    if done is not None:
        return "met" if done <= due else "late"
    return "open" if (at or now()) <= due else "overdue"


def deadline_report(session: Session, community: Node, c: EnvironmentComplaint) -> list[dict]:
    """The deadlines as the complaint's page shows them: what, by when, its state."""
    due = deadlines(session, community, c)
    rows = (
        ("contact", _("First contact"), c.contacted_at),
        ("resolve", _("Resolution"), c.resolved_at),
        ("follow_up", _("Follow-up"), c.followed_up_at),
    )
    return [
        {
            "key": key,
            "label": label,
            "due": localtime(due[key]) if due[key] else None,
            "state": deadline_state(due[key], done),
        }
        for key, label, done in rows
    ]


def contact_overdue_clause(at: datetime) -> sa.ColumnElement[bool]:
    """Complaints not yet contacted past the default first-contact deadline at ``at``."""
    hours, urgent = DEFAULT_SETTINGS["contact_hours"], DEFAULT_SETTINGS["urgent_contact_hours"]
    limit = sa.case(
        (EnvironmentComplaint.urgent.is_(True), at - timedelta(hours=urgent)),
        else_=at - timedelta(hours=hours),
    )
    return sa.and_(
        EnvironmentComplaint.contacted_at.is_(None),
        EnvironmentComplaint.deleted_at.is_(None),
        EnvironmentComplaint.received_at < limit,
    )


def status_of(data: dict[str, Any]) -> str:
    """Where a complaint typed or imported with its moments stands in the workflow."""
    if data.get("followed_up_at"):
        return "followed"
    if data.get("resolved_at"):
        return "resolved"
    if data.get("contacted_at"):
        return "handling"
    return "dispatched" if data.get("handler") else "received"


def check_complaint(
    session: Session, community: Node, data: dict[str, Any], c: EnvironmentComplaint | None
) -> None:
    """A 工单号 once per community; the moments in order (received ≤ contacted ≤ resolved ≤
    followed up); a result before a follow-up, "not solved" explained."""
    ticket = (data.get("ticket") or "").strip()
    if ticket:
        taken = sa.select(EnvironmentComplaint.id).where(
            EnvironmentComplaint.community_id == community.id,
            EnvironmentComplaint.ticket == ticket,
            EnvironmentComplaint.deleted_at.is_(None),
            EnvironmentComplaint.id != (c.id if c else 0),
        )
        if session.scalar(taken) is not None:
            refuse("ticket", _("This ticket number is already on the ledger."))
    received, contacted, resolved, followed = written(
        data, c, "received_at", "contacted_at", "resolved_at", "followed_up_at"
    )
    if received is not None:
        data["received_on"] = localtime(received).date()
    for field, earlier, later in (
        ("contacted_at", received, contacted),
        ("resolved_at", received, resolved),
        ("followed_up_at", resolved or received, followed),
    ):
        if earlier and later and later < earlier:
            refuse(field, _("This time cannot be before the one it follows."))
    result, note, satisfaction = written(data, c, "result", "result_note", "satisfaction")
    if result == "unsolved" and not (note or "").strip():
        refuse("result_note", _("Explain why it was not solved."))
    if satisfaction and not resolved:
        refuse("satisfaction", _("A complaint is followed up after it is resolved."))

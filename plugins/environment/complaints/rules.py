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
from plugins.registry.models import RegistryResident
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


def stamp_due_days(
    session: Session, c: EnvironmentComplaint, community: Node | None = None
) -> None:
    """Keep the days of the deadlines on the row, as core's daily reminders read them. A new
    complaint names its ``community``: in an import's batch it is not flushed yet."""
    community = community or session.get(Node, c.community_id)
    if community is None or c.received_at is None:
        return
    due = deadlines(session, community, c)
    day = {key: localtime(at).date() if at else None for key, at in due.items()}
    c.contact_due_on, c.resolve_due_on = day["contact"], day["resolve"]
    c.follow_up_due_on = day["follow_up"]


def matching_resident(
    session: Session, community: Node, name: str, phone: str
) -> RegistryResident | None:
    """The one live resident of the community with this name and mobile, if exactly one."""
    if not (name or "").strip() or not (phone or "").strip():
        return None
    found = session.scalars(
        sa.select(RegistryResident)
        .where(
            RegistryResident.community_id == community.id,
            RegistryResident.deleted_at.is_(None),
            RegistryResident.name == name.strip(),
            RegistryResident.mobile == phone.strip(),
        )
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def link_resident(
    session: Session, community: Node, data: dict[str, Any], c: EnvironmentComplaint | None
) -> None:
    """A resident named by id must live in the community (its name and mobile fill an empty
    complainant); otherwise a new complaint whose name and phone match exactly one resident is
    linked to that resident. Never required: an anonymous or outside complainant stays text."""
    if data.get("resident_id") is not None:
        resident = session.scalar(
            sa.select(RegistryResident).where(
                RegistryResident.id == data["resident_id"],
                RegistryResident.community_id == community.id,
                RegistryResident.deleted_at.is_(None),
            )
        )
        if resident is None:
            refuse("resident_id", _("There is no such resident in this community."))
        if not (data.get("complainant") or (c.complainant if c else "")):
            data["complainant"] = resident.name
        if not (data.get("phone") or (c.phone if c else "")):
            data["phone"] = resident.mobile
        return
    if c is None:
        name, phone = data.get("complainant") or "", data.get("phone") or ""
        resident = matching_resident(session, community, name, phone)
        if resident is not None:
            data["resident_id"] = resident.id


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


def overdue_clause(at: datetime) -> sa.ColumnElement[bool]:
    """Complaints past a deadline not yet met at ``at``: the first contact (to the hour), the
    resolution or the follow-up (past their day); archived ones are done."""
    day = localtime(at).date()
    c = EnvironmentComplaint
    return sa.and_(
        c.deleted_at.is_(None),
        c.status != "archived",
        sa.or_(
            contact_overdue_clause(at),
            sa.and_(c.resolved_at.is_(None), c.resolve_due_on < day),
            sa.and_(
                c.resolved_at.is_not(None), c.followed_up_at.is_(None), c.follow_up_due_on < day
            ),
        ),
    )


def is_overdue(c: EnvironmentComplaint, at: datetime | None = None) -> bool:
    """``overdue_clause`` for one complaint, as its row in a list shows it."""
    at = at or now()
    if c.deleted_at is not None or c.status == "archived":
        return False
    hours = DEFAULT_SETTINGS["urgent_contact_hours" if c.urgent else "contact_hours"]
    day = localtime(at).date()
    return bool(
        (c.contacted_at is None and c.received_at < at - timedelta(hours=hours))
        or (c.resolved_at is None and c.resolve_due_on and c.resolve_due_on < day)
        or (
            c.resolved_at is not None
            and c.followed_up_at is None
            and c.follow_up_due_on
            and c.follow_up_due_on < day
        )
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
    link_resident(session, community, data, c)
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

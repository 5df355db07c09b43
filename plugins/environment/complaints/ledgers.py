"""The complaint ledger (环境诉求办理台账): the 12345 tickets imported from CSV as they come,
their deadlines, the steps of the workflow."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.db import db
from core.sdk import Filter, Reminder, WorkSource
from plugins.registry.models import RegistryResident

from ..common import EDIT, REVIEW, VIEW, EnvLedger, now
from .models import EnvironmentComplaint
from .rules import (
    check_complaint,
    contact_overdue_clause,
    deadline_report,
    overdue_clause,
    stamp_due_days,
    status_of,
)
from .schemas import ComplaintSchema
from .workflow import COMPLAINT_FLOW, COMPLAINT_STATES, ComplaintStepSchema, received


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    """Recorded (typed, or a row of the 12345 import) where its moments put it; its timeline
    opens with the receipt."""
    data["status"] = status_of(data)
    complaint = complaints.create_record(session, community, data, user=user)
    complaint.status = data["status"]
    stamp_due_days(session, complaint, community)
    received(session, complaint, user)
    return complaint


def _update(session: Session, complaint: EnvironmentComplaint, data: dict[str, Any]) -> Any:
    """An edit of the receipt or of urgency moves the deadlines' days with it."""
    complaints.update_record(session, complaint, data)
    stamp_due_days(session, complaint)
    return complaint


def _context() -> dict[str, Any]:
    return {
        "deadlines": lambda c: deadline_report(db.session, g.community, c),
        "timeline": lambda c: COMPLAINT_FLOW.timeline(db.session, c),
        "resident_of": _resident_of,
    }


def _resident_of(c: EnvironmentComplaint) -> RegistryResident | None:
    """The linked resident while still a live resident of the complaint's community."""
    resident = db.session.get(RegistryResident, c.resident_id) if c.resident_id else None
    if resident is None or resident.deleted_at is not None:
        return None
    return resident if resident.community_id == c.community_id else None


complaints = EnvLedger(
    name="complaint",
    model=EnvironmentComplaint,
    schema=ComplaintSchema,
    title=_l("Environment complaints ledger"),
    label=_l("Complaint"),
    filters=(
        Filter("q", "text", _l("Ticket number"), column="ticket"),
        Filter("status", "choice", _l("Status"), COMPLAINT_STATES),
        Filter("category"),
        Filter("source"),
        Filter("satisfaction"),
        Filter.flag(
            "contact_overdue",
            _l("First contact overdue"),
            lambda: contact_overdue_clause(now()),
            order=lambda: [EnvironmentComplaint.received_at],
        ),
        Filter.flag("overdue", _l("Past a deadline"), lambda: overdue_clause(now())),
        Filter("since", "date", _l("Received from"), column="received_on", bound="from"),
        Filter("until", "date", _l("Received until"), column="received_on", bound="to"),
    ),
    # Those past a deadline first, in the community and at the street and district alike.
    order=lambda: [
        sa.case((overdue_clause(now()), 0), else_=1),
        EnvironmentComplaint.received_at.desc(),
        EnvironmentComplaint.id.desc(),
    ],
    # 环境诉求办理台账 is filed by the day each was received.
    export_order=lambda: [EnvironmentComplaint.received_at],
    check=check_complaint,
    create=_create,
    update=_update,
    rollup=True,
    title_of=lambda c: c.ticket,
    context=_context,
    templates={"detail": "environment/complaint.html"},
    workflow=COMPLAINT_FLOW,
    steps=COMPLAINT_FLOW.steps(
        ComplaintStepSchema,
        "A step: dispatch (派单, handler), contact (首次联系), resolve (办结, result), follow_up "
        "(回访, satisfaction), redo (重办 once, after an unsatisfied follow-up), archive, "
        "reassign (the street's reviewer)",
    ),
)

LEDGERS = [complaints]

COMPLAINT_WORK = [
    WorkSource(
        "environment.complaints_contact",
        _l("Complaints awaiting first contact past the deadline"),
        EnvironmentComplaint,
        lambda _day: contact_overdue_clause(now()),
        permission=VIEW,
        endpoint="environment.complaints",
        args={"contact_overdue": 1},
        level="overdue",
    )
]


_STEPS = {
    "contact": _l("first contact"),
    "resolve": _l("resolution"),
    "follow_up": _l("follow-up"),
}


def _title(step: str, column: str) -> Any:
    def title(c: EnvironmentComplaint, kind: str) -> str:
        what, day = _(str(_STEPS[step])), getattr(c, column).isoformat()
        if kind == "due":
            return _("Complaint %(ticket)s: %(step)s due on %(day)s", ticket=c.ticket,
                     step=what, day=day)  # fmt: skip
        if kind == "overdue":
            return _("Complaint %(ticket)s: %(step)s overdue (deadline %(day)s)",
                     ticket=c.ticket, step=what, day=day)  # fmt: skip
        return _("Complaint %(ticket)s: %(step)s still not done after its deadline %(day)s",
                 ticket=c.ticket, step=what, day=day)  # fmt: skip

    return title


def _url(c: EnvironmentComplaint, community: str) -> str:
    return f"/c/{community}/environment/complaints/{c.id}"


def _live(*where: Any) -> Any:
    return lambda: sa.and_(EnvironmentComplaint.deleted_at.is_(None), *where)


M = EnvironmentComplaint
# 催办: the community's staff hear of each deadline on its day and once it has passed; the
# street's reviewer of a first contact or a resolution still missing a working day later.
COMPLAINT_REMINDERS = [
    Reminder("environment.complaint_contact", M, "contact_due_on",
             _live(M.contacted_at.is_(None), M.status != "archived"), EDIT,
             _title("contact", "contact_due_on"), _url, escalate_to=REVIEW, escalate_after=1,
             soon=0),
    Reminder("environment.complaint_resolve", M, "resolve_due_on",
             _live(M.resolved_at.is_(None), M.status != "archived"), EDIT,
             _title("resolve", "resolve_due_on"), _url, escalate_to=REVIEW, escalate_after=1),
    Reminder("environment.complaint_follow_up", M, "follow_up_due_on",
             _live(M.resolved_at.is_not(None), M.followed_up_at.is_(None)), EDIT,
             _title("follow_up", "follow_up_due_on"), _url, soon=1),
]  # fmt: skip

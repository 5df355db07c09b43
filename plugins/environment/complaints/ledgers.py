"""The complaint ledger (环境诉求办理台账): the 12345 tickets imported from CSV as they come,
their deadlines, the steps of the workflow."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.db import db
from core.sdk import Filter, WorkSource

from ..common import VIEW, EnvLedger, now
from .models import EnvironmentComplaint
from .rules import check_complaint, contact_overdue_clause, deadline_report, status_of
from .schemas import ComplaintSchema
from .workflow import COMPLAINT_FLOW, COMPLAINT_STATES, ComplaintStepSchema, received


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    """Recorded (typed, or a row of the 12345 import) where its moments put it; its timeline
    opens with the receipt."""
    data["status"] = status_of(data)
    complaint = complaints.create_record(session, community, data, user=user)
    complaint.status = data["status"]
    received(session, complaint, user)
    return complaint


def _context() -> dict[str, Any]:
    return {
        "deadlines": lambda c: deadline_report(db.session, g.community, c),
        "timeline": lambda c: COMPLAINT_FLOW.timeline(db.session, c),
    }


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
        Filter("since", "date", _l("Received from"), column="received_on", bound="from"),
        Filter("until", "date", _l("Received until"), column="received_on", bound="to"),
    ),
    order=lambda: [EnvironmentComplaint.received_at.desc(), EnvironmentComplaint.id.desc()],
    check=check_complaint,
    create=_create,
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

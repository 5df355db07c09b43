"""The complaint workflow: 受理 → 派单 → 处置中 → 已办结 → 已回访 → 归档; a follow-up that finds
the resident not satisfied sends it back to 处置中 once (重办). Each step stamps its moment."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Schema, Transition, Workflow, choice, optional_text, refuse

from ..common import REVIEW, LocalDateTime, not_after_now, now
from .models import EnvironmentComplaint, EnvironmentComplaintEvent
from .rules import RESULTS, SATISFACTION, stamp_due_days

COMPLAINT_STATES = {
    "received": _l("Received"),
    "dispatched": _l("Dispatched"),
    "handling": _l("Being handled"),
    "resolved": _l("Resolved"),
    "followed": _l("Followed up"),
    "archived": _l("Archived"),
}


def _stamp(column: str) -> Any:
    """A step that stamps ``column`` with the step's moment (``at``, else now)."""

    def apply(_session: Session, c: EnvironmentComplaint, data: dict, _on: date) -> dict:
        at = data.get("at") or now()
        old = getattr(c, column)
        setattr(c, column, at)
        return {column: [old, at]}

    return apply


def _dispatch(session: Session, c: EnvironmentComplaint, data: dict, on: date) -> dict:
    if not (data.get("handler") or c.handler):
        refuse("handler", _("Name who handles it."))
    changes = {}
    for key in ("handler", "co_handler"):
        if data.get(key):
            changes[key] = [getattr(c, key), data[key]]
            setattr(c, key, data[key])
    return changes


def _resolve(session: Session, c: EnvironmentComplaint, data: dict, on: date) -> dict:
    if not data.get("result"):
        refuse("result", _("Give the result."))
    if data["result"] == "unsolved" and not (data.get("comment") or "").strip():
        refuse("comment", _("Explain why it was not solved."))
    changes = _stamp("resolved_at")(session, c, data, on)
    changes["result"] = [c.result, data["result"]]
    c.result = data["result"]
    c.result_note = data.get("comment") or c.result_note
    stamp_due_days(session, c)
    return changes


def _follow_up(session: Session, c: EnvironmentComplaint, data: dict, on: date) -> dict:
    if not data.get("satisfaction"):
        refuse("satisfaction", _("Give the resident's satisfaction."))
    changes = _stamp("followed_up_at")(session, c, data, on)
    changes["satisfaction"] = [c.satisfaction, data["satisfaction"]]
    c.satisfaction = data["satisfaction"]
    return changes


def _redo(session: Session, c: EnvironmentComplaint, _data: dict, _on: date) -> dict:
    if c.satisfaction != "unsatisfied":
        refuse("status", _("Only a complaint the resident is not satisfied with is redone."))
    changes = {"redone": [c.redone, True], "resolved_at": [c.resolved_at, None]}
    c.redone, c.resolved_at, c.followed_up_at, c.result = True, None, None, None
    stamp_due_days(session, c)
    return changes


COMPLAINT_FLOW = Workflow(
    object_type="environment.complaint",
    states=COMPLAINT_STATES,
    transitions=(
        Transition("dispatch", ("received",), "dispatched", _l("Dispatched"), apply=_dispatch),
        Transition(
            "contact",
            ("received", "dispatched"),
            "handling",
            _l("First contact made"),
            apply=_stamp("contacted_at"),
        ),
        Transition("resolve", ("handling",), "resolved", _l("Resolved"), apply=_resolve),
        Transition("follow_up", ("resolved",), "followed", _l("Followed up"), apply=_follow_up),
        Transition(
            "redo",
            ("followed",),
            "handling",
            _l("Sent back to be redone"),
            apply=_redo,
            once=_l("A complaint is redone only once."),
        ),
        Transition("archive", ("followed",), "archived", _l("Archived")),
        Transition(
            "reassign",
            ("dispatched", "handling"),
            "dispatched",
            _l("Reassigned by the street"),
            apply=_dispatch,
            permission=lambda _c: REVIEW,
            denied=_l("Only the street's reviewer reassigns a complaint."),
        ),
    ),
    event_model=EnvironmentComplaintEvent,
    key="complaint_id",
    summary=lambda c, action: _("%(action)s: complaint %(ticket)s", action=action, ticket=c.ticket),
    labels={"received": _l("Received")},
    earliest=("received_on", _l("The date cannot be before the complaint was received.")),
)


class ComplaintStepSchema(Schema):
    """A step's moment and comment; the handler (派单), the result (办结), the satisfaction
    (回访)."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    at = LocalDateTime(load_default=None, allow_none=True, validate=not_after_now)
    comment = optional_text(2000)
    handler = optional_text(100)
    co_handler = optional_text(100)
    result = choice(RESULTS, load_default=None, allow_none=True)
    satisfaction = choice(SATISFACTION, load_default=None, allow_none=True)


def received(session: Session, c: EnvironmentComplaint, user: Any = None) -> None:
    COMPLAINT_FLOW.event(session, c, "received", "", on=c.received_on, user=user)

"""生育登记 as a ``core.workflow.Workflow``: 已提交 → 待补正 ⇄ 已提交 → 已登记 → 已生育, or
已终止. There is no step that refuses a registration for the child's order: three-child policy,
registration not approval. The street registers within the settings' working days.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Transition, Workflow, refuse, today
from core.workdays import add_working_days
from tenants.models import Node

from ..common import REVIEW, settings
from .models import FpBirthReg, FpBirthRegEvent

REG_STATUSES = {
    "submitted": _l("Submitted"),
    "to_correct": _l("Returned for correction"),
    "registered": _l("Registered"),
    "born": _l("Born"),
    "ended": _l("Ended"),
}
ORDERS = {
    "1": _l("First child"),
    "2": _l("Second child"),
    "3": _l("Third child"),
    "4": _l("Fourth or later"),
}
CHANNELS = {
    "online": _l("Online self-service"),
    "community": _l("Filed by the community"),
    "window": _l("Street service window"),
    "import": _l("Imported"),
}
NOTICE_WAYS = {
    "sms": _l("Text message"),
    "phone": _l("Told by phone"),
    "in_person": _l("In person"),
}


def _to_correct(_session: Session, reg: FpBirthReg, data: dict[str, Any], _on: date) -> dict:
    change = {"return_reason": [reg.return_reason, data["comment"]]}
    reg.return_reason = data["comment"]
    return change


def _register(_session: Session, reg: FpBirthReg, data: dict[str, Any], on: date) -> dict:
    way = data.get("notified_by")
    if not way:
        refuse("notified_by", _("Say how the family was told of the registration."))
    change = {"registered_on": [reg.registered_on, on], "notified_by": [reg.notified_by, way]}
    reg.registered_on, reg.notified_on, reg.notified_by = on, on, way
    return change


def _born(_session: Session, reg: FpBirthReg, data: dict[str, Any], _on: date) -> dict:
    if not data.get("child"):
        refuse("status", _("A registration is marked born by recording the birth."))
    return {}


REG_FLOW = Workflow(
    object_type="family_planning.birth_reg",
    states=REG_STATUSES,
    transitions=(
        Transition(
            "correct",
            ("submitted",),
            "to_correct",
            _l("Returned for correction"),
            apply=_to_correct,
            comment=_l("Say what the application lacks."),
            permission=lambda _r: REVIEW,
        ),
        Transition("resubmit", ("to_correct",), "submitted", _l("Resubmitted"), deadline=1),
        Transition(
            "register",
            ("submitted",),
            "registered",
            _l("Registered"),
            apply=_register,
            permission=lambda _r: REVIEW,
        ),
        Transition("born", ("registered", "submitted"), "born", _l("Birth recorded"), apply=_born),
        Transition(
            "end",
            ("submitted", "to_correct", "registered"),
            "ended",
            _l("Ended"),
            comment=_l("Say why the registration ends."),
        ),
    ),
    event_model=FpBirthRegEvent,
    key="birth_reg_id",
    summary=lambda r, action: _(
        "%(action)s: birth registration %(number)s", action=action, number=r.number
    ),
    labels={"create": _l("Submitted")},
    earliest=("applied_on", _l("The date cannot be before the application.")),
)


def deadline_for(session: Session, community: Node, applied_on: date) -> date:
    """The day the street must have registered a complete application by."""
    return add_working_days(session, applied_on, settings(session, community)["register_days"])


def is_overdue(reg: FpBirthReg, day: date | None = None) -> bool:
    """Still waiting for the street after its deadline."""
    return (
        reg.status == "submitted" and reg.deadline is not None and reg.deadline < (day or today())
    )

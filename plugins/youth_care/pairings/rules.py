"""What a pairing must respect: a child in care of the community, a volunteer of its register
or a registry unit as the partner (one of them), an end after the start; and its steps: the
community admin approves (``youth_care.pairing.approve``), an end records the outcome."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.records.lookup import live_record_of
from core.sdk import Transition, Workflow, refuse
from core.volunteers.models import Volunteer
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import APPROVE_PAIRING, child_in, written
from .models import YouthCarePairing, YouthCarePairingEvent

FREQUENCIES = {
    "weekly": _l("Every week"),
    "fortnightly": _l("Every half month"),
    "monthly": _l("Every month"),
    "quarterly": _l("Every quarter"),
}
STATUSES = {
    "proposed": _l("Pairing proposed"),
    "active": _l("Pairing in progress"),
    "ended": _l("Pairing ended"),
    "stopped": _l("Pairing stopped"),
}
EVALUATIONS = {"clear": _l("Clear effect"), "some": _l("Some effect"), "none": _l("No effect")}
OUTCOME_DAYS = 30  # the outcome is recorded within 30 days of the planned end
CHECKED = ("child_id", "volunteer_id", "unit_id", "starts_on", "planned_end_on")


def check_pairing(
    session: Session, community: Node, data: dict[str, Any], pairing: YouthCarePairing | None
) -> None:
    """A child of the community in care (not exited); a volunteer of the community's register
    or a unit of its registry; the planned end after the start. Sits at the child's place."""
    child_id, volunteer_id, unit_id, starts_on, planned_end_on = written(data, pairing, *CHECKED)
    child = child_in(session, community, child_id)
    if child.status == "exited":
        refuse("child_id", _("This child has left care."))
    if volunteer_id is None and unit_id is None:
        refuse("volunteer_id", _("Choose the volunteer or the partner unit."))
    if volunteer_id is not None:
        live_record_of(
            session, community, Volunteer, volunteer_id, "volunteer_id",
            _("There is no such volunteer in this community's register."),
        )  # fmt: skip
    if unit_id is not None:
        live_record_of(
            session, community, RegistryUnit, unit_id, "unit_id",
            _("There is no such unit in the registry of this community."),
        )  # fmt: skip
    if planned_end_on and starts_on and planned_end_on < starts_on:
        refuse("planned_end_on", _("The planned end cannot be before the start."))
    if pairing is None:
        data["node_id"] = child.node_id
    if planned_end_on:
        due = planned_end_on + timedelta(days=OUTCOME_DAYS)
        if pairing is None:
            data["deadline"] = due
        else:
            pairing.deadline = due


def _end(session: Session, pairing: YouthCarePairing, data: dict[str, Any], on: date) -> dict:
    outcome, evaluation = (data.get("outcome") or "").strip(), data.get("evaluation")
    if not outcome:
        refuse("outcome", _("Describe the outcome of the pairing."))
    if not evaluation:
        refuse("evaluation", _("Evaluate the effect of the pairing."))
    changes = {
        "outcome": [pairing.outcome, outcome],
        "evaluation": [pairing.evaluation, evaluation],
        "deadline": [pairing.deadline, None],
    }
    pairing.outcome, pairing.evaluation, pairing.deadline = outcome, evaluation, None
    return changes


PAIRING_FLOW = Workflow(
    object_type="youth_care.pairing",
    states=STATUSES,
    transitions=(
        Transition(
            "approve",
            ("proposed",),
            "active",
            _l("Pairing approved"),
            permission=lambda p: APPROVE_PAIRING,
            denied=_l("Only the community admin approves a pairing."),
        ),
        Transition("end", ("active",), "ended", _l("Pairing ended with its outcome"), apply=_end),
        Transition(
            "stop",
            ("proposed", "active"),
            "stopped",
            _l("Pairing stopped"),
            comment=_l("Say why the pairing stops."),
        ),
    ),
    event_model=YouthCarePairingEvent,
    key="pairing_id",
    summary=lambda p, action: _(
        "%(action)s: pairing of %(name)s", action=action, name=p.child.resident.name
    ),
    earliest=("starts_on", _l("The date cannot be before the pairing starts.")),
)

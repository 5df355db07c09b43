"""Entry into care and exit (线索 → 在册 → 退出): a worker records the lead, the community admin
confirms it (``youth_care.entry.confirm``); an exit names its reason, and a child who turned 18
is proposed for exit (年满18周岁) on the due list and the workbench."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Transition, Workflow, refuse

from ..common import CONFIRM
from .models import YouthCareChild, YouthCareChildEvent
from .rules import STATUSES


def _confirm(session: Session, child: YouthCareChild, data: dict[str, Any], on: date) -> dict:
    changes = {"entered_on": [child.entered_on, on], "deadline": [child.deadline, None]}
    child.entered_on, child.deadline = on, None
    return changes


def _exit(session: Session, child: YouthCareChild, data: dict[str, Any], on: date) -> dict:
    reason = data.get("reason")
    if not reason:
        refuse("reason", _("Say why the child leaves care."))
    changes = {"exited_on": [child.exited_on, on], "exit_reason": [child.exit_reason, reason]}
    child.exited_on, child.exit_reason = on, reason
    return changes


CHILD_FLOW = Workflow(
    object_type="youth_care.child",
    states=STATUSES,
    transitions=(
        Transition(
            "confirm",
            ("lead",),
            "active",
            _l("Confirmed in care"),
            apply=_confirm,
            permission=lambda child: CONFIRM,
            denied=_l("Only the community admin confirms a child in care."),
        ),
        Transition("exit", ("lead", "active"), "exited", _l("Left care"), apply=_exit),
    ),
    event_model=YouthCareChildEvent,
    key="child_id",
    summary=lambda child, action: _(
        "%(action)s: %(name)s", action=action, name=child.resident.name
    ),
    earliest=("found_on", _l("The date cannot be before the lead was recorded.")),
)

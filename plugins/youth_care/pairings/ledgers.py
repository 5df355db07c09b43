"""结对帮扶登记表, declared: filters, the check, the approval workflow, the workbench counts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter, WorkSource

from ..children.models import YouthCareChild
from ..common import APPROVE_PAIRING, VIEW, YouthLedger, today
from .models import YouthCarePairing
from .rules import PAIRING_FLOW, check_pairing
from .schemas import PairingSchema, PairingStepSchema


def outcome_overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Active pairings whose outcome was due (30 days after the planned end) and not recorded."""
    return sa.and_(YouthCarePairing.status == "active", YouthCarePairing.deadline < day)


pairings = YouthLedger(
    name="pairing",
    model=YouthCarePairing,
    schema=PairingSchema,
    title=_l("Pairing assistance register"),
    label=_l("Pairing"),
    filters=(
        Filter("status"),
        Filter("frequency"),
        Filter("child", "int", _l("Child in care"), column="child_id"),
        Filter.flag("overdue", _l("Outcome overdue"), lambda: outcome_overdue_clause(today())),
    ),
    order=lambda: [YouthCarePairing.starts_on.desc(), YouthCarePairing.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(YouthCarePairing.child).selectinload(YouthCareChild.resident),
        selectinload(YouthCarePairing.volunteer),
        selectinload(YouthCarePairing.unit),
    ),
    check=check_pairing,
    community_only=True,  # children are listed in their community only
    fixed=("child_id",),
    title_of=lambda p: p.child.resident.name,
    workflow=PAIRING_FLOW,
    steps=PAIRING_FLOW.steps(
        PairingStepSchema,
        "A pairing's step: approve (拟结对 → 进行中, youth_care.pairing.approve), end (with its "
        "outcome and evaluation), stop (中止, with the reason as comment)",
    ),
    qualified_actions=True,
    templates={"detail": "youth_care/with_steps.html"},
)

LEDGERS = [pairings]

# 今日待办: pairings awaiting approval; outcomes not recorded 30 days after the planned end.
PAIRING_WORK = [
    WorkSource(
        "youth_care.pairings_proposed",
        _l("Pairings awaiting approval"),
        YouthCarePairing,
        lambda day: YouthCarePairing.status == "proposed",
        APPROVE_PAIRING,
        "youth_care.pairings",
        args={"status": "proposed"},
        level="todo",
    ),
    WorkSource(
        "youth_care.pairings_overdue",
        _l("Pairing outcomes overdue"),
        YouthCarePairing,
        outcome_overdue_clause,
        VIEW,
        "youth_care.pairings",
        args={"overdue": 1},
        level="overdue",
    ),
]

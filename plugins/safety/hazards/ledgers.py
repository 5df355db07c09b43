"""The hidden-danger ledger (隐患排查治理台账), declared: its filters, order and writers.

The status moves only through the workflow steps (``views``); the ledger's forms edit the facts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.permissions import can
from core.records.history import shown_changes
from core.sdk import Filter, Reminder, WorkSource

from ..common import CLOSE_MAJOR, EDIT, VIEW, SafetyLedger, today
from ..web import PHOTOS, REFERRALS
from .models import SafetyHazard
from .schemas import HazardImportSchema, HazardSchema, TransitionSchema
from .workflow import (
    ACTIONS,
    HAZARD_CATEGORIES,
    HAZARD_FLOW,
    HAZARD_STATUSES,
    NOT_CLOSED,
    SEVERITIES,
    create_hazard,
    days_overdue,
    import_hazard,
    is_overdue,
    overdue_clause,
    update_hazard,
)


def _status(_session: Session, status: str) -> sa.ColumnElement[bool]:
    if status == "open":
        return SafetyHazard.status != NOT_CLOSED
    return SafetyHazard.status == status


def due_within_a_week(day: date) -> sa.ColumnElement[bool]:
    """Open hazards whose deadline falls in the coming seven days (today included)."""
    return sa.and_(
        SafetyHazard.status != NOT_CLOSED,
        SafetyHazard.deadline >= day,
        SafetyHazard.deadline <= day + timedelta(days=7),
    )


def _text(_session: Session, text: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        SafetyHazard.number == text, SafetyHazard.description.contains(text, autoescape=True)
    )


def _by_deadline(**flags: tuple[Any, Callable[[date], Any], str]) -> list[Filter]:
    """Flags of the list (``?overdue=1``), each narrowing it to the hazards ``clause(today)``
    selects, the oldest deadline first: ``name=(label, clause, description)``."""
    return [
        Filter.flag(
            name,
            label,
            lambda clause=clause: clause(today()),
            order=lambda: [SafetyHazard.deadline],
            description=description,
        )
        for name, (label, clause, description) in flags.items()
    ]


def hazard_context() -> dict[str, Any]:
    """What the hazard pages show beside the fields: labels, overdue, the next steps, the
    timeline with field labels, the photos."""
    return {
        "statuses": HAZARD_STATUSES,
        "severities": SEVERITIES,
        "categories": HAZARD_CATEGORIES,
        "actions": ACTIONS,
        "today": today(),
        "is_overdue": is_overdue,
        "days_overdue": days_overdue,
        "next_steps": HAZARD_FLOW.next_steps,
        "may_close_major": lambda: can(CLOSE_MAJOR, g.community.path),
        "hazard_timeline": lambda h: HAZARD_FLOW.timeline(db.session, h),
        "event_changes": lambda e: shown_changes(hazards.reader, e),
        "photos": lambda h: PHOTOS.block(db.session, "hazards", h),
        "referrals": lambda h: REFERRALS.block("hazards", h),
    }


hazards = SafetyLedger(
    name="hazard",
    model=SafetyHazard,
    schema=HazardSchema,
    fixed=("number", "inspection_id", "enterprise_id", "building"),
    title=_l("Hidden dangers"),
    label=_l("Hidden danger"),
    filters=(
        Filter("q", "text", _l("Number or description"), clause=_text),
        Filter(
            "status",
            "choice",
            _l("Status"),
            {"open": _l("Not closed yet"), **HAZARD_STATUSES},
            clause=_status,
        ),
        Filter("severity"),
        Filter("category"),
        *_by_deadline(
            overdue=(
                _l("Overdue"),
                overdue_clause,
                "1: open hazards past their deadline, oldest deadline first",
            ),
            due=(
                _l("Due within a week"),
                due_within_a_week,
                "1: open hazards whose deadline is in the coming seven days",
            ),
        ),
        Filter.flag(
            "supervised",
            _l("Listed for supervision"),
            lambda: SafetyHazard.supervised_on.is_not(None),
        ),
        Filter("enterprise", "int", _l("Enterprise"), column="enterprise_id"),
        Filter("inspection", "int", _l("Inspection"), column="inspection_id"),
        Filter("since", "date", _l("Found from"), column="found_on", bound="from"),
        Filter("until", "date", _l("Found until"), column="found_on", bound="to"),
    ),
    order=lambda: [SafetyHazard.found_on.desc(), SafetyHazard.id.desc()],
    options=lambda stmt: stmt.options(selectinload(SafetyHazard.enterprise)),
    create=create_hazard,
    update=update_hazard,
    title_of=lambda h: h.number,
    new_values=lambda: {"found_on": today()},
    context=hazard_context,
    templates={
        "detail": "safety/hazard.html",
        "list": "safety/hazards.html",
        "rollup": "safety/hazards_rollup.html",
    },
    rollup=True,
    # An exported ledger imports as it is: historical hazards, each with its final status.
    import_schema=HazardImportSchema,
    import_row=import_hazard,
    workflow=HAZARD_FLOW,
    steps=HAZARD_FLOW.steps(
        TransitionSchema,
        "A workflow step: notify (整改通知书), start, submit (for re-inspection), close "
        "(re-inspection passed; major hazards need safety.hazard.close_major), reopen "
        "(re-inspection failed), extend (延期申请: a later deadline and the reason, once), "
        "supervise (挂牌督办, by the street: safety.hazard.close_major)",
    ),
)

LEDGERS = [hazards]


def _hazard_work(key: str, label: Any, where: Callable, args: dict, **kw: Any) -> WorkSource:
    """A workbench count of hazards (for ``safety.view`` unless a ``permission`` is given),
    opening the community's or the area's hazard list filtered by ``args``."""
    lists = {"endpoint": "safety.hazards", "rollup_endpoint": "safety_rollup.hazards"}
    kw = {"permission": VIEW, **lists, "args": args, **kw}
    return WorkSource(f"safety.hazards_{key}", label, SafetyHazard, where, **kw)


# 今日待办: overdue hazards, those due within a week, major hazards awaiting the street's sign-off.
HAZARD_WORK = [
    _hazard_work("overdue", _l("Overdue hazards"), overdue_clause, {"overdue": 1}, level="overdue"),
    _hazard_work("due", _l("Hazards due within a week"), due_within_a_week, {"due": 1}),
    _hazard_work(
        "sign_off",
        _l("Major hazards awaiting sign-off"),
        lambda day: sa.and_(SafetyHazard.status == "submitted", SafetyHazard.severity == "major"),
        {"status": "submitted", "severity": "major"},
        permission=CLOSE_MAJOR,
        level="todo",
    ),
]


def _reminder_title(hazard: SafetyHazard, kind: str) -> str:
    number, day = hazard.number, hazard.deadline.isoformat()
    if kind == "due":
        return _("Hazard %(number)s is due on %(day)s", number=number, day=day)
    if kind == "overdue":
        return _("Hazard %(number)s is overdue (deadline %(day)s)", number=number, day=day)
    return _(
        "Hazard %(number)s is still open five working days after its deadline %(day)s",
        number=number,
        day=day,
    )


# 催办: the community's staff hear of hazards due within two working days and of overdue ones; the
# street (who signs off major hazards) of those still open five working days after the deadline.
HAZARD_REMINDERS = [
    Reminder(
        "safety.hazard",
        SafetyHazard,
        "deadline",
        lambda: sa.and_(SafetyHazard.status != NOT_CLOSED, SafetyHazard.deleted_at.is_(None)),
        EDIT,
        _reminder_title,
        lambda h, community: f"/c/{community}/safety/hazards/{h.id}",
        escalate_to=CLOSE_MAJOR,
        escalate_after=5,
    )
]

"""The screening register (矛盾纠纷排查登记表) and the mediation book (人民调解登记簿), declared:
screenings with their items, cases with their sessions and follow-ups, the workflow's steps,
the overdue list, the workbench and the reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter, Part, Reminder, Steps, WorkSource, today

from ..common import MEDIATION_EDIT, MEDIATION_REVIEW, MEDIATION_VIEW, MediationLedger
from .models import LpDispute, LpDisputeSession, LpFollowup, LpScreening, LpScreeningItem
from .schemas import (
    DisputeSchema,
    FollowupSchema,
    ReportStepSchema,
    ScreeningItemSchema,
    ScreeningSchema,
    SessionSchema,
    StepSchema,
)
from .vocabularies import DISPUTE_STATUSES, FAILED_ROUTES, FULFILMENT, OUTCOMES, RISKY, RUNNING
from .workflow import (
    ACTIONS,
    DISPUTE_FLOW,
    check_session,
    create_dispute,
    days_left,
    is_overdue,
    overdue_clause,
    report_screening,
    risky_item_found,
    screening_unreported,
    session_added,
    update_dispute,
)

YEAR = Filter("year", "year", _l("Year"), column="held_on")


def _item_written(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    """An item taken into mediation (纳入调解) opens its case, source 排查发现."""
    item = screening_items.create_record(session, community, data, user=user)
    if item.action == "mediate" and item.dispute_id is None:
        dispute = create_dispute(
            session,
            community,
            {
                "source": "screening",
                "dispute_type": item.dispute_type,
                "parties": item.parties or _("See the screening"),
                "summary": item.description,
                "risk": item.risk,
                "mediators": item.owner,
                "registered_on": item.screening.held_on,
            },
            user=user,
        )
        item.dispute_id = dispute.id
        session.flush()
    elif item.risk in RISKY:
        risky_item_found(session, community, item)
    return item


def _screened_in(_session: Session, year: int) -> sa.ColumnElement[bool]:
    held = sa.select(LpScreening.id).where(
        LpScreening.held_on.between(date(year, 1, 1), date(year, 12, 31))
    )
    return LpScreeningItem.screening_id.in_(held)


# 排查情况: every dispute found, with its risk, what is done and who answers for it — in the
# community and, for the 司法所, across the street (what a dispute is about withheld there).
screening_items = MediationLedger(
    name="screening_item",
    model=LpScreeningItem,
    schema=ScreeningItemSchema,
    fixed=("screening_id",),
    title=_l("Screening overview"),
    label=_l("Dispute found"),
    filters=(
        Filter("risk"),
        Filter("action"),
        Filter("year", "year", _l("Year"), clause=_screened_in),
    ),
    rollup=True,
    order=lambda: [LpScreeningItem.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(LpScreeningItem.screening), selectinload(LpScreeningItem.dispute)
    ),
    create=_item_written,
    exportable=False,  # the screening register carries them, a row each
    importable=False,
)
ITEMS = Part(screening_items, "screening_id", path="items")

screenings = MediationLedger(
    name="screening",
    model=LpScreening,
    schema=ScreeningSchema,
    title=_l("Dispute screening register"),
    label=_l("Screening"),
    filters=(
        YEAR,
        Filter("kind"),
        Filter.flag(
            "unreported",
            _l("Not reported within two days"),
            lambda: screening_unreported(today()),
            description="1: screenings held more than two days ago and not yet reported",
        ),
    ),
    steps=Steps(
        ("report",),
        ReportStepSchema,
        report_screening,
        "上报排查情况: on (the day the list went to the judicial office, default today)",
    ),
    order=lambda: [LpScreening.held_on.desc(), LpScreening.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpScreening.items)),
    export_parts=(screening_items, lambda s: s.items),
    export_order=lambda: [LpScreening.held_on],
    new_values=lambda: {"held_on": today()},
    parts=(ITEMS,),
)


def _session_written(
    session: Session, community: Any, data: dict[str, Any], user: Any = None
) -> Any:
    record = dispute_sessions.create_record(session, community, data, user=user)
    session_added(session, record, user=user)
    return record


dispute_sessions = MediationLedger(
    name="dispute_session",
    model=LpDisputeSession,
    schema=SessionSchema,
    fixed=("dispute_id",),
    title=_l("Mediation sessions"),
    label=_l("Mediation session"),
    order=lambda: [LpDisputeSession.held_on.desc(), LpDisputeSession.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpDisputeSession.dispute)),
    check=check_session,
    create=_session_written,
    new_values=lambda: {"held_on": today()},
    importable=False,
)
SESSIONS = Part(dispute_sessions, "dispute_id", path="sessions")

followups = MediationLedger(
    name="followup",
    model=LpFollowup,
    schema=FollowupSchema,
    title=_l("Mediation follow-up record"),
    label=_l("Follow-up"),
    filters=(Filter("fulfilment"),),
    order=lambda: [LpFollowup.followed_on.desc(), LpFollowup.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpFollowup.dispute)),
    importable=False,
)


def _status(_session: Session, status: str) -> sa.ColumnElement[bool]:
    if status == "running":
        return LpDispute.status.in_(RUNNING)
    return LpDispute.status == status


def _text(_session: Session, text: str) -> sa.ColumnElement[bool]:
    return sa.or_(LpDispute.number == text, LpDispute.mediators.contains(text, autoescape=True))


def dispute_context() -> dict[str, Any]:
    """What a case's page shows beside its fields: the counter, the steps, the timeline."""
    return {
        "actions": ACTIONS,
        "statuses": DISPUTE_STATUSES,
        "is_overdue": is_overdue,
        "days_left": days_left,
        "next_steps": DISPUTE_FLOW.next_steps,
        "dispute_timeline": lambda d: DISPUTE_FLOW.timeline(db.session, d),
        "step_fields": STEP_FIELDS,
        "today": today(),
    }


# What each step's form asks beside its date and comment: (name, label, kind, choices).
STEP_FIELDS = {
    "succeed": (
        ("outcome", _l("Outcome"), "choice", {k: OUTCOMES[k] for k in ("written", "oral")}),
        ("agreement_text", _l("What the parties agreed"), "text", None),
        ("performance_due", _l("Performance due"), "date", None),
    ),
    "fail": (("failed_route", _l("Where the parties went"), "choice", FAILED_ROUTES),),
    "follow_up": (("fulfilment", _l("Fulfilment"), "choice", FULFILMENT),),
    "extend": (("deadline", _l("New deadline"), "date", None),),
}


disputes = MediationLedger(
    name="dispute",
    model=LpDispute,
    schema=DisputeSchema,
    fixed=("number",),
    title=_l("People's mediation register"),
    label=_l("Mediation case"),
    filters=(
        Filter("q", "text", _l("Case number or mediator"), clause=_text),
        Filter(
            "status",
            "choice",
            _l("Status"),
            {"running": _l("Being mediated"), **DISPUTE_STATUSES},
            clause=_status,
        ),
        Filter("dispute_type"),
        Filter("risk"),
        Filter.flag(
            "overdue",
            _l("Overdue"),
            lambda: overdue_clause(today()),
            order=lambda: [LpDispute.deadline],
            description="1: cases past their 30 days, oldest deadline first",
        ),
        Filter("year", "year", _l("Year"), column="registered_on"),
    ),
    order=lambda: [LpDispute.registered_on.desc(), LpDispute.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpDispute.sessions)),
    create=create_dispute,
    update=lambda session, obj, data: _edited(session, obj, data),
    title_of=lambda d: d.number,
    new_values=lambda: {"registered_on": today()},
    context=dispute_context,
    templates={"detail": "legal_publicity/dispute.html"},
    rollup=True,
    export_order=lambda: [LpDispute.registered_on, LpDispute.id],
    workflow=DISPUTE_FLOW,
    steps=DISPUTE_FLOW.steps(
        StepSchema,
        "A step of a case: accept (受理), reject (不予受理, with a reason), succeed (调解成功: "
        "outcome written/oral, agreement_text, performance_due), fail (调解不成: failed_route), "
        "extend (延期, once, with a reason), confirm (司法确认), follow_up (回访: fulfilment), "
        "close (结案), archive (归档)",
    ),
    parts=(SESSIONS,),
)


def _edited(session: Session, dispute: LpDispute, data: dict[str, Any]) -> LpDispute:
    disputes.update_record(session, dispute, data)
    update_dispute(session, dispute, data)
    return dispute


LEDGERS = [screenings, screening_items, disputes, dispute_sessions, followups]

# 今日待办: screenings not reported in two days; cases past their 30 days; risky and mass
# disputes for the 司法所 to look at.
MEDIATION_WORK = [
    WorkSource(
        "legal_publicity.screenings_unreported",
        _l("Screenings not reported within two days"),
        LpScreening,
        screening_unreported,
        MEDIATION_EDIT,
        "legal_publicity.screenings",
        args={"unreported": 1},
        level="overdue",
    ),
    WorkSource(
        "legal_publicity.disputes_overdue",
        _l("Overdue mediation cases"),
        LpDispute,
        overdue_clause,
        MEDIATION_VIEW,
        "legal_publicity.disputes",
        "legal_publicity_rollup.disputes",
        {"overdue": 1},
        level="overdue",
    ),
    WorkSource(
        "legal_publicity.disputes_risky",
        _l("Risky disputes being mediated"),
        LpDispute,
        lambda day: sa.and_(LpDispute.status.in_(RUNNING), LpDispute.risk.in_(RISKY)),
        MEDIATION_REVIEW,
        "legal_publicity.disputes",
        "legal_publicity_rollup.disputes",
        {"status": "running"},
        level="todo",
    ),
]


def _reminder_title(dispute: LpDispute, kind: str) -> str:
    number, day = dispute.number, dispute.deadline.isoformat()
    if kind == "due":
        return _("Mediation case %(number)s is due on %(day)s", number=number, day=day)
    if kind == "overdue":
        return _("Mediation case %(number)s is overdue (deadline %(day)s)", number=number, day=day)
    return _(
        "Mediation case %(number)s is still open after its deadline %(day)s", number=number, day=day
    )


# 催办: the 调委会 hears of cases due and overdue, the street's 司法所 of those long overdue.
MEDIATION_REMINDERS = [
    Reminder(
        "legal_publicity.dispute",
        LpDispute,
        "deadline",
        lambda: sa.and_(LpDispute.status.in_(RUNNING), LpDispute.deleted_at.is_(None)),
        MEDIATION_EDIT,
        _reminder_title,
        lambda d, community: f"/c/{community}/legal_publicity/disputes/{d.id}",
        escalate_to=MEDIATION_REVIEW,
    )
]

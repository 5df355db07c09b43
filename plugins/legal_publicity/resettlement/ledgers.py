"""The resettlement register (安置帮教对象花名册, 一人一档) and its visits (帮教走访记录), declared
on the compartment's own blueprints: a user without ``legal_publicity.resettlement.view`` at the
community finds neither (404), and every access of those who may is audited.

Visits: 高 monthly, 中 every two months, 低 quarterly, everyone monthly in the first three months
after reporting — core's visit log and quotas (``core.visits``) with the subject a case."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import S3, Filter, Part, VisitQuota, WorkSource, db, today, visit_ledger

from ..common import (
    MODULE,
    RESETTLEMENT_CONFIRM,
    RESETTLEMENT_EDIT,
    RESETTLEMENT_VIEW,
    ResettlementLedger,
)
from .models import LpCorrection, LpCorrectionVisit, LpResettled
from .schemas import CorrectionSchema, CorrectionVisitSchema, ResettledSchema, ResettledStepSchema
from .vocabularies import IN_CARE, PLACEMENTS, RESETTLED_STATUSES, RISK_LEVELS
from .workflow import (
    RESETTLED_FLOW,
    check_correction,
    check_correction_visit,
    check_resettled,
    reassessment_due,
    report_overdue,
    title_of,
)

resettled = ResettlementLedger(
    name="person",
    plural="resettled",
    model=LpResettled,
    schema=ResettledSchema,
    title=_l("Register of persons in resettlement care"),
    label=_l("Person in care"),
    filters=(
        Filter("status"),
        Filter("risk"),
        Filter("placement"),
        Filter.flag("reassess", _l("Reassessment due"), lambda: reassessment_due(today())),
        Filter.flag("unreported", _l("Not reported in time"), lambda: report_overdue(today())),
    ),
    order=lambda: [LpResettled.released_on.desc(), LpResettled.id.desc()],
    check=check_resettled,
    title_of=title_of,
    templates={"detail": "legal_publicity/resettled.html"},
    workflow=RESETTLED_FLOW,
    steps=RESETTLED_FLOW.steps(
        ResettledStepSchema,
        "A step of a person in care: report (报到, team of 3–5 members separated by 、), reassess "
        "(risk), propose (期满解除 proposed), release (confirmed by the 司法所), reoffend, lose, "
        "move, decease",
    ),
    context=lambda: {
        "actions": RESETTLED_FLOW.actions,
        "next_steps": RESETTLED_FLOW.next_steps,
        "person_timeline": lambda p: RESETTLED_FLOW.timeline(db.session, p),
        "statuses": RESETTLED_STATUSES,
        "step_fields": {
            "report": (("team", _l("Care team"), "line", None),),
            "reassess": (
                ("risk", _l("Risk level"), "choice", RISK_LEVELS),
                ("placement", _l("Placement"), "choice", PLACEMENTS),
            ),
        },
    },
)

FIRST_MONTHS = 3  # everyone is visited monthly in the first three months after reporting


def resettled_subjects() -> sa.Select:
    """People in care as visit subjects, by the quota their risk (or a recent report) sets;
    named by number, so that the visit log and its audit entries hold no name."""
    recent = today() - timedelta(days=FIRST_MONTHS * 30)
    return sa.select(
        sa.literal("case").label("subject_kind"),
        LpResettled.id.label("subject_id"),
        sa.case((LpResettled.reported_on >= recent, "new"), else_=LpResettled.risk).label(
            "category"
        ),
        LpResettled.community_id.label("community_id"),
        LpResettled.node_id.label("node_id"),
        (sa.literal("BJ-") + sa.cast(LpResettled.id, sa.String)).label("name"),
    ).where(LpResettled.deleted_at.is_(None), LpResettled.status.in_(IN_CARE))


RESETTLED_VISITS = visit_ledger(
    module=MODULE,
    subjects=resettled_subjects,
    quotas=[
        VisitQuota("new", _l("First three months in care"), months=1),
        VisitQuota("high", _l("High risk (key person)"), months=1),
        VisitQuota("mid", _l("Medium risk"), months=2),
        VisitQuota("low", _l("Low risk"), months=3),
    ],
    view=RESETTLEMENT_VIEW,
    edit=RESETTLEMENT_EDIT,
    restore=RESETTLEMENT_CONFIRM,
    sensitive=RESETTLEMENT_VIEW,
    assign=RESETTLEMENT_CONFIRM,
    sensitivity=S3,
    kinds=("case",),
    name="care_visit",
    plural="care_visits",
    title=_l("Resettlement care visits"),
    label=_l("Care visit"),
)

# 社区矫正 协助: the 矫正小组 membership and the visits, in the same compartment.
correction_visits = ResettlementLedger(
    name="correction_visit",
    model=LpCorrectionVisit,
    schema=CorrectionVisitSchema,
    fixed=("correction_id",),
    title=_l("Visits to persons under correction"),
    label=_l("Visit to a person under correction"),
    order=lambda: [LpCorrectionVisit.visited_on.desc(), LpCorrectionVisit.id.desc()],
    check=check_correction_visit,
    title_of=lambda v: f"JZ-{v.correction_id} {v.visited_on}",
    new_values=lambda: {"visited_on": today()},
    importable=False,
)
corrections = ResettlementLedger(
    name="correction",
    model=LpCorrection,
    schema=CorrectionSchema,
    title=_l("Community correction assistance"),
    label=_l("Person under correction"),
    filters=(Filter("status"), Filter("our_role")),
    order=lambda: [LpCorrection.starts_on.desc(), LpCorrection.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpCorrection.visits)),
    check=check_correction,
    title_of=lambda c: f"JZ-{c.id}",  # by number: the audit log is read outside
    parts=(Part(correction_visits, "correction_id", path="visits"),),
    importable=False,
)

LEDGERS = [resettled, RESETTLED_VISITS.ledger, corrections, correction_visits]

# 今日待办 of the compartment: people not reported in time, reassessments due.
RESETTLEMENT_WORK = [
    WorkSource(
        "legal_publicity.resettled_unreported",
        _l("Released persons not reported in time"),
        LpResettled,
        report_overdue,
        RESETTLEMENT_VIEW,
        "legal_publicity.resettled",
        args={"unreported": 1},
        level="overdue",
    ),
    WorkSource(
        "legal_publicity.resettled_reassess",
        _l("Risk reassessments due"),
        LpResettled,
        reassessment_due,
        RESETTLEMENT_VIEW,
        "legal_publicity.resettled",
        args={"reassess": 1},
    ),
]

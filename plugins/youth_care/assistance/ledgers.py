"""救助帮扶发放登记表, declared: filters, the check, the review-and-issue workflow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..children.models import YouthCareChild
from ..common import SENSITIVE, YouthLedger, today
from .models import YouthCareAssistance
from .rules import ASSISTANCE_FLOW, check_assistance
from .schemas import AssistanceSchema, AssistanceStepSchema


def _receipts(record: YouthCareAssistance) -> object:
    """The signed receipts with the upload form, for holders of the sensitive permission."""
    from flask import g

    from core.sdk import can, db

    from ..web import RECEIPTS

    if not can(SENSITIVE, g.community.path):
        return None
    return RECEIPTS.block(db.session, "assistance", record)


assistance = YouthLedger(
    name="assistance",
    plural="assistance",
    list_endpoint="assistance_records",
    model=YouthCareAssistance,
    schema=AssistanceSchema,
    title=_l("Assistance issue register"),
    label=_l("Assistance"),
    filters=(
        Filter("year", "year", _l("Year"), column="given_on"),
        Filter("kind"),
        Filter("status"),
        Filter("child", "int", _l("Child in care"), column="child_id"),
    ),
    order=lambda: [YouthCareAssistance.given_on.desc(), YouthCareAssistance.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(YouthCareAssistance.child).selectinload(YouthCareChild.resident)
    ),
    check=check_assistance,
    community_only=True,  # children are listed in their community only
    fixed=("child_id",),
    title_of=lambda a: a.child.resident.name,
    workflow=ASSISTANCE_FLOW,
    steps=ASSISTANCE_FLOW.steps(
        AssistanceStepSchema,
        "An assistance step: review (审核; youth_care.assistance.review, youth_care.review above "
        "the community's street_review_amount), issue (发放, once a signed receipt is attached: "
        "POST …/assistance/<id>/receipts)",
    ),
    qualified_actions=True,
    context=lambda: {"today": today(), "receipts": _receipts},
    templates={"detail": "youth_care/assistance.html"},
)

LEDGERS = [assistance]

"""What an assistance record must respect, and its steps: reviewed by the community admin, by
the street (``youth_care.review``) when the amount is above the community's setting, and issued
only once the guardian's signed receipt is attached (a scan, S3: only holders of
``youth_care.sensitive.view`` open it, each opening audited)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Transition, Workflow, module_settings, refuse
from tenants.models import Node

from ..common import MODULE, REVIEW, REVIEW_ASSISTANCE, child_in, written
from .models import YouthCareAssistance, YouthCareAssistanceEvent

KINDS = {
    "bursary": _l("Study grant"),
    "gift": _l("Condolence money or gifts"),
    "spring_bud": _l("Spring Bud programme"),
    "medical": _l("Referral for medical assistance"),
    "subsistence": _l("Referral for subsistence or temporary assistance"),
    "legal": _l("Referral for legal aid"),
    "counselling": _l("Psychological counselling"),
}
FUNDERS = {
    "committee": _l("Committee for the next generation"),
    "women": _l("Women's federation"),
    "youth_league": _l("Youth league"),
    "charity": _l("Charity"),
    "partner": _l("Partner unit"),
    "individual": _l("Individual donor"),
}
STATUSES = {
    "registered": _l("Assistance registered"),
    "reviewed": _l("Assistance reviewed"),
    "issued": _l("Assistance issued"),
}


def check_assistance(
    session: Session, community: Node, data: dict[str, Any], record: YouthCareAssistance | None
) -> None:
    """A child of the community in care; an amount left empty is 0 (gifts in kind, referrals);
    once reviewed, the amount is what was reviewed."""
    (child_id,) = written(data, record, "child_id")
    if data.get("amount") is None and ("amount" in data or record is None):
        data["amount"] = Decimal("0")
    child = child_in(session, community, child_id)
    reviewed = record is not None and record.status != "registered"
    if reviewed and "amount" in data and data["amount"] != record.amount:
        refuse("amount", _("A reviewed amount cannot be changed."))
    if record is None:
        data["node_id"] = child.node_id


def street_review_above(session: Session, community_id: int) -> Decimal:
    """The amount above which the street reviews (the community's setting)."""
    return Decimal(module_settings(session, community_id, MODULE)["street_review_amount"])


def _review_permission(record: YouthCareAssistance) -> str:
    from core.sdk import db

    above = record.amount > street_review_above(db.session, record.community_id)
    return REVIEW if above else REVIEW_ASSISTANCE


def _issue(session: Session, record: YouthCareAssistance, data: dict[str, Any], on: date) -> dict:
    """发放 against the guardian's signed receipt: its scan is attached to the record first."""
    session.refresh(record, ["receipts"])
    if not record.receipts:
        refuse("receipt", _("Attach the guardian's signed receipt before issuing."))
    return {}


ASSISTANCE_FLOW = Workflow(
    object_type="youth_care.assistance",
    states=STATUSES,
    transitions=(
        Transition(
            "review",
            ("registered",),
            "reviewed",
            _l("Assistance reviewed"),
            permission=_review_permission,
            denied=_l(
                "This assistance is reviewed by the community admin, above the amount "
                "setting by the street."
            ),
        ),
        Transition("issue", ("reviewed",), "issued", _l("Assistance issued"), apply=_issue),
    ),
    event_model=YouthCareAssistanceEvent,
    key="assistance_id",
    summary=lambda r, action: _(
        "%(action)s: assistance to %(name)s", action=action, name=r.child.resident.name
    ),
    earliest=("given_on", _l("The date cannot be before the assistance was registered.")),
)

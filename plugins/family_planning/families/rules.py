"""计生家庭: the categories (失独, 伤残 are S3 items), care needs, and the confirmation of a
special family as a ``core.workflow.Workflow``: 申报 → 街道审核 → 区认定 → 在册 → 退出, the
street within ten working days of the declaration."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.permissions import current_scope
from core.sdk import S1, S3, Transition, Workflow, refuse
from core.workdays import add_working_days
from plugins.registry.services import get_household, get_resident
from tenants.models import Node

from ..common import APPROVE, REVIEW, today
from .models import FpFamily, FpFamilyEvent

CATEGORIES = {
    "only_child": _l("Only-child family"),
    "lost_only_child": _l("Family that lost its only child"),
    "disabled_child": _l("Family whose only child is disabled"),
    "rural_reward": _l("Rural family-planning family (reward and support)"),
    "hardship": _l("Family-planning family in hardship"),
    "complication": _l("Surgical complication"),
}
SPECIAL = ("lost_only_child", "disabled_child")
CARE_NEEDS = {
    "elderly_care": _l("Care in old age"),
    "medical": _l("Medical care"),
    "comfort": _l("Emotional comfort"),
    "daily_care": _l("Help with daily life"),
}
FAMILY_STATUSES = {
    "declared": _l("Declared"),
    "street_ok": _l("Checked by the street"),
    "recognised": _l("Recognised by the district"),
    "active": _l("On the ledger"),
    "exited": _l("Left the ledger"),
}
STREET_DAYS = 10


def category_class(key: str) -> str:
    """失独 and 伤残 are special categories (S3); the others are S1."""
    return S3 if key in SPECIAL else S1


def check_family(session: Session, community: Node, data: dict[str, Any], family: Any) -> None:
    """A family is a household of this community's registry; a new one starts declared."""
    if family is None:
        household_id = data.get("household_id")
        found = (
            get_household(session, current_scope(), household_id, community)
            if household_id
            else None
        )
        if found is None:
            refuse("household_id", _("There is no such household in this community."))
        data["node_id"] = found.node_id
        data["status"] = "declared"
        data["deadline"] = add_working_days(session, today(), STREET_DAYS)
    for key in ("father_id", "mother_id"):
        if data.get(key) and get_resident(session, current_scope(), data[key]) is None:
            refuse(key, _("There is no such resident."))
    categories = data.get("categories", getattr(family, "categories", None)) or []
    if not categories:
        refuse("categories", _("Choose at least one category."))
    if "disabled_child" in categories and not data.get(
        "disability_grade", getattr(family, "disability_grade", None)
    ):
        refuse("disability_grade", _("Give the child's disability grade."))


def _recognise(_session: Session, family: FpFamily, data: dict[str, Any], on: date) -> dict:
    ref = (data.get("recognition_ref") or "").strip()
    if not ref:
        refuse("recognition_ref", _("Give the reference number of the recognition."))
    change = {
        "recognised_on": [family.recognised_on, on],
        "recognition_ref": [family.recognition_ref, ref],
    }
    family.recognised_on, family.recognition_ref = on, ref
    return change


FAMILY_FLOW = Workflow(
    object_type="family_planning.family",
    states=FAMILY_STATUSES,
    transitions=(
        Transition(
            "street_check",
            ("declared",),
            "street_ok",
            _l("Checked by the street"),
            permission=lambda _f: REVIEW,
        ),
        Transition(
            "recognise",
            ("street_ok",),
            "recognised",
            _l("Recognised by the district"),
            apply=_recognise,
            permission=lambda _f: APPROVE,
        ),
        Transition("enter", ("recognised",), "active", _l("Entered on the ledger")),
        Transition(
            "send_back",
            ("declared", "street_ok"),
            "declared",
            _l("Sent back to the community"),
            comment=_l("Say what the declaration lacks."),
            permission=lambda _f: REVIEW,
        ),
        Transition(
            "leave",
            ("active", "recognised"),
            "exited",
            _l("Left the ledger"),
            comment=_l("Say why the family leaves the ledger."),
        ),
    ),
    event_model=FpFamilyEvent,
    key="family_id",
    summary=lambda f, action: _(
        "%(action)s: family %(name)s", action=action, name=f.household.head_name
    ),
    labels={"create": _l("Declared")},
)

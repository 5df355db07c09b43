"""The rules of 生育登记 and 出生人口登记: the mother's card must be live here, the order is
compared with the children on file (a mismatch warns, never blocks), a birth registers the
child in the registry without an ID and marks its registration born."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import numbering
from core.sdk import refuse
from plugins.registry.models import RegistryResident
from plugins.registry.residents import create_resident
from plugins.registry.validators import parse_resident_id
from tenants.models import Node

from ..common import today
from ..women.models import FpWoman
from ..women.rules import children_of
from .models import FpBirthReg, FpChild
from .workflow import REG_FLOW, deadline_for

ONE_THING = {
    "certificate": _l("Birth medical certificate"),
    "vaccination": _l("Vaccination certificate"),
    "hukou": _l("Household registration"),
    "medical_insurance": _l("Medical insurance"),
    "social_card": _l("Social security card"),
}
MATCHES = {
    "pending": _l("Not compared yet"),
    "same": _l("Consistent"),
    "differs": _l("Inconsistent"),
}
SEXES = {"M": _l("Boy"), "F": _l("Girl")}
CERTIFICATE = re.compile(r"[A-Z]\d{9}")


def card_in(session: Session, community: Node, woman_id: int | None) -> FpWoman:
    """The live card ``woman_id`` of this community, else 422 on the field."""
    card = session.get(FpWoman, woman_id) if woman_id else None
    if card is None or card.deleted_at is not None or card.community_id != community.id:
        refuse("woman_id", _("There is no such card of a married woman in this community."))
    if card.status != "active":
        refuse("woman_id", _("Her card is off the register."))
    return card


def expected_order(card: FpWoman) -> str:
    """The order the next child would have by the children on file (4: fourth or later)."""
    return str(min(_count(card) + 1, 4))


def _count(card: FpWoman) -> int:
    return children_of(card, "M") + children_of(card, "F")


def order_mismatch(reg: FpBirthReg) -> bool:
    """The order applied for is not the one the children on file give (shown, never refused)."""
    return reg.status in ("submitted", "to_correct") and reg.child_order != expected_order(
        reg.woman
    )


def _father(data: dict[str, Any], reg: Any) -> None:
    number = data.get("father_id_number")
    if number:
        try:
            parsed = parse_resident_id(number)
        except ValueError as exc:
            refuse("father_id_number", str(exc))
        if parsed.gender != "M":
            refuse("father_id_number", _("This resident ID is a woman's, not the father's."))


def check_reg(session: Session, community: Node, data: dict[str, Any], reg: Any) -> None:
    """A registration is of a live card here; a new one is numbered and given its deadline."""
    if reg is None:
        card = card_in(session, community, data.get("woman_id"))
        applied = data.get("applied_on") or today()
        data["applied_on"] = applied
        data["node_id"] = card.node_id
        data["deadline"] = deadline_for(session, community, applied)
        data["number"] = numbering.next_number(
            session, FpBirthReg.number, community.id, applied.year
        )
        data["status"] = "submitted"
        if not data.get("father_name") and card.spouse_name:
            data["father_name"] = card.spouse_name
    _father(data, reg)


def _on_file(session: Session, community: Node, number: str, child: Any) -> bool:
    """Is a live birth of the district filed with this certificate number (another one)?"""
    stmt = sa.select(FpChild.id).where(
        FpChild.district_id == community.district_id,
        FpChild.certificate_number == number,
        FpChild.deleted_at.is_(None),
    )
    if child is not None:
        stmt = stmt.where(FpChild.id != child.id)
    return session.scalar(stmt.limit(1)) is not None


def check_child(session: Session, community: Node, data: dict[str, Any], child: Any) -> None:
    """A birth is of a live card here; its registration, if named, is the mother's own."""
    card = card_in(session, community, data.get("woman_id", getattr(child, "woman_id", None)))
    number = data.get("certificate_number")
    if number and not CERTIFICATE.fullmatch(number):
        refuse("certificate_number", _("A birth certificate number is a letter and 9 digits."))
    if number and _on_file(session, community, number, child):
        refuse("certificate_number", _("A birth with this certificate number is on file already."))
    reg_id = data.get("birth_reg_id")
    if reg_id:
        reg = session.get(FpBirthReg, reg_id)
        if reg is None or reg.deleted_at is not None or reg.woman_id != card.id:
            refuse("birth_reg_id", _("This registration is not the mother's."))
        if reg.status not in ("registered", "submitted") and child is None:
            refuse("birth_reg_id", _("This registration is closed."))


def _registered_child(session: Session, household_id: int | None, number: str | None) -> Any:
    """The child the registry holds already in the mother's household by this birth
    certificate number (a leader reported the birth), not yet filed: filed on that record."""
    if not (household_id and number):
        return None
    return session.scalar(
        sa.select(RegistryResident.id)
        .where(
            RegistryResident.household_id == household_id,
            RegistryResident.birth_certificate_number == number,
            RegistryResident.deleted_at.is_(None),
            ~sa.exists().where(FpChild.resident_id == RegistryResident.id),
        )
        .limit(1)
    )


def create_child(session: Session, community: Node, data: dict[str, Any]) -> FpChild:
    """Record a birth: the child joins the mother's household in the registry (by the birth
    certificate, no ID yet) unless it is there already (``resident_id``, or its certificate
    number in her household), the birth is filed, and its registration becomes 已生育."""
    from .ledgers import children

    check_child(session, community, data, None)
    card = session.get(FpWoman, data["woman_id"])
    mother = card.resident
    name = data.pop("name", None)
    data["resident_id"] = data.get("resident_id") or _registered_child(
        session, mother.household_id, data.get("certificate_number")
    )
    if not data["resident_id"]:
        resident = create_resident(
            session,
            community,
            {
                "name": name,
                "gender": data["sex"],
                "birth_date": data["born_on"],
                "birth_certificate_number": data.get("certificate_number") or "",
                "household_id": mother.household_id,
                "relation": "child",
                "marital_status": "unmarried",
            },
        )
        data["resident_id"] = resident.id
    data["node_id"] = card.node_id
    data["birth_order"] = _count(card) + 1
    if card.pregnancy == "pregnant":
        card.pregnancy, card.due_on = "none", None  # cleared at birth
    child = children.create_record(session, community, data)
    if child.birth_reg_id:
        session.flush()  # an import writes in batches: the child's id, for the timeline
        reg = session.get(FpBirthReg, child.birth_reg_id)
        REG_FLOW.run(session, reg, "born", {"on": today(), "child": child.id})
    return child


def births_between(start: Any, end: Any) -> sa.ColumnElement[bool]:
    """Births of the period (a flow: the child's birth date)."""
    return FpChild.born_on.between(start, end)

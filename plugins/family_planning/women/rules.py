"""The card's rules: who may be filed (female, 15–49, married per the registry, living here,
once per community), the spouse, outflow, the pregnancy dates; and the vocabularies.

A refusal is a translated 422 naming the field; the registry is the truth about the woman
(her birth date, gender, marital status), the card never copies it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.permissions import current_scope
from core.sdk import DomainError, record_change, refuse
from plugins.registry.ages import age_on
from plugins.registry.models import RegistryResident
from plugins.registry.services import get_resident
from plugins.registry.validators import normalize_id, parse_resident_id
from plugins.registry.vocabularies import PRESENT
from tenants.models import Node

from ..common import today
from .models import FpWoman

MARRIAGE_KINDS = {"first": _l("First marriage"), "again": _l("Remarriage")}
RESIDENCES = {
    "local": _l("Registered and living here"),
    "inflow": _l("Inflow"),
    "outflow": _l("Outflow"),
}
CONTRACEPTION = {
    "none": _l("No contraception"),
    "iud": _l("Intrauterine device"),
    "implant": _l("Subdermal implant"),
    "female_sterilisation": _l("Female sterilisation"),
    "male_sterilisation": _l("Male sterilisation"),
    "pill": _l("Oral contraceptive"),
    "injection": _l("Contraceptive injection"),
    "condom": _l("Condom"),
    "topical": _l("Topical contraceptive"),
    "other": _l("Other method"),
}
PREGNANCY = {"none": _l("Not pregnant"), "pregnant": _l("Pregnant")}
CARD_STATUSES = {"active": _l("On the register"), "exited": _l("Off the register")}
EXIT_REASONS = {
    "age": _l("Reached 50"),
    "divorce": _l("Divorced"),
    "widowed": _l("Widowed"),
    "moved": _l("Moved away"),
    "death": _l("Died"),
    "other": _l("Other reason"),
}
KEY_REASONS = {
    "newly_wed": _l("Newly married (within a year)"),
    "pregnant": _l("Pregnant"),
    "postnatal": _l("Within 42 days of giving birth"),
    "new_inflow": _l("Inflow, here less than half a year"),
    "special_family": _l("Special family"),
}
MARRIED = ("first_marriage", "remarried")
YOUNGEST, OLDEST = 15, 49
DUE_WINDOW = 300  # days either side of today a due date may fall


def _value(data: dict[str, Any], card: FpWoman | None, key: str) -> Any:
    """The value ``key`` will hold once ``data`` is written onto ``card`` (a new card: None)."""
    return data[key] if key in data else getattr(card, key, None)


def resident_here(session: Session, community: Node, number: str, field: str) -> int:
    """The id of this community's resident with resident ID ``number`` (an import names people
    by their IDs), else 422 on ``field``."""
    resident_id = session.scalar(
        sa.select(RegistryResident.id).where(
            RegistryResident.community_id == community.id,
            RegistryResident.id_number == normalize_id(number),
        )
    )
    if resident_id is None:
        refuse(field, _("No resident of this community has this ID."))
    return resident_id


def card_here(session: Session, community: Node, number: str, field: str) -> FpWoman:
    """The live card of this community's woman with resident ID ``number``, else 422 on
    ``field``: how an imported registration or birth names its mother."""
    resident_id = resident_here(session, community, number, field)
    card = session.scalar(
        sa.select(FpWoman).where(
            FpWoman.community_id == community.id,
            FpWoman.resident_id == resident_id,
            FpWoman.status == "active",
        )
    )
    if card is None:
        refuse(field, _("She has no card on the register of this community."))
    return card


def woman_of(session: Session, community: Node, resident_id: int | None) -> Any:
    """The registry resident the card is of, seen by the user in this community, else 422."""
    found = get_resident(session, current_scope(), resident_id, community) if resident_id else None
    if found is None:
        refuse("resident_id", _("There is no such resident in this community."))
    return found


def qualifies(resident: Any, day: date) -> str | None:
    """Why ``resident`` may not be filed on ``day`` (None when she may): the registry's facts."""
    if resident.gender != "F":
        return _("Only a woman is filed on this register.")
    if not YOUNGEST <= age_on(resident.birth_date, day) <= OLDEST:
        return _("Only a woman aged 15 to 49 is filed on this register.")
    if resident.marital_status not in MARRIED:
        return _("The registry does not record her as married: correct the registry first.")
    if resident.status not in PRESENT:
        return _("She no longer lives in the community.")
    return None


def _one_live_card(session: Session, community: Node, resident_id: int, card: Any) -> None:
    stmt = sa.select(FpWoman.id).where(
        FpWoman.community_id == community.id,
        FpWoman.resident_id == resident_id,
        FpWoman.status == "active",
    )
    if card is not None:
        stmt = stmt.where(FpWoman.id != card.id)
    if session.scalar(stmt.limit(1)) is not None:
        refuse("resident_id", _("She already has a card on this register."), conflict=True)


def _spouse(session: Session, community: Node, data: dict[str, Any], card: Any) -> None:
    """The husband is a registry resident, or a name with a valid ID of a man."""
    if data.get("spouse_id"):
        husband = get_resident(session, current_scope(), data["spouse_id"])
        if husband is None:
            refuse("spouse_id", _("There is no such resident."))
        if husband.gender != "M":
            refuse("spouse_id", _("The husband in the registry is not a man."))
        return
    number = _value(data, card, "spouse_id_number")
    if number:
        try:
            parsed = parse_resident_id(number)
        except ValueError as exc:
            refuse("spouse_id_number", str(exc))
        if parsed.gender != "M":
            refuse("spouse_id_number", _("This resident ID is a woman's, not the husband's."))
        if not _value(data, card, "spouse_name"):
            refuse("spouse_name", _("Give the husband's name with his ID."))


def _outflow_and_pregnancy(data: dict[str, Any], card: Any) -> None:
    if _value(data, card, "residence") == "outflow":
        for key in ("outflow_to", "outflow_on"):
            if not _value(data, card, key):
                refuse(key, _("An outflow woman needs where she went and when she left."))
    due = _value(data, card, "due_on")
    if due is not None:
        if _value(data, card, "pregnancy") != "pregnant":
            refuse("due_on", _("A due date is kept only during a pregnancy."))
        if abs((due - today()).days) > DUE_WINDOW:
            refuse("due_on", _("The due date must be within 300 days of today."))


def check_card(session: Session, community: Node, data: dict[str, Any], card: Any) -> None:
    """Refuse a card the registry does not support, or whose facts contradict each other."""
    resident_id = _value(data, card, "resident_id")
    resident = woman_of(session, community, resident_id)
    if card is None:
        data["filed_on"] = data.get("filed_on") or today()
        problem = qualifies(resident, data["filed_on"])
        if problem:
            refuse("resident_id", problem)
        again = resident.marital_status == "remarried"
        data["marriage_kind"] = data.get("marriage_kind") or ("again" if again else "first")
        floating = resident.status == "floating"
        data["residence"] = data.get("residence") or ("inflow" if floating else "local")
        data["node_id"] = resident.node_id
    _one_live_card(session, community, resident_id, card)
    _spouse(session, community, data, card)
    _outflow_and_pregnancy(data, card)


# --- computed facts ----------------------------------------------------------------------------


def children_of(card: FpWoman, sex: str) -> int:
    """Children now living: the births on file here and those the card says live elsewhere."""
    here = sum(1 for child in card.children if child.sex == sex)
    return here + (card.elsewhere_sons if sex == "M" else card.elsewhere_daughters)


def half_year(card: FpWoman, day: date | None = None) -> bool | None:
    """居住满半年: an inflow woman here since at least six months (None: not an inflow)."""
    arrived = card.resident.arrived_on
    if card.residence != "inflow":
        return None
    return arrived is not None and arrived <= (day or today()) - timedelta(days=183)


def key_reasons(card: FpWoman, day: date | None = None) -> list[str]:
    """Why she is a key person to serve (重点服务对象) on ``day``."""
    day = day or today()
    reasons = []
    if card.married_on is not None and (day - card.married_on).days <= 365:
        reasons.append("newly_wed")
    if card.pregnancy == "pregnant":
        reasons.append("pregnant")
    if any(0 <= (day - child.born_on).days <= 42 for child in card.children):
        reasons.append("postnatal")
    if half_year(card, day) is False:
        reasons.append("new_inflow")
    return reasons


def exit_card(session: Session, card: FpWoman, data: dict[str, Any]) -> FpWoman:
    """出册: the card leaves the register on a day, for a reason (it stays, with its history)."""
    from .schemas import WomanSchema

    if card.status != "active":
        raise DomainError(_("This card is already off the register."), {"status": []})
    if not data.get("reason"):
        refuse("reason", _("Say why the card leaves the register."))
    on = data.get("on") or today()
    changes = {
        "status": [card.status, "exited"],
        "exit_reason": [card.exit_reason, data["reason"]],
        "exit_on": [card.exit_on, on],
    }
    card.status, card.exit_reason, card.exit_on = "exited", data["reason"], on
    session.flush()
    name = card.resident.name
    record_change(
        session,
        card,
        object_type="family_planning.woman",
        action="exit",
        changes=changes,
        summary=_("%(name)s left the register of married women", name=name),
        schema=WomanSchema(),
    )
    return card

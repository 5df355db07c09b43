"""The change kinds the registry applies (``jiedao_change_kinds``): what a building leader reports
about residents, households and units, and how an approved report is written into the registry.

Each ``apply`` uses the registry's own services (ID checks, history, audit) in the approval's
transaction and returns one line saying what it did; a refusal (a resident ID registered twice,
a person who already left) refuses the approval and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import (
    S2,
    ChangeKind,
    Choice,
    ChoiceSchema,
    Date,
    Number,
    Text,
    describe,
    not_future,
    refuse,
)
from core.tree import NodeRef
from tenants.models import Node

from . import residents
from .households import update_household
from .models import RegistryHousehold, RegistryResident, RegistryUnit
from .schemas import BirthCertificateField, CreditCodeField, ResidentIdField
from .units import create_unit
from .validators import mask_certificate, mask_id
from .vocabularies import GENDERS, PRESENT, RELATIONS, UNIT_KINDS

# --- what a leader picks at their building -----------------------------------------------------


def _at_building(
    model: Any, label: Callable[[Any], str], *where: Any, order: tuple[Any, ...]
) -> Callable[[Session, NodeRef], dict[int, str]]:
    """What a leader picks of ``model`` at their building: the rows there that meet ``where``,
    in ``order``, each as ``label`` names it."""

    def choices(session: Session, building: NodeRef) -> dict[int, str]:
        stmt = sa.select(model).where(model.node_id == building.id, *where).order_by(*order)
        return {row.id: label(row) for row in session.scalars(stmt)}

    return choices


# The building's households: "2单元301室 王明".
households_at = _at_building(
    RegistryHousehold,
    lambda h: f"{h.entrance + '单元' if h.entrance else ''}{h.room}室 {h.head_name}",
    RegistryHousehold.moved_out_on.is_(None),
    order=(RegistryHousehold.entrance, RegistryHousehold.room, RegistryHousehold.id),
)
# The building's residents living there now.
residents_at = _at_building(
    RegistryResident,
    lambda r: r.name,
    RegistryResident.status.in_(PRESENT),
    order=(RegistryResident.name, RegistryResident.id),
)
# The units (shops) registered at the building.
units_at = _at_building(RegistryUnit, lambda u: u.name, order=(RegistryUnit.name, RegistryUnit.id))


# --- the facts of each kind --------------------------------------------------------------------

HOUSEHOLD = _l("Household")
PERSON = _l("Person concerned")


def _household() -> ma.fields.Field:
    return Number(HOUSEHOLD, required=True)


def _person() -> ma.fields.Field:
    return Number(PERSON, required=True)


def _on(label: Any) -> ma.fields.Field:
    return Date(label, required=True, validate=not_future)


def _id_number(required: bool = True) -> ma.fields.Field:
    field = (
        ResidentIdField(required=True)
        if required
        else ResidentIdField(load_default=None, allow_none=True)
    )
    return describe(field, label=_l("Resident ID"), sensitivity=S2, mask=mask_id, widget="text")


class MoveInSchema(ChoiceSchema):
    """迁入: someone moves into a household of the building."""

    household_id = _household()
    name = Text(_l("Full name"), 50, required=True)
    id_number = _id_number()
    gender = Choice(_l("Gender"), GENDERS)
    relation = Choice(_l("Relation to the head"), RELATIONS, default="other")
    on = _on(_l("Date moved in"))


class BirthSchema(ChoiceSchema):
    """出生: a child born into a household of the building, with the birth certificate number
    until the ID is issued (落户)."""

    household_id = _household()
    name = Text(_l("Full name"), 50, required=True)
    birth_certificate_number = describe(
        BirthCertificateField(load_default=None, allow_none=True),
        label=_l("Birth certificate number"),
        sensitivity=S2,
        mask=mask_certificate,
        widget="text",
    )
    id_number = _id_number(required=False)
    gender = Choice(_l("Gender"), GENDERS)
    on = Date(_l("Date of birth"), required=True, validate=not_future)


class MoveOutSchema(ChoiceSchema):
    """迁出: who, and when."""

    resident_id = _person()
    on = _on(_l("Date moved out"))


class DeathSchema(ChoiceSchema):
    """死亡: who, and when."""

    resident_id = _person()
    on = _on(_l("Date of death"))


class MarriageSchema(ChoiceSchema):
    """结婚: who, the spouse's name, and when."""

    resident_id = _person()
    spouse_name = Text(_l("Spouse's name"), 50)
    on = _on(_l("Date of marriage"))


class DivorceSchema(MarriageSchema):
    """离婚: who, the former spouse's name, and when."""

    on = _on(_l("Date of divorce"))


class RentalSchema(ChoiceSchema):
    """出租: a flat of the building let to tenants."""

    household_id = Number(_l("Flat"), required=True)
    tenants = Number(_l("Number of tenants"), required=True, min=1, max=99)
    on = _on(_l("Date let"))


class ShopOpenSchema(ChoiceSchema):
    """新开店铺: a shop opens in the building; its credit code may come at verification."""

    name = Text(_l("Shop name"), 100, required=True)
    address = Text(_l("Address"), 200, required=True)
    kind = Choice(_l("Unit type"), UNIT_KINDS, default="shop")
    credit_code = describe(
        CreditCodeField(load_default=None, allow_none=True),
        label=_l("Unified social credit code"),
    )
    on = _on(_l("Opening date"))


class ShopCloseSchema(ChoiceSchema):
    """关闭店铺: a shop of the building closed."""

    unit_id = Number(_l("Shop"), required=True)
    on = _on(_l("Closing date"))


# --- applying ------------------------------------------------------------------------------------


def _community(session: Session, report: Any) -> Node:
    return session.get(Node, report.community_id)


def _resident(session: Session, facts: dict[str, Any]) -> RegistryResident:
    return session.get(RegistryResident, facts["resident_id"])


def _register(session: Session, report: Any, facts: dict[str, Any], **data: Any) -> str:
    """迁入 / 出生: the person reported registered in the household named; the line saying so."""
    data |= {key: facts.get(key) for key in ("name", "id_number", "gender", "household_id")}
    resident = residents.create_resident(session, _community(session, report), data)
    return _("Registered resident %(name)s", name=resident.name)


def apply_move_in(session: Session, report: Any, facts: dict[str, Any]) -> str:
    relation = facts.get("relation") or "other"
    return _register(session, report, facts, relation=relation, arrived_on=facts["on"])


def apply_birth(session: Session, report: Any, facts: dict[str, Any]) -> str:
    """The child is registered born on the day reported: with its ID the two must agree,
    without one its birth certificate number and gender are needed."""
    certificate = facts.get("birth_certificate_number")
    return _register(
        session,
        report,
        facts,
        birth_certificate_number=certificate,
        birth_date=facts["on"],
        relation="child",
    )


def apply_move_out(session: Session, report: Any, facts: dict[str, Any]) -> str:
    resident = residents.move_out(session, _resident(session, facts), facts["on"])
    return _("Moved out resident %(name)s", name=resident.name)


def apply_death(session: Session, report: Any, facts: dict[str, Any]) -> str:
    resident = residents.move_out(session, _resident(session, facts), facts["on"], deceased=True)
    return _("Recorded the death of %(name)s", name=resident.name)


def _note(record: Any, line: str) -> str:
    """The record's notes with ``line`` added at the end."""
    return f"{record.notes}\n{line}".strip() if record.notes else line


def _married(resident: RegistryResident) -> str:
    """The marital status a marriage gives: 再婚 after a divorce or a spouse's death."""
    return (
        "remarried"
        if resident.marital_status in ("divorced", "widowed", "remarried")
        else "first_marriage"
    )


def _marital(label: Any, status: Any):
    """结婚 / 离婚: the line in the notes and the marital status (which the legal marriage
    age may refuse)."""

    def apply(session: Session, report: Any, facts: dict[str, Any]) -> str:
        resident = _resident(session, facts)
        on: date = facts["on"]
        spouse = facts.get("spouse_name") or ""
        line = f"{on.isoformat()} {label}" + (f" ({spouse})" if spouse else "")
        residents.update_resident(
            session,
            resident,
            {"notes": _note(resident, line), "marital_status": status(resident)},
        )
        return f"{resident.name}: {line}"

    return apply


def apply_rental(session: Session, report: Any, facts: dict[str, Any]) -> str:
    household = session.get(RegistryHousehold, facts["household_id"])
    line = _(
        "%(date)s let to %(count)s tenants", date=facts["on"].isoformat(), count=facts["tenants"]
    )
    notes = _note(household, line)
    update_household(
        session,
        household,
        {"tenure": "rented", "rental": True, "tenant_count": facts["tenants"], "notes": notes},
    )
    return f"{household.address}: {line}"


def apply_shop_open(session: Session, report: Any, facts: dict[str, Any]) -> str:
    if not facts.get("credit_code"):
        refuse("credit_code", _("A unit needs its credit code: add it when verifying the report."))
    building = session.get(Node, report.node_id)
    unit = create_unit(
        session,
        _community(session, report),
        {
            "name": facts["name"],
            "credit_code": facts["credit_code"],
            "kind": facts.get("kind") or "shop",
            "address": facts["address"],
            "building": building.ref,
        },
    )
    return _("Registered unit %(name)s", name=unit.name)


def apply_shop_close(session: Session, report: Any, facts: dict[str, Any]) -> str:
    from .ledgers import units

    unit = session.get(RegistryUnit, facts["unit_id"])
    units.delete(session, unit)
    return _("Closed unit %(name)s", name=unit.name)


PEOPLE = {"resident_id": residents_at}
FLATS = {"household_id": households_at}

KINDS = [
    ChangeKind("move_in", _l("A resident moved in"), MoveInSchema, apply_move_in, FLATS, order=10),
    ChangeKind(
        "move_out",
        _l("A resident moved out"),
        MoveOutSchema,
        apply_move_out,
        PEOPLE,
        order=20,
    ),
    ChangeKind("rental", _l("Let to tenants"), RentalSchema, apply_rental, FLATS, order=30),
    ChangeKind("birth", _l("Birth"), BirthSchema, apply_birth, FLATS, order=40),
    ChangeKind("death", _l("Death"), DeathSchema, apply_death, PEOPLE, order=50),
    ChangeKind(
        "marriage",
        _l("Marriage"),
        MarriageSchema,
        _marital(_l("Married"), _married),
        PEOPLE,
        order=60,
    ),
    ChangeKind(
        "divorce",
        _l("Divorce"),
        DivorceSchema,
        _marital(_l("Divorced"), lambda _resident: "divorced"),
        PEOPLE,
        order=70,
    ),
    ChangeKind("shop_open", _l("New shop"), ShopOpenSchema, apply_shop_open, order=80),
    ChangeKind(
        "shop_close",
        _l("Shop closed"),
        ShopCloseSchema,
        apply_shop_close,
        {"unit_id": units_at},
        order=90,
    ),
]

"""计生特殊家庭台账, declared: a household of the registry and its confirmation steps."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, refuse
from plugins.registry.models import RegistryResident
from tenants.models import Node

from ..common import FpLedger
from ..women.rules import resident_here
from . import rules
from .models import FpFamily
from .schemas import FamilyImportSchema, FamilySchema, FamilyStepSchema


def import_family(session: Session, community: Node, data: dict[str, Any]) -> FpFamily:
    """A row of the family import: the parents found by their resident IDs in this community,
    the family placed at the household the first of them lives in; it comes in declared, to
    be confirmed as a family on the form is."""
    parents: dict[str, RegistryResident] = {}
    for role in ("father", "mother"):
        number = data.pop(f"{role}_id_number", None)
        if number:
            found = resident_here(session, community, number, f"{role}_id_number")
            parents[role] = session.get(RegistryResident, found)
    household = next((p.household_id for p in parents.values() if p.household_id), None)
    if household is None:
        refuse(
            "father_id_number", _("Give the resident ID of a parent living in a household here.")
        )
    ids = {f"{role}_id": person.id for role, person in parents.items()}
    return families.write_new(session, community, {**data, **ids, "household_id": household})


families = FpLedger(
    name="family",
    plural="families",
    model=FpFamily,
    schema=FamilySchema,
    fixed=("household_id",),
    title=_l("Ledger of family-planning special families"),
    label=_l("Family-planning family"),
    filters=(Filter("status"),),
    order=lambda: [FpFamily.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(FpFamily.household),
        selectinload(FpFamily.father),
        selectinload(FpFamily.mother),
    ),
    check=rules.check_family,
    title_of=lambda f: f.household.head_name,
    rollup=True,
    import_schema=FamilyImportSchema,
    import_row=import_family,
    workflow=rules.FAMILY_FLOW,
    steps=rules.FAMILY_FLOW.steps(
        FamilyStepSchema,
        "A confirmation step: street_check (街道审核), recognise (区认定, with the reference), "
        "enter (在册), send_back (with what it lacks), leave (退出, with why)",
    ),
    templates={"detail": "family_planning/record.html"},
)

LEDGERS = [families]

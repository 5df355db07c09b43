"""计生特殊家庭台账, declared: a household of the registry and its confirmation steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import FpLedger
from . import rules
from .models import FpFamily
from .schemas import FamilySchema, FamilyStepSchema

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
    options=lambda stmt: stmt.options(selectinload(FpFamily.household)),
    check=rules.check_family,
    title_of=lambda f: f.household.head_name,
    rollup=True,
    importable=False,
    workflow=rules.FAMILY_FLOW,
    steps=rules.FAMILY_FLOW.steps(
        FamilyStepSchema,
        "A confirmation step: street_check (街道审核), recognise (区认定, with the reference), "
        "enter (在册), send_back (with what it lacks), leave (退出, with why)",
    ),
    templates={"detail": "family_planning/record.html"},
)

LEDGERS = [families]

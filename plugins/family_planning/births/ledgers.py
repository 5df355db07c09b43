"""生育登记台账 and 出生人口登记台账, declared: filters, writers, the registration's steps."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, refuse
from tenants.models import Node

from ..common import FpLedger, today
from ..women.models import FpWoman
from ..women.rules import card_here
from . import rules
from .models import FpBirthReg, FpChild
from .schemas import (
    BirthRegImportSchema,
    BirthRegSchema,
    ChildImportSchema,
    ChildSchema,
    RegStepSchema,
)
from .workflow import REG_FLOW


def _mothers(stmt: sa.Select, model: type) -> sa.Select:
    return stmt.options(
        selectinload(model.woman).selectinload(FpWoman.resident),
        selectinload(model.woman).selectinload(FpWoman.children),
    )


def import_reg(session: Session, community: Node, data: dict[str, Any]) -> FpBirthReg:
    """A row of the registration import: the mother's card found by her resident ID; the
    registration is submitted by import (导入), numbered and given its deadline as any other."""
    card = card_here(session, community, data.pop("mother_id_number"), "mother_id_number")
    values = {**data, "woman_id": card.id, "channel": "import"}
    return birth_regs.write_new(session, community, values)


def import_child(session: Session, community: Node, data: dict[str, Any]) -> FpChild:
    """A row of the birth import: the mother's card by her resident ID, her registration by
    its number; the child joins the registry as a birth recorded on the form does."""
    card = card_here(session, community, data.pop("mother_id_number"), "mother_id_number")
    number = (data.pop("birth_reg_number", None) or "").strip()
    if number:
        reg_id = session.scalar(
            sa.select(FpBirthReg.id).where(
                FpBirthReg.woman_id == card.id,
                FpBirthReg.number == number,
                FpBirthReg.deleted_at.is_(None),
            )
        )
        if reg_id is None:
            refuse("birth_reg_number", _("The mother has no registration of this number."))
        data["birth_reg_id"] = reg_id
    return children.write_new(session, community, {**data, "woman_id": card.id})


birth_regs = FpLedger(
    name="birth_reg",
    plural="birth_regs",
    model=FpBirthReg,
    schema=BirthRegSchema,
    fixed=("woman_id",),
    title=_l("Birth registration ledger"),
    label=_l("Birth registration"),
    filters=(
        Filter("status"),
        Filter("child_order"),
        Filter.flag(
            "overdue",
            _l("Overdue"),
            lambda: sa.and_(FpBirthReg.status == "submitted", FpBirthReg.deadline < today()),
        ),
        Filter("year", "year", _l("Year"), column="applied_on"),
    ),
    order=lambda: [FpBirthReg.applied_on.desc(), FpBirthReg.id.desc()],
    options=lambda stmt: _mothers(stmt, FpBirthReg),
    check=rules.check_reg,
    title_of=lambda r: r.number,
    new_values=lambda: {"applied_on": today()},
    rollup=True,
    import_schema=BirthRegImportSchema,
    import_row=import_reg,
    workflow=REG_FLOW,
    steps=REG_FLOW.steps(
        RegStepSchema,
        "A step: correct (待补正, the street), resubmit, register (the street, with how the "
        "family was told), end; born is taken by recording the birth",
    ),
    templates={"detail": "family_planning/record.html"},
)

children = FpLedger(
    name="child",
    plural="children",
    model=FpChild,
    schema=ChildSchema,
    fixed=("woman_id",),
    title=_l("Birth population ledger"),
    label=_l("Birth"),
    filters=(
        Filter("sex"),
        Filter("match"),
        Filter("year", "year", _l("Year"), column="born_on"),
    ),
    order=lambda: [FpChild.born_on.desc(), FpChild.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(FpChild.woman).selectinload(FpWoman.resident),
        selectinload(FpChild.resident),
    ),
    create=rules.create_child,
    check=rules.check_child,
    title_of=lambda c: c.resident.name,
    rollup=True,
    import_schema=ChildImportSchema,
    import_row=import_child,
)

LEDGERS = [birth_regs, children]

"""生育登记台账 and 出生人口登记台账, declared: filters, writers, the registration's steps."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import FpLedger, today
from ..women.models import FpWoman
from . import rules
from .models import FpBirthReg, FpChild
from .schemas import BirthRegSchema, ChildSchema, RegStepSchema
from .workflow import REG_FLOW


def _mothers(stmt: sa.Select, model: type) -> sa.Select:
    return stmt.options(
        selectinload(model.woman).selectinload(FpWoman.resident),
        selectinload(model.woman).selectinload(FpWoman.children),
    )


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
    importable=False,
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
    importable=False,
)

LEDGERS = [birth_regs, children]

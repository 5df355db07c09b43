"""已婚育龄妇女信息卡 (一账), declared: its filters, rules, the exit step and its import by
resident ID; the export is named as staff file it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, Steps
from plugins.registry.models import RegistryResident

from ..common import FpLedger
from . import rules
from .models import FpWoman
from .schemas import ExitSchema, WomanImportSchema, WomanSchema


def _name(_session: Session, text: str) -> sa.ColumnElement[bool]:
    named = sa.select(RegistryResident.id).where(RegistryResident.name.startswith(text))
    return FpWoman.resident_id.in_(named)


def _exit(session: Session, card: FpWoman, _step: str, data: dict[str, Any]) -> FpWoman:
    return rules.exit_card(session, card, data)


def import_card(session: Session, community: Any, data: dict[str, Any]) -> FpWoman:
    """A row of the import: the woman found by her resident ID in this community's registry."""
    resident_id = rules.resident_here(session, community, data.pop("id_number"), "id_number")
    return women.write_new(session, community, {**data, "resident_id": resident_id})


women = FpLedger(
    name="woman",
    plural="women",
    model=FpWoman,
    schema=WomanSchema,
    fixed=("resident_id",),
    title=_l("Register of married women of childbearing age"),
    label=_l("Information card"),
    filters=(
        Filter("q", "text", _l("Name"), clause=_name),
        Filter("status"),
        Filter("residence"),
    ),
    order=lambda: [FpWoman.filed_on.desc(), FpWoman.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(FpWoman.resident), selectinload(FpWoman.children)
    ),
    check=rules.check_card,
    title_of=lambda w: w.resident.name,
    new_values=lambda: {"filed_on": rules.today()},
    rollup=True,
    steps=Steps(("exit",), ExitSchema, _exit, "出册: the card leaves the register (day, reason)"),
    import_schema=WomanImportSchema,
    import_row=import_card,
    templates={"detail": "family_planning/record.html"},
)


LEDGERS = [women]

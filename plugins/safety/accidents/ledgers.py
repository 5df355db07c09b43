"""The accident ledger (事故台账), declared: filters, order, the check, who sees the S3 fields."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import SENSITIVE, SafetyLedger
from .models import SafetyAccident
from .rules import check_accident
from .schemas import AccidentSchema

accidents = SafetyLedger(
    name="accident",
    model=SafetyAccident,
    schema=AccidentSchema,
    title=_l("Accident ledger"),
    label=_l("Accident"),
    sensitive=SENSITIVE,
    filters=(
        Filter("year", "year", _l("Year"), column="occurred_on"),
        Filter("kind"),
        Filter("grade"),
    ),
    order=lambda: [SafetyAccident.occurred_on.desc(), SafetyAccident.id.desc()],
    options=lambda stmt: stmt.options(selectinload(SafetyAccident.enterprise)),
    check=check_accident,
    title_of=lambda a: _("Accident of %(day)s", day=a.occurred_on.isoformat()),
    export_order=lambda: [SafetyAccident.occurred_on],
    templates={"detail": "safety/accident.html"},
    qualified_actions=True,
)

LEDGERS = [accidents]

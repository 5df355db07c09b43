"""What the 门前三包 letter form, the API, the list and the export accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    RecordId,
    Text,
    describe,
    record_choices,
)

from ..areas.models import EnvironmentArea
from ..areas.schemas import unit_choices
from .rules import DUTIES, LETTER_STATUSES, state_of

# What a letter is set to; 已到期 follows from its date.
KEPT_STATUSES = {k: v for k, v in LETTER_STATUSES.items() if k != "expired"}

area_choices = record_choices(EnvironmentArea.name)


def _duties() -> dict[str, Any]:
    return dict(DUTIES)


class LetterSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = RecordId(
        _l("Street-front shop"), required=True, widget="select", choices=unit_choices, shown=False
    )
    shop = Computed(_l("Street-front shop"), lambda x: x.unit.name, column=True, sort=False)
    address = Computed(_l("Address"), lambda x: x.unit.address or None)
    area_id = RecordId(_l("Area"), widget="select", choices=area_choices, shown=False)
    extent = Text(
        _l("Extent of responsibility"),
        200,
        help=_l("e.g. 门前至马路牙子，两侧至相邻门店分界"),
    )
    duties = Keys(_l("Duties"), _duties, default=list(DUTIES))
    signed_on = Date(_l("Signed on"), column=True, sort=True)
    valid_until = Date(
        _l("Valid until"), column=True, sort=True, help=_l("31 December of the year it is signed.")
    )
    signatory = Text(_l("Signed by"), 50, column=True)
    status = Choice(_l("Letter status"), KEPT_STATUSES, default="draft", export=False)
    state = Computed(_l("State"), lambda x: str(LETTER_STATUSES[state_of(x)]), column=True)
    previous_id = describe(
        ma.fields.Integer(dump_only=True, allow_none=True), label=_l("Renews letter"), export=False
    )

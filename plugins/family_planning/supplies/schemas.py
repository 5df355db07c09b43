"""What the contraceptive ledgers show and accept; the recipient of a movement is S3 (who
takes contraceptives is reproductive-health data)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    RecordId,
    Text,
    not_future,
    record_choices,
)

from ..common import today
from . import rules
from .models import FpSupplyItem

_items = record_choices(FpSupplyItem.name)


class SupplyItemSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Contraceptive"), 50, required=True, column=True, sort=True)
    spec = Text(_l("Specification"), 50, column=True)
    unit = Text(_l("Unit of count"), 10, column=True)
    stock = Computed(_l("Stock"), lambda i: _stock(i), column=True)


def _stock(item: FpSupplyItem) -> int:
    """Today's book stock from the item's movements and stock-takes (loaded with the page)."""
    return rules.stock_of(item, today())


class SupplyMoveSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    item_id = RecordId(
        _l("Contraceptive"), required=True, widget="select", choices=_items, shown=False
    )
    item = Computed(_l("Contraceptive"), lambda m: m.item.name, column=True)
    moved_on = Date(
        _l("Date of the movement"), required=True, validate=not_future, column=True, sort=True
    )
    kind = Choice(_l("Movement"), rules.MOVE_KINDS, required=True, column=True)
    quantity = Number(_l("Quantity"), required=True, min=1, max=100000, column=True)
    recipient = Text(_l("Given to"), 50, sensitivity=S3)
    reason = Text(_l("Reason"), 200)


class StockTakeSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    item_id = RecordId(
        _l("Contraceptive"), required=True, widget="select", choices=_items, shown=False
    )
    item = Computed(_l("Contraceptive"), lambda t: t.item.name, column=True)
    taken_on = Date(_l("Stock-take date"), validate=not_future, column=True, sort=True)
    book = Number(_l("Book stock"), dump_only=True, column=True)
    counted = Number(_l("Counted"), required=True, min=0, max=1000000, column=True)
    difference = Computed(_l("Difference"), lambda t: t.counted - t.book, column=True)
    reason = Text(_l("Reason for the difference"), 200, column=True)

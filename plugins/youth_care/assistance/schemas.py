"""What the 救助帮扶发放登记表's forms, API, list and export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    Schema,
    Text,
    amount,
    choice_label,
    not_future,
    optional_text,
)

from ..common import chosen_child
from . import rules


class AssistanceSchema(ChoiceSchema):
    """Help given to a child in care (救助帮扶)."""

    id = ma.fields.Integer(dump_only=True)
    child_id, child = chosen_child()
    given_on = Date(
        _l("Assistance given on"), required=True, validate=not_future, column=True, sort=True
    )
    kind = Choice(_l("Kind of assistance"), rules.KINDS, required=True, column=True)
    kind_label = choice_label("kind", rules.KINDS)
    amount = Number(_l("Amount (yuan)"), places=2, validate=amount, column=True)
    funder = Choice(_l("Funded by"), rules.FUNDERS, default="committee", column=True)
    handled_by = Text(_l("Person handling"), 50, column=True)
    note = Text(_l("Note"), 2000, widget="textarea")
    status = Choice(_l("Assistance status"), rules.STATUSES, dump_only=True, column=True)
    receipts = Computed(_l("Signed receipts attached"), lambda r: r.receipts, column=True)


class AssistanceStepSchema(Schema):
    """An assistance step: its date and a comment (the receipt is attached before the issue)."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)

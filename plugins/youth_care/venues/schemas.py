"""What the 网吧巡查记录's form, API, list and export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Choice, ChoiceSchema, Date, ResultSchema, Text, chosen_record, describe

from .rules import CHECK_KINDS, venue_choices


class VenueItemSchema(ResultSchema):
    """One result of the venue checklist, as core scores it."""


class VenueCheckSchema(ChoiceSchema):
    """A check of an internet café or entertainment venue."""

    id = ma.fields.Integer(dump_only=True)
    unit_id, venue = chosen_record(
        _l("Venue checked"), venue_choices, lambda c: c.unit.name, required=True
    )
    done_on = Date(_l("Patrolled on"), required=True, column=True, sort=True)
    kind = Choice(_l("Kind of venue check"), CHECK_KINDS, default="patrol", column=True)
    checkers = Text(_l("Checked by"), 200, column=True)
    checklist = describe(
        ma.fields.List(ma.fields.Nested(VenueItemSchema), load_default=None, allow_none=True),
        label=_l("Venue checklist"),
        export=False,
    )
    findings = Text(_l("Findings of the check"), 5000, widget="textarea")
    refer_by = Date(_l("Refer by"), dump_only=True, column=True)

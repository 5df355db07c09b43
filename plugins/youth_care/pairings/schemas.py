"""What the 结对帮扶登记表's forms, API, list and export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Choice,
    ChoiceSchema,
    Date,
    Schema,
    Text,
    choice,
    choice_label,
    chosen_record,
    optional_text,
    record_choices,
)
from core.volunteers.models import Volunteer

from ..common import chosen_child
from . import rules


def _partner_unit_choices() -> dict[int, str]:
    from plugins.registry.models import RegistryUnit

    return record_choices(RegistryUnit.name)()


class PairingSchema(ChoiceSchema):
    """A pairing (结对帮扶)."""

    id = ma.fields.Integer(dump_only=True)
    child_id, child = chosen_child()
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer paired"),
        record_choices(Volunteer.name),
        lambda p: p.volunteer.name if p.volunteer else None,
    )
    unit_id, unit = chosen_record(
        _l("Partner unit"), _partner_unit_choices, lambda p: p.unit.name if p.unit else None
    )
    starts_on = Date(_l("Pairing starts on"), required=True, column=True, sort=True)
    planned_end_on = Date(_l("Planned end"), column=True)
    content = Text(_l("Help given"), 2000, widget="textarea")
    goal = Text(_l("Goal of the pairing"), 2000, widget="textarea")
    frequency = Choice(_l("Contact frequency"), rules.FREQUENCIES, default="monthly", column=True)
    status = Choice(_l("Pairing status"), rules.STATUSES, dump_only=True, column=True)
    status_label = choice_label("status", rules.STATUSES)
    outcome = Text(_l("Pairing outcome"), 2000, dump_only=True)
    evaluation = Choice(_l("Evaluation"), rules.EVALUATIONS, dump_only=True, column=True)
    deadline = Date(_l("Outcome due by"), dump_only=True)


class PairingStepSchema(Schema):
    """A pairing's step: its date, a comment, and for its end the outcome and evaluation."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    outcome = optional_text(2000, metadata={"label": _l("Pairing outcome"), "steps": ("end",)})
    evaluation = choice(
        rules.EVALUATIONS,
        load_default=None,
        allow_none=True,
        metadata={"label": _l("Evaluation"), "steps": ("end",)},
    )

"""What the accident forms, the API and the export accept and show; the casualty details and
the liability findings are S3."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S3,
    Boolean,
    Choice,
    ChoiceSchema,
    Date,
    Number,
    Text,
    amount,
    choice_label,
    not_future,
)

from ..common import chosen_enterprise
from .rules import ACCIDENT_GRADES, ACCIDENT_KINDS


def _people(label: object) -> ma.fields.Field:
    return Number(label, default=0, min=0, max=100000, column=True)


class AccidentSchema(ChoiceSchema):
    """An accident (事故)."""

    id = ma.fields.Integer(dump_only=True)
    occurred_on = Date(
        _l("Occurred on"), required=True, validate=not_future, column=True, sort=True
    )
    enterprise_id, enterprise = chosen_enterprise()
    place = Text(_l("Place"), 200, column=True)
    kind = Choice(_l("Kind"), ACCIDENT_KINDS, default="other", column=True)
    kind_label = choice_label("kind", ACCIDENT_KINDS)
    grade = Choice(_l("Grade"), ACCIDENT_GRADES, default="general", column=True)
    grade_label = choice_label("grade", ACCIDENT_GRADES)
    deaths = _people(_l("Deaths"))
    serious_injuries = _people(_l("Serious injuries"))
    minor_injuries = _people(_l("Minor injuries"))
    direct_loss = Number(_l("Direct loss (10,000 yuan)"), places=2, validate=amount)
    summary = Text(_l("Summary"), 5000, widget="textarea")
    cause = Text(_l("Cause"), 5000, widget="textarea")
    measures = Text(_l("Measures"), 5000, widget="textarea")
    meeting_held = Boolean(_l("On-site meeting held"))
    meeting_on = Date(_l("On-site meeting on"), validate=not_future)
    lessons = Text(_l("Lessons"), 5000, widget="textarea")
    casualty_details = Text(_l("Casualty details"), 5000, sensitivity=S3, widget="textarea")
    liability = Text(_l("Liability findings"), 5000, sensitivity=S3, widget="textarea")

"""What the activity forms, the API and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import ChoiceSchema, choice, describe, optional_text, required_text

from ..common import choice_label, held_on_date
from .services import ACTIVITY_KINDS


class ActivitySchema(ChoiceSchema):
    """A publicity activity (宣传活动)."""

    id = ma.fields.Integer(dump_only=True)
    kind = describe(choice(ACTIVITY_KINDS, load_default="other"), label=_l("Kind"), column=True)
    kind_label = choice_label("kind", ACTIVITY_KINDS)
    title = describe(required_text(200), label=_l("Title"), column=True, sort=True)
    held_on = held_on_date()
    place = describe(optional_text(200), label=_l("Place"), column=True)
    headcount = describe(
        ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=1000000)),
        label=_l("Participants"),
        column=True,
    )
    organiser = describe(optional_text(100), label=_l("Organiser"))
    summary = describe(optional_text(5000), label=_l("Summary"), widget="textarea")

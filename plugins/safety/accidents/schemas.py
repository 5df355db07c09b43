"""What the accident forms, the API and the export accept and show; the casualty details and
the liability findings are S3."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import S3, ChoiceSchema, amount, choice, describe, not_future, optional_text

from ..common import choice_label, chosen_enterprise
from .rules import ACCIDENT_GRADES, ACCIDENT_KINDS

OPTIONAL = {"load_default": None, "allow_none": True}


def _people(label: object) -> ma.fields.Field:
    return describe(
        ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=100000)),
        label=label,
        column=True,
    )


class AccidentSchema(ChoiceSchema):
    """An accident (事故)."""

    id = ma.fields.Integer(dump_only=True)
    occurred_on = describe(
        ma.fields.Date(required=True, validate=not_future),
        label=_l("Occurred on"),
        column=True,
        sort=True,
    )
    enterprise_id, enterprise = chosen_enterprise()
    place = describe(optional_text(200), label=_l("Place"), column=True)
    kind = describe(choice(ACCIDENT_KINDS, load_default="other"), label=_l("Kind"), column=True)
    kind_label = choice_label("kind", ACCIDENT_KINDS)
    grade = describe(
        choice(ACCIDENT_GRADES, load_default="general"), label=_l("Grade"), column=True
    )
    grade_label = choice_label("grade", ACCIDENT_GRADES)
    deaths = _people(_l("Deaths"))
    serious_injuries = _people(_l("Serious injuries"))
    minor_injuries = _people(_l("Minor injuries"))
    direct_loss = describe(
        ma.fields.Decimal(places=2, as_string=True, **OPTIONAL, validate=amount),
        label=_l("Direct loss (10,000 yuan)"),
    )
    summary = describe(optional_text(5000), label=_l("Summary"), widget="textarea")
    cause = describe(optional_text(5000), label=_l("Cause"), widget="textarea")
    measures = describe(optional_text(5000), label=_l("Measures"), widget="textarea")
    meeting_held = describe(ma.fields.Boolean(load_default=False), label=_l("On-site meeting held"))
    meeting_on = describe(
        ma.fields.Date(**OPTIONAL, validate=not_future), label=_l("On-site meeting on")
    )
    lessons = describe(optional_text(5000), label=_l("Lessons"), widget="textarea")
    casualty_details = describe(
        optional_text(5000), label=_l("Casualty details"), sensitivity=S3, widget="textarea"
    )
    liability = describe(
        optional_text(5000), label=_l("Liability findings"), sensitivity=S3, widget="textarea"
    )

"""What the training forms, the API and the export accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import (
    ChoiceSchema,
    choice,
    chosen_record,
    describe,
    optional_text,
    record_choices,
    required_text,
)

from ..common import choice_label, chosen_enterprise, held_on_date
from .models import SafetyTraining
from .services import POSTS, THREE_POSTS, TRAINING_CATEGORIES

OPTIONAL = {"load_default": None, "allow_none": True}


def _hours(value: Any) -> None:
    """A plain function, not ``Range``: apispec would write a Decimal range as strings."""
    if value is not None and not 0 <= value <= 1000:
        raise ma.ValidationError(_("Give a number of hours between 0 and 1000."))


# The community's sessions, newest first (the new trainee form's select).
training_choices = record_choices(
    SafetyTraining.held_on, SafetyTraining.title, order=[SafetyTraining.held_on.desc()]
)


class TrainingSchema(ChoiceSchema):
    """A training session (培训)."""

    id = ma.fields.Integer(dump_only=True)
    title = describe(required_text(200), label=_l("Title"), column=True, sort=True)
    category = describe(
        choice(TRAINING_CATEGORIES, load_default="general"), label=_l("Category"), column=True
    )
    category_label = choice_label("category", TRAINING_CATEGORIES)
    held_on = held_on_date()
    place = describe(optional_text(200), label=_l("Place"), column=True)
    teacher = describe(optional_text(100), label=_l("Teacher"), column=True)
    hours = describe(
        ma.fields.Decimal(places=1, as_string=True, **OPTIONAL, validate=_hours),
        label=_l("Hours"),
    )
    notes = describe(optional_text(2000), label=_l("Notes"), widget="textarea")
    trainees = describe(
        ma.fields.Function(lambda t: len(t.trainees), dump_only=True),
        label=_l("Trainees"),
        column=True,
        export=False,
    )


class TraineeSchema(ChoiceSchema):
    """A person trained; the three key posts carry a certificate."""

    id = ma.fields.Integer(dump_only=True)
    training_id, training = chosen_record(
        _l("Training"), training_choices, lambda t: t.training.title, export=False
    )
    name = describe(required_text(50), label=_l("Full name"), column=True, sort=True)
    enterprise_id, enterprise = chosen_enterprise()
    post = describe(choice(POSTS, load_default="frontline"), label=_l("Post"), column=True)
    post_label = choice_label("post", POSTS)
    three_posts = ma.fields.Function(lambda t: t.post in THREE_POSTS, dump_only=True)
    certificate_number = describe(optional_text(40), label=_l("Certificate number"), column=True)
    certificate_issued_on = describe(ma.fields.Date(**OPTIONAL), label=_l("Certificate issued on"))
    certificate_expires_on = describe(
        ma.fields.Date(**OPTIONAL), label=_l("Certificate expires on"), column=True, sort=True
    )
    passed = describe(ma.fields.Boolean(load_default=True), label=_l("Passed"), column=True)

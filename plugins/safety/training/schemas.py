"""What the training forms, the API and the export accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Boolean,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    Text,
    choice_label,
    chosen_record,
    record_choices,
)

from ..common import chosen_enterprise, held_on_date
from .models import SafetyTraining
from .services import POSTS, THREE_POSTS, TRAINING_CATEGORIES


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
    title = Text(_l("Title"), 200, required=True, column=True, sort=True)
    category = Choice(_l("Category"), TRAINING_CATEGORIES, default="general", column=True)
    category_label = choice_label("category", TRAINING_CATEGORIES)
    held_on = held_on_date()
    place = Text(_l("Place"), 200, column=True)
    teacher = Text(_l("Teacher"), 100, column=True)
    hours = Number(_l("Hours"), places=1, validate=_hours)
    notes = Text(_l("Notes"), 2000, widget="textarea")
    trainees = Computed(_l("Trainees"), lambda t: len(t.trainees), column=True, export=False)


class TraineeSchema(ChoiceSchema):
    """A person trained; the three key posts carry a certificate."""

    id = ma.fields.Integer(dump_only=True)
    training_id, training = chosen_record(
        _l("Training"), training_choices, lambda t: t.training.title, export=False
    )
    name = Text(_l("Full name"), 50, required=True, column=True, sort=True)
    enterprise_id, enterprise = chosen_enterprise()
    post = Choice(_l("Post"), POSTS, default="frontline", column=True)
    post_label = choice_label("post", POSTS)
    three_posts = ma.fields.Function(lambda t: t.post in THREE_POSTS, dump_only=True)
    certificate_number = Text(_l("Certificate number"), 40, column=True)
    certificate_issued_on = Date(_l("Certificate issued on"))
    certificate_expires_on = Date(_l("Certificate expires on"), column=True, sort=True)
    passed = Boolean(_l("Passed"), default=True, column=True)

"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``major``) or what a user sees (重大隐患), so spreadsheets can use words."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.validation import (
    ChoiceSchema,
    Schema,
    amount,
    choice,
    not_future,
    optional_text,
    required_text,
)

from . import services


class SettingsSchema(Schema):
    """Per-community settings (Modules page): rectification deadlines and the training target."""

    general_deadline_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["general_deadline_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Days to rectify a general hazard")},
    )
    major_deadline_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["major_deadline_days"],
        validate=ma.validate.Range(min=1, max=730),
        metadata={"label": _l("Days to rectify a major hazard")},
    )
    training_target = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["training_target"],
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"label": _l("Three-key-post trainees a year (target)")},
    )
    certificate_warning_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["certificate_warning_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Warn of certificates expiring within (days)")},
    )


# === training, accidents, activities ==========================================================


_DATE = {"allow_none": True, "load_default": None}


def _hours(value: Any) -> None:
    """A plain function, not ``Range``: apispec would write a Decimal range as strings."""
    if value is not None and not 0 <= value <= 1000:
        raise ma.ValidationError(_("Give a number of hours between 0 and 1000."))


class TrainingSchema(ChoiceSchema):
    """A training session (培训)."""

    id = ma.fields.Integer(dump_only=True)
    title = required_text(200, metadata={"label": _l("Title")})
    category = choice(services.TRAINING_CATEGORIES, load_default="general")
    held_on = ma.fields.Date(required=True, metadata={"label": _l("Held on")})
    place = optional_text(200, metadata={"label": _l("Place")})
    teacher = optional_text(100, metadata={"label": _l("Teacher")})
    hours = ma.fields.Decimal(
        places=1,
        as_string=True,
        allow_none=True,
        load_default=None,
        validate=_hours,
        metadata={"label": _l("Hours")},
    )
    notes = optional_text(2000, metadata={"label": _l("Notes")})


class TraineeSchema(ChoiceSchema):
    """A person trained; the three key posts carry a certificate."""

    id = ma.fields.Integer(dump_only=True)
    training_id = ma.fields.Integer(dump_only=True)
    name = required_text(50, metadata={"label": _l("Full name")})
    enterprise_id = ma.fields.Integer(
        allow_none=True, load_default=None, metadata={"label": _l("Enterprise")}
    )
    post = choice(services.POSTS, load_default="frontline")
    certificate_number = optional_text(40, metadata={"label": _l("Certificate number")})
    certificate_issued_on = ma.fields.Date(**_DATE, metadata={"label": _l("Certificate issued on")})
    certificate_expires_on = ma.fields.Date(
        **_DATE, metadata={"label": _l("Certificate expires on")}
    )
    passed = ma.fields.Boolean(load_default=True, metadata={"label": _l("Passed")})


class AccidentSchema(ChoiceSchema):
    """An accident (事故); ``casualty_details`` and ``liability`` are sensitive."""

    id = ma.fields.Integer(dump_only=True)
    occurred_on = ma.fields.Date(
        required=True, validate=not_future, metadata={"label": _l("Occurred on")}
    )
    enterprise_id = ma.fields.Integer(
        allow_none=True, load_default=None, metadata={"label": _l("Enterprise")}
    )
    place = optional_text(200, metadata={"label": _l("Place")})
    kind = choice(services.ACCIDENT_KINDS, load_default="other")
    grade = choice(services.ACCIDENT_GRADES, load_default="general")
    deaths = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"label": _l("Deaths")},
    )
    serious_injuries = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"label": _l("Serious injuries")},
    )
    minor_injuries = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"label": _l("Minor injuries")},
    )
    direct_loss = ma.fields.Decimal(
        places=2,
        as_string=True,
        allow_none=True,
        load_default=None,
        validate=amount,
        metadata={"label": _l("Direct loss (10,000 yuan)")},
    )
    summary = optional_text(5000, metadata={"label": _l("Summary")})
    cause = optional_text(5000, metadata={"label": _l("Cause")})
    measures = optional_text(5000, metadata={"label": _l("Measures")})
    meeting_held = ma.fields.Boolean(
        load_default=False, metadata={"label": _l("On-site meeting held")}
    )
    meeting_on = ma.fields.Date(**_DATE, metadata={"label": _l("On-site meeting on")})
    lessons = optional_text(5000, metadata={"label": _l("Lessons")})
    casualty_details = optional_text(5000, metadata={"label": _l("Casualty details")})
    liability = optional_text(5000, metadata={"label": _l("Liability findings")})


class ActivitySchema(ChoiceSchema):
    """A publicity activity (宣传活动)."""

    id = ma.fields.Integer(dump_only=True)
    kind = choice(services.ACTIVITY_KINDS, load_default="other")
    title = required_text(200, metadata={"label": _l("Title")})
    held_on = ma.fields.Date(required=True, metadata={"label": _l("Held on")})
    place = optional_text(200, metadata={"label": _l("Place")})
    headcount = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=1000000),
        metadata={"label": _l("Participants")},
    )
    organiser = optional_text(100, metadata={"label": _l("Organiser")})
    summary = optional_text(5000, metadata={"label": _l("Summary")})


__all__ = ["ChoiceSchema", "SettingsSchema"]

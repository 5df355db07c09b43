"""What the form and the API accept and return, and the per-community settings."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.validation import Schema, required_text

from .services import today


def _not_in_the_future(value: date) -> None:
    if value > today():
        raise ma.ValidationError(_("A visit cannot be in the future."))
    if value.year < 2000:
        raise ma.ValidationError(_("Give the date of the visit (YYYY-MM-DD)."))


class VisitSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    elder_name = required_text(50, metadata={"description": "the elder's name"})
    visit_date = ma.fields.Date(required=True, validate=_not_in_the_future)
    visitor = required_text(50, metadata={"description": "who visited"})
    needs = ma.fields.String(
        load_default="",
        allow_none=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "what the elder needs, e.g. 助餐、助浴、就医陪同"},
    )
    notes = ma.fields.String(
        load_default="", allow_none=True, validate=ma.validate.Length(max=2000)
    )
    created_at = ma.fields.DateTime(dump_only=True)


class SettingsSchema(ma.Schema):
    """Per-community settings; ``load_default`` is what a community starts with."""

    visits_per_month = ma.fields.Integer(
        load_default=2,
        validate=ma.validate.Range(min=1, max=31),
        metadata={"label": _l("Visits per elder per month")},
    )

"""What the form, the API and the spreadsheet import accept and return, and the per-community
settings. Each field describes itself (label, sensitivity, list column): the pages, the export
and the history are generated from it."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    ChoiceSchema,
    choice,
    describe,
    optional_text,
    phone_number,
    required_text,
    today,
)

KINDS = {"home": _l("Home visit"), "phone": _l("Phone call")}


def _visit_date(value: date) -> None:
    if value > today():
        raise ma.ValidationError(_("A visit cannot be in the future."))
    if value.year < 2000:
        raise ma.ValidationError(_("Give the date of the visit (YYYY-MM-DD)."))


class VisitSchema(ChoiceSchema):  # unknown fields refused, strings stripped, choice labels taken
    id = ma.fields.Integer(dump_only=True)
    elder_name = describe(
        required_text(50, metadata={"description": "the elder's name"}),
        label=_l("Elder"),
        column=True,
        sort=True,
    )
    phone = describe(
        ma.fields.String(
            load_default=None,
            allow_none=True,
            validate=[phone_number, ma.validate.Length(max=20)],
            metadata={"description": "the elder's phone, masked for who may not see it"},
        ),
        label=_l("Elder's phone"),
        sensitivity=S2,
        column=True,
    )
    kind = describe(choice(KINDS, load_default="home"), label=_l("Kind of visit"), column=True)
    visit_date = describe(
        ma.fields.Date(required=True, validate=_visit_date),
        label=_l("Visit date"),
        column=True,
        sort=True,
    )
    visitor = describe(
        required_text(50, metadata={"description": "who visited"}), label=_l("Visitor"), column=True
    )
    needs = describe(
        optional_text(200, metadata={"description": "what the elder needs, e.g. 助餐、助浴"}),
        label=_l("Elder's needs"),
        column=True,
        help=_l("For example: meals, bathing, a companion to the hospital"),
    )
    notes = describe(optional_text(2000), label=_l("Notes"))
    created_at = ma.fields.DateTime(dump_only=True)


class SettingsSchema(ma.Schema):
    """Per-community settings; ``load_default`` is what a community starts with."""

    visits_per_month = ma.fields.Integer(
        load_default=2,
        validate=ma.validate.Range(min=1, max=31),
        metadata={"label": _l("Visits per elder per month")},
    )

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
    Choice,
    ChoiceSchema,
    Date,
    Text,
    phone_number,
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
    elder_name = Text(
        _l("Elder"), 50, required=True, description="the elder's name", column=True, sort=True
    )
    phone = Text(
        _l("Elder's phone"),
        20,
        validate=phone_number,
        description="the elder's phone, masked for who may not see it",
        sensitivity=S2,
        column=True,
    )
    kind = Choice(_l("Kind of visit"), KINDS, default="home", column=True)
    visit_date = Date(_l("Visit date"), required=True, validate=_visit_date, column=True, sort=True)
    visitor = Text(_l("Visitor"), 50, required=True, description="who visited", column=True)
    needs = Text(
        _l("Elder's needs"),
        200,
        description="what the elder needs, e.g. 助餐、助浴",
        column=True,
        help=_l("For example: meals, bathing, a companion to the hospital"),
    )
    notes = Text(_l("Notes"), 2000)
    created_at = ma.fields.DateTime(dump_only=True)


class SettingsSchema(ma.Schema):
    """Per-community settings; ``load_default`` is what a community starts with."""

    visits_per_month = ma.fields.Integer(
        load_default=2,
        validate=ma.validate.Range(min=1, max=31),
        metadata={"label": _l("Visits per elder per month")},
    )

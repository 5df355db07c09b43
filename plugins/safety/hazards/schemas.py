"""What the hazard forms, the API, the export and the import accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    ChoiceSchema,
    Schema,
    choice,
    describe,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)
from plugins.registry.schemas import building_select

from ..common import chosen_enterprise
from .workflow import HAZARD_CATEGORIES, HAZARD_STATUSES, SEVERITIES, import_problems, is_overdue

OPTIONAL_DATE = {"load_default": None, "allow_none": True}


class HazardSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    number = describe(
        optional_text(30, metadata={"description": "隐患编号; numbered YH<year>-NNNN if left out"}),
        label=_l("Hazard number"),
        column=True,
        sort=True,
        help=_l("Numbered automatically if left empty"),
    )
    inspection_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Inspection"),
        widget="hidden",
        export=False,
    )
    enterprise_id, enterprise = chosen_enterprise()
    building = building_select()
    location = describe(optional_text(200), label=_l("Location"))
    description = describe(
        required_text(2000), label=_l("Hazard description"), column=True, widget="textarea"
    )
    category = describe(
        choice(HAZARD_CATEGORIES, load_default="other"), label=_l("Category"), column=True
    )
    severity = describe(
        choice(SEVERITIES, load_default="general"),
        label=_l("Severity"),
        column=True,
        widget="radio",
    )
    found_on = describe(
        ma.fields.Date(**OPTIONAL_DATE), label=_l("Found on"), column=True, sort=True
    )
    found_by = describe(optional_text(100), label=_l("Found by"))
    notice_number = describe(
        ma.fields.String(dump_only=True), label=_l("Rectification notice number")
    )
    notice_issued_on = ma.fields.Date(dump_only=True)
    deadline = describe(
        ma.fields.Date(**OPTIONAL_DATE, metadata={"description": "defaults from the settings"}),
        label=_l("Rectification deadline"),
        column=True,
        sort=True,
        help=_l("Left empty: the community's rectification period from the date found."),
    )
    responsible_person = describe(optional_text(50), label=_l("Person responsible"))
    responsible_phone = describe(
        ma.fields.String(load_default=None, allow_none=True, validate=phone_number),
        label=_l("Phone"),
        export=False,
    )
    measures = describe(
        optional_text(2000), label=_l("Rectification required"), widget="textarea", export=False
    )
    status = describe(
        ma.fields.String(dump_only=True, metadata={"choices": HAZARD_STATUSES}),
        label=_l("Status"),
        column=True,
    )
    closed_on = describe(ma.fields.Date(dump_only=True), label=_l("Rectified on"))
    reopened = ma.fields.Integer(dump_only=True)
    supervised_on = describe(ma.fields.Date(dump_only=True), label=_l("Listed for supervision on"))
    overdue = describe(
        ma.fields.Function(lambda h: is_overdue(h), dump_only=True),
        label=_l("Overdue"),
    )
    created_at = ma.fields.DateTime(dump_only=True)


class TransitionSchema(Schema):
    """A workflow step: its date, a comment, and for a notice its number, deadline and the
    person responsible (a re-opening may set a new deadline)."""

    on = ma.fields.Date(**OPTIONAL_DATE)
    comment = optional_text(2000)
    notice_number = optional_text(40)
    deadline = ma.fields.Date(**OPTIONAL_DATE)
    responsible_person = optional_text(50)
    responsible_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    measures = optional_text(2000)


class HazardImportSchema(ChoiceSchema):
    """A row of the historical hazard import (the hazard export's columns; community and
    overdue ignored). Dates that contradict each other are refused per row and column."""

    number = optional_text(30)
    community = ma.fields.String(load_default=None, allow_none=True)  # ignored
    found_on = ma.fields.Date(required=True, validate=not_future)
    description = required_text(2000)
    location = optional_text(200)
    category = choice(HAZARD_CATEGORIES, load_default="other")
    severity = choice(SEVERITIES, load_default="general")
    enterprise = optional_text(100)
    found_by = optional_text(100)
    notice_number = optional_text(40)
    deadline = ma.fields.Date(**OPTIONAL_DATE)
    responsible_person = optional_text(50)
    status = choice(HAZARD_STATUSES, required=True)
    closed_on = ma.fields.Date(**OPTIONAL_DATE, validate=not_future)
    overdue = ma.fields.String(load_default=None, allow_none=True)  # ignored

    @ma.validates_schema
    def _dates(self, data: dict, **_kwargs: object) -> None:
        problems = import_problems(data)
        if problems:
            raise ma.ValidationError({key: [message] for key, message in problems.items()})

"""What the hazard forms, the API, the export and the import accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    RecordId,
    Schema,
    Text,
    choice,
    not_future,
    optional_text,
    phone_number,
    required_text,
)
from plugins.registry.schemas import building_select

from ..common import chosen_enterprise
from .workflow import HAZARD_CATEGORIES, HAZARD_STATUSES, SEVERITIES, import_problems, is_overdue

OPTIONAL_DATE = {"load_default": None, "allow_none": True}


class HazardSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    number = Text(
        _l("Hazard number"),
        30,
        description="隐患编号; numbered YH<year>-NNNN if left out",
        column=True,
        sort=True,
        help=_l("Numbered automatically if left empty"),
    )
    inspection_id = RecordId(_l("Inspection"), widget="hidden", export=False)
    enterprise_id, enterprise = chosen_enterprise()
    building = building_select()
    location = Text(_l("Location"), 200)
    description = Text(
        _l("Hazard description"), 2000, required=True, column=True, widget="textarea"
    )
    category = Choice(_l("Category"), HAZARD_CATEGORIES, default="other", column=True)
    severity = Choice(_l("Severity"), SEVERITIES, default="general", column=True, widget="radio")
    found_on = Date(_l("Found on"), column=True, sort=True)
    found_by = Text(_l("Found by"), 100)
    notice_number = Text(_l("Rectification notice number"), dump_only=True)
    notice_issued_on = ma.fields.Date(dump_only=True)
    deadline = Date(
        _l("Rectification deadline"),
        description="defaults from the settings",
        column=True,
        sort=True,
        help=_l("Left empty: the community's rectification period from the date found."),
    )
    responsible_person = Text(_l("Person responsible"), 50)
    responsible_phone = Text(_l("Phone"), validate=phone_number, export=False)
    measures = Text(_l("Rectification required"), 2000, widget="textarea", export=False)
    status = Choice(_l("Status"), HAZARD_STATUSES, dump_only=True, column=True)
    closed_on = Date(_l("Rectified on"), dump_only=True)
    reopened = ma.fields.Integer(dump_only=True)
    supervised_on = Date(_l("Listed for supervision on"), dump_only=True)
    overdue = Computed(_l("Overdue"), lambda h: is_overdue(h))
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

"""What the inspection form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    ChoiceSchema,
    ResultSchema,
    checklist_version,
    choice,
    describe,
    optional_text,
    record_id,
    round_choices,
)
from plugins.registry.schemas import building_select

from ..common import enterprise_select
from .rules import INSPECTION_KINDS, TARGET_KINDS, inspection_target

DATE = {"load_default": None, "allow_none": True}


class CheckItemSchema(ResultSchema):
    """One result of the safety checklist, as core scores it."""


class InspectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    done_on = describe(
        ma.fields.Date(**DATE),
        label=_l("Done on"),
        column=True,
        sort=True,
        help=_l("Leave empty for an inspection that is only planned."),
    )
    planned_on = describe(
        ma.fields.Date(**DATE), label=_l("Planned for"), column=True, sort=True, export=False
    )
    kind = describe(
        choice(INSPECTION_KINDS, load_default="routine"),
        label=_l("Kind of inspection"),
        column=True,
        widget="select",
    )
    target = describe(
        ma.fields.Function(inspection_target, dump_only=True), label=_l("Inspected"), column=True
    )
    target_kind = describe(
        choice(TARGET_KINDS, load_default=None, allow_none=True),
        label=_l("Inspection target"),
        widget="select",
        export=False,
        help=_l(
            "Which checklist applies: an enterprise, a building, an area, a household or a rented flat."
        ),
    )
    target_name = describe(
        optional_text(200),
        label=_l("Household or flat"),
        export=False,
        help=_l("For a household or a rented flat: its address, e.g. 3号楼2单元101."),
    )
    round_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Inspection round"),
        widget="select",
        choices=round_choices("safety"),
        shown=False,
    )
    checklist_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Template version"),
        form=False,
        shown=False,
    )
    checklist_version = describe(
        ma.fields.Function(checklist_version, dump_only=True),
        label=_l("Template version"),
        export=False,
    )
    total_score = describe(
        ma.fields.Float(dump_only=True, allow_none=True),
        label=_l("Total score"),
        column=True,
        export=False,
    )
    planned = ma.fields.Boolean(load_default=False)
    enterprise_id = enterprise_select()
    building = building_select()
    area = describe(
        optional_text(200),
        label=_l("Area"),
        export=False,
        help=_l(
            "When the inspection covers an area rather than an enterprise, e.g. 3号院 courtyards."
        ),
    )
    inspectors = describe(optional_text(200), label=_l("Inspectors"), column=True)
    checklist = describe(
        ma.fields.List(ma.fields.Nested(CheckItemSchema), **DATE),
        label=_l("Checklist"),
        export=False,
        help=_l("Add an item in the empty row; clear an item to leave it out."),
    )
    findings = describe(optional_text(5000), label=_l("Findings"), widget="textarea")
    hazards_found = describe(
        ma.fields.Function(lambda i: len(i.hazards), dump_only=True), label=_l("Hazards found")
    )
    created_at = ma.fields.DateTime(dump_only=True)

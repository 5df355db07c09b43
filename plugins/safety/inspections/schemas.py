"""What the inspection form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    RecordId,
    ResultSchema,
    Text,
    checklist_version,
    describe,
    round_choices,
)
from plugins.registry.schemas import building_select

from ..common import enterprise_select
from .rules import INSPECTION_KINDS, TARGET_KINDS, inspection_target


class CheckItemSchema(ResultSchema):
    """One result of the safety checklist, as core scores it."""


class InspectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    done_on = Date(
        _l("Done on"),
        column=True,
        sort=True,
        help=_l("Leave empty for an inspection that is only planned."),
    )
    planned_on = Date(_l("Planned for"), column=True, sort=True, export=False)
    kind = Choice(
        _l("Kind of inspection"), INSPECTION_KINDS, default="routine", column=True, widget="select"
    )
    target = Computed(_l("Inspected"), inspection_target, column=True)
    target_kind = Choice(
        _l("Inspection target"),
        TARGET_KINDS,
        widget="select",
        export=False,
        help=_l(
            "Which checklist applies: an enterprise, a building, an area, a household or a rented flat."
        ),
    )
    target_name = Text(
        _l("Household or flat"),
        200,
        export=False,
        help=_l("For a household or a rented flat: its address, e.g. 3号楼2单元101."),
    )
    round_id = RecordId(
        _l("Inspection round"), widget="select", choices=round_choices("safety"), shown=False
    )
    checklist_id = RecordId(_l("Template version"), form=False, shown=False)
    checklist_version = Computed(_l("Template version"), checklist_version, export=False)
    total_score = describe(
        ma.fields.Float(dump_only=True, allow_none=True),
        label=_l("Total score"),
        column=True,
        export=False,
    )
    planned = ma.fields.Boolean(load_default=False)
    enterprise_id = enterprise_select()
    building = building_select()
    area = Text(
        _l("Area"),
        200,
        export=False,
        help=_l(
            "When the inspection covers an area rather than an enterprise, e.g. 3号院 courtyards."
        ),
    )
    inspectors = Text(_l("Inspectors"), 200, column=True)
    checklist = describe(
        ma.fields.List(ma.fields.Nested(CheckItemSchema), load_default=None, allow_none=True),
        label=_l("Checklist"),
        export=False,
        help=_l("Add an item in the empty row; clear an item to leave it out."),
    )
    findings = Text(_l("Findings"), 5000, widget="textarea")
    hazards_found = Computed(_l("Hazards found"), lambda i: len(i.hazards))
    created_at = ma.fields.DateTime(dump_only=True)

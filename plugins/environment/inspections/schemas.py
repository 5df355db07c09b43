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
    not_future,
    round_choices,
)

from ..letters.schemas import area_choices
from .checklists import INSPECTION_KINDS, TARGET_KINDS
from .rules import passed_label


class ScoreSchema(ResultSchema):
    """One item of the checklist, as core scores it."""


class InspectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    done_on = Date(_l("Checked on"), required=True, validate=not_future, column=True, sort=True)
    kind = Choice(_l("Kind of check"), INSPECTION_KINDS, default="weekly", column=True)
    target_kind = Choice(_l("Checklist for"), TARGET_KINDS, default="area", export=False)
    area_id = RecordId(
        _l("Area"), required=True, widget="select", choices=area_choices, shown=False
    )
    target_id = ma.fields.Integer(dump_only=True)
    target_name = Text(_l("Area"), 200, dump_only=True, column=True)
    round_id = RecordId(
        _l("Inspection round"), widget="select", choices=round_choices("environment"), shown=False
    )
    total_score = describe(
        ma.fields.Float(dump_only=True, allow_none=True), label=_l("Score"), column=True, sort=True
    )
    passed = Computed(_l("Passed"), passed_label, column=True)
    checklist_id = RecordId(_l("Template version"), form=False, shown=False)
    checklist_version = Computed(_l("Template version"), checklist_version, export=False)
    inspectors = Text(_l("Inspectors"), 200, column=True)
    partners = Text(_l("With partners"), 200, help=_l("e.g. 城管执法队, 物业公司, 保洁公司"))
    results = describe(
        ma.fields.List(ma.fields.Nested(ScoreSchema), load_default=None, allow_none=True),
        label=_l("Scoring sheet"),
        help=_l("Give each item its score; a score below the item's points fails it."),
    )
    findings = Text(_l("Findings"), 5000, widget="textarea")

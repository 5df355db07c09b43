"""What the 物业服务考核 form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Choice, ChoiceSchema, Computed, Date, Number, RecordId, Text, describe

from .rules import RESULTS, company_choices, satisfaction
from .workflow import ASSESSMENT_STATES


class AssessmentSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = RecordId(
        _l("Property company"),
        required=True,
        widget="select",
        choices=company_choices,
        shown=False,
    )
    company = Computed(_l("Property company"), lambda a: a.unit.name, column=True)
    year = Number(_l("Year"), required=True, min=2000, max=2100, column=True, sort=True)
    half = Number(
        _l("Half-year"),
        required=True,
        min=1,
        max=2,
        column=True,
        help=_l("1: January to June, 2: July to December"),
    )
    scheduled_on = Date(_l("Scheduled on"), required=True, column=True, sort=True)
    team = Text(_l("Joint assessment team"), 200, help=_l("e.g. 街道城管科, 社区, 业委会代表"))
    status = Choice(_l("Status"), ASSESSMENT_STATES, dump_only=True, column=True)
    score = describe(
        ma.fields.Float(dump_only=True, allow_none=True), label=_l("Score"), column=True
    )
    inspection_id = describe(
        ma.fields.Integer(dump_only=True, allow_none=True),
        label=_l("Scoring sheet"),
        export=False,
        shown=False,
    )
    survey_asked = Number(_l("Residents surveyed"), min=1, max=100000, dump_only=True)
    survey_satisfied = Number(_l("Residents satisfied"), min=0, max=100000, dump_only=True)
    satisfaction = Computed(_l("Satisfaction (%)"), satisfaction, column=True)
    ledger_review = Text(_l("Ledger review"), 2000, widget="textarea", dump_only=True)
    requirements = Text(_l("Rectification required"), 2000, widget="textarea", dump_only=True)
    rectify_by = Date(_l("Rectify by"), dump_only=True)
    result = Choice(_l("Assessment result"), RESULTS, dump_only=True, column=True)
    concluded_on = Date(_l("Result given on"), dump_only=True)

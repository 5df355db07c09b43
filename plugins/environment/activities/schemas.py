"""The activity kinds and target groups, and what the selection ledger shows."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Choice, ChoiceSchema, Number, RecordId, Text, record_choices

from ..areas.models import EnvironmentArea

ACTIVITY_KINDS = {
    "planting": _l("Tree planting"),
    "cleanup": _l("Big clean-up"),
    "pests": _l("Pest control (four pests)"),
    "publicity": _l("Publicity and lecture"),
    "survey": _l("Questionnaire"),
    "batteries": _l("Used-battery collection"),
    "sanitation_day": _l("A day as a street cleaner"),
    "other": _l("Other activity"),
}
TARGET_GROUPS = {
    "residents": _l("Residents"),
    "shops": _l("Street-front shops"),
    "volunteers": _l("Volunteers"),
    "pupils": _l("Pupils"),
    "staff": _l("Community staff"),
}
SELECTION_KINDS = {"green_family": _l("Green family"), "star_stairwell": _l("Star stairwell")}
SELECTION_RESULTS = {
    "nominated": _l("Nominated"),
    "selected": _l("Selected"),
    "not_selected": _l("Not selected"),
}


class SelectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    kind = Choice(_l("Selection"), SELECTION_KINDS, default="green_family", column=True)
    year = Number(_l("Year"), required=True, min=2000, max=2100, column=True, sort=True)
    nominee = Text(_l("Nominee"), 100, column=True, help=_l("The household or the stairwell."))
    area_id = RecordId(
        _l("Stairwell"),
        widget="select",
        choices=record_choices(EnvironmentArea.name),
        help=_l("For a star stairwell: its score and stars come from the year's inspections."),
    )
    votes = Number(_l("Residents' votes"), min=0, max=100000, column=True, sort=True)
    score = Number(_l("Score"), places=1, min=0, max=100, column=True, sort=True)
    stars = Number(_l("Stars"), min=1, max=5, column=True)
    result = Choice(_l("Result"), SELECTION_RESULTS, default="nominated", column=True)
    notes = Text(_l("Notes"), 2000)

"""What the sorting ledger's form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import ChoiceSchema, Computed, Date, Number, RecordId, Text, amount

from ..letters.schemas import area_choices


def _rate(part: int, whole: int) -> str | None:
    return f"{part * 100 / whole:.1f}%" if whole else None


class SortingSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    month = Date(
        _l("Month"), required=True, column=True, sort=True, help=_l("Any day of the month.")
    )
    area_id = RecordId(
        _l("Station or building"), widget="select", choices=area_choices, shown=False
    )
    area = Computed(
        _l("Station or building"), lambda s: s.area.name if s.area else None, column=True
    )
    covered = Number(
        _l("Households covered"),
        min=0,
        max=100000,
        column=True,
        help=_l("Left empty: the households the registry has there."),
    )
    participating = Number(_l("Households taking part"), min=0, max=100000, default=0, column=True)
    participation = Computed(
        _l("Participation"), lambda s: _rate(s.participating, s.covered), column=True
    )
    checked = Number(_l("Households spot-checked"), min=0, max=100000, default=0)
    passed = Number(_l("Sorted right"), min=0, max=100000, default=0)
    accuracy = Computed(_l("Accuracy"), lambda s: _rate(s.passed, s.checked), column=True)
    kitchen_kg = Number(_l("Kitchen waste (kg)"), places=1, validate=amount)
    duty_hours = Number(_l("Hours on duty"), places=1, validate=amount)
    volunteers = Number(_l("Volunteers on duty"), min=0, max=10000, default=0)
    problems = Text(_l("Problems"), 2000)

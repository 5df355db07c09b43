"""What the water-tank ledger's form, the API, the list and the export accept and show."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Boolean, Choice, ChoiceSchema, Computed, Date, Text
from plugins.registry.schemas import building_select

from .rules import FACILITY_KINDS, is_overdue, next_due


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class TankSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    kind = Choice(_l("Kind of facility"), FACILITY_KINDS, default="tank", column=True)
    facility = Text(_l("Facility"), 100, required=True, column=True, sort=True)
    building = building_select()
    place = Computed(_l("Place"), lambda t: t.node.name if t.node else None, column=True)
    cleaned_on = Date(_l("Last cleaned or refilled on"), column=True, sort=True)
    cleaned_by = Text(_l("Done by"), 100, column=True)
    quality_ok = Boolean(_l("Water-quality test passed"), default=True, column=True)
    next_due = Computed(_l("Next due"), lambda t: _iso(next_due(t)), column=True)
    overdue = Computed(_l("Upkeep overdue"), lambda t: is_overdue(t), column=True)
    notes = Text(_l("Notes"), 2000)

"""What the area form, the API, the list and the export accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask_babel import lazy_gettext as _l

from core.db import db
from core.sdk import Boolean, Choice, ChoiceSchema, Computed, RecordId, Text, record_choices
from core.visits.assignments import staff_at
from plugins.registry.models import RegistryUnit
from plugins.registry.schemas import building_select

AREA_KINDS = {
    "stairwell": _l("Building stairwells"),
    "courtyard": _l("Residential courtyard"),
    "lane": _l("Lane or road"),
    "frontage": _l("Street frontage"),
    "market": _l("Farmers' market"),
    "green": _l("Green space"),
    "station": _l("Garbage-sorting station"),
    "toilet": _l("Public toilet"),
    "river": _l("River course"),
    "other": _l("Other place"),
}
PARTIES = {
    "property": _l("Property company"),
    "cleaners": _l("Cleaning team"),
    "shop": _l("Shop owner"),
    "unit": _l("Unit (employer)"),
    "community": _l("Community"),
}

unit_choices = record_choices(RegistryUnit.name)


def keeper_choices() -> dict[int, str]:
    """Who may be 包片人: the users holding a role at the community, above it or below it."""
    if "community" not in g:
        return {}
    return dict(staff_at(db.session, g.community))


def _keeper_name(area: Any) -> str | None:
    return area.keeper.display_name if area.keeper is not None else None


class AreaSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Area or check point"), 100, required=True, column=True, sort=True)
    kind = Choice(_l("Kind of area"), AREA_KINDS, default="stairwell", column=True)
    building = building_select()
    place = Computed(_l("Place"), lambda a: a.node.name if a.node else None, column=True)
    unit_id = RecordId(_l("Unit"), widget="select", choices=unit_choices, shown=False)
    unit = Computed(_l("Unit"), lambda a: a.unit.name if a.unit else None, column=True)
    party = Choice(_l("Responsible party"), PARTIES, default="property", column=True)
    keeper_id = RecordId(_l("Area keeper"), widget="select", choices=keeper_choices, shown=False)
    keeper = Computed(_l("Area keeper"), _keeper_name, column=True)
    floor_leader = Text(_l("Floor leader"), 50)
    active = Boolean(_l("In use"), default=True, column=True)

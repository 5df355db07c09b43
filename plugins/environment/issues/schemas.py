"""What the issue form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Choice, ChoiceSchema, Computed, Date, RecordId, Text, describe

from ..common import LocalDateTime, not_after_now
from ..letters.schemas import area_choices
from .rules import CATEGORIES, is_overdue
from .workflow import ISSUE_STATES


def _moment(label: object, **options: object) -> ma.fields.Field:
    return describe(
        LocalDateTime(load_default=None, allow_none=True, validate=not_after_now),
        label=label,
        **options,
    )


class IssueSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    category = Choice(_l("Problem"), CATEGORIES, default="other", column=True, widget="select")
    description = Text(_l("Description"), 2000, required=True, column=True)
    area_id = RecordId(_l("Area"), widget="select", choices=area_choices, shown=False)
    area = Computed(_l("Area"), lambda i: i.area.name if i.area else None, column=True)
    inspection_id = RecordId(_l("Inspection"), widget="hidden", export=False, shown=False)
    party = Text(
        _l("Party responsible"), 100, help=_l("The unit, the property company or the household.")
    )
    found_at = _moment(_l("Found at"), column=True, sort=True, help=_l("e.g. 2026-06-15 09:30"))
    found_on = Date(_l("Found on"), dump_only=True, export=False)
    deadline_at = describe(
        LocalDateTime(load_default=None, allow_none=True),
        label=_l("Rectify by"),
        column=True,
        help=_l("Left empty: 3 days, 24 hours for overflowing garbage."),
    )
    status = Choice(_l("Status"), ISSUE_STATES, dump_only=True, column=True)
    overdue = Computed(_l("Overdue"), lambda i: bool(is_overdue(i)), export=False)
    closed_on = Date(_l("Closed on"), dump_only=True)

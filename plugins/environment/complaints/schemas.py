"""What the complaint form, the API, the list, the export and the 12345 import accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    Boolean,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    RecordId,
    Text,
    describe,
    phone_number,
)
from plugins.registry.validators import mask_mobile

from ..common import LocalDateTime, not_after_now
from .rules import CATEGORIES, RESULTS, SATISFACTION, SOURCES, is_overdue
from .workflow import COMPLAINT_STATES


def mask_name(name: str | None) -> str | None:
    """A complainant's name as a user without the sensitive permission sees it: 李**."""
    return name[0] + "*" * (len(name) - 1) if name else name


def _moment(label: object, *, required: bool = False, **options: object) -> ma.fields.Field:
    loading = {"required": True} if required else {"load_default": None, "allow_none": True}
    return describe(LocalDateTime(validate=not_after_now, **loading), label=label, **options)


class ComplaintSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    ticket = Text(_l("Ticket number"), 40, required=True, column=True, sort=True)
    source = Choice(_l("Source"), SOURCES, default="hotline", column=True, widget="select")
    received_at = _moment(_l("Received at"), required=True, column=True, sort=True,
                          help=_l("e.g. 2026-06-15 09:30"))  # fmt: skip
    received_on = Date(_l("Received on"), dump_only=True, export=False)
    complainant = Text(
        _l("Complainant"),
        50,
        help=_l("Leave empty for an anonymous complaint."),
        sensitivity=S2,
        mask=mask_name,
    )
    phone = Text(
        _l("Complainant's phone"), 20, validate=phone_number, sensitivity=S2, mask=mask_mobile
    )
    resident_id = RecordId(
        _l("Linked resident"),
        help=_l("Linked by itself when the name and phone match one resident; never required."),
        sensitivity=S2,
        mask=lambda _v: None,
        export=False,
        imports=False,
        shown=False,  # the page names and links the resident once unmasked
    )
    location = Text(_l("Place"), 200, column=True)
    category = Choice(
        _l("Kind of complaint"), CATEGORIES, default="other", column=True, widget="select"
    )
    urgent = Boolean(_l("Urgent"), column=True)
    content = Text(_l("What the complaint says"), 2000, widget="textarea")
    handler = Text(_l("Handled by"), 100, column=True)
    co_handler = Text(_l("Assisted by"), 100)
    contacted_at = _moment(_l("First contact at"))
    resolved_at = _moment(_l("Resolved at"))
    result = Choice(_l("Result"), RESULTS, widget="select")
    result_note = Text(_l("Explanation of the result"), 2000, widget="textarea")
    followed_up_at = _moment(_l("Followed up at"))
    satisfaction = Choice(_l("Satisfaction"), SATISFACTION, column=True, widget="select")
    status = Choice(_l("Status"), COMPLAINT_STATES, dump_only=True, column=True)
    overdue = Computed(_l("Overdue"), is_overdue, column=True)
    redone = describe(ma.fields.Boolean(dump_only=True), label=_l("Redone"))

"""The module's settings per community (the Modules page): pass mark and deadlines. Each
sub-area's records have their schemas in their own package."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.validation import Schema

from .common import DEFAULT_SETTINGS


def _setting(key: str, label: object, top: int) -> ma.fields.Integer:
    return ma.fields.Integer(
        load_default=DEFAULT_SETTINGS[key],
        validate=ma.validate.Range(min=1, max=top),
        metadata={"label": label},
    )


class SettingsSchema(Schema):
    """Per-community settings; the deadlines of 12345 practice are the community's to change."""

    issue_days = _setting("issue_days", _l("Days to rectify an issue"), 90)
    overflow_hours = _setting("overflow_hours", _l("Hours to clear overflowing garbage"), 72)
    refer_days = _setting(
        "refer_days", _l("Working days to refer an illegal structure to law enforcement"), 10
    )
    new_shop_days = _setting(
        "new_shop_days", _l("Days for a new street-front shop to sign its letter"), 90
    )
    contact_hours = _setting("contact_hours", _l("Hours to first contact on a complaint"), 72)
    urgent_contact_hours = _setting(
        "urgent_contact_hours", _l("Hours to first contact on an urgent complaint"), 24
    )
    resolve_days = _setting("resolve_days", _l("Days to resolve a complaint"), 60)
    follow_up_days = _setting("follow_up_days", _l("Days to follow up a resolved complaint"), 30)

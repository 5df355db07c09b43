"""The module's settings per community (the Modules page): deadlines and warnings. Each
sub-area's records have their schemas in their own package."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.validation import Schema

from .common import DEFAULT_SETTINGS


class SettingsSchema(Schema):
    """Per-community settings (Modules page): rectification deadlines and the certificate warning;
    targets are set on the Targets page of a street or district."""

    general_deadline_days = ma.fields.Integer(
        load_default=DEFAULT_SETTINGS["general_deadline_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Days to rectify a general hazard")},
    )
    major_deadline_days = ma.fields.Integer(
        load_default=DEFAULT_SETTINGS["major_deadline_days"],
        validate=ma.validate.Range(min=1, max=730),
        metadata={"label": _l("Days to rectify a major hazard")},
    )
    certificate_warning_days = ma.fields.Integer(
        load_default=DEFAULT_SETTINGS["certificate_warning_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Warn of certificates expiring within (days)")},
    )

"""The module's settings per community (模块 → 设置): policy values that change by place and
year, so none of them is a constant of the code."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Schema

from .common import DEFAULT_SETTINGS

_LIMITS = {
    "exit_age": (_l("Age at which a card leaves the register"), 45, 60),
    "filing_days": (_l("Days to file a candidate woman"), 1, 365),
    "register_days": (_l("Working days to register a birth application"), 1, 30),
    "publicity_days": (_l("Days a benefit roll is publicised"), 1, 30),
    "suppress_below": (_l("Street figures below this count are withheld"), 1, 20),
}


def _setting(key: str) -> ma.fields.Integer:
    label, low, high = _LIMITS[key]
    return ma.fields.Integer(
        load_default=DEFAULT_SETTINGS[key],
        validate=ma.validate.Range(min=low, max=high),
        metadata={"label": label},
    )


SettingsSchema = Schema.from_dict(
    {key: _setting(key) for key in _LIMITS}, name="FamilyPlanningSettingsSchema"
)

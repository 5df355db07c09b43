"""The module's settings per community (the Modules page): the deadlines outside the seeds."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Schema

from .common import DEFAULT_SETTINGS


def _days(key: str, label: object, most: int) -> ma.fields.Integer:
    return ma.fields.Integer(
        load_default=DEFAULT_SETTINGS[key],
        validate=ma.validate.Range(min=1, max=most),
        metadata={"label": label},
    )


class SettingsSchema(Schema):
    """Per-community settings: deadlines of mediation and resettlement, the boards' cycle."""

    mediation_days = _days("mediation_days", _l("Days to conclude a mediation case"), 180)
    followup_days = _days("followup_days", _l("Days to the follow-up of an agreement"), 180)
    report_within_days = _days(
        "report_within_days", _l("Days a released person has to report"), 180
    )
    care_years = _days("care_years", _l("Years of resettlement care"), 10)
    board_cycle_days = _days("board_cycle_days", _l("Days between board renewals"), 366)

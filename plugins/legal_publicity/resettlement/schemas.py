"""What the resettlement forms, the API and the 花名册 accept and show. The whole register is
S3 (a criminal record): outside the compartment it does not exist, and inside it the facts of
the offence are shown only to holders of ``legal_publicity.resettlement.view``."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S3,
    Choice,
    ChoiceSchema,
    Date,
    Number,
    RecordId,
    Text,
    choice,
    not_future,
    optional_text,
)

from .vocabularies import CATEGORIES, OFFENCES, PLACEMENTS, RESETTLED_STATUSES, RISK_LEVELS

OPTIONAL_DATE = {"load_default": None, "allow_none": True}


class ResettledSchema(ChoiceSchema):
    """安置帮教对象 (一人一档)."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Full name"), 50, required=True, sensitivity=S3, column=True)
    resident_id = RecordId(
        _l("Resident in the registry"),
        picker="registry_api.api_picker_guardians",
        shown=False,
        imports=False,
    )
    category = Choice(_l("Category of person in care"), CATEGORIES, default="released", column=True)
    offence = Choice(_l("Kind of offence"), OFFENCES, default="other", sensitivity=S3)
    sentence_months = Number(_l("Sentence (months)"), min=0, max=1200, sensitivity=S3)
    released_on = Date(
        _l("Released on"), required=True, validate=not_future, column=True, sort=True
    )
    released_from = Text(_l("Released from"), 100, sensitivity=S3)
    notice_on = Date(_l("Hand-over notice received on"), validate=not_future)
    report_due = Date(_l("Report due by"), dump_only=True, column=True)
    reported_on = Date(_l("Reported on"), dump_only=True)
    care_until = Date(_l("Care ends on"), column=True)
    team = Text(_l("Care team"), 300, dump_only=True, sensitivity=S3)
    risk = Choice(_l("Risk level"), RISK_LEVELS, default="low", column=True)
    assessed_on = Date(_l("Last assessed on"), dump_only=True)
    placement = Choice(_l("Placement"), PLACEMENTS, default="none", column=True)
    status = Choice(_l("Status"), RESETTLED_STATUSES, dump_only=True, column=True)


class ResettledStepSchema(ChoiceSchema):
    """A step of a person in care: its date and comment, the team at the report, the risk at a
    reassessment."""

    on = ma.fields.Date(**OPTIONAL_DATE)
    comment = optional_text(2000)
    team = optional_text(300)
    risk = choice(RISK_LEVELS, load_default=None, allow_none=True)
    placement = choice(PLACEMENTS, load_default=None, allow_none=True)

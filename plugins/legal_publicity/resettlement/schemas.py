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
    Computed,
    Date,
    Number,
    RecordId,
    Text,
    choice,
    chosen_record,
    not_future,
    optional_text,
    record_choices,
)

from .models import LpCorrection
from .vocabularies import (
    CATEGORIES,
    CORRECTION_KINDS,
    CORRECTION_ROLES,
    CORRECTION_STATUSES,
    OFFENCES,
    PLACEMENTS,
    RESETTLED_STATUSES,
    RISK_LEVELS,
)

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


# Named by number and start: a name is S3, and a picker shows whoever may add a visit.
correction_choices = record_choices(
    LpCorrection.id, LpCorrection.starts_on, order=[LpCorrection.id.desc()]
)


class CorrectionSchema(ChoiceSchema):
    """社区矫正 协助: who is helped (S3), the kind of correction and the 矫正小组."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Full name"), 50, required=True, sensitivity=S3, column=True)
    kind = Choice(_l("Kind of correction"), CORRECTION_KINDS, default="probation", sensitivity=S3)
    starts_on = Date(_l("Correction starts on"), required=True, column=True, sort=True)
    ends_on = Date(_l("Correction ends on"), column=True)
    group_members = Text(
        _l("Correction group"),
        300,
        help=_l("The members of the correction group, separated by 、"),
    )
    our_role = Choice(
        _l("Community's part in the group"), CORRECTION_ROLES, default="cadre", column=True
    )
    status = Choice(
        _l("Correction assistance status"), CORRECTION_STATUSES, default="assisting", column=True
    )
    last_visit = Computed(
        _l("Last visited on"),
        lambda c: c.visits[-1].visited_on.isoformat() if c.visits else None,
        column=True,
    )


class CorrectionVisitSchema(ChoiceSchema):
    """A visit to a person under correction: when, by whom, what was found (S3)."""

    id = ma.fields.Integer(dump_only=True)
    correction_id, correction = chosen_record(
        _l("Person under correction"), correction_choices, lambda v: f"JZ-{v.correction_id}"
    )
    visited_on = Date(_l("Visited on"), required=True, validate=not_future, column=True, sort=True)
    visitors = Text(_l("Visited by"), 100, column=True)
    findings = Text(_l("What was found"), 2000, sensitivity=S3, widget="textarea")

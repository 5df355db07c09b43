"""What the screening and mediation forms, the API, the exports and the imports accept and show.

The parties (names, ID and phone numbers) are identifiers (S2); what was said in a case's
sessions is S3, and what a dispute is about is S3 when it is a family or a medical dispute
(S1 otherwise, so the 司法所 reads what a neighbours' quarrel is about): hidden without
``legal_publicity.sensitive.view``. History and the audit log seal or withhold every summary,
whichever its type."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S1,
    S2,
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    Schema,
    Text,
    amount,
    at_most_a_year_ahead,
    choice,
    chosen_record,
    not_future,
    optional_text,
    record_choices,
)

from .models import LpDispute, LpScreening
from .vocabularies import (
    DISPUTE_STATUSES,
    DISPUTE_TYPES,
    FAILED_ROUTES,
    FULFILMENT,
    HANDED_TO,
    ITEM_ACTIONS,
    OUTCOMES,
    RISKS,
    RISKY,
    S3_TYPES,
    SCREENING_KINDS,
    SOURCES,
)
from .workflow import days_left, is_mass, is_overdue

OPTIONAL_DATE = {"load_default": None, "allow_none": True}

screening_choices = record_choices(
    LpScreening.held_on, order=[LpScreening.held_on.desc(), LpScreening.id.desc()]
)
dispute_choices = record_choices(
    LpDispute.number, order=[LpDispute.registered_on.desc(), LpDispute.id.desc()]
)


def by_type(record: object) -> str:
    """The class of what a dispute (or a dispute found) is about: S3 for the types of
    ``S3_TYPES``."""
    return S3 if getattr(record, "dispute_type", None) in S3_TYPES else S1


def _people(value: int | None) -> None:
    if value is not None and value < 2:
        raise ma.ValidationError(_("A dispute involves at least two people."))


class ScreeningSchema(ChoiceSchema):
    """矛盾纠纷排查: held on the 1st and 16th, before 春节 and 国庆, in sensitive periods."""

    id = ma.fields.Integer(dump_only=True)
    held_on = Date(_l("Screening date"), required=True, validate=not_future, column=True, sort=True)
    kind = Choice(_l("Kind of screening"), SCREENING_KINDS, default="routine", column=True)
    participants = Text(_l("Participants"), 500, column=True)
    notes = Text(_l("Screening notes"), 2000, widget="textarea")
    found = Computed(_l("Disputes found"), lambda s: len(s.items), column=True, export=False)
    risky = Computed(
        _l("Disputes that may escalate"),
        lambda s: sum(1 for i in s.items if i.risk in RISKY),
        column=True,
        export=False,
    )
    reported_on = Date(_l("Reported to the judicial office on"), dump_only=True, column=True)


class ReportStepSchema(Schema):
    """上报排查情况: the day the list went to the 司法所 (today if left out)."""

    on = ma.fields.Date(**OPTIONAL_DATE)


class ScreeningItemSchema(ChoiceSchema):
    """One dispute a screening found; it ends with an owner and an action."""

    id = ma.fields.Integer(dump_only=True)
    screening_id, screening = chosen_record(
        _l("Screening"), screening_choices, lambda i: i.screening.held_on.isoformat(), export=False
    )
    description = Text(
        _l("Dispute found"),
        2000,
        required=True,
        column=True,
        sensitivity=S3,
        record_sensitivity=by_type,
    )
    parties = Text(_l("Parties"), 200, sensitivity=S2, column=True)
    dispute_type = Choice(_l("Type of dispute"), DISPUTE_TYPES, default="other", column=True)
    risk = Choice(_l("Risk"), RISKS, default="general", column=True)
    action = Choice(_l("What is done"), ITEM_ACTIONS, default="watch", column=True)
    referred_to = Choice(_l("Handed over to"), HANDED_TO)
    owner = Text(_l("Person responsible"), 50, required=True, column=True)
    due_on = Date(_l("Due by"), validate=at_most_a_year_ahead, column=True)
    dispute = Computed(
        _l("Mediation case"), lambda i: i.dispute.number if i.dispute else None, column=True
    )


class DisputeSchema(ChoiceSchema):
    """人民调解案件 as the 登记簿 keeps it."""

    id = ma.fields.Integer(dump_only=True)
    number = Text(
        _l("Case number"),
        30,
        description="案件编号; numbered TJ<year>-NNNN if left out",
        column=True,
        sort=True,
        help=_l("Numbered automatically if left empty"),
    )
    registered_on = Date(_l("Registered on"), validate=not_future, column=True, sort=True)
    source = Choice(_l("Source of the case"), SOURCES, default="application", column=True)
    dispute_type = Choice(_l("Type of dispute"), DISPUTE_TYPES, default="other", column=True)
    parties = Text(
        _l("Parties"),
        500,
        required=True,
        sensitivity=S2,
        help=_l("Applicant and respondent (and third parties): name, ID number, phone"),
    )
    summary = Text(
        _l("What the dispute is about"),
        2000,
        required=True,
        sensitivity=S3,
        record_sensitivity=by_type,
    )
    amount = Number(_l("Amount involved (yuan)"), places=2, validate=amount)
    people = Number(
        _l("People involved"),
        default=2,
        validate=_people,
        help=_l("Five or more makes it a mass dispute"),
    )
    risk = Choice(_l("Risk"), RISKS, default="general", column=True)
    mediators = Text(_l("Mediators"), 100, required=True, column=True)
    status = Choice(_l("Status"), DISPUTE_STATUSES, dump_only=True, column=True)
    accepted_on = Date(_l("Accepted on"), dump_only=True)
    deadline = Date(_l("Mediation deadline"), dump_only=True, column=True, sort=True)
    outcome = Choice(_l("Outcome"), OUTCOMES, dump_only=True)
    agreement_number = Text(_l("Agreement number"), dump_only=True)
    performance_due = Date(_l("Performance due"), dump_only=True)
    judicial_confirm_on = Date(_l("Judicial confirmation"), dump_only=True)
    failed_route = Choice(_l("Where the parties went"), FAILED_ROUTES, dump_only=True)
    closed_on = Date(_l("Case closed on"), dump_only=True)
    mass = Computed(_l("Mass dispute"), is_mass)
    overdue = Computed(_l("Overdue"), lambda d: is_overdue(d))
    days_left = Computed(_l("Days left"), days_left, export=False)
    created_at = ma.fields.DateTime(dump_only=True)


class SessionSchema(ChoiceSchema):
    """调解记录 of a case."""

    id = ma.fields.Integer(dump_only=True)
    dispute_id, dispute = chosen_record(
        _l("Mediation case"), dispute_choices, lambda s: s.dispute.number, export=False
    )
    held_on = Date(_l("Session date"), required=True, column=True, sort=True)
    place = Text(_l("Place"), 100, column=True)
    attendees = Text(_l("Present"), 300, sensitivity=S2, column=True)
    summary = Text(_l("What was said"), 2000, sensitivity=S3, widget="textarea")


class FollowupSchema(ChoiceSchema):
    """调解回访记录 (written by the follow-up step)."""

    id = ma.fields.Integer(dump_only=True)
    dispute = Computed(_l("Mediation case"), lambda f: f.dispute.number, column=True)
    followed_on = Date(_l("Followed up on"), dump_only=True, column=True, sort=True)
    fulfilment = Choice(_l("Fulfilment"), FULFILMENT, dump_only=True, column=True)
    note = Text(_l("Follow-up note"), 500, dump_only=True, column=True)


class StepSchema(ChoiceSchema):
    """A step of a case: its date and comment, and what the step records."""

    on = ma.fields.Date(**OPTIONAL_DATE)
    comment = optional_text(2000)
    outcome = choice(
        {k: OUTCOMES[k] for k in ("written", "oral")}, load_default=None, allow_none=True
    )
    agreement_text = optional_text(5000)
    performance_due = ma.fields.Date(**OPTIONAL_DATE)
    failed_route = choice(FAILED_ROUTES, load_default=None, allow_none=True)
    fulfilment = choice(FULFILMENT, load_default=None, allow_none=True)
    deadline = ma.fields.Date(**OPTIONAL_DATE)

"""What the programme, roll and roll-line forms, API, lists and exports accept and show; the
account's last four digits are S2."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import g
from flask_babel import lazy_gettext as _l

from core.db import db
from core.sdk import (
    S2,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    RecordId,
    Schema,
    Text,
    amount,
    describe,
    not_future,
    optional_text,
    record_choices,
)
from plugins.registry.models import RegistryResident
from plugins.registry.schemas import ResidentIdField
from plugins.registry.services import get_resident, picker_text, resident_label
from plugins.registry.validators import mask_id

from . import rules
from .models import FpProgram, FpRoll, FpRollLine

_programs = record_choices(FpProgram.name)
_rolls = record_choices(FpRoll.period)


def _publicised_lines() -> dict[int, str]:
    """The paying lines of the community's publicised rolls, by the person and the period:
    what an objection may be about."""
    if "community" not in g:
        return {}
    stmt = (
        sa.select(FpRollLine.id, RegistryResident.name, FpRoll.period)
        .join(FpRoll, FpRollLine.roll_id == FpRoll.id)
        .join(RegistryResident, FpRollLine.resident_id == RegistryResident.id)
        .where(
            FpRoll.community_id == g.community.id,
            FpRoll.status == "public",
            FpRollLine.deleted_at.is_(None),
            FpRollLine.line_kind.in_(rules.PAYING),
        )
        .order_by(RegistryResident.name, FpRollLine.id)
    )
    return {row.id: f"{row.name} {row.period}" for row in db.session.execute(stmt)}


class ProgramSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    kind = Choice(_l("Programme"), rules.PROGRAM_KINDS, required=True, column=True)
    name = Text(_l("Programme name"), 50, required=True, column=True)
    cycle = Choice(_l("Payment cycle"), rules.CYCLES, default="quarter", column=True)
    amount = Number(
        _l("Amount per person (yuan)"), places=2, required=True, validate=amount, column=True
    )
    min_age = Number(_l("Youngest age paid"), min=0, max=120)


def problems_of(roll: FpRoll) -> list[str]:
    """The roll's paying lines that fail their checks, each with why (its own page only: it
    costs queries)."""
    from core.db import db

    found = rules.line_problems(db.session, roll)
    names = {line.id: line.resident.name for line in roll.lines}
    return [
        f"{names[i]}：{'、'.join(str(rules.PROBLEMS[k]) for k in keys)}"
        for i, keys in found.items()
    ]


class RollSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    program_id = RecordId(
        _l("Programme"), required=True, load_only=True, widget="select", choices=_programs
    )
    program = Computed(_l("Programme"), lambda r: r.program.name, column=True)
    period = Text(
        _l("Period"), 7, required=True, column=True, sort=True, help=_l("For example 2026Q2")
    )
    status = Choice(_l("Status"), rules.ROLL_STATUSES, dump_only=True, column=True)
    drafted_on = Date(_l("Drafted on"), dump_only=True)
    publicity_until = Date(_l("Publicised until"), dump_only=True)
    paid_on = Date(_l("Paid on"), dump_only=True)
    return_comment = Text(_l("Returned because"), dump_only=True)
    people = Computed(
        _l("People paid"),
        lambda r: sum(1 for x in r.lines if x.line_kind in rules.PAYING),
        column=True,
    )
    total = Computed(
        _l("Total amount (yuan)"),
        lambda r: str(sum(x.amount for x in r.lines if x.line_kind in rules.PAYING)),
        column=True,
    )
    created_at = ma.fields.DateTime(dump_only=True)


class RollStepSchema(Schema):
    """A step of a roll: its day and a comment."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)


class RollLineSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    roll_id = RecordId(_l("Roll"), widget="hidden", choices=_rolls, export=False)
    resident_id = RecordId(
        _l("Person"),
        required=True,
        picker="family_planning_api.api_picker_residents",
        picker_label=picker_text(get_resident, resident_label),
        shown=False,
        imports=False,
    )
    person = Computed(_l("Person"), lambda x: x.resident.name, column=True)
    family_id = RecordId(_l("Family-planning family"), widget="hidden", export=False)
    amount = Number(_l("Amount (yuan)"), places=2, validate=amount, column=True)
    line_kind = Choice(_l("Line"), rules.LINE_KINDS, default="new", column=True)
    stop_reason = Choice(_l("Why the payment stops"), rules.STOP_REASONS, column=True)
    account_last4 = Text(
        _l("Account (last 4 digits)"), 4, sensitivity=S2, mask=lambda v: "****" if v else v
    )
    review_comment = Text(_l("Street's comment"), 500, column=True)
    paid = Computed(_l("Paid"), lambda x: x.paid, column=True)
    paid_note = Text(_l("Why the payment failed"), 200, dump_only=True)


class PaymentImportSchema(ChoiceSchema):
    """A row of the payment results the bank or the finance office returns: the programme,
    the period, the person by resident ID, paid or not (and why not)."""

    program = Text(_l("Programme name"), 50, required=True)
    period = Text(_l("Period"), 7, required=True)
    id_number = describe(
        ResidentIdField(required=True), label=_l("Resident ID"), sensitivity=S2, mask=mask_id
    )
    result = Choice(_l("Payment result"), rules.PAYMENT_RESULTS, required=True)
    paid_on = Date(_l("Paid on"), validate=not_future)
    paid_note = Text(_l("Why the payment failed"), 200)


class ObjectionSchema(ChoiceSchema):
    """异议 during the publicity: who raised it (S2), the line it is about (if one), what it
    says, how it was resolved and, upheld, how the line is corrected."""

    id = ma.fields.Integer(dump_only=True)
    roll_id = RecordId(_l("Roll"), widget="hidden", choices=_rolls, export=False)
    line_id = RecordId(
        _l("Line objected to"),
        widget="select",
        choices=_publicised_lines,
        export=False,
        shown=False,  # the person column names it, after the publicity too
    )
    person = Computed(
        _l("Person objected to"), lambda o: o.line.resident.name if o.line else "", column=True
    )
    raised_on = Date(_l("Raised on"), validate=not_future, column=True)
    raised_by = Text(_l("Raised by"), 50, sensitivity=S2, column=True)
    content = Text(_l("Objection"), 2000, required=True, widget="textarea", column=True)
    status = Choice(_l("Status"), rules.OBJECTION_STATUSES, dump_only=True, column=True)
    outcome = Choice(_l("Outcome"), rules.OBJECTION_OUTCOMES, column=True)
    resolution = Text(_l("How it was resolved"), 2000, widget="textarea")
    resolved_on = Date(_l("Resolved on"), validate=not_future, column=True)
    correction = Choice(_l("Correction of the line"), rules.CORRECTIONS, column=True)
    corrected_amount = Number(_l("Corrected amount (yuan)"), places=2, validate=amount)

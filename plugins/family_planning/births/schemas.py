"""What the 生育登记 and 出生人口登记 forms, API, lists and exports accept and show. The
due date is S3 (reproductive health); the father's ID and the birth certificate number are S2."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import g
from flask_babel import lazy_gettext as _l

from core.db import db
from core.sdk import (
    S2,
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Text,
    describe,
    not_future,
    optional_text,
    record_choices,
    required_text,
)
from core.validation import Schema
from plugins.registry.models import RegistryResident
from plugins.registry.schemas import ResidentIdField
from plugins.registry.validators import mask_certificate, mask_id

from ..women.models import FpWoman
from . import rules
from .models import FpBirthReg
from .workflow import CHANNELS, NOTICE_WAYS, ORDERS, REG_STATUSES, is_overdue


def _cards() -> dict[int, str]:
    """The community's live cards, by the woman's name."""
    if "community" not in g:
        return {}
    stmt = (
        sa.select(FpWoman.id, RegistryResident.name)
        .join(RegistryResident, FpWoman.resident_id == RegistryResident.id)
        .where(FpWoman.community_id == g.community.id, FpWoman.status == "active")
        .order_by(RegistryResident.name)
    )
    rows = db.session.execute(stmt)
    return dict(rows.all())


_regs = record_choices(FpBirthReg.number)


def _mother(record: object) -> str:
    return record.woman.resident.name  # type: ignore[attr-defined]


class BirthRegSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    number = Text(_l("Registration number"), dump_only=True, column=True, sort=True)
    woman_id = RecordId(
        _l("Mother"), required=True, load_only=True, widget="select", choices=_cards
    )
    mother = Computed(_l("Mother"), _mother, column=True)
    father_name = Text(_l("Father"), 50)
    father_id_number = describe(
        ResidentIdField(load_default=None, allow_none=True),
        label=_l("Father's resident ID"),
        sensitivity=S2,
        mask=mask_id,
    )
    child_order = Choice(_l("Child order"), ORDERS, required=True, column=True)
    order_mismatch = Computed(_l("Order differs from the children on file"), rules.order_mismatch)
    due_on = Date(_l("Due date"), sensitivity=S3)
    channel = Choice(_l("Channel"), CHANNELS, default="community")
    applied_on = Date(_l("Applied on"), validate=not_future, column=True, sort=True)
    deadline = Date(_l("Register by"), dump_only=True)
    registered_on = Date(_l("Registered on"), dump_only=True)
    notified_by = Choice(_l("Told by"), NOTICE_WAYS, dump_only=True)
    status = Choice(_l("Status"), REG_STATUSES, dump_only=True, column=True)
    overdue = Computed(_l("Overdue"), is_overdue)
    return_reason = Text(_l("What to correct"), dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class RegStepSchema(Schema):
    """A step of a registration: its day, a comment, and how the family was told."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    notified_by = Choice(_l("Told by"), NOTICE_WAYS)


class ChildSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    woman_id = RecordId(
        _l("Mother"), required=True, load_only=True, widget="select", choices=_cards
    )
    name = describe(required_text(50, load_only=True), label=_l("Child's name"))
    resident_id = ma.fields.Integer(dump_only=True)
    child = Computed(_l("Child"), lambda c: c.resident.name, column=True)
    mother = Computed(_l("Mother"), _mother, column=True)
    father_name = Text(_l("Father"), 50)
    born_on = Date(_l("Born on"), required=True, validate=not_future, column=True, sort=True)
    sex = Choice(_l("Sex of the child"), rules.SEXES, required=True, column=True)
    birth_order = Number(_l("Child order"), dump_only=True, column=True)
    hospital = Text(_l("Hospital of birth"), 100)
    certificate_number = Text(
        _l("Birth certificate number"), 10, required=True, sensitivity=S2, mask=mask_certificate
    )
    one_thing = Keys(_l("Birth services done"), lambda: rules.ONE_THING, default=list)
    settled_on = Date(_l("Household registration on"), validate=not_future)
    match = Choice(_l("Comparison"), rules.MATCHES, default="pending", column=True)
    match_note = Text(_l("Comparison note"), 200)
    birth_reg_id = RecordId(_l("Birth registration"), widget="select", choices=_regs)
    created_at = ma.fields.DateTime(dump_only=True)


def _mother_id() -> ma.fields.Field:
    return describe(
        ResidentIdField(required=True),
        label=_l("Mother's resident ID"),
        sensitivity=S2,
        mask=mask_id,
    )


class BirthRegImportSchema(BirthRegSchema):
    """A row of the 生育登记 import (a ledger kept before, or the online applications): the
    mother by her resident ID; it comes in submitted, for the street to register."""

    class Meta:
        exclude = ("woman_id", "channel")

    mother_id_number = _mother_id()


class ChildImportSchema(ChildSchema):
    """A row of the 出生人口登记 import: the mother by her resident ID, the registration (if
    any) by its number."""

    class Meta:
        exclude = ("woman_id", "birth_reg_id")

    mother_id_number = _mother_id()
    birth_reg_number = Text(_l("Registration number"), 30)

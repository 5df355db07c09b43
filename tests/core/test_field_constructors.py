"""The field constructors (``Text``, ``Choice``, ``Date``, …) give the very fields that
``describe`` gives around the validation helpers, so a ledger written either way behaves alike:
same class, same loading options, same checks in the same order, same metadata."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
import pytest

from core.records.fields import (
    S2,
    Boolean,
    Choice,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Text,
    describe,
)
from core.validation import (
    KeysField,
    amount,
    choice,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)

KINDS = {"home": "Home visit", "phone": "Phone call"}
OPTIONAL = {"load_default": None, "allow_none": True}

# 是/否, as an export writes a yes/no cell
YES_NO = {"truthy": {*ma.fields.Boolean.truthy, "是"}, "falsy": {*ma.fields.Boolean.falsy, "否"}}


def _kinds() -> dict[str, Any]:
    return KINDS


def _name(record: Any) -> str:
    return record.name


def shape(field: ma.fields.Field) -> dict[str, Any]:
    """What a field does, as comparable values."""
    return {
        "class": type(field),
        "options": {
            key: getattr(field, key)
            for key in ("required", "load_default", "allow_none", "dump_only", "load_only")
        },
        "validators": [repr(v) for v in field.validators],
        "metadata": field.metadata,
        "places": getattr(field, "places", None),
        "as_string": getattr(field, "as_string", None),
        "keys": (getattr(field, "choices_of", None), getattr(field, "unknown", None)),
    }


CASES = [
    (
        Text("Name", 50, required=True, column=True, sort=True),
        describe(required_text(50), label="Name", column=True, sort=True),
    ),
    (Text("Location", 200), describe(optional_text(200), label="Location")),
    (
        Text("Phone", 20, validate=phone_number, sensitivity=S2),
        describe(optional_text(20, validate=phone_number), label="Phone", sensitivity=S2),
    ),
    (
        Text("Phone", validate=phone_number),
        describe(ma.fields.String(**OPTIONAL, validate=phone_number), label="Phone"),
    ),
    (
        Text("Number", 30, description="numbered if left out"),
        describe(
            optional_text(30, metadata={"description": "numbered if left out"}), label="Number"
        ),
    ),
    (Text("Name", dump_only=True), describe(ma.fields.String(dump_only=True), label="Name")),
    (
        Choice("Kind", KINDS, default="home", widget="radio"),
        describe(choice(KINDS, load_default="home"), label="Kind", widget="radio"),
    ),
    (Choice("Kind", KINDS), describe(choice(KINDS, **OPTIONAL), label="Kind")),
    (Choice("Kind", KINDS, required=True), describe(choice(KINDS, required=True), label="Kind")),
    (
        Choice("Status", KINDS, dump_only=True),
        describe(ma.fields.String(dump_only=True, metadata={"choices": KINDS}), label="Status"),
    ),
    (
        Date("Found on", validate=not_future, sort=True),
        describe(ma.fields.Date(**OPTIONAL, validate=not_future), label="Found on", sort=True),
    ),
    (Date("Day", required=True), describe(ma.fields.Date(required=True), label="Day")),
    (
        Date("Closed on", dump_only=True),
        describe(ma.fields.Date(dump_only=True), label="Closed on"),
    ),
    (
        Number("Headcount", min=0, max=999),
        describe(
            ma.fields.Integer(**OPTIONAL, validate=ma.validate.Range(min=0, max=999)),
            label="Headcount",
        ),
    ),
    (
        Number("Deaths", default=0, min=0, max=100),
        describe(
            ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=100)),
            label="Deaths",
        ),
    ),
    (
        Number("Loss", places=2, validate=amount),
        describe(
            ma.fields.Decimal(
                places=2,
                as_string=True,
                **OPTIONAL,
                validate=amount,
                metadata={"type": "string", "format": "decimal"},
            ),
            label="Loss",
        ),
    ),
    (
        Boolean("On duty", default=True),
        describe(ma.fields.Boolean(load_default=True, **YES_NO), label="On duty"),
    ),
    (Boolean("Held"), describe(ma.fields.Boolean(load_default=False, **YES_NO), label="Held")),
    (
        Keys("Groups", _kinds),
        describe(
            KeysField(_kinds, **OPTIONAL), label="Groups", choices=_kinds, widget="checkboxes"
        ),
    ),
    (
        Keys("Kinds", _kinds, unknown="Unknown: %(items)s", default=list),
        describe(
            KeysField(_kinds, unknown="Unknown: %(items)s", load_default=list),
            label="Kinds",
            choices=_kinds,
            widget="checkboxes",
        ),
    ),
    (RecordId("Inspection"), describe(record_id(**OPTIONAL), label="Inspection")),
    (
        RecordId("Unit", required=True, load_only=True),
        describe(record_id(required=True, load_only=True), label="Unit"),
    ),
    (
        Computed("Name", _name, column=True),
        describe(ma.fields.Function(_name, dump_only=True), label="Name", column=True),
    ),
]


@pytest.mark.parametrize(("constructed", "described"), CASES)
def test_a_constructor_gives_the_field_describe_gives(constructed, described):
    assert shape(constructed) == shape(described)


def test_describes_checks_apply_to_the_constructors():
    with pytest.raises(ValueError, match="widget must be one of"):
        Text("Name", 50, widget="slider")


def test_a_yes_no_field_reads_the_words_an_export_writes():
    field = Boolean("Urgent")
    assert field.deserialize("是") is True and field.deserialize("否") is False
    assert field.deserialize("true") is True
    with pytest.raises(ma.ValidationError):
        field.deserialize("也许")


def test_a_decimal_with_bounds_is_documented_as_decimal_text_and_still_checked():
    """apispec wrote a decimal's bounds as text minimum/maximum, which made the OpenAPI document
    invalid; the bounds are checked on load and the field is documented as a decimal string."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin
    from openapi_spec_validator import validate

    class Loss(ma.Schema):
        amount = Number("损失", places=2, min=0, max=100)
        default_zero = Number("默认", places=2, default=0)

    spec = APISpec("t", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Loss", schema=Loss)
    document = spec.to_dict()
    validate(document)
    amount = document["components"]["schemas"]["Loss"]["properties"]["amount"]
    assert (amount["type"], amount["format"]) == ("string", "decimal")
    assert "minimum" not in amount
    assert Loss().load({"amount": "12.50"})["amount"] == Decimal("12.50")
    with pytest.raises(ma.ValidationError) as refused:
        Loss().load({"amount": "100.01"})
    assert "amount" in refused.value.messages

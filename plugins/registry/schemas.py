"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``floating``) or what a user sees (流动人口), so spreadsheets can use words."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    ChoiceSchema,
    KeysField,
    Schema,
    amount,
    choice,
    describe,
    mobile_number,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)

from . import services
from . import tags as tag_rules
from .validators import (
    birth_year,
    check_credit_code,
    check_resident_id,
    mask_id,
    mask_mobile,
    normalize_credit_code,
    normalize_id,
)


class ResidentIdField(ma.fields.String):
    """身份证号: spaces dropped, x upper-cased, GB 11643 checked (length, date, check digit)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = normalize_id(super()._deserialize(value, attr, data, **kwargs))
        problem = check_resident_id(text, services.today())
        if problem:
            raise ma.ValidationError(problem)
        return text


class CreditCodeField(ma.fields.String):
    """统一社会信用代码: GB 32100 checked."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = normalize_credit_code(super()._deserialize(value, attr, data, **kwargs))
        problem = check_credit_code(text)
        if problem:
            raise ma.ValidationError(problem)
        return text


def _tag_choices() -> dict[str, Any]:
    return tag_rules.labels()


def _building_choices() -> dict[str, Any]:
    """The community's buildings by ref (the forms' select); none outside a community (an
    export of a street)."""
    from flask import g

    from core.db import db

    if "community" not in g:
        return {}
    return {b.ref: b.name for b in services.buildings(db.session, g.community)}


def _household_address(resident: Any) -> str | None:
    return resident.household.address if resident.household is not None else None


def _building_name(record: Any) -> str | None:
    node = record.node
    return node.name if node is not None and node.kind == "building" else None


BUILDING = _l("Building")
NOTES = _l("Notes")


def building_select() -> ma.fields.Field:
    """The building of the community a record is placed in, by ref (or code or name), chosen
    in its form and read from it only: the record keeps the node and names it otherwise."""
    return describe(
        ma.fields.String(load_only=True, load_default=None, allow_none=True),
        label=BUILDING,
        widget="select",
        choices=_building_choices,
    )


class ResidentSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(50), label=_l("Full name"), column=True, sort=True)
    gender = describe(
        choice(services.GENDERS, load_default=None, allow_none=True),
        label=_l("Gender"),
        column=True,
    )
    id_number = describe(
        ResidentIdField(required=True, metadata={"description": "身份证号 (GB 11643)"}),
        label=_l("Resident ID"),
        sensitivity=S2,
        mask=mask_id,
        column=True,
    )
    birth_date = describe(
        ma.fields.Date(load_default=None, allow_none=True),
        label=_l("Date of birth"),
        sensitivity=S2,
        mask=birth_year,
        imports=False,
        form=False,
        sort=True,
    )
    mobile = describe(
        ma.fields.String(load_default=None, allow_none=True, validate=mobile_number),
        label=_l("Mobile"),
        sensitivity=S2,
        mask=mask_mobile,
        column=True,
    )
    ethnicity = describe(optional_text(20), label=_l("Ethnicity"))
    status = describe(
        choice({k: services.STATUSES[k] for k in services.PRESENT}, load_default="registered"),
        label=_l("Residence status"),
        column=True,
        choices=services.STATUSES,
    )
    current_address = describe(optional_text(200), label=_l("Current address"), column=True)
    hukou_address = describe(optional_text(200), label=_l("Hukou address"))
    arrived_on = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Arrived on"),
        sort=True,
    )
    managed_on = describe(ma.fields.Date(dump_only=True), label=_l("In management since"))
    departed_on = describe(ma.fields.Date(dump_only=True), label=_l("Left on"))
    household_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Household"),
        picker="registry_api.api_picker_households",
        export=False,
        imports=False,
    )
    household = describe(
        ma.fields.Function(_household_address, dump_only=True), label=_l("Household")
    )
    building = building_select()
    building_name = describe(ma.fields.Function(_building_name, dump_only=True), label=BUILDING)
    relation = describe(
        choice(services.RELATIONS, load_default=None, allow_none=True),
        label=_l("Relation to the head"),
        widget="select",
    )
    tags = describe(
        KeysField(
            _tag_choices, unknown=_l("Unknown tags: %(items)s"), load_default=None, allow_none=True
        ),
        label=_l("Tags"),
        column=True,
        choices=_tag_choices,
        widget="checkboxes",
        item_sensitivity=tag_rules.item_class,  # special groups are S3, tag by tag
    )
    last_verified_on = describe(
        ma.fields.Date(dump_only=True), label=_l("Last verified on"), column=True
    )
    notes = describe(optional_text(2000), label=NOTES)
    # Registered although the ID is live in another community (人户分离): see transfers.py.
    confirm_duplicate = ma.fields.Boolean(load_only=True, load_default=False)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class HouseholdSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    address = describe(ma.fields.String(dump_only=True), label=_l("Address"), column=True)
    building = describe(
        ma.fields.String(
            required=True,
            validate=ma.validate.Length(min=1, max=100),
            metadata={"description": "the building's ref, code or name, e.g. 1号楼"},
        ),
        label=BUILDING,
        widget="select",
        choices=_building_choices,
    )
    building_name = describe(ma.fields.Function(_building_name, dump_only=True), label=BUILDING)
    entrance = describe(optional_text(20), label=_l("Entrance"))
    room = describe(required_text(20), label=_l("Room"))
    head_name = describe(required_text(50), label=_l("Head of household"), column=True, sort=True)
    tenure = describe(
        choice(services.TENURES, load_default="owned"), label=_l("Tenure"), column=True
    )
    members = describe(
        ma.fields.Function(lambda h: len(h.members), dump_only=True),
        label=_l("Members"),
        column=True,
    )
    moved_in_on = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Moved in on"),
        column=True,
        sort=True,
    )
    moved_out_on = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Moved out on"),
    )
    notes = describe(optional_text(2000), label=NOTES)
    created_at = ma.fields.DateTime(dump_only=True)


class UnitSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(100), label=_l("Unit name"), column=True, sort=True)
    credit_code = describe(
        CreditCodeField(required=True, metadata={"description": "统一社会信用代码"}),
        label=_l("Unified social credit code"),
        column=True,
    )
    kind = describe(
        choice(services.UNIT_KINDS, load_default="enterprise"), label=_l("Unit type"), column=True
    )
    legal_representative = describe(optional_text(50), label=_l("Legal representative"))
    contact_name = describe(optional_text(50), label=_l("Contact person"))
    contact_phone = describe(
        ma.fields.String(load_default=None, allow_none=True, validate=phone_number),
        label=_l("Contact phone"),
        sensitivity=S2,
        mask=mask_mobile,
        column=True,
    )
    address = describe(optional_text(200), label=_l("Address"), column=True)
    industry = describe(optional_text(50), label=_l("Industry"))
    size_class = describe(
        choice(services.SIZE_CLASSES, load_default="below"), label=_l("Size class"), column=True
    )
    output_value = describe(
        ma.fields.Decimal(
            places=2,
            as_string=True,
            load_default=None,
            allow_none=True,
            validate=amount,
            metadata={"description": "annual output value, 万元"},
        ),
        label=_l("Annual output value (10,000 yuan)"),
    )
    headcount = describe(
        ma.fields.Integer(
            load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=10**7)
        ),
        label=_l("Headcount"),
    )
    building = building_select()
    building_name = describe(ma.fields.Function(_building_name, dump_only=True), label=BUILDING)
    notes = describe(optional_text(2000), label=NOTES)
    created_at = ma.fields.DateTime(dump_only=True)


class StepSchema(Schema):
    """A dated lifecycle step (in management since, moved out on, died on)."""

    on = ma.fields.Date(required=True, validate=not_future)

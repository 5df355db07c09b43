"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``floating``) or what a user sees (流动人口), so spreadsheets can use words."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import clock
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
from tenants.models import Node

from . import tags as tag_rules
from .ages import AGE_BANDS
from .models import RegistryResident
from .places import building_choices
from .services import (
    get_household,
    get_resident,
    get_unit,
    household_label,
    picker_text,
    resident_label,
    unit_label,
)
from .validators import (
    birth_year,
    check_birth_certificate,
    check_credit_code,
    check_resident_id,
    mask_certificate,
    mask_id,
    mask_mobile,
    normalize_credit_code,
    normalize_id,
)
from .vocabularies import (
    BUSINESS_STATUSES,
    EMPLOYMENTS,
    GENDERS,
    GUARDIAN_RELATIONS,
    INDUSTRIES,
    MARITAL_STATUSES,
    POLITICAL_STATUSES,
    PRESENCES,
    PRESENT,
    RELATIONS,
    SIZE_CLASSES,
    STATUSES,
    TENURES,
    UNIT_KINDS,
)


class ResidentIdField(ma.fields.String):
    """身份证号: spaces dropped, x upper-cased, GB 11643 checked (length, date, check digit).
    Left empty it is ``None`` where the field allows it (a newborn's, until 落户)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        text = normalize_id(super()._deserialize(value, attr, data, **kwargs))
        if not text and self.allow_none:
            return None
        problem = check_resident_id(text, clock.today())
        if problem:
            raise ma.ValidationError(problem)
        return text


class BirthCertificateField(ma.fields.String):
    """出生医学证明编号: one capital letter and nine digits (spaces dropped, letter upper-cased)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        text = normalize_id(super()._deserialize(value, attr, data, **kwargs))
        if not text:
            return None
        problem = check_birth_certificate(text)
        if problem:
            raise ma.ValidationError(problem)
        return text


def yes_no(**kwargs: Any) -> ma.fields.Boolean:
    """A yes/no field that also reads the 是/否 an export writes, so the file imports again."""
    return ma.fields.Boolean(
        truthy={*ma.fields.Boolean.truthy, "是"}, falsy={*ma.fields.Boolean.falsy, "否"}, **kwargs
    )


def _name_of(relation: str):
    """The name of the record a reference points at (a guardian, a landlord), for pages."""

    def name(record: Any) -> str | None:
        target = getattr(record, relation)
        return target.name if target is not None else None

    return name


def _employer(resident: Any) -> str | None:
    """工作单位 as read: the registered unit's name, else the name given for one elsewhere."""
    if resident.employer is not None:
        return resident.employer.name
    return resident.employer_name or None


# What a picker's box shows for the id a form holds (None for a row the user may not see).
_resident_label = picker_text(get_resident, resident_label)
_unit_label = picker_text(get_unit, unit_label)
_household_label = picker_text(get_household, household_label)


def _street_label(node_id: int) -> str | None:
    from core.db import db

    street = db.session.get(Node, node_id)
    return street.name if street is not None and street.kind == "street" else None


def _age_band_choices() -> dict[str, Any]:
    """The bands' labels; given as a function, as for tags: the document then describes a
    list of keys, not one key."""
    return dict(AGE_BANDS)


def _member_choices() -> dict[int, str]:
    """The members living in the household whose form is open (its head is one of them); none
    on a new household's form."""
    from flask import has_request_context, request

    from core.db import db

    args = (request.view_args or {}) if has_request_context() else {}
    if args.get("plural") != "households" or "record_id" not in args:
        return {}
    stmt = (
        sa.select(RegistryResident.id, RegistryResident.name)
        .where(
            RegistryResident.household_id == args["record_id"],
            RegistryResident.status.in_(PRESENT),
        )
        .order_by(RegistryResident.id)
    )
    return dict(db.session.execute(stmt).all())


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


# The community's buildings by ref (the forms' select).
_building_choices = building_choices("ref")


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


def picked(label: Any, picker: str, shown_as: Any) -> ma.fields.Field:
    """An optional record chosen in a search picker (the registry API's ``picker`` endpoint) and
    named on pages by a field of its own: left off pages and imports, ``shown_as`` gives the
    picker's text for the id the form holds."""
    return describe(
        record_id(load_default=None, allow_none=True),
        label=label,
        picker=f"registry_api.{picker}",
        picker_label=shown_as,
        shown=False,
        imports=False,
    )


class ResidentSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(50), label=_l("Full name"), column=True, sort=True)
    gender = describe(
        choice(GENDERS, load_default=None, allow_none=True),
        label=_l("Gender"),
        column=True,
    )
    id_number = describe(
        ResidentIdField(
            load_default=None,
            allow_none=True,
            metadata={"description": "身份证号 (GB 11643); none for a child under 16 until 落户"},
        ),
        label=_l("Resident ID"),
        sensitivity=S2,
        mask=mask_id,
        column=True,
    )
    birth_certificate_number = describe(
        BirthCertificateField(
            load_default=None,
            allow_none=True,
            metadata={"description": "出生医学证明编号: a capital letter and 9 digits"},
        ),
        label=_l("Birth certificate number"),
        sensitivity=S2,
        mask=mask_certificate,
        widget="text",
        help=_l("For a child without a resident ID yet: one capital letter and nine digits."),
    )
    birth_date = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Date of birth"),
        sensitivity=S2,
        mask=birth_year,
        sort=True,
        help=_l("Read from the resident ID; give it for a child registered without one."),
    )
    age_bands = describe(
        ma.fields.List(ma.fields.String(), dump_only=True),
        label=_l("Age band"),
        choices=_age_band_choices,
        export=False,
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
        choice({k: STATUSES[k] for k in PRESENT}, load_default="registered"),
        label=_l("Residence status"),
        column=True,
        choices=STATUSES,
        former_labels=("户籍状态",),
    )
    current_address = describe(optional_text(200), label=_l("Current address"), column=True)
    hukou_address = describe(optional_text(200), label=_l("Hukou address"))
    arrived_on = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Arrived on"),
        sort=True,
        former_labels=("来（迁入）日期",),
    )
    managed_on = describe(ma.fields.Date(dump_only=True), label=_l("In management since"))
    departed_on = describe(ma.fields.Date(dump_only=True), label=_l("Left on"))
    household_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Household"),
        picker="registry_api.api_picker_households",
        picker_label=_household_label,
        export=False,
        imports=False,
    )
    household = describe(
        ma.fields.Function(_household_address, dump_only=True), label=_l("Household")
    )
    building = building_select()
    building_name = describe(ma.fields.Function(_building_name, dump_only=True), label=BUILDING)
    relation = describe(
        choice(RELATIONS, load_default=None, allow_none=True),
        label=_l("Relation to the head"),
        widget="select",
    )
    marital_status = describe(
        choice(MARITAL_STATUSES, load_default=None, allow_none=True),
        label=_l("Marital status"),
        widget="select",
    )
    presence = describe(
        choice(PRESENCES, load_default="consistent"),
        label=_l("Registration and residence"),
        widget="radio",
    )
    out_to = describe(
        optional_text(100), label=_l("Now living in"), help=_l("Only for an outflow resident.")
    )
    out_since = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Away since"),
    )
    employment = describe(
        choice(EMPLOYMENTS, load_default=None, allow_none=True),
        label=_l("Employment"),
        widget="select",
    )
    employer_id = picked(_l("Employer in the registry"), "api_picker_employers", _unit_label)
    employer_name = describe(
        optional_text(100),
        label=_l("Employer elsewhere"),
        shown=False,
        help=_l("The name of a workplace that is not a unit of the registry."),
    )
    employer = describe(ma.fields.Function(_employer, dump_only=True), label=_l("Employer"))
    political_status = describe(
        choice(POLITICAL_STATUSES, load_default=None, allow_none=True),
        label=_l("Political status"),
        widget="select",
    )
    guardian_id = picked(_l("Guardian"), "api_picker_guardians", _resident_label)
    guardian = describe(
        ma.fields.Function(_name_of("guardian"), dump_only=True), label=_l("Guardian")
    )
    guardian_relation = describe(
        choice(GUARDIAN_RELATIONS, load_default=None, allow_none=True),
        label=_l("The guardian is the resident's"),
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
    room = describe(required_text(20), label=_l("Room"), former_labels=("门牌号",))
    head_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Head of household (a member)"),
        widget="select",
        choices=_member_choices,
        shown=False,
        imports=False,
        help=_l("Choosing a member makes them the head: their name and relation follow."),
    )
    head_name = describe(required_text(50), label=_l("Head of household"), column=True, sort=True)
    tenure = describe(choice(TENURES, load_default="owned"), label=_l("Tenure"), column=True)
    rental = describe(yes_no(load_default=False), label=_l("Flat let to tenants"), column=True)
    landlord_id = picked(_l("Landlord"), "api_picker_landlords", _resident_label)
    landlord = describe(
        ma.fields.Function(_name_of("landlord"), dump_only=True), label=_l("Landlord")
    )
    tenant_count = describe(
        ma.fields.Integer(
            load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=999)
        ),
        label=_l("Tenant count"),
    )
    group_rental = describe(yes_no(load_default=False), label=_l("Group rental"))
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
        choice(UNIT_KINDS, load_default="enterprise"), label=_l("Unit type"), column=True
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
    industry = describe(
        choice(INDUSTRIES, load_default=None, allow_none=True),
        label=_l("Industry"),
        widget="select",
    )
    business_status = describe(
        choice(BUSINESS_STATUSES, load_default="operating"),
        label=_l("Business status"),
        column=True,
    )
    street_front = describe(yes_no(load_default=False), label=_l("Street-front shop"))
    headquarters_street_id = picked(
        _l("Headquarters street (of a branch)"), "api_picker_streets", _street_label
    )
    headquarters_street = describe(
        ma.fields.Function(_name_of("headquarters_street"), dump_only=True),
        label=_l("Headquarters street (of a branch)"),
    )
    size_class = describe(
        choice(SIZE_CLASSES, load_default="below"), label=_l("Size class"), column=True
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

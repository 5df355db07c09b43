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
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Schema,
    Text,
    amount,
    choice,
    describe,
    mobile_number,
    not_future,
    phone_number,
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
    return RecordId(
        label, picker=f"registry_api.{picker}", picker_label=shown_as, shown=False, imports=False
    )


class ResidentSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Full name"), 50, required=True, column=True, sort=True)
    gender = Choice(_l("Gender"), GENDERS, column=True)
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
    birth_date = Date(
        _l("Date of birth"),
        validate=not_future,
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
    mobile = Text(
        _l("Mobile"), validate=mobile_number, sensitivity=S2, mask=mask_mobile, column=True
    )
    ethnicity = Text(_l("Ethnicity"), 20)
    status = describe(
        choice({k: STATUSES[k] for k in PRESENT}, load_default="registered"),
        label=_l("Residence status"),
        column=True,
        choices=STATUSES,
        former_labels=("户籍状态",),
    )
    current_address = Text(_l("Current address"), 200, column=True)
    hukou_address = Text(_l("Hukou address"), 200)
    arrived_on = Date(
        _l("Arrived on"), validate=not_future, sort=True, former_labels=("来（迁入）日期",)
    )
    managed_on = Date(_l("In management since"), dump_only=True)
    departed_on = Date(_l("Left on"), dump_only=True)
    household_id = RecordId(
        _l("Household"),
        picker="registry_api.api_picker_households",
        picker_label=_household_label,
        export=False,
        imports=False,
    )
    household = Computed(_l("Household"), _household_address)
    building = building_select()
    building_name = Computed(BUILDING, _building_name)
    relation = Choice(_l("Relation to the head"), RELATIONS, widget="select")
    marital_status = Choice(_l("Marital status"), MARITAL_STATUSES, widget="select")
    presence = Choice(
        _l("Registration and residence"), PRESENCES, default="consistent", widget="radio"
    )
    out_to = Text(_l("Now living in"), 100, help=_l("Only for an outflow resident."))
    out_since = Date(_l("Away since"), validate=not_future)
    employment = Choice(_l("Employment"), EMPLOYMENTS, widget="select")
    employer_id = picked(_l("Employer in the registry"), "api_picker_employers", _unit_label)
    employer_name = Text(
        _l("Employer elsewhere"),
        100,
        shown=False,
        help=_l("The name of a workplace that is not a unit of the registry."),
    )
    employer = Computed(_l("Employer"), _employer)
    political_status = Choice(_l("Political status"), POLITICAL_STATUSES, widget="select")
    guardian_id = picked(_l("Guardian"), "api_picker_guardians", _resident_label)
    guardian = Computed(_l("Guardian"), _name_of("guardian"))
    guardian_relation = Choice(
        _l("The guardian is the resident's"), GUARDIAN_RELATIONS, widget="select"
    )
    tags = Keys(
        _l("Tags"),
        _tag_choices,
        unknown=_l("Unknown tags: %(items)s"),
        column=True,
        item_sensitivity=tag_rules.item_class,  # special groups are S3, tag by tag
    )
    last_verified_on = Date(_l("Last verified on"), dump_only=True, column=True)
    notes = Text(NOTES, 2000)
    # Registered although the ID is live in another community (人户分离): see transfers.py.
    confirm_duplicate = ma.fields.Boolean(load_only=True, load_default=False)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class HouseholdSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    address = Text(_l("Address"), dump_only=True, column=True)
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
    building_name = Computed(BUILDING, _building_name)
    entrance = Text(_l("Entrance"), 20)
    room = Text(_l("Room"), 20, required=True, former_labels=("门牌号",))
    head_id = RecordId(
        _l("Head of household (a member)"),
        widget="select",
        choices=_member_choices,
        shown=False,
        imports=False,
        help=_l("Choosing a member makes them the head: their name and relation follow."),
    )
    head_name = Text(_l("Head of household"), 50, required=True, column=True, sort=True)
    tenure = Choice(_l("Tenure"), TENURES, default="owned", column=True)
    rental = describe(yes_no(load_default=False), label=_l("Flat let to tenants"), column=True)
    landlord_id = picked(_l("Landlord"), "api_picker_landlords", _resident_label)
    landlord = Computed(_l("Landlord"), _name_of("landlord"))
    tenant_count = Number(_l("Tenant count"), min=0, max=999)
    group_rental = describe(yes_no(load_default=False), label=_l("Group rental"))
    members = Computed(_l("Members"), lambda h: len(h.members), column=True)
    moved_in_on = Date(_l("Moved in on"), validate=not_future, column=True, sort=True)
    moved_out_on = Date(_l("Moved out on"), validate=not_future)
    notes = Text(NOTES, 2000)
    created_at = ma.fields.DateTime(dump_only=True)


class UnitSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Unit name"), 100, required=True, column=True, sort=True)
    credit_code = describe(
        CreditCodeField(required=True, metadata={"description": "统一社会信用代码"}),
        label=_l("Unified social credit code"),
        column=True,
    )
    kind = Choice(_l("Unit type"), UNIT_KINDS, default="enterprise", column=True)
    legal_representative = Text(_l("Legal representative"), 50)
    contact_name = Text(_l("Contact person"), 50)
    contact_phone = Text(
        _l("Contact phone"), validate=phone_number, sensitivity=S2, mask=mask_mobile, column=True
    )
    address = Text(_l("Address"), 200, column=True)
    industry = Choice(_l("Industry"), INDUSTRIES, widget="select")
    business_status = Choice(
        _l("Business status"), BUSINESS_STATUSES, default="operating", column=True
    )
    street_front = describe(yes_no(load_default=False), label=_l("Street-front shop"))
    headquarters_street_id = picked(
        _l("Headquarters street (of a branch)"), "api_picker_streets", _street_label
    )
    headquarters_street = Computed(
        _l("Headquarters street (of a branch)"), _name_of("headquarters_street")
    )
    size_class = Choice(_l("Size class"), SIZE_CLASSES, default="below", column=True)
    output_value = Number(
        _l("Annual output value (10,000 yuan)"),
        places=2,
        validate=amount,
        description="annual output value, 万元",
    )
    headcount = Number(_l("Headcount"), min=0, max=10**7)
    building = building_select()
    building_name = Computed(BUILDING, _building_name)
    notes = Text(NOTES, 2000)
    created_at = ma.fields.DateTime(dump_only=True)


class StepSchema(Schema):
    """A dated lifecycle step (in management since, moved out on, died on)."""

    on = ma.fields.Date(required=True, validate=not_future)

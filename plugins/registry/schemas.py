"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``floating``) or what a user sees (流动人口), so spreadsheets can use words."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _

from core.validation import (
    ChoiceSchema,
    Schema,
    amount,
    choice,
    mobile_number,
    not_future,
    optional_text,
    phone_number,
    required_text,
)

from . import services
from .validators import check_credit_code, check_resident_id, normalize_credit_code, normalize_id


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


class TagsField(ma.fields.Field):
    """A list of tag keys; also a text such as "老年人、残疾人" (labels or keys) from a spreadsheet."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if isinstance(value, str):
            value = [v for v in re.split(r"[,，、;；\s]+", value) if v]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ma.ValidationError(_("Give the tags as a list."))
        known = services.declared_tags()
        by_label = {str(tag.label): key for key, tag in known.items()}
        keys, unknown = [], []
        for item in value:
            key = item if item in known else by_label.get(item)
            if key is None:
                unknown.append(item)
            elif key not in keys:
                keys.append(key)
        if unknown:
            raise ma.ValidationError(_("Unknown tags: %(tags)s", tags="、".join(unknown)))
        return keys

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[str]:
        return list(value or [])


class ResidentSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(50, metadata={"description": "姓名"})
    id_number = ResidentIdField(required=True, metadata={"description": "身份证号 (GB 11643)"})
    gender = choice(services.GENDERS, load_default=None, allow_none=True)
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    mobile = ma.fields.String(load_default=None, allow_none=True, validate=mobile_number)
    ethnicity = optional_text(20)
    hukou_address = optional_text(200)
    current_address = optional_text(200)
    status = choice({k: services.STATUSES[k] for k in services.PRESENT}, load_default="registered")
    arrived_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    managed_on = ma.fields.Date(dump_only=True)
    departed_on = ma.fields.Date(dump_only=True)
    household_id = ma.fields.Integer(load_default=None, allow_none=True)
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    relation = choice(services.RELATIONS, load_default=None, allow_none=True)
    tags = TagsField(load_default=None, allow_none=True)
    notes = optional_text(2000)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ResidentUpdateSchema(ResidentSchema):
    """Edits: the same fields, all optional; the status changes through the lifecycle steps."""

    class Meta:
        exclude = ("status",)


class HouseholdSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    building = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "the building's ref, code or name, e.g. 1号楼"},
    )
    entrance = optional_text(20)
    room = required_text(20)
    head_name = required_text(50)
    tenure = choice(services.TENURES, load_default="owned")
    moved_in_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    moved_out_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    notes = optional_text(2000)
    address = ma.fields.String(dump_only=True)
    members = ma.fields.Function(lambda h: len(h.members), dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class UnitSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(100)
    credit_code = CreditCodeField(required=True, metadata={"description": "统一社会信用代码"})
    kind = choice(services.UNIT_KINDS, load_default="enterprise")
    legal_representative = optional_text(50)
    contact_name = optional_text(50)
    contact_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    address = optional_text(200)
    industry = optional_text(50)
    size_class = choice(services.SIZE_CLASSES, load_default="below")
    output_value = ma.fields.Decimal(
        places=2,
        as_string=True,
        load_default=None,
        allow_none=True,
        validate=amount,
        metadata={"description": "annual output value, 万元"},
    )
    headcount = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=10**7)
    )
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    notes = optional_text(2000)
    created_at = ma.fields.DateTime(dump_only=True)


class StepSchema(Schema):
    """A dated lifecycle step (in management since, moved out on, died on)."""

    on = ma.fields.Date(required=True, validate=not_future)

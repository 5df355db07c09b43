"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``floating``) or what a user sees (流动人口), so spreadsheets can use words."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _

from core.validation import Schema, mobile_number, required_text

from . import services
from .validators import check_credit_code, check_resident_id, normalize_credit_code, normalize_id


def _choice(choices: dict[str, Any], **kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=ma.validate.OneOf(list(choices)), metadata={"choices": choices}, **kwargs
    )


def _text(max_length: int, **kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=max_length), **kwargs
    )


def _not_future(value: date) -> None:
    if value > services.today():
        raise ma.ValidationError(_("The date cannot be in the future."))
    if value.year < 1900:
        raise ma.ValidationError(_("Give a date after 1900 (YYYY-MM-DD)."))


def _phone(value: str | None) -> None:
    if value and not re.fullmatch(r"[\d-]{7,20}", value):
        raise ma.ValidationError(_("A phone number has 7 to 20 digits (and dashes)."))


def _amount(value: Decimal | None) -> None:
    """A plain function, not ``Range``: apispec would write a Decimal range as strings."""
    if value is not None and not 0 <= value <= 10**11:
        raise ma.ValidationError(_("Give an amount between 0 and 100,000,000,000."))


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


class RegistrySchema(Schema):
    """Choice fields accept the label a user sees as well as the key."""

    @ma.pre_load
    def _labels_to_keys(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, field in self.fields.items():
            choices = field.metadata.get("choices")
            if choices and isinstance(data.get(name), str):
                by_label = {str(label): key for key, label in choices.items()}
                data[name] = by_label.get(data[name], data[name])
        return data


class ResidentSchema(RegistrySchema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(50, metadata={"description": "姓名"})
    id_number = ResidentIdField(required=True, metadata={"description": "身份证号 (GB 11643)"})
    gender = _choice(services.GENDERS, load_default=None, allow_none=True)
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    mobile = ma.fields.String(load_default=None, allow_none=True, validate=mobile_number)
    ethnicity = _text(20)
    hukou_address = _text(200)
    current_address = _text(200)
    status = _choice({k: services.STATUSES[k] for k in services.PRESENT}, load_default="registered")
    arrived_on = ma.fields.Date(load_default=None, allow_none=True, validate=_not_future)
    managed_on = ma.fields.Date(dump_only=True)
    departed_on = ma.fields.Date(dump_only=True)
    household_id = ma.fields.Integer(load_default=None, allow_none=True)
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    relation = _choice(services.RELATIONS, load_default=None, allow_none=True)
    tags = TagsField(load_default=None, allow_none=True)
    notes = _text(2000)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ResidentUpdateSchema(ResidentSchema):
    """Edits: the same fields, all optional; the status changes through the lifecycle steps."""

    class Meta:
        exclude = ("status",)


class HouseholdSchema(RegistrySchema):
    id = ma.fields.Integer(dump_only=True)
    building = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "the building's ref, code or name, e.g. 1号楼"},
    )
    entrance = _text(20)
    room = required_text(20)
    head_name = required_text(50)
    tenure = _choice(services.TENURES, load_default="owned")
    moved_in_on = ma.fields.Date(load_default=None, allow_none=True, validate=_not_future)
    moved_out_on = ma.fields.Date(load_default=None, allow_none=True, validate=_not_future)
    notes = _text(2000)
    address = ma.fields.String(dump_only=True)
    members = ma.fields.Function(lambda h: len(h.members), dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class UnitSchema(RegistrySchema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(100)
    credit_code = CreditCodeField(required=True, metadata={"description": "统一社会信用代码"})
    kind = _choice(services.UNIT_KINDS, load_default="enterprise")
    legal_representative = _text(50)
    contact_name = _text(50)
    contact_phone = ma.fields.String(load_default=None, allow_none=True, validate=_phone)
    address = _text(200)
    industry = _text(50)
    size_class = _choice(services.SIZE_CLASSES, load_default="below")
    output_value = ma.fields.Decimal(
        places=2,
        as_string=True,
        load_default=None,
        allow_none=True,
        validate=_amount,
        metadata={"description": "annual output value, 万元"},
    )
    headcount = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=10**7)
    )
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    notes = _text(2000)
    created_at = ma.fields.DateTime(dump_only=True)


class StepSchema(Schema):
    """A dated lifecycle step (in management since, moved out on, died on)."""

    on = ma.fields.Date(required=True, validate=_not_future)

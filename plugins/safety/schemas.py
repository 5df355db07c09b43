"""What the forms, the API and the imports accept. One schema per record serves all three; choice
fields take their key (``major``) or what a user sees (重大隐患), so spreadsheets can use words."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.validation import (
    ChoiceSchema,
    Schema,
    choice,
    not_future,
    optional_text,
    phone_number,
    required_text,
)
from plugins.registry.schemas import CreditCodeField

from . import services


class SettingsSchema(Schema):
    """Per-community settings (Modules page): rectification deadlines and the training target."""

    general_deadline_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["general_deadline_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Days to rectify a general hazard")},
    )
    major_deadline_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["major_deadline_days"],
        validate=ma.validate.Range(min=1, max=730),
        metadata={"label": _l("Days to rectify a major hazard")},
    )
    training_target = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["training_target"],
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"label": _l("Three-key-post trainees a year (target)")},
    )
    certificate_warning_days = ma.fields.Integer(
        load_default=services.DEFAULT_SETTINGS["certificate_warning_days"],
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Warn of certificates expiring within (days)")},
    )


# === enterprises and major hazard sources =====================================================


class EnterpriseSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = ma.fields.Integer(required=True, metadata={"description": "the registry unit"})
    name = ma.fields.String(dump_only=True)
    risk_level = choice(services.RISK_LEVELS, load_default="low")
    sector = choice(services.SECTORS, load_default="general")
    standardisation = choice(services.STANDARDISATION, load_default="not_started")
    standard_level = choice(services.STANDARD_LEVELS, load_default=None, allow_none=True)
    demonstration = ma.fields.Boolean(load_default=False)
    principal_name = optional_text(50)
    principal_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    safety_manager_name = optional_text(50)
    safety_manager_phone = ma.fields.String(
        load_default=None, allow_none=True, validate=phone_number
    )
    notes = optional_text(2000)
    created_at = ma.fields.DateTime(dump_only=True)


class EnterpriseUpdateSchema(EnterpriseSchema):
    class Meta:
        exclude = ("unit_id",)


class HazardSourceSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(100)
    grade = choice(services.SOURCE_GRADES, required=True)
    substances = optional_text(200)
    quantity = optional_text(50)
    responsible_person = optional_text(50)
    monitoring = optional_text(2000)
    registered_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)


# === inspections and hazards ==================================================================


class CheckItemSchema(Schema):
    item = required_text(200)
    result = choice(services.CHECK_RESULTS, required=True)
    note = optional_text(500)


class InspectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    kind = choice(services.INSPECTION_KINDS, load_default="routine")
    planned = ma.fields.Boolean(load_default=False)
    planned_on = ma.fields.Date(load_default=None, allow_none=True)
    done_on = ma.fields.Date(load_default=None, allow_none=True)
    enterprise_id = ma.fields.Integer(load_default=None, allow_none=True)
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    area = optional_text(200)
    inspectors = optional_text(200)
    checklist = ma.fields.List(
        ma.fields.Nested(CheckItemSchema), load_default=None, allow_none=True
    )
    findings = optional_text(5000)
    created_at = ma.fields.DateTime(dump_only=True)


# === imports ==================================================================================


class YesNoField(ma.fields.Boolean):
    """是/否 as the exports write it, or the usual true/false words."""

    truthy = ma.fields.Boolean.truthy | {"是", "Yes"}
    falsy = ma.fields.Boolean.falsy | {"否", "No"}


class EnterpriseImportSchema(ChoiceSchema):
    """A row of the enterprise import: the export's columns (community and counts ignored)."""

    community = ma.fields.String(load_default=None, allow_none=True)  # ignored
    name = required_text(100)
    credit_code = CreditCodeField(required=True)
    sector = choice(services.SECTORS, load_default=None, allow_none=True)
    risk_level = choice(services.RISK_LEVELS, load_default=None, allow_none=True)
    standardisation = choice(services.STANDARDISATION, load_default=None, allow_none=True)
    standard_level = choice(services.STANDARD_LEVELS, load_default=None, allow_none=True)
    demonstration = YesNoField(load_default=None, allow_none=True)
    principal_name = optional_text(50)
    principal_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    safety_manager_name = optional_text(50)
    safety_manager_phone = ma.fields.String(
        load_default=None, allow_none=True, validate=phone_number
    )
    notes = optional_text(2000)
    hazard_sources = ma.fields.String(load_default=None, allow_none=True)  # ignored
    open_hazards = ma.fields.String(load_default=None, allow_none=True)  # ignored


__all__ = ["ChoiceSchema", "SettingsSchema"]

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


# === enterprises and major hazard sources (lead) ==============================================


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


# === inspections and hazards (lead) ===========================================================


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


class HazardSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    number = optional_text(
        30, metadata={"description": "隐患编号; numbered YH<year>-NNNN if left out"}
    )
    inspection_id = ma.fields.Integer(load_default=None, allow_none=True)
    enterprise_id = ma.fields.Integer(load_default=None, allow_none=True)
    building = ma.fields.String(load_only=True, load_default=None, allow_none=True)
    description = required_text(2000)
    location = optional_text(200)
    category = choice(services.HAZARD_CATEGORIES, load_default="other")
    severity = choice(services.SEVERITIES, load_default="general")
    status = ma.fields.String(dump_only=True)
    found_on = ma.fields.Date(load_default=None, allow_none=True)
    found_by = optional_text(100)
    notice_number = ma.fields.String(dump_only=True)
    notice_issued_on = ma.fields.Date(dump_only=True)
    deadline = ma.fields.Date(
        load_default=None, allow_none=True, metadata={"description": "defaults from the settings"}
    )
    responsible_person = optional_text(50)
    responsible_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    measures = optional_text(2000)
    closed_on = ma.fields.Date(dump_only=True)
    reopened = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class HazardUpdateSchema(HazardSchema):
    class Meta:
        exclude = ("number", "inspection_id", "enterprise_id", "building")


class TransitionSchema(Schema):
    """A workflow step: its date, a comment, and for a notice its number, deadline and the
    person responsible (a re-opening may set a new deadline)."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    notice_number = optional_text(40)
    deadline = ma.fields.Date(load_default=None, allow_none=True)
    responsible_person = optional_text(50)
    responsible_phone = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    measures = optional_text(2000)


# === training, accidents, activities (training helper) ========================================


# === imports (exports helper) =================================================================

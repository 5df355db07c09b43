"""What the family ledger's forms, API, lists and exports accept and show. 失独/伤残 are S3
items of the categories; the child's death, disability and the care needs are S3; the health
worker's phone is S2."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    S3,
    Boolean,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    RecordId,
    Schema,
    Text,
    describe,
    not_future,
    optional_text,
    phone_number,
)
from plugins.registry.schemas import ResidentIdField
from plugins.registry.services import (
    get_household,
    get_resident,
    household_label,
    picker_text,
    resident_label,
)
from plugins.registry.validators import mask_id, mask_mobile

from . import rules

GRADES = {"1": _l("Grade 1"), "2": _l("Grade 2"), "3": _l("Grade 3"), "4": _l("Grade 4")}


def _parent(label: object) -> ma.fields.Field:
    """A parent: a resident the user sees (who draws the benefits)."""
    return RecordId(
        label,
        picker="family_planning_api.api_picker_residents",
        picker_label=picker_text(get_resident, resident_label),
        shown=False,
        imports=False,
    )


class FamilySchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    household_id = RecordId(
        _l("Household"),
        required=True,
        picker="registry_api.api_picker_households",
        picker_label=picker_text(get_household, household_label),
        shown=False,
        imports=False,
    )
    household = Computed(_l("Household"), lambda f: f.household.address, column=True)
    head = Computed(_l("Head of household"), lambda f: f.household.head_name, column=True)
    father_id = _parent(_l("Father"))
    father = Computed(_l("Father"), lambda f: f.father.name if f.father else "")
    mother_id = _parent(_l("Mother"))
    mother = Computed(_l("Mother"), lambda f: f.mother.name if f.mother else "")
    categories = Keys(
        _l("Family category"),
        lambda: rules.CATEGORIES,
        default=list,
        item_sensitivity=rules.category_class,
        column=True,
    )
    certificate_number = Text(_l("Honour certificate number"), 30)
    certificate_on = Date(_l("Honour certificate date"), validate=not_future)
    child_died_on = Date(_l("Child died on"), validate=not_future, sensitivity=S3)
    disability_grade = Choice(_l("Child's disability grade"), GRADES, sensitivity=S3)
    recognised_on = Date(_l("Recognised on"), dump_only=True)
    recognition_ref = Text(_l("Recognition reference"), dump_only=True)
    contact_name = Text(_l("Community contact"), 50, column=True)
    health_worker = Text(_l("Health worker"), 50)
    health_worker_phone = Text(
        _l("Health worker's phone"), 20, validate=phone_number, sensitivity=S2, mask=mask_mobile
    )
    gp_signed_on = Date(_l("Family doctor signed on"), validate=not_future)
    green_channel = Boolean(_l("Green channel for medical care"))
    care_needs = Keys(_l("Care needs"), lambda: rules.CARE_NEEDS, default=list, sensitivity=S3)
    status = Choice(_l("Status"), rules.FAMILY_STATUSES, dump_only=True, column=True)
    deadline = Date(_l("Street review by"), dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class FamilyStepSchema(Schema):
    """A confirmation step: its day, a comment, and the recognition's reference number."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    recognition_ref = optional_text(50)


def _parent_id(label: object) -> ma.fields.Field:
    return describe(
        ResidentIdField(load_default=None, allow_none=True),
        label=label,
        sensitivity=S2,
        mask=mask_id,
    )


class FamilyImportSchema(FamilySchema):
    """A row of the family import: the parents by their resident IDs; the household is the
    one they live in here."""

    class Meta:
        exclude = ("household_id", "father_id", "mother_id")

    father_id_number = _parent_id(_l("Father's resident ID"))
    mother_id_number = _parent_id(_l("Mother's resident ID"))

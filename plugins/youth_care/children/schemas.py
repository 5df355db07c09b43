"""What the 关爱对象台账's forms, API, list, export and import accept and show. The categories,
guardianship, parents' absence, family situation and needs are S3 (child vulnerability); the
guardian's phone is S2; the child's name, school and level are S1."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    RecordId,
    Schema,
    Text,
    choice,
    choice_label,
    not_future,
    optional_text,
    phone_number,
)
from plugins.registry.services import (
    get_resident,
    get_unit,
    picker_text,
    resident_label,
    unit_label,
)
from plugins.registry.validators import mask_mobile

from . import rules


def _vocabulary(choices: dict[str, Any]) -> Any:
    return lambda: choices


def _resident_name(child: Any) -> str:
    return child.resident.name


def _age(child: Any) -> int:
    from plugins.registry.ages import age_on

    from ..common import today

    return age_on(child.resident.birth_date, today())


class ChildSchema(ChoiceSchema):
    """A child or young person in care (关爱对象)."""

    id = ma.fields.Integer(dump_only=True)
    resident_id = RecordId(
        _l("Child in the registry"),
        required=True,
        load_only=True,
        picker="youth_care_api.api_picker_children",
        picker_label=picker_text(get_resident, resident_label),
        shown=False,
    )
    name = Computed(_l("Child or young person"), _resident_name, column=True)
    age = Computed(_l("Age"), _age, column=True)
    categories = Keys(
        _l("Care categories"), _vocabulary(rules.CATEGORIES), sensitivity=S3, column=True
    )
    level = Choice(_l("Level of attention"), rules.LEVELS, default="general", column=True)
    level_label = choice_label("level", rules.LEVELS)
    status = Choice(_l("Care status"), rules.STATUSES, dump_only=True, column=True)
    status_label = choice_label("status", rules.STATUSES)
    guardian_id = RecordId(
        _l("Guardian in the registry"),
        picker="registry_api.api_picker_guardians",
        picker_label=picker_text(get_resident, resident_label),
        shown=False,
        imports=False,
    )
    guardian_name = Text(_l("Guardian"), 50)
    guardian_phone = Text(
        _l("Guardian's phone"), 20, validate=phone_number, sensitivity=S2, mask=mask_mobile
    )
    guardian_relation = Choice(_l("Relation to the guardian"), rules.GUARDIAN_RELATIONS)
    guardianship = Choice(_l("Guardianship"), rules.GUARDIANSHIP, sensitivity=S3)
    parents_away = Text(_l("Parents away from home"), 500, sensitivity=S3, widget="textarea")
    parents_away_since = Date(_l("Parents away since"), validate=not_future, sensitivity=S3)
    school_id = RecordId(
        _l("School in the registry"),
        picker="registry_api.api_picker_employers",
        picker_label=picker_text(get_unit, unit_label),
        shown=False,
        imports=False,
    )
    school_name = Text(_l("School"), 100, column=True)
    grade = Choice(_l("School grade"), rules.GRADES, column=True)
    situation = Text(_l("Family situation"), 5000, sensitivity=S3, widget="textarea")
    needs = Keys(_l("Needs of the child"), _vocabulary(rules.NEEDS), sensitivity=S3)
    responsible = Text(_l("Responsible for the child"), 50, column=True)
    source = Choice(_l("Source of the lead"), rules.SOURCES, default="sweep")
    found_on = Date(_l("Lead recorded on"), validate=not_future, sort=True)
    deadline = Date(_l("Assess by"), dump_only=True)
    entered_on = Date(_l("In care since"), dump_only=True)
    exited_on = Date(_l("Exited on"), dump_only=True)
    exit_reason = Choice(_l("Reason of exit"), rules.EXIT_REASONS, dump_only=True)


class StepSchema(Schema):
    """A step of the entry workflow: its date, a comment, and for an exit its reason."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    reason = choice(
        rules.EXIT_REASONS,
        load_default=None,
        allow_none=True,
        metadata={"label": _l("Reason of exit"), "steps": ("exit",)},
    )


class CivilAffairsRowSchema(ChoiceSchema):
    """A row of a 民政 list of children (困境儿童/留守儿童名单): the child by ID number, matched to
    the community's registry; categories, level and guardian as the ledger takes them."""

    id_number = Text(_l("ID number of the child"), 18, required=True)
    categories = Keys(_l("Care categories"), _vocabulary(rules.CATEGORIES), sensitivity=S3)
    level = Choice(_l("Level of attention"), rules.LEVELS, default="general")
    guardian_name = Text(_l("Guardian"), 50)
    guardian_phone = Text(_l("Guardian's phone"), 20, validate=phone_number, sensitivity=S2)
    guardian_relation = Choice(_l("Relation to the guardian"), rules.GUARDIAN_RELATIONS)
    school_name = Text(_l("School"), 100)
    grade = Choice(_l("School grade"), rules.GRADES)

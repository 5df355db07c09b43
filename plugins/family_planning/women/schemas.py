"""What the card's forms, API, list, export and import accept and show.

Reproductive-health fields (避孕方式, 孕情, 预产期, 孕前优生检查, 两癌筛查, 重点服务对象) are S3:
without ``family_planning.sensitive.view`` they are not shown at all; the husband's ID and the
outflow contact are S2, masked like the registry's.
"""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    RecordId,
    Text,
    describe,
    mobile_number,
    not_future,
    optional_text,
)
from plugins.registry.ages import age_on
from plugins.registry.schemas import ResidentIdField
from plugins.registry.services import get_resident, picker_text, resident_label
from plugins.registry.validators import mask_id, mask_mobile

from ..common import today
from . import rules

_resident = picker_text(get_resident, resident_label)
RESIDENTS = "family_planning_api.api_picker_residents"


def _elsewhere(label: object) -> ma.fields.Field:
    return Number(label, default=0, min=0, max=20)


class WomanSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    resident_id = RecordId(
        _l("Woman of childbearing age"),
        required=True,
        picker=RESIDENTS,
        picker_label=_resident,
        shown=False,
        imports=False,
    )
    name = Computed(_l("Name"), lambda w: w.resident.name, column=True)
    id_number = Computed(
        _l("Resident ID"), lambda w: w.resident.id_number, sensitivity=S2, mask=mask_id
    )
    age = Computed(_l("Age"), lambda w: age_on(w.resident.birth_date, today()), column=True)
    spouse_id = RecordId(
        _l("Husband in the registry"),
        picker=RESIDENTS,
        picker_label=_resident,
        shown=False,
        imports=False,
    )
    spouse_name = Text(_l("Husband"), 50, column=True)
    spouse_id_number = describe(
        ResidentIdField(load_default=None, allow_none=True),
        label=_l("Husband's resident ID"),
        sensitivity=S2,
        mask=mask_id,
    )
    married_on = Date(_l("Date of marriage"), validate=not_future)
    marriage_kind = Choice(_l("Marriage"), rules.MARRIAGE_KINDS, help=_l("From the registry"))
    residence = Choice(_l("Residence category"), rules.RESIDENCES, column=True)
    outflow_to = Text(_l("Gone to"), 100)
    outflow_on = Date(_l("Left on"), validate=not_future)
    outflow_contact = Text(
        _l("Outflow contact"), 11, validate=mobile_number, sensitivity=S2, mask=mask_mobile
    )
    half_year = Computed(_l("Here half a year"), rules.half_year)
    sons = Computed(_l("Sons now living"), lambda w: rules.children_of(w, "M"), column=True)
    daughters = Computed(
        _l("Daughters now living"), lambda w: rules.children_of(w, "F"), column=True
    )
    elsewhere_sons = _elsewhere(_l("Sons not on file here"))
    elsewhere_daughters = _elsewhere(_l("Daughters not on file here"))
    contraception = Choice(
        _l("Contraception"),
        rules.CONTRACEPTION,
        sensitivity=S3,
        help=_l("Given voluntarily (informed choice)"),
    )
    pregnancy = Choice(_l("Pregnancy"), rules.PREGNANCY, sensitivity=S3)
    due_on = Date(_l("Due date"), sensitivity=S3)
    platform_on = Date(_l("Entered into the national platform"), validate=not_future)
    prepreg_check_on = Date(_l("Pre-pregnancy check"), validate=not_future, sensitivity=S3)
    cancer_screen_on = Date(_l("Two-cancer screening"), validate=not_future, sensitivity=S3)
    key_reasons = Computed(
        _l("Key person to serve"), rules.key_reasons, sensitivity=S3, choices=rules.KEY_REASONS
    )
    filed_on = Date(_l("Filed on"), validate=not_future, column=True, sort=True)
    status = Choice(_l("Status"), rules.CARD_STATUSES, dump_only=True, column=True)
    exit_reason = Choice(_l("Reason for leaving"), rules.EXIT_REASONS, dump_only=True)
    exit_on = Date(_l("Left the register on"), dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class ExitSchema(ChoiceSchema):
    """出册: the day and the reason."""

    on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    reason = Choice(_l("Reason for leaving"), rules.EXIT_REASONS, required=True)
    comment = optional_text(500)


class WomanImportSchema(ChoiceSchema):
    """A row of the card import: the woman and the husband by their resident IDs."""

    id_number = describe(
        ResidentIdField(required=True), label=_l("Resident ID"), sensitivity=S2, mask=mask_id
    )
    spouse_name = optional_text(50)
    spouse_id_number = ResidentIdField(load_default=None, allow_none=True)
    married_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    residence = Choice(_l("Residence category"), rules.RESIDENCES)
    platform_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)
    filed_on = ma.fields.Date(load_default=None, allow_none=True, validate=not_future)

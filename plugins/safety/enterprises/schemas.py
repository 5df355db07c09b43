"""What the enterprise and hazard-source forms, API, lists and exports accept and show, and the
rows of the enterprise import (an exported file: names and credit codes instead of ids)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask_babel import lazy_gettext as _l

from core.db import db
from core.sdk import (
    S2,
    ChoiceSchema,
    choice,
    describe,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)
from plugins.registry.schemas import CreditCodeField
from plugins.registry.validators import mask_mobile

from ..common import enterprise_select
from . import rules

ENTERPRISE = _l("Enterprise")
CREDIT_CODE = _l("Unified social credit code")


def _units() -> dict[int, str]:
    return rules.units_off_the_ledger(db.session, g.community) if "community" in g else {}


def _phone(label: Any) -> ma.fields.Field:
    """A contact's phone: a personal mobile of a named person, masked like the registry's."""
    field = ma.fields.String(load_default=None, allow_none=True, validate=phone_number)
    return describe(field, label=label, sensitivity=S2, mask=mask_mobile)


class EnterpriseSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = describe(
        record_id(required=True, load_only=True, metadata={"description": "the unit"}),
        label=_l("Unit in the registry"),
        widget="select",
        choices=_units,
        help=_l("Only units of the registry not on the ledger yet; register a new one there."),
    )
    name = describe(
        ma.fields.String(dump_only=True), label=_l("Enterprise name"), column=True, sort=True
    )
    credit_code = describe(
        ma.fields.Function(lambda e: e.unit.credit_code, dump_only=True), label=CREDIT_CODE
    )
    sector = describe(
        choice(rules.SECTORS, load_default="general"), label=_l("Sector"), column=True
    )
    risk_level = describe(
        choice(rules.RISK_LEVELS, load_default="low"), label=_l("Risk level"), column=True
    )
    standardisation = describe(
        choice(rules.STANDARDISATION, load_default="not_started"),
        label=_l("Safety standardisation"),
        column=True,
    )
    standard_level = describe(
        choice(rules.STANDARD_LEVELS, load_default=None, allow_none=True),
        label=_l("Standardisation level"),
    )
    demonstration = describe(
        ma.fields.Boolean(load_default=False), label=_l("Demonstration enterprise")
    )
    principal_name = describe(optional_text(50), label=_l("Principal"))
    principal_phone = _phone(_l("Principal's phone"))
    safety_manager_name = describe(optional_text(50), label=_l("Safety manager"))
    safety_manager_phone = _phone(_l("Safety manager's phone"))
    hazard_sources = describe(
        ma.fields.Function(lambda e: len(e.hazard_sources), dump_only=True),
        label=_l("Number of major hazard sources"),
    )
    open_hazards = describe(
        ma.fields.Function(lambda e: len(e.open_hazards), dump_only=True),
        label=_l("Number of open hazards"),
        column=True,
    )
    notes = describe(optional_text(2000), label=_l("Notes"), widget="textarea", export=False)
    created_at = ma.fields.DateTime(dump_only=True)


class HazardSourceSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = enterprise_select()
    enterprise = describe(
        ma.fields.Function(lambda s: s.enterprise.name, dump_only=True),
        label=ENTERPRISE,
        column=True,
    )
    credit_code = describe(
        ma.fields.Function(lambda s: s.enterprise.unit.credit_code, dump_only=True),
        label=CREDIT_CODE,
    )
    name = describe(
        required_text(100), label=_l("Name of the major hazard source"), column=True, sort=True
    )
    grade = describe(choice(rules.SOURCE_GRADES, required=True), label=_l("Grade"), column=True)
    substances = describe(optional_text(200), label=_l("Hazardous substances"), column=True)
    quantity = describe(optional_text(50), label=_l("Quantity"), column=True)
    responsible_person = describe(optional_text(50), label=_l("Person in charge"))
    monitoring = describe(optional_text(2000), label=_l("Monitoring measures"), widget="textarea")
    registered_on = describe(
        ma.fields.Date(load_default=None, allow_none=True, validate=not_future),
        label=_l("Filed on"),
        column=True,
        sort=True,
    )


class YesNoField(ma.fields.Boolean):
    """是/否 as the exports write it, or the usual true/false words."""

    truthy = ma.fields.Boolean.truthy | {"是", "Yes"}
    falsy = ma.fields.Boolean.falsy | {"否", "No"}


class EnterpriseImportSchema(EnterpriseSchema):
    """A row of the enterprise import: an exported row, the enterprise named by its unit's name
    and credit code (the community and the counts are ignored)."""

    class Meta:
        exclude = ("unit_id",)

    community = ma.fields.Raw(load_default=None)
    name = required_text(100)
    credit_code = CreditCodeField(required=True)
    demonstration = YesNoField(load_default=False)
    hazard_sources = ma.fields.Raw(load_default=None)
    open_hazards = ma.fields.Raw(load_default=None)

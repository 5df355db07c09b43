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
    Boolean,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    RecordId,
    Text,
    not_future,
    phone_number,
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
    return Text(label, validate=phone_number, sensitivity=S2, mask=mask_mobile)


class EnterpriseSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = RecordId(
        _l("Unit in the registry"),
        required=True,
        load_only=True,
        description="the unit",
        widget="select",
        choices=_units,
        help=_l("Only units of the registry not on the ledger yet; register a new one there."),
    )
    name = Text(_l("Enterprise name"), dump_only=True, column=True, sort=True)
    credit_code = Computed(CREDIT_CODE, lambda e: e.unit.credit_code)
    sector = Choice(_l("Sector"), rules.SECTORS, default="general", column=True)
    risk_level = Choice(_l("Risk level"), rules.RISK_LEVELS, default="low", column=True)
    standardisation = Choice(
        _l("Safety standardisation"), rules.STANDARDISATION, default="not_started", column=True
    )
    standard_level = Choice(_l("Standardisation level"), rules.STANDARD_LEVELS)
    demonstration = Boolean(_l("Demonstration enterprise"))
    principal_name = Text(_l("Principal"), 50)
    principal_phone = _phone(_l("Principal's phone"))
    safety_manager_name = Text(_l("Safety manager"), 50)
    safety_manager_phone = _phone(_l("Safety manager's phone"))
    hazard_sources = Computed(_l("Number of major hazard sources"), lambda e: len(e.hazard_sources))
    open_hazards = Computed(
        _l("Number of open hazards"), lambda e: len(e.open_hazards), column=True
    )
    notes = Text(_l("Notes"), 2000, widget="textarea", export=False)
    created_at = ma.fields.DateTime(dump_only=True)


class HazardSourceSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = enterprise_select()
    enterprise = Computed(ENTERPRISE, lambda s: s.enterprise.name, column=True)
    credit_code = Computed(CREDIT_CODE, lambda s: s.enterprise.unit.credit_code)
    name = Text(_l("Name of the major hazard source"), 100, required=True, column=True, sort=True)
    grade = Choice(_l("Grade"), rules.SOURCE_GRADES, required=True, column=True)
    substances = Text(_l("Hazardous substances"), 200, column=True)
    quantity = Text(_l("Quantity"), 50, column=True)
    responsible_person = Text(_l("Person in charge"), 50)
    monitoring = Text(_l("Monitoring measures"), 2000, widget="textarea")
    registered_on = Date(_l("Filed on"), validate=not_future, column=True, sort=True)


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

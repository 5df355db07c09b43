"""The enterprise ledger (企业安全台账) and the major hazard sources (重大危险源台账), declared.

An enterprise's page lists its hazard sources, hidden dangers and inspections; the export of
the enterprise ledger imports as it is (into another community, say), registering in the
registry the units it lacks.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter, Ledger, Part, mine_filter
from plugins.registry.vocabularies import SENSITIVE as CONTACT_PHONES

from ..common import SafetyLedger
from ..web import records_of
from . import rules
from .models import SafetyEnterprise, SafetyHazardSource
from .schemas import EnterpriseImportSchema, EnterpriseSchema, HazardSourceSchema


def _records_of(enterprise: SafetyEnterprise) -> list[tuple[Ledger, list[Any]]]:
    """What the enterprise's page lists beside its facts: the other ledgers' records of it."""
    from ..hazards.ledgers import hazards
    from ..inspections.ledgers import inspections

    return [
        (ledger, records_of(ledger, enterprise=enterprise.id))
        for ledger in (hazard_sources, hazards, inspections)
    ]


COMMON: dict[str, Any] = {
    "sensitive": CONTACT_PHONES,
    "context": lambda: {"records_of": _records_of},
}

hazard_sources = SafetyLedger(
    name="hazard_source",
    model=SafetyHazardSource,
    schema=HazardSourceSchema,
    fixed=("enterprise_id",),
    title=_l("Major hazard source ledger"),
    label=_l("Major hazard source"),
    filters=(
        Filter("enterprise", "int", _l("Enterprise"), column="enterprise_id"),
        Filter("grade"),
    ),
    # Sources of live enterprises only, by enterprise.
    query=lambda where: (
        sa.select(SafetyHazardSource).join(SafetyHazardSource.enterprise).where(where)
    ),
    order=lambda: [SafetyEnterprise.name],
    options=lambda stmt: stmt.options(
        selectinload(SafetyHazardSource.enterprise).selectinload(SafetyEnterprise.unit)
    ),
    check=rules.check_source,
    importable=False,
    **COMMON,
)
# ``POST /enterprises/<id>/sources``: a source registered at an enterprise through the API
# (the enterprise's page links to the source form with the enterprise chosen).
SOURCES = Part(hazard_sources, "enterprise_id", path="sources", shown=False)

enterprises = SafetyLedger(
    name="enterprise",
    model=SafetyEnterprise,
    schema=EnterpriseSchema,
    fixed=("unit_id",),
    title=_l("Enterprise safety ledger"),
    label=_l("Enterprise"),
    filters=(
        Filter("q", "text", _l("Enterprise name"), column="name"),
        Filter("sector"),
        Filter("risk_level"),
        Filter("standardisation"),
        mine_filter(
            SafetyEnterprise, subject_kind="unit", subject_column="unit_id", module="safety"
        ),
    ),
    order=lambda: [SafetyEnterprise.name],
    options=lambda stmt: stmt.options(
        selectinload(SafetyEnterprise.unit),
        selectinload(SafetyEnterprise.hazard_sources),
        selectinload(SafetyEnterprise.open_hazards),
    ),
    check=rules.check_enterprise,
    dump_extra=lambda e, data: data.update(
        unit_id=e.unit_id, hazard_sources=[hazard_sources.reader.dump(s) for s in e.hazard_sources]
    ),
    templates={"detail": "safety/enterprise.html"},
    import_schema=EnterpriseImportSchema,
    import_row=rules.import_enterprise,
    parts=(SOURCES,),
    **COMMON,
)

LEDGERS = [enterprises, hazard_sources]

"""The enterprise ledger's rules: an enterprise is a registry unit of the community, on the
ledger once; a standardisation level needs a compliant enterprise; a major hazard source
belongs to an enterprise of the community. The ledgers' default writers call these checks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import refuse
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import enterprise_in, live_in, written
from .models import SafetyEnterprise, SafetyHazardSource

# 风险等级 (four colours: blue, yellow, orange, red)
RISK_LEVELS = {
    "low": _l("Low risk"),
    "general": _l("General risk"),
    "larger": _l("Larger risk"),
    "major": _l("Major risk"),
}
SECTORS = {
    "hazardous_chemicals": _l("Hazardous chemicals"),
    "fireworks": _l("Fireworks"),
    "crowded_place": _l("Crowded place"),
    "gas": _l("Gas"),
    "construction": _l("Construction"),
    "industrial": _l("Industry and trade"),
    "warehouse": _l("Warehousing and logistics"),
    "general": _l("Other sector"),
}
STANDARDISATION = {
    "not_started": _l("Not started"),
    "creating": _l("Creating"),
    "compliant": _l("Compliant"),
}
STANDARD_LEVELS = {
    "": _l("No level"),
    "1": _l("Level 1"),
    "2": _l("Level 2"),
    "3": _l("Level 3"),
    "small": _l("Small and micro"),
}
SOURCE_GRADES = {"1": _l("Grade 1"), "2": _l("Grade 2"), "3": _l("Grade 3"), "4": _l("Grade 4")}


def check_enterprise(
    session: Session, community: Node, data: dict[str, Any], enterprise: SafetyEnterprise | None
) -> None:
    """A new enterprise is a unit of the community not on the ledger yet, placed at the unit and
    named after it; a standardisation level belongs to a compliant (达标) enterprise only."""
    if enterprise is None:
        message = _("There is no such unit in the registry.")
        unit = live_in(session, community, RegistryUnit, data.get("unit_id"), "unit_id", message)
        taken = sa.select(SafetyEnterprise.id).where(SafetyEnterprise.unit_id == unit.id)
        if session.scalar(taken) is not None:
            message = _("%(name)s is already on the enterprise ledger.", name=unit.name)
            refuse("unit_id", message, conflict=True)
        data |= {"node_id": unit.node_id, "name": unit.name}
    standardisation, level = written(data, enterprise, "standardisation", "standard_level")
    if level and standardisation != "compliant":
        refuse("standard_level", _("Only a compliant enterprise has a standardisation level."))


def check_source(
    session: Session, community: Node, data: dict[str, Any], source: SafetyHazardSource | None
) -> None:
    """A major hazard source is registered at an enterprise of the community, placed there."""
    if source is None:
        enterprise = enterprise_in(session, community, data.get("enterprise_id"))
        if enterprise is None:
            refuse("enterprise_id", _("Choose the enterprise."))
        data["node_id"] = enterprise.node_id


def add_hazard_source(
    session: Session, enterprise: SafetyEnterprise, data: dict[str, Any]
) -> SafetyHazardSource:
    """Register a major hazard source (重大危险源) of ``enterprise``."""
    from .ledgers import SOURCES

    return SOURCES.add(session, enterprise, data)


def units_off_the_ledger(session: Session, community: Node) -> dict[int, str]:
    """The community's registry units not yet on the enterprise ledger, by id (the select of
    the form that puts one on it)."""
    on_ledger = sa.select(SafetyEnterprise.unit_id).where(SafetyEnterprise.deleted_at.is_(None))
    stmt = (
        sa.select(RegistryUnit.id, RegistryUnit.name)
        .where(RegistryUnit.community_id == community.id, RegistryUnit.id.not_in(on_ledger))
        .order_by(RegistryUnit.name)
    )
    return dict(session.execute(stmt).all())


def import_enterprise(
    session: Session, community: Node, row: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    """One row of an enterprise import: the unit is the community's registry unit with the
    row's credit code, registered first (same transaction) when the registry lacks it."""
    from plugins.registry.units import create_unit

    from .ledgers import enterprises

    unit = session.scalar(
        sa.select(RegistryUnit).where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.credit_code == row["credit_code"],
        )
    )
    if unit is None:
        unit = create_unit(
            session,
            community,
            {"name": row["name"], "credit_code": row["credit_code"], "kind": "enterprise"},
            user,
        )
    return enterprises.create_record(session, community, {**row, "unit_id": unit.id}, user)

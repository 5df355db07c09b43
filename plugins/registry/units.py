"""Units (单位): enterprises, shops, schools … registered once per community by their credit
code; the ledger's default writers (``ledgers.py``) apply the rules here."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node, NodeKind

from .models import RegistryUnit
from .places import building_in
from .rules import registered_once


def _check_credit_code(
    session: Session, community: Node, code: str, exclude: int | None = None
) -> None:
    message = _l("This credit code is already registered in %(community)s (%(name)s).")
    registered_once(session, community, RegistryUnit.credit_code, code, exclude, message)


def check_unit(
    session: Session, community: Node, data: dict[str, Any], unit: RegistryUnit | None
) -> None:
    """The units ledger's rules: a credit code once per community; a branch's headquarters in
    another street; ``building`` places the unit (in the community when left empty)."""
    if data.get("credit_code"):
        _check_credit_code(
            session, community, data["credit_code"], exclude=unit.id if unit else None
        )
    street_id = data.get("headquarters_street_id")
    if street_id:
        street = session.get(Node, street_id)
        if street is None or street.kind != NodeKind.STREET:
            refuse("headquarters_street_id", _("Choose the street the headquarters is in."))
        if street.id == community.street_id:
            refuse(
                "headquarters_street_id",
                _("A branch's headquarters is in another street than the branch."),
            )
    if "building" in data:
        building = data.pop("building")
        node_id = building_in(session, community, building).id if building else community.id
        if unit is None:
            data["node_id"] = node_id
        else:
            unit.node_id = node_id


def create_unit(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryUnit:
    """Register a unit (other plugins call this, e.g. safety's enterprise import)."""
    from .ledgers import units

    return units.create_record(session, community, dict(data), user)


def check_restorable(session: Session, unit: RegistryUnit) -> None:
    """A deleted unit comes back only if its credit code is free meanwhile."""
    community = session.get(Node, unit.community_id)
    _check_credit_code(session, community, unit.credit_code, exclude=unit.id)

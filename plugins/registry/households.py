"""Households (户): a dwelling in one of the community's buildings, its head (a member living
there, whose name and relation follow) and its rental facts (出租房屋, 群租)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.records.history import diff
from core.sdk import writable
from tenants.models import Node

from .models import RegistryHousehold, RegistryResident
from .places import building_in
from .rules import Refusals, apply_changes, belongs_with, editable, history, record_update, will
from .services import reachable
from .vocabularies import PRESENT

HOUSEHOLD_FIELDS = (
    "entrance",
    "room",
    "head_name",
    "tenure",
    "moved_in_on",
    "rental",
    "landlord_id",
    "tenant_count",
    "group_rental",
    "notes",
)


def follow_head(session: Session, resident: RegistryResident, user: Any = None) -> None:
    """A household's head follows the member who heads it: one who left the household or took
    another relation heads it no longer; a head's new name becomes its ``head_name``."""
    heading = session.scalars(
        sa.select(RegistryHousehold).where(RegistryHousehold.head_id == resident.id)
    ).all()
    for household in heading:
        if household.id != resident.household_id or resident.relation != "head":
            household.head_id = None
            record_update(session, household, {"head_id": [resident.id, None]}, user)
        elif household.head_name != resident.name:
            changes = {"head_name": [household.head_name, resident.name]}
            household.head_name = resident.name
            record_update(session, household, changes, user)


def _living_member(session: Session, household: RegistryHousehold, resident_id: int) -> Any:
    return session.scalar(
        sa.select(RegistryResident.id).where(
            RegistryResident.id == resident_id,
            RegistryResident.household_id == household.id,
            RegistryResident.status.in_(PRESENT),
        )
    )


def _check_household(
    session: Session, community: Node, data: dict[str, Any], household: RegistryHousehold | None
) -> None:
    """A household's rules: its head is one of its members living there; landlord, tenants and
    群租 belong to a rented flat (出租房屋); the landlord is a resident the user can see."""
    refusals = Refusals()
    rental = bool(will(household, data, "rental"))
    belongs_with(
        household,
        data,
        refusals,
        ("landlord_id", "tenant_count", "group_rental"),
        rental,
        _("Only for a rented flat: mark it as rented first."),
    )
    landlord_id = data.get("landlord_id")
    if landlord_id and rental:
        alive = RegistryResident.status != "deceased"
        if reachable(session, RegistryResident, landlord_id, community, alive) is None:
            refusals.add("landlord_id", _("There is no such resident in the registry."))
    head_id = data.get("head_id")
    stays = (
        household is not None
        and household.head_id is not None
        and data.get("head_id", household.head_id) == household.head_id
    )
    if head_id and not stays:
        if household is None:
            message = _("Register the household's members first, then choose its head.")
            refusals.add("head_id", message)
        elif _living_member(session, household, head_id) is None:
            refusals.add("head_id", _("The head of household is one of its members living there."))
    elif stays:
        # The head stays: a name typed for them that is not theirs is refused, not dropped.
        name, head = data.get("head_name"), household.head
        if name and head is not None and head.deleted_at is None and name != head.name:
            refusals.add(
                "head_name",
                _(
                    "The head's name is the name of the member who heads the household: "
                    "change it on their record, or choose another head."
                ),
            )
    refusals.raise_any()


def _make_head(
    session: Session, household: RegistryHousehold, head_id: int | None, user: Any
) -> dict[str, list[Any]]:
    """The member ``head_id`` heads the household: their relation becomes head, the former
    head's is cleared (each in their own history); returns the household's own changes."""
    if head_id == household.head_id:
        return {}
    changes: dict[str, list[Any]] = {"head_id": [household.head_id, head_id]}
    former = household.head
    household.head_id = head_id
    if former is not None and former.relation == "head":
        former.relation = ""
        record_update(session, former, {"relation": ["head", None]}, user)
    if head_id is not None:
        head = session.get(RegistryResident, head_id)
        if head.name != household.head_name:
            changes["head_name"] = [household.head_name, head.name]
            household.head_name = head.name
        if head.relation != "head":
            old = head.relation or None
            head.relation = "head"
            record_update(session, head, {"relation": [old, "head"]}, user)
    session.flush()
    session.refresh(household, ["head"])
    return changes


def create_household(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """A household in one of the community's buildings (a building elsewhere is refused)."""
    writable(community)
    data = dict(data)
    _check_household(session, community, data, None)
    building = building_in(session, community, data.get("building") or "")
    household = RegistryHousehold(
        node_id=building.id, **{k: data[k] for k in HOUSEHOLD_FIELDS if data.get(k) is not None}
    )
    session.add(household)
    session.flush()
    created = {k: [None, getattr(household, k)] for k in HOUSEHOLD_FIELDS if getattr(household, k)}
    created["building"] = [None, building.name]
    history(
        session,
        household,
        "create",
        created,
        _("Registered household %(address)s", address=household.address),
        user,
    )
    return household


def update_household(
    session: Session, household: RegistryHousehold, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """Edit a household; choosing its head (a member) sets ``head_name`` and the member's
    relation."""
    community = editable(session, household)
    data = dict(data)
    _check_household(session, community, data, household)
    if "head_id" in data:
        head_changes = _make_head(session, household, data.pop("head_id"), user)
        if "head_name" in head_changes or household.head_id is not None:
            data.pop("head_name", None)
    else:
        head_changes = {}
    changes = diff(household, data, (*HOUSEHOLD_FIELDS, "moved_out_on"))
    apply_changes(household, changes)
    if data.get("building"):
        building = building_in(session, community, data["building"])
        if building.id != household.node_id:
            changes["building"] = [household.node.name, building.name]
            household.node_id = building.id
            for member in household.members:  # members live where their household is
                member.node_id = building.id
    changes = head_changes | changes
    if changes:
        record_update(session, household, changes, user)
    return household

"""Every domain operation of the registry: writes (with history and audit), searches, the
floating-population lifecycle and indicators. Lists, exports and imports are the ledgers'
(``ledgers.py``).

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Other plugins use :func:`search_residents`, :func:`get_resident`, :func:`search_units` and
:func:`get_unit` to reference registry rows (see README.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import clock
from core.errors import DomainError
from core.permissions import Scope
from core.records.history import diff
from core.records.ledger import empty_value
from core.reports import Period
from core.sdk import S3, refuse, writable
from core.tree import NodeRef
from tenants.models import Node, NodeKind
from tenants.modules import enabled_communities

from .hookspecs import Tag
from .models import (
    RegistryHousehold,
    RegistryResident,
    RegistryResidentTag,
    RegistryUnit,
)
from .validators import parse_resident_id

MODULE = "registry"
VIEW = "registry.view"
EDIT = "registry.edit"
SENSITIVE = "registry.sensitive.view"
RESTORE = "registry.restore"

STATUSES = {
    "registered": _l("Registered resident"),
    "floating": _l("Floating resident"),
    "moved_out": _l("Moved away"),
    "deceased": _l("Deceased"),
}
PRESENT = ("registered", "floating")
GENDERS = {"M": _l("Male"), "F": _l("Female")}
TENURES = {"owned": _l("Owned"), "rented": _l("Rented"), "other": _l("Other tenure")}
RELATIONS = {
    "head": _l("Head of household"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "parent": _l("Father or mother"),
    "other": _l("Other relation"),
}
UNIT_KINDS = {
    "enterprise": _l("Enterprise"),
    "shop": _l("Shop"),
    "school": _l("School"),
    "property": _l("Property company"),
    "institution": _l("Public institution"),
    "social": _l("Social organisation"),
    "other": _l("Other unit"),
}
SIZE_CLASSES = {"above": _l("Above designated size"), "below": _l("Below designated size")}

# What other plugins see of a tag declared by the registry itself. Special groups are S3
# (tags.py); 留守儿童 is a rural category, offered where the setting ``rural`` is on.
OWN_TAGS = [
    Tag("elderly", _l("Elderly"), MODULE),
    Tag("disabled", _l("Person with a disability"), MODULE, S3),
    Tag("dibao", _l("Minimum living allowance"), MODULE, S3),
    Tag("left_behind_child", _l("Left-behind child"), MODULE, S3, setting="rural"),
    Tag("childbearing_woman", _l("Woman of childbearing age"), MODULE),
    Tag("veteran", _l("Veteran"), MODULE),
    Tag("empty_nest", _l("Empty-nest elderly (children live elsewhere)"), MODULE),
    Tag("living_alone", _l("Elderly living alone"), MODULE),
]

RESIDENT_FIELDS = (
    "name",
    "gender",
    "id_number",
    "birth_date",
    "mobile",
    "ethnicity",
    "hukou_address",
    "current_address",
    "status",
    "arrived_on",
    "household_id",
    "relation",
    "notes",
)
HOUSEHOLD_FIELDS = ("entrance", "room", "head_name", "tenure", "moved_in_on", "notes")
ACTIONS: dict[str, Any] = {
    "manage": _l("Taken into management"),
    "move_out": _l("Moved away"),
    "death": _l("Died"),
    "transfer": _l("Transferred in"),
}


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``)."""
    return clock.today()


def declared_tags() -> dict[str, Tag]:
    """Every tag declared through ``registry_tags`` (the registry's own first), by key."""
    from tenants.modules import plugin_system

    tags: dict[str, Tag] = {}
    for name, found in plugin_system().call("registry_tags"):
        for tag in found or []:
            tags.setdefault(tag.key, tag if tag.module else dataclasses.replace(tag, module=name))
    return tags


# --- history and audit -----------------------------------------------------------------------


def _history(
    session: Session,
    obj: Any,
    action: str,
    changes: dict[str, list[Any]] | None,
    summary: str,
    user: Any = None,
) -> None:
    """One entry in the record's timeline and one in the audit log, through the record's
    ledger, in the caller's transaction (ID and phone numbers masked in both)."""
    from .ledgers import LEDGERS

    ledger = next(ledger for ledger in LEDGERS if isinstance(obj, ledger.model))
    ledger.history(session, obj, action, changes, summary, user)


# --- places ----------------------------------------------------------------------------------


def buildings(session: Session, community: Node) -> list[Node]:
    """The community's buildings (for the forms' select), by code."""
    stmt = (
        sa.select(Node)
        .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
        .order_by(Node.code)
    )
    return list(session.scalars(stmt))


def building_in(session: Session, community: Node, ref: str) -> Node:
    """The building ``ref`` (its ref, code or name) if it is in ``community``; refused otherwise."""
    text = (ref or "").strip()
    candidates = session.scalars(
        sa.select(Node).where(
            Node.kind == NodeKind.BUILDING,
            sa.or_(
                Node.ref == text,
                sa.and_(Node.community_id == community.id, Node.code == text),
                sa.and_(Node.community_id == community.id, Node.name == text),
            ),
        )
    ).all()
    for node in candidates:
        if node.community_id == community.id:
            return node
    if candidates:
        refuse(
            "building",
            _(
                "The building %(building)s is not in %(community)s.",
                building=text,
                community=community.name,
            ),
        )
    refuse(
        "building",
        _(
            "There is no building %(building)s in %(community)s.",
            building=text,
            community=community.name,
        ),
    )


# --- residents -------------------------------------------------------------------------------


def _check_id(
    session: Session, community: Node, data: dict[str, Any], exclude: int | None = None
) -> None:
    """Birth date and gender agree with the ID; the ID is not registered twice in the community."""
    number = data["id_number"]
    parsed = parse_resident_id(number)  # the schema already checked the number
    if data.get("gender") and data["gender"] != parsed.gender:
        refuse("gender", _("The gender does not match the resident ID."))
    if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
        refuse("birth_date", _("The birth date does not match the resident ID."))
    data["gender"], data["birth_date"] = parsed.gender, parsed.birth_date
    stmt = sa.select(RegistryResident.name).where(
        RegistryResident.community_id == community.id,
        RegistryResident.id_number == number,
        RegistryResident.deleted_at.is_(None),
    )
    if exclude is not None:
        stmt = stmt.where(RegistryResident.id != exclude)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        refuse(
            "id_number",
            _(
                "This resident ID is already registered in %(community)s (%(name)s).",
                community=community.name,
                name=other,
            ),
            conflict=True,
        )


def _resident_node(session: Session, community: Node, data: dict[str, Any]) -> int:
    """The node a resident belongs to: the household's building, a building, or the community."""
    household_id = data.get("household_id")
    if household_id:
        household = session.get(RegistryHousehold, household_id)
        if (
            household is None
            or household.community_id != community.id
            or household.deleted_at is not None
        ):
            refuse(
                "household_id",
                _("There is no such household in %(community)s.", community=community.name),
            )
        return household.node_id
    building = data.pop("building", None)
    if building:
        return building_in(session, community, building).id
    return community.id


def _set_tags(
    session: Session, community: Node, resident: RegistryResident, tags: list[str] | None
) -> list[Any]:
    """The resident's tags as asked, by the rules of ``tags.py`` (hidden ones kept)."""
    from .tags import new_tags

    if tags is None:
        return []
    old = sorted(resident.tags)
    new = new_tags(session, community, old, tags)
    if old == new:
        return []
    resident.tag_rows = [RegistryResidentTag(tag=t) for t in new]
    return [old, new]


def create_resident(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Register a resident (registered or floating: 人来登记) from ``ResidentSchema`` data. An ID
    live in another community the user sees is refused (409, ``transfers.py``) unless
    ``confirm_duplicate``: registered here too, as a separated residence (人户分离)."""
    from .transfers import refuse_elsewhere

    writable(community)
    data = dict(data)
    _check_id(session, community, data)
    status = data.get("status") or "registered"
    if status not in PRESENT:
        refuse("status", _("A new resident is registered or floating."))
    if status == "floating" and not data.get("arrived_on"):
        data["arrived_on"] = today()
    node_id = _resident_node(session, community, data)
    tags = data.pop("tags", None)
    resident = RegistryResident(
        node_id=node_id,
        **{k: data[k] for k in RESIDENT_FIELDS if data.get(k) is not None},
    )
    resident.status = status
    resident.id_reversed = resident.id_number[::-1]
    _set_tags(session, community, resident, tags)  # refused before anything is written
    elsewhere = refuse_elsewhere(session, community, data)  # the record's own checks first
    session.add(resident)
    session.flush()
    created = {k: [None, getattr(resident, k)] for k in RESIDENT_FIELDS if getattr(resident, k)}
    if tags:
        created["tags"] = [None, resident.tags]
    summary = (
        _(
            "Registered resident %(name)s, registered in %(places)s too (separated residence)",
            name=resident.name,
            places="、".join(elsewhere),
        )
        if elsewhere
        else _("Registered resident %(name)s", name=resident.name)
    )
    _history(session, resident, "create", created, summary, user)
    return resident


def update_resident(
    session: Session, resident: RegistryResident, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Edit a resident; status changes go through the lifecycle functions, not here."""
    community = session.get(Node, resident.community_id)
    writable(community)
    if resident.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    data = {k: v for k, v in data.items() if k != "status"}
    if "id_number" in data or "gender" in data or "birth_date" in data:
        merged = {"id_number": resident.id_number, **data}
        _check_id(session, community, merged, exclude=resident.id)
        data.update({k: merged[k] for k in ("id_number", "gender", "birth_date")})
    if "household_id" in data or "building" in data:
        resident.node_id = _resident_node(session, community, data)
    data.pop("building", None)
    changes = diff(resident, data, RESIDENT_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(resident, key, new if new is not None else empty_value(RegistryResident, key))
    resident.id_reversed = resident.id_number[::-1]
    tag_change = _set_tags(session, community, resident, data.get("tags"))
    if tag_change:
        changes["tags"] = tag_change
    if changes:
        session.flush()
        _history(
            session,
            resident,
            "update",
            changes,
            _("Changed resident %(name)s", name=resident.name),
            user,
        )
    return resident


def start_management(
    session: Session, resident: RegistryResident, on: date, user: Any = None
) -> RegistryResident:
    """人在管理: a registered floating resident is taken into management on ``on``."""
    writable(session.get(Node, resident.community_id))
    if resident.status != "floating":
        refuse("status", _("Only a floating resident is taken into management."))
    if resident.managed_on is not None:
        refuse("managed_on", _("This resident is already in management."), conflict=True)
    if resident.arrived_on and on < resident.arrived_on:
        refuse("managed_on", _("Management cannot start before the arrival."))
    if on > today():
        refuse("managed_on", _("The date cannot be in the future."))
    resident.managed_on = on
    session.flush()
    _history(
        session,
        resident,
        "manage",
        {"managed_on": [None, on]},
        _("Took floating resident %(name)s into management", name=resident.name),
        user,
    )
    return resident


def move_out(
    session: Session,
    resident: RegistryResident,
    on: date,
    user: Any = None,
    *,
    deceased: bool = False,
) -> RegistryResident:
    """人走注销: a resident moves out (or died) on ``on``; a second time is refused."""
    writable(session.get(Node, resident.community_id))
    if resident.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    if resident.status not in PRESENT:
        refuse(
            "departed_on",
            _(
                "%(name)s has already left the register (%(status)s on %(date)s).",
                name=resident.name,
                status=str(STATUSES[resident.status]),
                date=resident.departed_on.isoformat() if resident.departed_on else "-",
            ),
            conflict=True,
        )
    if on > today():
        refuse("departed_on", _("The date cannot be in the future."))
    if resident.arrived_on and on < resident.arrived_on:
        refuse("departed_on", _("The departure cannot be before the arrival."))
    new_status = "deceased" if deceased else "moved_out"
    changes = {"status": [resident.status, new_status], "departed_on": [None, on]}
    resident.status, resident.departed_on = new_status, on
    session.flush()
    summary = (
        _("Recorded the death of %(name)s", name=resident.name)
        if deceased
        else _("Moved out resident %(name)s", name=resident.name)
    )
    _history(session, resident, "death" if deceased else "move_out", changes, summary, user)
    return resident


# --- households ------------------------------------------------------------------------------


def create_household(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """A household in one of the community's buildings (a building elsewhere is refused)."""
    writable(community)
    building = building_in(session, community, data.get("building") or "")
    household = RegistryHousehold(
        node_id=building.id, **{k: data[k] for k in HOUSEHOLD_FIELDS if data.get(k) is not None}
    )
    session.add(household)
    session.flush()
    created = {k: [None, getattr(household, k)] for k in HOUSEHOLD_FIELDS if getattr(household, k)}
    created["building"] = [None, building.name]
    _history(
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
    community = session.get(Node, household.community_id)
    writable(community)
    if household.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    changes = diff(household, data, (*HOUSEHOLD_FIELDS, "moved_out_on"))
    if data.get("building"):
        building = building_in(session, community, data["building"])
        if building.id != household.node_id:
            changes["building"] = [household.node.name, building.name]
            household.node_id = building.id
            for member in household.members:  # members live where their household is
                member.node_id = building.id
    for key in (*HOUSEHOLD_FIELDS, "moved_out_on"):
        if key in changes:
            value = changes[key][1]
            setattr(
                household, key, value if value is not None else empty_value(RegistryHousehold, key)
            )
    if changes:
        session.flush()
        session.refresh(household, ["node"])
        _history(
            session,
            household,
            "update",
            changes,
            _("Changed household %(address)s", address=household.address),
            user,
        )
    return household


# --- units -----------------------------------------------------------------------------------


def _check_credit_code(
    session: Session, community: Node, code: str, exclude: int | None = None
) -> None:
    stmt = sa.select(RegistryUnit.name).where(
        RegistryUnit.community_id == community.id,
        RegistryUnit.credit_code == code,
        RegistryUnit.deleted_at.is_(None),
    )
    if exclude is not None:
        stmt = stmt.where(RegistryUnit.id != exclude)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        refuse(
            "credit_code",
            _(
                "This credit code is already registered in %(community)s (%(name)s).",
                community=community.name,
                name=other,
            ),
            conflict=True,
        )


def check_unit(
    session: Session, community: Node, data: dict[str, Any], unit: RegistryUnit | None
) -> None:
    """The units ledger's rule: a credit code once per community; ``building`` places the unit
    (in the community when left empty)."""
    if data.get("credit_code"):
        _check_credit_code(
            session, community, data["credit_code"], exclude=unit.id if unit else None
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


# --- restore ----------------------------------------------------------------------------------


def check_restorable(session: Session, obj: Any) -> None:
    """A deleted resident or unit comes back only if its ID or credit code is free meanwhile."""
    community = session.get(Node, obj.community_id)
    if isinstance(obj, RegistryResident):
        _check_id(session, community, {"id_number": obj.id_number}, exclude=obj.id)
    if isinstance(obj, RegistryUnit):
        _check_credit_code(session, community, obj.credit_code, exclude=obj.id)


# --- lists and search ------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_clause(session: Session, column: Any, text: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``text``, in a form the name/ID indexes serve: ``LIKE 'x%'`` on
    PostgreSQL (``text_pattern_ops`` indexes), a code-point range on SQLite (binary indexes)."""
    if session.get_bind().dialect.name == "postgresql":
        return column.like(_escape_like(text) + "%", escape="\\")
    return sa.and_(column >= text, column < text + "\U0010ffff")


def _looks_like_id(text: str) -> bool:
    return 0 < len(text) <= 18 and text[:-1].isdigit() and (text[-1].isdigit() or text[-1] in "Xx")


def resident_text_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """``text``: digits (and a final X) are the end of an ID number, anything else a name prefix."""
    text = text.strip()
    if _looks_like_id(text):
        return prefix_clause(session, RegistryResident.id_reversed, text.upper()[::-1])
    return prefix_clause(session, RegistryResident.name, text)


def visible_clause(model: Any, scope: Scope, permission: str = VIEW) -> sa.ColumnElement[bool]:
    """Rows of ``model`` that ``scope`` may read, in communities where the registry is on."""
    nodes = scope.nodes(permission)
    if not nodes:
        return sa.false()
    return sa.and_(
        model.__scope_clause__(nodes), model.community_id.in_(enabled_communities(MODULE))
    )


def _within(model: Any, place: Node | NodeRef | None) -> sa.ColumnElement[bool]:
    if place is None:
        return sa.true()
    ref = place.as_ref() if isinstance(place, Node) else place
    return model.__scope_clause__([ref])


def search_residents(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryResident]:
    """Residents ``scope`` may see (``registry.view``, module on) whose name starts with
    ``text`` or whose ID ends with it, optionally under ``community`` (or any node)."""
    text = (text or "").strip()
    if not text:
        return []
    stmt = (
        sa.select(RegistryResident)
        .where(
            visible_clause(RegistryResident, scope),
            _within(RegistryResident, community),
            resident_text_clause(session, text),
        )
        .order_by(RegistryResident.name, RegistryResident.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def get_resident(
    session: Session, scope: Scope, resident_id: int, community: Node | NodeRef | None = None
) -> RegistryResident | None:
    """The resident if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = sa.select(RegistryResident).where(
        RegistryResident.id == resident_id,
        visible_clause(RegistryResident, scope),
        _within(RegistryResident, community),
    )
    return session.scalar(stmt)


def search_units(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryUnit]:
    """Units ``scope`` may see whose name starts with ``text`` (or with that credit code)."""
    text = (text or "").strip()
    if not text:
        return []
    by_text = (
        RegistryUnit.credit_code == text.upper()
        if len(text) == 18 and text.isalnum()
        else prefix_clause(session, RegistryUnit.name, text)
    )
    stmt = (
        sa.select(RegistryUnit)
        .where(visible_clause(RegistryUnit, scope), _within(RegistryUnit, community), by_text)
        .order_by(RegistryUnit.name, RegistryUnit.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def search_households(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryHousehold]:
    """Households whose head's name starts with ``text`` or whose room or building contains it."""
    text = (text or "").strip()
    if not text:
        return []
    stmt = (
        sa.select(RegistryHousehold)
        .join(Node, Node.id == RegistryHousehold.node_id)
        .where(
            visible_clause(RegistryHousehold, scope),
            _within(RegistryHousehold, community),
            sa.or_(
                prefix_clause(session, RegistryHousehold.head_name, text),
                RegistryHousehold.room.contains(text, autoescape=True),
                Node.name.contains(text, autoescape=True),
            ),
        )
        .order_by(Node.code, RegistryHousehold.room, RegistryHousehold.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def get_unit(
    session: Session, scope: Scope, unit_id: int, community: Node | NodeRef | None = None
) -> RegistryUnit | None:
    stmt = sa.select(RegistryUnit).where(
        RegistryUnit.id == unit_id,
        visible_clause(RegistryUnit, scope),
        _within(RegistryUnit, community),
    )
    return session.scalar(stmt)


# --- indicators ------------------------------------------------------------------------------


def _present_at(model_on: Any, model_off: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(model_on.is_(None), model_on <= day), sa.or_(model_off.is_(None), model_off > day)
    )


def _residents_at(communities: sa.Select, period: Period) -> sa.Select:
    return sa.select(sa.func.count(RegistryResident.id)).where(
        RegistryResident.community_id.in_(communities),
        RegistryResident.deleted_at.is_(None),
        _present_at(RegistryResident.arrived_on, RegistryResident.departed_on, period.end),
    )


def count_residents(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.residents``: residents living there at the end of the period."""
    return session.scalar(_residents_at(communities, period)) or 0


def count_floating(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.floating``: floating residents there at the end of the period."""
    stmt = _residents_at(communities, period).where(RegistryResident.status == "floating")
    return session.scalar(stmt) or 0


def count_households(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count(RegistryHousehold.id)).where(
        RegistryHousehold.community_id.in_(communities),
        RegistryHousehold.deleted_at.is_(None),
        _present_at(RegistryHousehold.moved_in_on, RegistryHousehold.moved_out_on, period.end),
    )
    return session.scalar(stmt) or 0


def count_units(kind: str | None = None) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.count(RegistryUnit.id)).where(
            RegistryUnit.community_id.in_(communities), RegistryUnit.deleted_at.is_(None)
        )
        if kind:
            stmt = stmt.where(RegistryUnit.kind == kind)
        return session.scalar(stmt) or 0

    return compute


def count_tagged(tag: str) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = (
            _residents_at(communities, period)
            .join(RegistryResidentTag, RegistryResidentTag.resident_id == RegistryResident.id)
            .where(RegistryResidentTag.tag == tag)
        )
        return session.scalar(stmt) or 0

    return compute


def summary(
    session: Session, clause: Callable[[Any], sa.ColumnElement[bool]]
) -> list[dict[str, Any]]:
    """Residents, floating residents, households and units per community (street/district view)."""
    residents = (
        sa.select(
            RegistryResident.community_id.label("cid"),
            sa.func.count().label("residents"),
            sa.func.sum(sa.case((RegistryResident.status == "floating", 1), else_=0)).label(
                "floating"
            ),
        )
        .where(
            clause(RegistryResident),
            RegistryResident.deleted_at.is_(None),
            RegistryResident.status.in_(PRESENT),
        )
        .group_by(RegistryResident.community_id)
    )
    households = (
        sa.select(RegistryHousehold.community_id, sa.func.count())
        .where(
            clause(RegistryHousehold),
            RegistryHousehold.deleted_at.is_(None),
            RegistryHousehold.moved_out_on.is_(None),
        )
        .group_by(RegistryHousehold.community_id)
    )
    units = (
        sa.select(RegistryUnit.community_id, sa.func.count())
        .where(clause(RegistryUnit), RegistryUnit.deleted_at.is_(None))
        .group_by(RegistryUnit.community_id)
    )
    rows: dict[int, dict[str, Any]] = {}

    def row(cid: int) -> dict[str, Any]:
        return rows.setdefault(cid, {"residents": 0, "floating": 0, "households": 0, "units": 0})

    for cid, count, floating in session.execute(residents):
        row(cid).update(residents=count, floating=int(floating or 0))
    for cid, count in session.execute(households):
        row(cid)["households"] = count
    for cid, count in session.execute(units):
        row(cid)["units"] = count
    nodes = {
        cid: (ref, name)
        for cid, ref, name in session.execute(
            sa.select(Node.id, Node.ref, Node.name).where(Node.id.in_(list(rows)))
        )
    }
    return [
        {"community": nodes[cid][0], "name": nodes[cid][1], **values}
        for cid, values in sorted(rows.items(), key=lambda item: nodes[item[0]][0])
    ]

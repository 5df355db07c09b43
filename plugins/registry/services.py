"""Every domain operation of the registry: writes (with history and audit), searches, the
floating-population lifecycle, indicators, exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Other plugins use :func:`search_residents`, :func:`get_resident`, :func:`search_units` and
:func:`get_unit` to reference registry rows (see README.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session, selectinload

from core import audit, clock
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.permissions import Scope, current_scope
from core.reports import Period
from core.tree import NodeRef
from tenants.models import Node, NodeKind
from tenants.modules import enabled_communities

from .hookspecs import Tag
from .models import (
    RegistryChange,
    RegistryHousehold,
    RegistryResident,
    RegistryResidentTag,
    RegistryUnit,
)
from .validators import mask_id, mask_mobile, parse_resident_id

MODULE = "registry"
VIEW = "registry.view"
EDIT = "registry.edit"
SENSITIVE = "registry.sensitive.view"
RESTORE = "registry.restore"

STATUSES = {
    "registered": _l("Registered resident"),
    "floating": _l("Floating resident"),
    "moved_out": _l("Moved out"),
    "deceased": _l("Deceased"),
}
PRESENT = ("registered", "floating")
GENDERS = {"M": _l("Male"), "F": _l("Female")}
TENURES = {"owned": _l("Owned"), "rented": _l("Rented"), "other": _l("Other tenure")}
RELATIONS = {
    "head": _l("Head of household"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "parent": _l("Parent"),
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

# What other plugins see of a tag declared by the registry itself.
OWN_TAGS = [
    Tag("elderly", _l("Elderly"), MODULE),
    Tag("disabled", _l("Person with a disability"), MODULE),
    Tag("dibao", _l("Minimum living allowance"), MODULE),
    Tag("left_behind_child", _l("Left-behind child"), MODULE),
    Tag("childbearing_woman", _l("Woman of childbearing age"), MODULE),
    Tag("veteran", _l("Veteran"), MODULE),
    Tag("empty_nest", _l("Living alone (elderly)"), MODULE),
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
UNIT_FIELDS = (
    "name",
    "credit_code",
    "kind",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "industry",
    "size_class",
    "output_value",
    "headcount",
    "notes",
)
SENSITIVE_FIELDS = {"id_number": mask_id, "mobile": mask_mobile, "contact_phone": mask_mobile}
OBJECT_TYPES = {"resident": RegistryResident, "household": RegistryHousehold, "unit": RegistryUnit}


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``)."""
    return clock.today()


def declared_tags() -> dict[str, Tag]:
    """Every tag declared through ``registry_tags`` (the registry's own first), by key."""
    from tenants.modules import plugin_system

    tags: dict[str, Tag] = {}
    for name, found in plugin_system().call("registry_tags"):
        for tag in found or []:
            tags.setdefault(tag.key, tag if tag.module else Tag(tag.key, tag.label, name))
    return tags


def tag_label(key: str) -> str:
    tag = declared_tags().get(key)
    return str(tag.label) if tag else key


# --- history and audit -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, decimals as text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _actor(user: Any) -> Any:
    if user is not None:
        return user
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def _history(
    session: Session,
    obj: Any,
    object_type: str,
    action: str,
    changes: dict[str, list[Any]] | None,
    summary: str,
    user: Any = None,
) -> None:
    """One entry in the record's timeline and one in the audit log, in the caller's transaction."""
    actor = _actor(user)
    plain = {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()}
    session.add(
        RegistryChange(
            node_id=obj.node_id,
            object_type=object_type,
            object_id=obj.id,
            action=action,
            user_id=getattr(actor, "id", None),
            username=getattr(actor, "username", "") or "",
            changes=plain or None,
        )
    )
    audited = {
        k: [SENSITIVE_FIELDS[k](o), SENSITIVE_FIELDS[k](n)] if k in SENSITIVE_FIELDS else [o, n]
        for k, (o, n) in plain.items()
    }
    audit.record(
        f"registry.{object_type}.{action}",
        node=_node_ref(session, obj.node_id),
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        summary=summary,
        details=audited or None,
        user=actor,
    )


def _node_ref(session: Session, node_id: int) -> NodeRef:
    return session.get(Node, node_id).as_ref()


def _diff(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    return {
        key: [getattr(obj, key), data[key]]
        for key in fields
        if key in data and getattr(obj, key) != data[key]
    }


def timeline(session: Session, object_type: str, object_id: int) -> list[RegistryChange]:
    """A record's history, newest first (one indexed lookup)."""
    stmt = (
        sa.select(RegistryChange)
        .where(RegistryChange.object_type == object_type, RegistryChange.object_id == object_id)
        .order_by(RegistryChange.id.desc())
    )
    return list(session.scalars(stmt))


def masked_changes(change: RegistryChange, unmasked: bool) -> dict[str, list[Any]]:
    """A change's old/new values, with IDs and phones masked unless ``unmasked``."""
    values = change.changes or {}
    if unmasked:
        return values
    return {
        key: [SENSITIVE_FIELDS[key](old), SENSITIVE_FIELDS[key](new)]
        if key in SENSITIVE_FIELDS
        else [old, new]
        for key, (old, new) in values.items()
    }


# --- places ----------------------------------------------------------------------------------


def _refuse(field: str, message: str, conflict: bool = False) -> NoReturn:
    raise (Conflict if conflict else DomainError)(message, {field: [message]})


def _writable(community: Node) -> None:
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))


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
        _refuse(
            "building",
            _(
                "The building %(building)s is not in %(community)s.",
                building=text,
                community=community.name,
            ),
        )
    _refuse(
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
        _refuse("gender", _("The gender does not match the resident ID."))
    if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
        _refuse("birth_date", _("The birth date does not match the resident ID."))
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
        _refuse(
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
            _refuse(
                "household_id",
                _("There is no such household in %(community)s.", community=community.name),
            )
        return household.node_id
    building = data.pop("building", None)
    if building:
        return building_in(session, community, building).id
    return community.id


def _set_tags(session: Session, resident: RegistryResident, tags: list[str] | None) -> list[Any]:
    if tags is None:
        return []
    known = declared_tags()
    unknown = [t for t in tags if t not in known]
    if unknown:
        _refuse("tags", _("Unknown tags: %(tags)s", tags="、".join(unknown)))
    old = sorted(resident.tags)
    new = sorted(set(tags))
    if old == new:
        return []
    resident.tag_rows = [RegistryResidentTag(tag=t) for t in new]
    return [old, new]


def create_resident(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Register a resident (registered or floating: 人来登记) from ``ResidentSchema`` data."""
    _writable(community)
    data = dict(data)
    _check_id(session, community, data)
    status = data.get("status") or "registered"
    if status not in PRESENT:
        _refuse("status", _("A new resident is registered or floating."))
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
    session.add(resident)
    session.flush()
    _set_tags(session, resident, tags)
    session.flush()
    created = {k: [None, getattr(resident, k)] for k in RESIDENT_FIELDS if getattr(resident, k)}
    if tags:
        created["tags"] = [None, sorted(set(tags))]
    _history(
        session,
        resident,
        "resident",
        "create",
        created,
        _("Registered resident %(name)s", name=resident.name),
        user,
    )
    return resident


def update_resident(
    session: Session, resident: RegistryResident, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Edit a resident; status changes go through the lifecycle functions, not here."""
    community = session.get(Node, resident.community_id)
    _writable(community)
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
    changes = _diff(resident, data, RESIDENT_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(resident, key, new if new is not None else _empty(RegistryResident, key))
    resident.id_reversed = resident.id_number[::-1]
    tag_change = _set_tags(session, resident, data.get("tags"))
    if tag_change:
        changes["tags"] = tag_change
    if changes:
        session.flush()
        _history(
            session,
            resident,
            "resident",
            "update",
            changes,
            _("Changed resident %(name)s", name=resident.name),
            user,
        )
    return resident


def _empty(model: Any, key: str) -> Any:
    """What a cleared optional field holds: "" for text columns, None otherwise."""
    column = model.__table__.c[key]
    return "" if isinstance(column.type, sa.String | sa.Text) and not column.nullable else None


def start_management(
    session: Session, resident: RegistryResident, on: date, user: Any = None
) -> RegistryResident:
    """人在管理: a registered floating resident is taken into management on ``on``."""
    _writable(session.get(Node, resident.community_id))
    if resident.status != "floating":
        _refuse("status", _("Only a floating resident is taken into management."))
    if resident.managed_on is not None:
        _refuse("managed_on", _("This resident is already in management."), conflict=True)
    if resident.arrived_on and on < resident.arrived_on:
        _refuse("managed_on", _("Management cannot start before the arrival."))
    if on > today():
        _refuse("managed_on", _("The date cannot be in the future."))
    resident.managed_on = on
    session.flush()
    _history(
        session,
        resident,
        "resident",
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
    _writable(session.get(Node, resident.community_id))
    if resident.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    if resident.status not in PRESENT:
        _refuse(
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
        _refuse("departed_on", _("The date cannot be in the future."))
    if resident.arrived_on and on < resident.arrived_on:
        _refuse("departed_on", _("The departure cannot be before the arrival."))
    new_status = "deceased" if deceased else "moved_out"
    changes = {"status": [resident.status, new_status], "departed_on": [None, on]}
    resident.status, resident.departed_on = new_status, on
    session.flush()
    summary = (
        _("Recorded the death of %(name)s", name=resident.name)
        if deceased
        else _("Moved out resident %(name)s", name=resident.name)
    )
    _history(
        session, resident, "resident", "death" if deceased else "move_out", changes, summary, user
    )
    return resident


# --- households ------------------------------------------------------------------------------


def create_household(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """A household in one of the community's buildings (a building elsewhere is refused)."""
    _writable(community)
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
        "household",
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
    _writable(community)
    if household.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    changes = _diff(household, data, (*HOUSEHOLD_FIELDS, "moved_out_on"))
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
            setattr(household, key, value if value is not None else _empty(RegistryHousehold, key))
    if changes:
        session.flush()
        session.refresh(household, ["node"])
        _history(
            session,
            household,
            "household",
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
        _refuse(
            "credit_code",
            _(
                "This credit code is already registered in %(community)s (%(name)s).",
                community=community.name,
                name=other,
            ),
            conflict=True,
        )


def create_unit(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryUnit:
    _writable(community)
    _check_credit_code(session, community, data["credit_code"])
    node_id = (
        building_in(session, community, data["building"]).id
        if data.get("building")
        else (community.id)
    )
    unit = RegistryUnit(
        node_id=node_id, **{k: data[k] for k in UNIT_FIELDS if data.get(k) is not None}
    )
    session.add(unit)
    session.flush()
    created = {k: [None, getattr(unit, k)] for k in UNIT_FIELDS if getattr(unit, k)}
    _history(
        session,
        unit,
        "unit",
        "create",
        created,
        _("Registered unit %(name)s", name=unit.name),
        user,
    )
    return unit


def update_unit(
    session: Session, unit: RegistryUnit, data: dict[str, Any], user: Any = None
) -> RegistryUnit:
    community = session.get(Node, unit.community_id)
    _writable(community)
    if unit.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    if data.get("credit_code"):
        _check_credit_code(session, community, data["credit_code"], exclude=unit.id)
    if "building" in data:
        building = data.pop("building")
        unit.node_id = building_in(session, community, building).id if building else community.id
    changes = _diff(unit, data, UNIT_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(unit, key, new if new is not None else _empty(RegistryUnit, key))
    if changes:
        session.flush()
        _history(
            session,
            unit,
            "unit",
            "update",
            changes,
            _("Changed unit %(name)s", name=unit.name),
            user,
        )
    return unit


# --- soft delete and restore -----------------------------------------------------------------


def _label(obj: Any) -> str:
    return obj.address if isinstance(obj, RegistryHousehold) else obj.name


def _type_of(obj: Any) -> str:
    return next(k for k, model in OBJECT_TYPES.items() if isinstance(obj, model))


def delete_record(session: Session, obj: Any, user: Any = None) -> None:
    """Soft delete: the row stays with who and when; an admin can restore it."""
    _writable(session.get(Node, obj.community_id))
    if obj.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    actor = _actor(user)
    obj.deleted_at = utcnow()
    obj.deleted_by_id = getattr(actor, "id", None)
    session.flush()
    _history(
        session, obj, _type_of(obj), "delete", None, _("Deleted %(what)s", what=_label(obj)), user
    )


def restore_record(session: Session, obj: Any, user: Any = None) -> None:
    """Undo a soft delete, unless the ID or credit code has been registered again meanwhile."""
    community = session.get(Node, obj.community_id)
    _writable(community)
    if obj.deleted_at is None:
        raise Conflict(_("This record is not deleted."))
    if isinstance(obj, RegistryResident):
        _check_id(session, community, {"id_number": obj.id_number}, exclude=obj.id)
    if isinstance(obj, RegistryUnit):
        _check_credit_code(session, community, obj.credit_code, exclude=obj.id)
    obj.deleted_at = None
    obj.deleted_by_id = None
    session.flush()
    _history(
        session, obj, _type_of(obj), "restore", None, _("Restored %(what)s", what=_label(obj)), user
    )


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


def residents_query(
    session: Session,
    where: sa.ColumnElement[bool],
    filters: dict[str, Any],
    *,
    deleted: bool = False,
) -> sa.Select:
    """Residents matching ``where`` (a community or a scope) and the list's filters:
    ``q`` (name prefix or ID suffix), ``address``, ``building`` (node id), ``status``, ``tag``."""
    stmt = sa.select(RegistryResident).where(where)
    stmt = stmt.where(
        RegistryResident.deleted_at.is_not(None)
        if deleted
        else RegistryResident.deleted_at.is_(None)
    )
    if filters.get("q"):
        stmt = stmt.where(resident_text_clause(session, filters["q"]))
    if filters.get("address"):
        pattern = f"%{_escape_like(filters['address'])}%"
        stmt = stmt.where(
            sa.or_(
                RegistryResident.current_address.like(pattern, escape="\\"),
                RegistryResident.hukou_address.like(pattern, escape="\\"),
            )
        )
    if filters.get("building"):
        stmt = stmt.where(RegistryResident.node_id == filters["building"])
    if filters.get("status"):
        stmt = stmt.where(RegistryResident.status == filters["status"])
    if filters.get("tag"):
        tagged = sa.select(RegistryResidentTag.resident_id).where(
            RegistryResidentTag.tag == filters["tag"]
        )
        stmt = stmt.where(RegistryResident.id.in_(tagged))
    return stmt.options(selectinload(RegistryResident.tag_rows)).order_by(
        RegistryResident.name, RegistryResident.id
    )


def households_query(
    session: Session,
    where: sa.ColumnElement[bool],
    filters: dict[str, Any],
    *,
    deleted: bool = False,
) -> sa.Select:
    stmt = (
        sa.select(RegistryHousehold).join(Node, Node.id == RegistryHousehold.node_id).where(where)
    )
    stmt = stmt.where(
        RegistryHousehold.deleted_at.is_not(None)
        if deleted
        else RegistryHousehold.deleted_at.is_(None)
    )
    if filters.get("q"):
        text = filters["q"].strip()
        pattern = f"%{_escape_like(text)}%"
        stmt = stmt.where(
            sa.or_(
                prefix_clause(session, RegistryHousehold.head_name, text),
                RegistryHousehold.room.like(pattern, escape="\\"),
                Node.name.like(pattern, escape="\\"),
            )
        )
    if filters.get("building"):
        stmt = stmt.where(RegistryHousehold.node_id == filters["building"])
    return stmt.order_by(
        Node.code, RegistryHousehold.entrance, RegistryHousehold.room, RegistryHousehold.id
    )


def units_query(
    session: Session,
    where: sa.ColumnElement[bool],
    filters: dict[str, Any],
    *,
    deleted: bool = False,
) -> sa.Select:
    stmt = sa.select(RegistryUnit).where(where)
    stmt = stmt.where(
        RegistryUnit.deleted_at.is_not(None) if deleted else RegistryUnit.deleted_at.is_(None)
    )
    if filters.get("q"):
        text = filters["q"].strip()
        if len(text) == 18 and text.isalnum():
            stmt = stmt.where(RegistryUnit.credit_code == text.upper())
        else:
            stmt = stmt.where(prefix_clause(session, RegistryUnit.name, text))
    if filters.get("address"):
        stmt = stmt.where(
            RegistryUnit.address.like(f"%{_escape_like(filters['address'])}%", escape="\\")
        )
    if filters.get("kind"):
        stmt = stmt.where(RegistryUnit.kind == filters["kind"])
    if filters.get("size_class"):
        stmt = stmt.where(RegistryUnit.size_class == filters["size_class"])
    if filters.get("building"):
        stmt = stmt.where(RegistryUnit.node_id == filters["building"])
    return stmt.order_by(RegistryUnit.name, RegistryUnit.id)


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
    stmt = residents_query(
        session,
        sa.and_(visible_clause(RegistryResident, scope), _within(RegistryResident, community)),
        {"q": text},
    )
    return list(session.scalars(stmt.limit(limit)))


def get_resident(
    session: Session, scope: Scope, resident_id: int, community: Node | NodeRef | None = None
) -> RegistryResident | None:
    """The resident if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = sa.select(RegistryResident).where(
        RegistryResident.id == resident_id,
        RegistryResident.deleted_at.is_(None),
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
    stmt = units_query(
        session,
        sa.and_(visible_clause(RegistryUnit, scope), _within(RegistryUnit, community)),
        {"q": text},
    )
    return list(session.scalars(stmt.limit(limit)))


def get_unit(
    session: Session, scope: Scope, unit_id: int, community: Node | NodeRef | None = None
) -> RegistryUnit | None:
    stmt = sa.select(RegistryUnit).where(
        RegistryUnit.id == unit_id,
        RegistryUnit.deleted_at.is_(None),
        visible_clause(RegistryUnit, scope),
        _within(RegistryUnit, community),
    )
    return session.scalar(stmt)


def household_options(session: Session, community: Node) -> list[RegistryHousehold]:
    stmt = households_query(session, RegistryHousehold.community_id == community.id, {})
    return list(session.scalars(stmt.options(selectinload(RegistryHousehold.node))))


# --- sensitive data --------------------------------------------------------------------------


def may_unmask(place: Node | NodeRef | str, scope: Scope | None = None) -> bool:
    path = place if isinstance(place, str) else place.path
    return (scope or current_scope()).allows(SENSITIVE, path)


def record_unmask(session: Session, obj: Any, user: Any = None) -> None:
    """Unmasking a record's ID and phone numbers is written to the audit log."""
    audit.record(
        f"registry.{_type_of(obj)}.unmask",
        node=_node_ref(session, obj.node_id),
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        summary=_("Viewed the unmasked ID and phone numbers of %(what)s", what=_label(obj)),
        user=_actor(user),
    )


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


# --- exports ---------------------------------------------------------------------------------


def _wants_unmasked(filters: dict[str, str]) -> bool:
    return filters.get("unmask") in ("1", "true")


def _sensitive_case(model: Any, filters: dict[str, str]) -> sa.ColumnElement[bool]:
    """Per row: may the user see this row unmasked (asked for and holding the permission)?"""
    if not _wants_unmasked(filters):
        return sa.false()
    nodes = current_scope().nodes(SENSITIVE)
    if not nodes:
        return sa.false()
    return sa.case((model.__scope_clause__(nodes), sa.true()), else_=sa.false())


def _audit_unmasked_export(session: Session, name: str, filters: dict[str, str]) -> None:
    if _wants_unmasked(filters) and current_scope().holds_anywhere(SENSITIVE):
        audit.record(
            "registry.export.unmasked",
            node=None,
            object_type="export",
            object_id=name,
            summary=_("Exported %(name)s with unmasked ID and phone numbers", name=name),
            details={"filters": filters},
        )


def _export_filters(filters: dict[str, str]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        k: v for k, v in filters.items() if k in ("q", "address", "status", "tag", "kind")
    }
    if filters.get("building", "").isdigit():
        clean["building"] = int(filters["building"])
    return clean


def export_residents(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Rows of ``registry.residents``: the user's scope and the list's filters; IDs and mobiles
    masked unless ``?unmask=1`` and the user holds ``registry.sensitive.view`` there (audited).
    Streamed from the database in batches."""
    _audit_unmasked_export(session, "registry.residents", filters)
    query = residents_query(session, scope_clause(RegistryResident), _export_filters(filters))
    stmt = (
        sa.select(
            RegistryResident.name,
            RegistryResident.gender,
            RegistryResident.id_number,
            RegistryResident.birth_date,
            RegistryResident.mobile,
            RegistryResident.ethnicity,
            RegistryResident.status,
            RegistryResident.current_address,
            RegistryResident.hukou_address,
            RegistryResident.arrived_on,
            RegistryResident.departed_on,
            Node.name.label("community"),
            _sensitive_case(RegistryResident, filters).label("unmasked"),
        )
        .join(Node, Node.id == RegistryResident.community_id)
        .where(RegistryResident.id.in_(query.with_only_columns(RegistryResident.id).order_by(None)))
        .order_by(Node.ref, RegistryResident.name, RegistryResident.id)
    )
    statuses = {k: str(v) for k, v in STATUSES.items()}
    genders = {k: str(v) for k, v in GENDERS.items()}
    for row in session.execute(stmt.execution_options(yield_per=1000)):
        yield {
            "community": row.community,
            "name": row.name,
            "gender": genders.get(row.gender, row.gender),
            "id_number": row.id_number if row.unmasked else mask_id(row.id_number),
            "birth_date": row.birth_date.isoformat(),
            "mobile": row.mobile if row.unmasked else mask_mobile(row.mobile),
            "ethnicity": row.ethnicity,
            "status": statuses.get(row.status, row.status),
            "current_address": row.current_address,
            "hukou_address": row.hukou_address,
            "arrived_on": row.arrived_on.isoformat() if row.arrived_on else "",
            "departed_on": row.departed_on.isoformat() if row.departed_on else "",
        }


def export_households(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    stmt = households_query(session, scope_clause(RegistryHousehold), _export_filters(filters))
    stmt = stmt.add_columns(Node.name).options(selectinload(RegistryHousehold.members))
    community_names: dict[int, str] = {}
    tenures = {k: str(v) for k, v in TENURES.items()}
    for household, building in session.execute(stmt.execution_options(yield_per=500)):
        if household.community_id not in community_names:
            community_names[household.community_id] = session.scalar(
                sa.select(Node.name).where(Node.id == household.community_id)
            )
        yield {
            "community": community_names[household.community_id],
            "building": building,
            "entrance": household.entrance,
            "room": household.room,
            "head_name": household.head_name,
            "tenure": tenures.get(household.tenure, household.tenure),
            "members": len(household.members),
            "moved_in_on": household.moved_in_on.isoformat() if household.moved_in_on else "",
        }


def export_units(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    _audit_unmasked_export(session, "registry.units", filters)
    stmt = units_query(session, scope_clause(RegistryUnit), _export_filters(filters))
    stmt = stmt.add_columns(Node.name, _sensitive_case(RegistryUnit, filters)).join(
        Node, Node.id == RegistryUnit.community_id
    )
    kinds = {k: str(v) for k, v in UNIT_KINDS.items()}
    sizes = {k: str(v) for k, v in SIZE_CLASSES.items()}
    for unit, community, unmasked in session.execute(stmt.execution_options(yield_per=1000)):
        yield {
            "community": community,
            "name": unit.name,
            "credit_code": unit.credit_code,
            "kind": kinds.get(unit.kind, unit.kind),
            "legal_representative": unit.legal_representative,
            "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone if unmasked else mask_mobile(unit.contact_phone),
            "address": unit.address,
            "industry": unit.industry,
            "size_class": sizes.get(unit.size_class, unit.size_class),
            "output_value": str(unit.output_value) if unit.output_value is not None else "",
            "headcount": unit.headcount,
        }

"""Every domain operation of the safety ledgers: enterprises and major hazard sources,
inspections, the hidden-danger workflow, training, accidents, activities, photos, indicators,
exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Dates are in the platform's time zone (``core.clock.today``); a hazard is overdue when it is not
closed and its deadline is before today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session

from core import audit, clock
from core.db import utcnow
from core.errors import Conflict, DomainError, NotPermitted
from core.permissions import Scope, current_scope
from core.reports import Period
from plugins.registry.models import RegistryUnit
from tenants.models import Node
from tenants.modules import module_settings

from .models import (
    SafetyEnterprise,
    SafetyHazard,
    SafetyHazardEvent,
    SafetyHazardSource,
    SafetyInspection,
)

MODULE = "safety"
VIEW = "safety.view"
EDIT = "safety.edit"
CLOSE_MAJOR = "safety.hazard.close_major"
SENSITIVE = "safety.sensitive.view"

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

INSPECTION_KINDS = {
    "routine": _l("Routine inspection"),
    "quarterly": _l("Quarterly major inspection"),
    "special": _l("Special inspection"),
    "joint": _l("Joint inspection"),
}
CHECK_RESULTS = {"ok": _l("Passed"), "fail": _l("Failed"), "na": _l("Not applicable")}

HAZARD_STATUSES = {
    "found": _l("Found"),
    "notified": _l("Notice issued"),
    "rectifying": _l("Rectifying"),
    "submitted": _l("Awaiting re-inspection"),
    "closed": _l("Closed"),
}
OPEN_STATUSES = ("found", "notified", "rectifying", "submitted")
SEVERITIES = {"general": _l("General hazard"), "major": _l("Major hazard")}
HAZARD_CATEGORIES = {
    "fire": _l("Fire safety"),
    "electrical": _l("Electrical"),
    "gas": _l("Gas"),
    "chemicals": _l("Hazardous chemicals"),
    "structure": _l("Buildings and structures"),
    "equipment": _l("Equipment"),
    "management": _l("Management"),
    "other": _l("Other hazard"),
}

TRAINING_CATEGORIES = {
    "three_posts": _l("Three key posts"),
    "frontline": _l("Front-line workers"),
    "general": _l("General safety training"),
}
# 三项岗位: the three key posts that need a certificate, then everyone else.
POSTS = {
    "principal": _l("Principal manager"),
    "safety_manager": _l("Safety manager"),
    "special_operator": _l("Special operator"),
    "frontline": _l("Front-line worker"),
    "other": _l("Other trainee"),
}
THREE_POSTS = ("principal", "safety_manager", "special_operator")

ACCIDENT_GRADES = {
    "general": _l("General accident"),
    "larger": _l("Larger accident"),
    "major": _l("Major accident"),
    "especially_major": _l("Especially major accident"),
}
ACCIDENT_KINDS = {
    "fire": _l("Fire"),
    "traffic": _l("Traffic"),
    "fall": _l("Fall from height"),
    "electric_shock": _l("Electric shock"),
    "gas": _l("Gas poisoning or explosion"),
    "machinery": _l("Machinery"),
    "collapse": _l("Collapse"),
    "other": _l("Other accident"),
}
ACCIDENT_SENSITIVE_FIELDS = ("casualty_details", "liability")

ACTIVITY_KINDS = {
    "safety_month": _l("Safety production month"),
    "fire_day": _l("11.9 Fire Safety Day"),
    "road_safety_day": _l("National Road Traffic Safety Day"),
    "ankang_cup": _l("Ankang Cup"),
    "five_into": _l("Safety into five places"),
    "drill": _l("Emergency drill"),
    "other": _l("Other activity"),
}

DEFAULT_SETTINGS: dict[str, Any] = {
    "general_deadline_days": 15,  # 一般隐患: rectify within … days of the finding
    "major_deadline_days": 60,  # 重大隐患
    "training_target": 95,  # 全年完成三项岗位人员培训95人 (seed 004)
    "certificate_warning_days": 60,
}


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``)."""
    return clock.today()


# --- shared helpers (lead; every section uses them) ------------------------------------------


def refuse(field: str, message: str, conflict: bool = False) -> NoReturn:
    """Refuse with ``message`` on ``field`` (422, or 409 for a conflict); nothing is written."""
    raise (Conflict if conflict else DomainError)(message, {field: [message]})


def writable(community: Node) -> None:
    """Archived communities are read-only."""
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))


def actor(user: Any = None) -> Any:
    """Who is doing this: ``user``, else the signed-in user of the request, else nobody."""
    if user is not None:
        return user
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, decimals as text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    session: Session,
    obj: Any,
    action: str,
    summary: str,
    changes: dict[str, list[Any]] | None = None,
    user: Any = None,
) -> None:
    """The audit entry of a write of ``obj`` (action ``safety.<table>.<action>``)."""
    table = type(obj).__tablename__
    audit.record(
        f"safety.{table.removeprefix('safety_')}.{action}",
        node=session.get(Node, obj.node_id).as_ref(),
        object_type=table,
        object_id=obj.id,
        summary=summary,
        details={k: [plain(o), plain(n)] for k, (o, n) in (changes or {}).items()} or None,
        user=actor(user),
    )


def diff(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Old and new values of the ``fields`` in ``data`` that differ from ``obj``'s."""
    return {
        key: [getattr(obj, key), data[key]]
        for key in fields
        if key in data and getattr(obj, key) != data[key]
    }


def soft_delete(session: Session, obj: Any, label: str, user: Any = None) -> None:
    """Soft delete: the row stays with who and when (lists hide it)."""
    writable(session.get(Node, obj.community_id))
    if obj.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    obj.deleted_at = utcnow()
    obj.deleted_by_id = getattr(actor(user), "id", None)
    session.flush()
    record(session, obj, "delete", _("Deleted %(what)s", what=label), user=user)


def settings(session: Session, community: Node) -> dict[str, Any]:
    """The community's safety settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community.id, MODULE)}


def enterprise_in(session: Session, community: Node, enterprise_id: int | None) -> Any:
    """The live enterprise ``enterprise_id`` if it is in ``community``; refused otherwise
    (an inspection, hazard, trainee or accident never points into another community)."""
    if enterprise_id is None:
        return None
    enterprise = session.get(SafetyEnterprise, enterprise_id)
    if enterprise is None or enterprise.deleted_at is not None:
        refuse("enterprise_id", _("There is no such enterprise."))
    if enterprise.community_id != community.id:
        refuse(
            "enterprise_id",
            _(
                "The enterprise %(name)s is not in %(community)s.",
                name=enterprise.name,
                community=community.name,
            ),
        )
    return enterprise


# === enterprises and major hazard sources (lead) ==============================================

ENTERPRISE_FIELDS = (
    "risk_level",
    "sector",
    "standardisation",
    "standard_level",
    "demonstration",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "notes",
)
SOURCE_FIELDS = (
    "name",
    "grade",
    "substances",
    "quantity",
    "responsible_person",
    "monitoring",
    "registered_on",
)


def _unit_in(session: Session, community: Node, unit_id: int) -> RegistryUnit:
    unit = session.get(RegistryUnit, unit_id)
    if unit is None or unit.deleted_at is not None:
        refuse("unit_id", _("There is no such unit in the registry."))
    if unit.community_id != community.id:
        refuse(
            "unit_id",
            _(
                "The unit %(name)s is not in %(community)s.",
                name=unit.name,
                community=community.name,
            ),
        )
    return unit


def _check_standard(data: dict[str, Any]) -> None:
    """A standardisation level belongs to a compliant (达标) enterprise only."""
    if data.get("standard_level") and data.get("standardisation") != "compliant":
        refuse("standard_level", _("Only a compliant enterprise has a standardisation level."))


def create_enterprise(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    """Put a registry unit of the community on the enterprise ledger (once)."""
    writable(community)
    unit = _unit_in(session, community, data["unit_id"])
    taken = session.scalar(
        sa.select(SafetyEnterprise.id).where(
            SafetyEnterprise.unit_id == unit.id, SafetyEnterprise.deleted_at.is_(None)
        )
    )
    if taken is not None:
        refuse("unit_id", _("%(name)s is already on the enterprise ledger.", name=unit.name), True)
    values = {k: data[k] for k in ENTERPRISE_FIELDS if data.get(k) is not None}
    _check_standard({"standardisation": "not_started", **values})
    enterprise = SafetyEnterprise(node_id=unit.node_id, unit_id=unit.id, name=unit.name, **values)
    session.add(enterprise)
    session.flush()
    created = {
        k: [None, getattr(enterprise, k)] for k in ENTERPRISE_FIELDS if getattr(enterprise, k)
    }
    record(
        session,
        enterprise,
        "create",
        _("Put %(name)s on the enterprise ledger", name=enterprise.name),
        created,
        user,
    )
    return enterprise


def update_enterprise(
    session: Session, enterprise: SafetyEnterprise, data: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    writable(session.get(Node, enterprise.community_id))
    if enterprise.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    changes = diff(enterprise, data, ENTERPRISE_FIELDS)
    merged = {k: getattr(enterprise, k) for k in ENTERPRISE_FIELDS} | {
        k: new for k, (_old, new) in changes.items()
    }
    _check_standard(merged)
    for key, (_old, new) in changes.items():
        setattr(enterprise, key, new if new is not None else "")
    if changes:
        session.flush()
        record(
            session,
            enterprise,
            "update",
            _("Changed the enterprise %(name)s", name=enterprise.name),
            changes,
            user,
        )
    return enterprise


def add_hazard_source(
    session: Session, enterprise: SafetyEnterprise, data: dict[str, Any], user: Any = None
) -> SafetyHazardSource:
    """Register a major hazard source (重大危险源) of an enterprise."""
    writable(session.get(Node, enterprise.community_id))
    if enterprise.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    if data.get("registered_on") and data["registered_on"] > today():
        refuse("registered_on", _("The date cannot be in the future."))
    source = SafetyHazardSource(
        node_id=enterprise.node_id,
        enterprise_id=enterprise.id,
        **{k: data[k] for k in SOURCE_FIELDS if data.get(k) is not None},
    )
    session.add(source)
    session.flush()
    record(
        session,
        source,
        "create",
        _(
            "Registered the major hazard source %(name)s of %(enterprise)s",
            name=source.name,
            enterprise=enterprise.name,
        ),
        {k: [None, getattr(source, k)] for k in SOURCE_FIELDS if getattr(source, k)},
        user,
    )
    return source


# === inspections (lead) =======================================================================

INSPECTION_FIELDS = (
    "kind",
    "planned",
    "planned_on",
    "done_on",
    "area",
    "inspectors",
    "checklist",
    "findings",
)
# The default checklist (安全检查表) offered on a new inspection; users add their own items.
DEFAULT_CHECKLIST = (
    _l("Fire escapes and exits clear, signs lit"),
    _l("Extinguishers and hydrants present and in date"),
    _l("Electrical wiring and sockets safe, no overloaded strips"),
    _l("Gas pipes, valves and alarms in order"),
    _l("Special operators hold valid certificates"),
    _l("Safety rules, responsibilities and emergency plan posted"),
    _l("Hazardous goods stored and labelled properly"),
    _l("Staff trained; drill held this year"),
)


def _check_inspection(data: dict[str, Any]) -> None:
    if data.get("done_on") and data["done_on"] > today():
        refuse("done_on", _("An inspection cannot be done in the future; plan it instead."))
    if not data.get("done_on") and not data.get("planned_on"):
        refuse("planned_on", _("Give the date it was done, or the date it is planned for."))
    for row in data.get("checklist") or []:
        if row.get("result") not in CHECK_RESULTS:
            refuse("checklist", _("Every checklist item needs a result."))


def _inspection_place(session: Session, community: Node, data: dict[str, Any]) -> tuple[int, Any]:
    """Where an inspection (or a hazard) happened: the enterprise's node, a building of the
    community, or the community itself."""
    enterprise = enterprise_in(session, community, data.get("enterprise_id"))
    if enterprise is not None:
        return enterprise.node_id, enterprise
    building = data.get("building")
    if building:
        from plugins.registry.services import building_in

        return building_in(session, community, building).id, None
    return community.id, None


def create_inspection(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyInspection:
    """Record an inspection done (``done_on``) or planned (``planned_on``)."""
    writable(community)
    _check_inspection(data)
    node_id, enterprise = _inspection_place(session, community, data)
    values = {k: data[k] for k in INSPECTION_FIELDS if data.get(k) is not None}
    values["planned"] = bool(
        data.get("planned") or (data.get("planned_on") and not data.get("done_on"))
    )
    inspection = SafetyInspection(
        node_id=node_id, enterprise_id=enterprise.id if enterprise else None, **values
    )
    session.add(inspection)
    session.flush()
    record(
        session,
        inspection,
        "create",
        _("Recorded an inspection of %(target)s", target=inspection_target(inspection)),
        {k: [None, getattr(inspection, k)] for k in ("kind", "planned_on", "done_on")},
        user,
    )
    return inspection


def update_inspection(
    session: Session, inspection: SafetyInspection, data: dict[str, Any], user: Any = None
) -> SafetyInspection:
    """Edit an inspection, or complete a planned one by giving ``done_on`` and the results."""
    community = session.get(Node, inspection.community_id)
    writable(community)
    if inspection.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    merged = {k: getattr(inspection, k) for k in INSPECTION_FIELDS} | {
        k: v for k, v in data.items() if k in INSPECTION_FIELDS
    }
    _check_inspection(merged)
    changes = diff(inspection, data, INSPECTION_FIELDS)
    if "enterprise_id" in data or "building" in data:
        node_id, enterprise = _inspection_place(session, community, data)
        new_id = enterprise.id if enterprise else None
        if new_id != inspection.enterprise_id or node_id != inspection.node_id:
            changes["enterprise_id"] = [inspection.enterprise_id, new_id]
            inspection.enterprise_id, inspection.node_id = new_id, node_id
    for key in INSPECTION_FIELDS:
        if key in changes:
            setattr(inspection, key, changes[key][1])
    if changes:
        session.flush()
        record(
            session,
            inspection,
            "update",
            _("Changed the inspection of %(target)s", target=inspection_target(inspection)),
            {k: v for k, v in changes.items() if k != "checklist"},
            user,
        )
    return inspection


def inspection_target(inspection: SafetyInspection) -> str:
    """What was inspected, as a list shows it: the enterprise, else the area, else the place."""
    if inspection.enterprise is not None:
        return inspection.enterprise.name
    if inspection.area:
        return inspection.area
    return inspection.node.name if inspection.node is not None else ""


def inspections_query(where: sa.ColumnElement[bool], filters: dict[str, Any]) -> sa.Select:
    """Inspections matching ``where`` and the list's filters: ``kind``, ``state`` (planned or
    done), ``enterprise`` (id), ``since``/``until`` (done or planned date)."""
    stmt = sa.select(SafetyInspection).where(where, SafetyInspection.deleted_at.is_(None))
    if filters.get("kind"):
        stmt = stmt.where(SafetyInspection.kind == filters["kind"])
    if filters.get("state") == "planned":
        stmt = stmt.where(SafetyInspection.done_on.is_(None))
    elif filters.get("state") == "done":
        stmt = stmt.where(SafetyInspection.done_on.is_not(None))
    if filters.get("enterprise"):
        stmt = stmt.where(SafetyInspection.enterprise_id == filters["enterprise"])
    day = sa.func.coalesce(SafetyInspection.done_on, SafetyInspection.planned_on)
    if filters.get("since"):
        stmt = stmt.where(day >= filters["since"])
    if filters.get("until"):
        stmt = stmt.where(day <= filters["until"])
    return stmt.order_by(day.desc(), SafetyInspection.id.desc())


# === hazards and their workflow (lead) ========================================================

HAZARD_FIELDS = (
    "description",
    "location",
    "category",
    "severity",
    "found_on",
    "found_by",
    "deadline",
    "responsible_person",
    "responsible_phone",
    "measures",
)
# action → (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "notify": (("found",), "notified"),
    "start": (("notified",), "rectifying"),
    "submit": (("notified", "rectifying"), "submitted"),
    "close": (("submitted",), "closed"),
    "reopen": (("submitted",), "rectifying"),
}
ACTIONS = {
    "found": _l("Found"),
    "import": _l("Imported"),
    "edit": _l("Edited"),
    "notify": _l("Rectification notice issued"),
    "start": _l("Rectification started"),
    "submit": _l("Submitted for re-inspection"),
    "close": _l("Re-inspection passed, closed"),
    "reopen": _l("Re-inspection failed, re-opened"),
    "delete": _l("Deleted"),
}


def overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Open (not closed, not deleted) hazards whose deadline is before ``day``: the predicate
    the partial indexes ``ix_safety_hazard_*_open_deadline`` serve."""
    return sa.and_(
        SafetyHazard.status != "closed",
        SafetyHazard.deleted_at.is_(None),
        SafetyHazard.deadline < day,
    )


def is_overdue(hazard: SafetyHazard, day: date | None = None) -> bool:
    """Past its deadline and not closed, as of ``day`` (today in the platform's zone)."""
    day = day or today()
    return (
        hazard.status != "closed"
        and hazard.deleted_at is None
        and hazard.deadline is not None
        and hazard.deadline < day
    )


def days_overdue(hazard: SafetyHazard, day: date | None = None) -> int:
    return (
        (day or today()).toordinal() - hazard.deadline.toordinal() if is_overdue(hazard, day) else 0
    )


def next_number(session: Session, community: Node, column: Any, prefix: str) -> str:
    """The next ``<prefix>NNNN`` among the community's hazards (隐患编号, 通知书编号)."""
    taken = session.scalars(
        sa.select(column).where(
            SafetyHazard.community_id == community.id, column.like(f"{prefix}%")
        )
    ).all()
    serials = [int(t[len(prefix) :]) for t in taken if t[len(prefix) :].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


def next_hazard_number(session: Session, community: Node, year: int) -> str:
    """隐患编号: ``YH<year>-NNNN``, counted per community and year."""
    return next_number(session, community, SafetyHazard.number, f"YH{year}-")


def default_deadline(session: Session, community: Node, severity: str, start: date) -> date:
    """The community's rectification period (settings) for ``severity``, from ``start``."""
    days = settings(session, community)[
        f"{'major' if severity == 'major' else 'general'}_deadline_days"
    ]
    return date.fromordinal(start.toordinal() + int(days))


def _check_hazard_dates(values: dict[str, Any]) -> None:
    found_on, deadline = values.get("found_on"), values.get("deadline")
    if found_on and found_on > today():
        refuse("found_on", _("The date cannot be in the future."))
    if found_on and deadline and deadline < found_on:
        refuse("deadline", _("The deadline cannot be before the date the hazard was found."))


def event(
    session: Session,
    hazard: SafetyHazard,
    action: str,
    from_status: str,
    *,
    on: date | None = None,
    comment: str = "",
    changes: dict[str, list[Any]] | None = None,
    user: Any = None,
) -> SafetyHazardEvent:
    """One step of the hazard's timeline, and its audit entry."""
    who = actor(user)
    step = SafetyHazardEvent(
        node_id=hazard.node_id,
        hazard_id=hazard.id,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        on=on,
        user_id=getattr(who, "id", None),
        username=getattr(who, "username", "") or "",
        comment=comment or "",
        changes={k: [plain(o), plain(n)] for k, (o, n) in (changes or {}).items()} or None,
    )
    session.add(step)
    session.flush()
    record(
        session,
        hazard,
        action,
        _(
            "%(action)s: hazard %(number)s",
            action=ACTIONS.get(action, action),
            number=hazard.number,
        ),
        changes,
        user,
    )
    return step


def create_hazard(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyHazard:
    """Record a hidden danger found (status ``found``). Its deadline defaults from the
    community's settings; the enterprise and the inspection must be of this community."""
    writable(community)
    values = {k: data[k] for k in HAZARD_FIELDS if data.get(k) is not None}
    inspection = None
    if data.get("inspection_id"):
        inspection = session.get(SafetyInspection, data["inspection_id"])
        if (
            inspection is None
            or inspection.deleted_at is not None
            or inspection.community_id != community.id
        ):
            refuse(
                "inspection_id",
                _("There is no such inspection in %(community)s.", community=community.name),
            )
        values.setdefault("found_on", inspection.done_on or inspection.planned_on)
    place = dict(data)
    if inspection is not None and not data.get("enterprise_id") and not data.get("building"):
        place["enterprise_id"] = inspection.enterprise_id
    node_id, enterprise = _inspection_place(session, community, place)
    if inspection is not None and not enterprise and not data.get("building"):
        node_id = inspection.node_id
    if not values.get("found_on"):
        refuse("found_on", _("This field is required."))
    values.setdefault("severity", "general")
    values.setdefault(
        "deadline", default_deadline(session, community, values["severity"], values["found_on"])
    )
    _check_hazard_dates(values)
    number = data.get("number") or next_hazard_number(session, community, values["found_on"].year)
    if session.scalar(
        sa.select(SafetyHazard.id).where(
            SafetyHazard.community_id == community.id, SafetyHazard.number == number
        )
    ):
        refuse(
            "number",
            _(
                "The number %(number)s is already used in %(community)s.",
                number=number,
                community=community.name,
            ),
            True,
        )
    hazard = SafetyHazard(
        node_id=node_id,
        number=number,
        enterprise_id=enterprise.id if enterprise else None,
        inspection_id=inspection.id if inspection else None,
        status="found",
        **values,
    )
    session.add(hazard)
    session.flush()
    event(
        session,
        hazard,
        "found",
        "",
        on=hazard.found_on,
        changes={k: [None, getattr(hazard, k)] for k in ("severity", "deadline", "description")},
        user=user,
    )
    return hazard


def update_hazard(
    session: Session, hazard: SafetyHazard, data: dict[str, Any], user: Any = None
) -> SafetyHazard:
    """Edit an open hazard's facts (the status moves only through :func:`hazard_transition`);
    every change goes to its timeline."""
    writable(session.get(Node, hazard.community_id))
    if hazard.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    if hazard.status == "closed":
        raise Conflict(_("A closed hazard cannot be changed."))
    changes = diff(hazard, data, HAZARD_FIELDS)
    merged = {k: getattr(hazard, k) for k in HAZARD_FIELDS} | {
        k: n for k, (_o, n) in changes.items()
    }
    _check_hazard_dates(merged)
    for key, (_old, new) in changes.items():
        setattr(hazard, key, new if new is not None else ("" if key not in ("deadline",) else None))
    if changes:
        session.flush()
        event(session, hazard, "edit", hazard.status, changes=changes, user=user)
    return hazard


def hazard_transition(
    session: Session,
    hazard: SafetyHazard,
    action: str,
    data: dict[str, Any],
    user: Any = None,
    *,
    scope: Scope | None = None,
) -> SafetyHazard:
    """Move a hazard along its workflow (``TRANSITIONS``), dated ``data["on"]`` (today if not
    given), with a comment. ``notify`` issues the 整改通知书 (number, deadline, responsible
    person); ``close`` needs a passed re-inspection, and for a major hazard the street's
    sign-off (``safety.hazard.close_major``); ``reopen`` (failed re-inspection) needs a comment."""
    community = session.get(Node, hazard.community_id)
    writable(community)
    if hazard.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    if action not in TRANSITIONS:
        refuse("action", _("Unknown step."))
    sources, target = TRANSITIONS[action]
    if hazard.status not in sources:
        if action == "close":
            refuse(
                "status",
                _(
                    "A hazard is closed only after it has been re-inspected: submit the "
                    "rectification for re-inspection first."
                ),
                True,
            )
        refuse(
            "status",
            _(
                "This step is not possible while the hazard is %(status)s.",
                status=HAZARD_STATUSES[hazard.status],
            ),
            True,
        )
    on = data.get("on") or today()
    comment = (data.get("comment") or "").strip()
    if on > today():
        refuse("on", _("The date cannot be in the future."))
    if on < hazard.found_on:
        refuse("on", _("The date cannot be before the date the hazard was found."))
    if (
        action == "close"
        and hazard.severity == "major"
        and not (scope or current_scope()).allows(CLOSE_MAJOR, community.path)
    ):
        message = _(
            "Closing a major hazard needs the street's sign-off (permission to close major "
            "hazards)."
        )
        raise NotPermitted(message, {"status": [message]})
    if action == "reopen" and not comment:
        refuse("comment", _("Say why the re-inspection failed."))
    changes: dict[str, list[Any]] = {}
    if action == "notify":
        deadline = data.get("deadline") or hazard.deadline
        if deadline < hazard.found_on:
            refuse("deadline", _("The deadline cannot be before the date the hazard was found."))
        if deadline < on:
            refuse("deadline", _("The deadline cannot be before the notice is issued."))
        responsible = (data.get("responsible_person") or hazard.responsible_person or "").strip()
        if not responsible:
            refuse("responsible_person", _("Name the person responsible for the rectification."))
        number = (data.get("notice_number") or "").strip() or next_number(
            session, community, SafetyHazard.notice_number, f"ZG{on.year}-"
        )
        updates = {
            "notice_number": number,
            "notice_issued_on": on,
            "deadline": deadline,
            "responsible_person": responsible,
            "responsible_phone": data.get("responsible_phone") or hazard.responsible_phone,
            "measures": data.get("measures") or hazard.measures,
        }
        changes = diff(hazard, updates, tuple(updates))
        for key, value in updates.items():
            setattr(hazard, key, value)
    elif action == "reopen":
        deadline = data.get("deadline")
        if deadline is not None:
            if deadline < on:
                refuse("deadline", _("The new deadline cannot be before the re-inspection."))
            changes["deadline"] = [hazard.deadline, deadline]
            hazard.deadline = deadline
        hazard.reopened += 1
    elif action == "close":
        changes["closed_on"] = [None, on]
        hazard.closed_on = on
    before = hazard.status
    hazard.status = target
    session.flush()
    event(session, hazard, action, before, on=on, comment=comment, changes=changes, user=user)
    return hazard


def delete_hazard(session: Session, hazard: SafetyHazard, user: Any = None) -> None:
    soft_delete(session, hazard, hazard.number, user)
    session.add(
        SafetyHazardEvent(
            node_id=hazard.node_id,
            hazard_id=hazard.id,
            action="delete",
            from_status=hazard.status,
            to_status=hazard.status,
            user_id=getattr(actor(user), "id", None),
            username=getattr(actor(user), "username", "") or "",
        )
    )
    session.flush()


def hazard_timeline(session: Session, hazard: SafetyHazard) -> list[SafetyHazardEvent]:
    """The hazard's steps, oldest first (one indexed lookup)."""
    stmt = (
        sa.select(SafetyHazardEvent)
        .where(SafetyHazardEvent.hazard_id == hazard.id)
        .order_by(SafetyHazardEvent.id)
    )
    return list(session.scalars(stmt))


def hazards_query(
    session: Session,
    where: sa.ColumnElement[bool],
    filters: dict[str, Any],
    day: date | None = None,
) -> sa.Select:
    """Hazards matching ``where`` (a community, or a scope) and the list's filters: ``status``
    (a status, or ``open``), ``severity``, ``category``, ``overdue`` (past the deadline as of
    ``day``, oldest deadline first), ``enterprise`` (id), ``inspection`` (id), ``since``/``until``
    (found on), ``q`` (number or part of the description)."""
    day = day or today()
    stmt = sa.select(SafetyHazard).where(where, SafetyHazard.deleted_at.is_(None))
    status = filters.get("status")
    if status == "open":
        stmt = stmt.where(SafetyHazard.status != "closed")
    elif status:
        stmt = stmt.where(SafetyHazard.status == status)
    for key in ("severity", "category"):
        if filters.get(key):
            stmt = stmt.where(getattr(SafetyHazard, key) == filters[key])
    if filters.get("enterprise"):
        stmt = stmt.where(SafetyHazard.enterprise_id == filters["enterprise"])
    if filters.get("inspection"):
        stmt = stmt.where(SafetyHazard.inspection_id == filters["inspection"])
    if filters.get("since"):
        stmt = stmt.where(SafetyHazard.found_on >= filters["since"])
    if filters.get("until"):
        stmt = stmt.where(SafetyHazard.found_on <= filters["until"])
    if filters.get("q"):
        text = filters["q"].strip()
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            sa.or_(
                SafetyHazard.number == text,
                SafetyHazard.description.like(f"%{escaped}%", escape="\\"),
            )
        )
    if filters.get("overdue") in ("1", "true", True):
        return stmt.where(overdue_clause(day)).order_by(SafetyHazard.deadline, SafetyHazard.id)
    return stmt.order_by(SafetyHazard.found_on.desc(), SafetyHazard.id.desc())


def enterprise_options(session: Session, community: Node) -> list[tuple[int, str]]:
    """(id, name) of the community's live enterprises, for the forms' selects."""
    stmt = (
        sa.select(SafetyEnterprise.id, SafetyEnterprise.name)
        .where(SafetyEnterprise.community_id == community.id, SafetyEnterprise.deleted_at.is_(None))
        .order_by(SafetyEnterprise.name)
    )
    return [(row.id, row.name) for row in session.execute(stmt)]


def units_off_the_ledger(session: Session, community: Node) -> list[tuple[int, str]]:
    """(id, name) of the community's registry units not yet on the enterprise ledger."""
    on_ledger = sa.select(SafetyEnterprise.unit_id).where(SafetyEnterprise.deleted_at.is_(None))
    stmt = (
        sa.select(RegistryUnit.id, RegistryUnit.name)
        .where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.deleted_at.is_(None),
            RegistryUnit.id.not_in(on_ledger),
        )
        .order_by(RegistryUnit.name)
    )
    return [(row.id, row.name) for row in session.execute(stmt)]


def open_hazard_counts(session: Session, community: Node) -> dict[int, int]:
    """Open hazards per enterprise of the community (one grouped query)."""
    stmt = (
        sa.select(SafetyHazard.enterprise_id, sa.func.count())
        .where(
            SafetyHazard.community_id == community.id,
            SafetyHazard.status != "closed",
            SafetyHazard.deleted_at.is_(None),
            SafetyHazard.enterprise_id.is_not(None),
        )
        .group_by(SafetyHazard.enterprise_id)
    )
    return dict(session.execute(stmt).all())


def community_summary(session: Session, community: Node) -> dict[str, int]:
    """The overview's figures: open, overdue and major open hazards now; hazards found and
    inspections done this year; enterprises on the ledger."""
    day = today()
    start = date(day.year, 1, 1)
    live = sa.and_(SafetyHazard.community_id == community.id, SafetyHazard.deleted_at.is_(None))
    is_open = SafetyHazard.status != "closed"
    hazards = session.execute(
        sa.select(
            sa.func.count().filter(is_open),
            sa.func.count().filter(overdue_clause(day)),
            sa.func.count().filter(is_open, SafetyHazard.severity == "major"),
            sa.func.count().filter(SafetyHazard.found_on >= start),
        ).where(live)
    ).one()
    inspections = session.scalar(
        sa.select(sa.func.count()).where(
            SafetyInspection.community_id == community.id,
            SafetyInspection.deleted_at.is_(None),
            SafetyInspection.done_on >= start,
        )
    )
    enterprises = session.scalar(
        sa.select(sa.func.count()).where(
            SafetyEnterprise.community_id == community.id, SafetyEnterprise.deleted_at.is_(None)
        )
    )
    return {
        "open": hazards[0],
        "overdue": hazards[1],
        "major_open": hazards[2],
        "found_this_year": hazards[3],
        "inspections_this_year": inspections or 0,
        "enterprises": enterprises or 0,
    }


# === training, accidents, activities, photos (training helper) ================================


# === indicators and the dashboard (dashboard helper) ==========================================
#
# Every figure is one SQL aggregate expression over one table (``FIGURES``). An indicator runs its
# expression over the rolled-up communities; ``community_figures`` runs all expressions of a table
# in one GROUP BY community query. Both use the same expressions, so the street's total and the
# sum of its communities' figures cannot drift apart.


def as_of(period: Period, day: date | None = None) -> date:
    """The day the "open" and "overdue" figures are taken on: the period's last day, or today
    while the period is current (nothing is known about the future)."""
    return min(period.end, day or today())


def _open_on(day: date) -> sa.ColumnElement[bool]:
    """Hazards open on ``day``: found by then and not closed by then (a closed hazard counts as
    open before its ``closed_on``)."""
    return sa.and_(
        SafetyHazard.found_on <= day,
        sa.or_(SafetyHazard.status != "closed", SafetyHazard.closed_on > day),
    )


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    """``count(*) FILTER (WHERE …)`` written portably: NULL on no rows, read as 0."""
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _rectified(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        _in(SafetyHazard.found_on, period),
        SafetyHazard.status == "closed",
        SafetyHazard.closed_on <= period.end,
    )


def _rate(period: Period, _day: date) -> sa.ColumnElement[Any]:
    found = _count_if(_in(SafetyHazard.found_on, period))
    # 100.0 as SQL text: a NUMERIC constant on PostgreSQL (round(numeric, int) exists there, not
    # round(double precision, int)), a REAL on SQLite (no integer division).
    hundred = sa.literal_column("100.0")
    return sa.func.round(hundred * _count_if(_rectified(period)) / sa.func.nullif(found, 0), 1)


@dataclass(frozen=True)
class Figure:
    """One indicator: ``expression(period, as_of)`` is an aggregate over ``table``'s rows."""

    key: str  # without the "safety." prefix
    label: Any
    unit: Any
    table: str  # a key of _sources()
    expression: Callable[[Period, date], sa.ColumnElement[Any]]
    rate: bool = False  # a percentage: None when there is nothing to divide by

    @property
    def name(self) -> str:
        return f"{MODULE}.{self.key}"


HAZARDS, PERCENT, INSPECTIONS, PEOPLE, ENTERPRISES = (
    _l("hazards"),
    "%",
    _l("inspections"),
    _l("people"),
    _l("enterprises"),
)

FIGURES: tuple[Figure, ...] = (
    # 隐患: found in the period (by found_on).
    Figure(
        "hazards_found",
        _l("Hazards found"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(_in(SafetyHazard.found_on, p)),
    ),
    # Closed in the period (by closed_on), whenever they were found.
    Figure(
        "hazards_closed",
        _l("Hazards closed"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(
            sa.and_(SafetyHazard.status == "closed", _in(SafetyHazard.closed_on, p))
        ),
    ),
    # Open on the as-of day (see as_of) with a deadline before it.
    Figure(
        "hazards_overdue",
        _l("Overdue hazards"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(sa.and_(_open_on(d), SafetyHazard.deadline < d)),
    ),
    # Of the hazards found in the period, the share closed by the period's end (None: none found).
    Figure("rectification_rate", _l("Rectification rate"), PERCENT, "hazards", _rate, rate=True),
    Figure(
        "hazards_rectified",
        _l("Hazards found in the period and rectified"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(_rectified(p)),
    ),
    # Major hazards (重大隐患) open on the as-of day.
    Figure(
        "major_open",
        _l("Open major hazards"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(sa.and_(SafetyHazard.severity == "major", _open_on(d))),
    ),
    Figure(
        "inspections_done",
        _l("Inspections done"),
        INSPECTIONS,
        "inspections",
        lambda p, d: _count_if(_in(SafetyInspection.done_on, p)),
    ),
    # 三项岗位 trainees who passed, of live training sessions held in the period.
    Figure(
        "trained",
        _l("Three-key-post staff trained"),
        PEOPLE,
        "trainees",
        lambda p, d: _count_if(_trained(p)),
    ),
    # The communities' yearly targets (settings ``training_target``), not prorated.
    Figure(
        "training_target",
        _l("Training target"),
        PEOPLE,
        "settings",
        lambda p, d: sa.func.sum(_training_target()),
    ),
    # Enterprises on the ledger now, and those whose standardisation is compliant (达标).
    Figure(
        "enterprises",
        _l("Enterprises on the ledger"),
        ENTERPRISES,
        "enterprises",
        lambda p, d: sa.func.count(SafetyEnterprise.id),
    ),
    Figure(
        "enterprises_standardised",
        _l("Standardised enterprises"),
        ENTERPRISES,
        "enterprises",
        lambda p, d: _count_if(SafetyEnterprise.standardisation == "compliant"),
    ),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)


def _trained(period: Period) -> sa.ColumnElement[bool]:
    from .models import SafetyTrainee, SafetyTraining

    return sa.and_(
        SafetyTrainee.passed.is_(True),
        SafetyTrainee.post.in_(THREE_POSTS),
        _in(SafetyTraining.held_on, period),
    )


def _training_target() -> sa.ColumnElement[Any]:
    from tenants.modules import ModuleState

    return sa.func.coalesce(
        ModuleState.settings["training_target"].as_integer(),
        DEFAULT_SETTINGS["training_target"],
    )


def _sources() -> dict[str, tuple[Any, Callable[[sa.Select], sa.Select]]]:
    """Per table: its community column and how to restrict a select to live rows."""
    from tenants.modules import ModuleState

    from .models import SafetyTrainee, SafetyTraining

    return {
        "hazards": (
            SafetyHazard.community_id,
            lambda s: s.select_from(SafetyHazard).where(SafetyHazard.deleted_at.is_(None)),
        ),
        "inspections": (
            SafetyInspection.community_id,
            lambda s: s.select_from(SafetyInspection).where(SafetyInspection.deleted_at.is_(None)),
        ),
        "trainees": (
            SafetyTrainee.community_id,
            lambda s: (
                s.select_from(SafetyTrainee)
                .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
                .where(SafetyTrainee.deleted_at.is_(None), SafetyTraining.deleted_at.is_(None))
            ),
        ),
        "settings": (
            ModuleState.community_id,
            lambda s: s.select_from(ModuleState).where(ModuleState.module == MODULE),
        ),
        "enterprises": (
            SafetyEnterprise.community_id,
            lambda s: s.select_from(SafetyEnterprise).where(SafetyEnterprise.deleted_at.is_(None)),
        ),
    }


def _value(figure: Figure, raw: Any) -> float | int | None:
    if raw is None:
        return None if figure.rate else 0
    return float(raw) if figure.rate else int(raw)


def indicator(figure: Figure) -> Callable[[Session, sa.Select, Period], float | int | None]:
    """The ``compute`` of an indicator: ``figure`` as one aggregate over ``communities``."""

    def compute(session: Session, communities: sa.Select, period: Period) -> float | int | None:
        column, live = _sources()[figure.table]
        stmt = live(sa.select(figure.expression(period, as_of(period)))).where(
            column.in_(communities)
        )
        return _value(figure, session.scalar(stmt))

    compute.__doc__ = f"Indicator {figure.name}: one SQL aggregate (see services.FIGURES)."
    return compute


def community_figures(
    session: Session, communities: sa.Select, period: Period, day: date | None = None
) -> dict[int, dict[str, Any]]:
    """Every figure of each community in ``communities`` (a SELECT of ids): one GROUP BY query
    per table, with the indicators' own expressions. Communities without rows get 0 (None for a
    rate)."""
    day = as_of(period, day)
    ids = list(session.scalars(communities))
    rows: dict[int, dict[str, Any]] = {
        cid: {f.key: _value(f, None) for f in FIGURES} for cid in ids
    }
    if not ids:
        return rows
    for table, (column, live) in _sources().items():
        # A rate comes from its counted parts (as in totals), which saves summing them twice.
        figures = [f for f in FIGURES if f.table == table and not f.rate]
        stmt = live(sa.select(column, *(f.expression(period, day) for f in figures))).where(
            column.in_(ids)
        )
        for cid, *values in session.execute(stmt.group_by(column)):
            for figure, raw in zip(figures, values, strict=True):
                rows[cid][figure.key] = _value(figure, raw)
    for row in rows.values():
        row["rectification_rate"] = _percent(row["hazards_rectified"], row["hazards_found"])
    return rows


def _percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in % to one decimal, as the SQL of ``rectification_rate`` rounds."""
    return round(100.0 * part / whole, 1) if whole else None


def totals(rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The figures of all the communities together (a rate from its summed parts)."""
    total: dict[str, Any] = {
        f.key: sum(r[f.key] for r in rows.values()) for f in FIGURES if not f.rate
    }
    total["rectification_rate"] = _percent(total["hazards_rectified"], total["hazards_found"])
    return total


def dashboard(
    session: Session, node: Node, period: Period, sort: str = "", descending: bool = True
) -> dict[str, Any]:
    """The street's or district's dashboard: totals and the ranking of its communities where
    safety is on, sorted by a figure (a missing rate always last, ties by community code)."""
    from tenants.modules import indicator_communities

    communities = indicator_communities(node.as_ref(), MODULE)
    rows = community_figures(session, communities, period)
    names = {
        cid: (ref, name, code)
        for cid, ref, name, code in session.execute(
            sa.select(Node.id, Node.ref, Node.name, Node.code).where(Node.id.in_(list(rows)))
        )
    }
    sort = sort if sort in FIGURE_KEYS else "rectification_rate"
    ranking = [
        {"community": names[cid][0], "name": names[cid][1], "code": names[cid][2], **figures}
        for cid, figures in rows.items()
    ]
    ranking.sort(key=lambda r: r["code"])
    present = [r for r in ranking if r[sort] is not None]
    present.sort(key=lambda r: r[sort], reverse=descending)
    ranking = present + [r for r in ranking if r[sort] is None]
    for place, row in enumerate(ranking, start=1):
        row["rank"] = place
    return {
        "as_of": as_of(period),
        "totals": totals(rows),
        "ranking": ranking,
        "sort": sort,
        "order": "desc" if descending else "asc",
    }


def parse_period(args: Any, day: date | None = None) -> tuple[Period, str]:
    """The period a dashboard asks for: ``from``/``to`` (ISO dates), or ``year`` with an
    optional ``quarter`` (1–4); default this year. Returns the period and a label."""
    day = day or today()

    def bad(field: str, message: str) -> NoReturn:
        refuse(field, message)

    if args.get("from") or args.get("to"):
        try:
            start = date.fromisoformat(args.get("from") or "")
            end = date.fromisoformat(args.get("to") or "")
        except ValueError:
            bad("from", _("Give both dates of the period as YYYY-MM-DD."))
        if start > end:
            bad("to", _("The period ends before it starts."))
        if end.year - start.year > 10:
            bad("to", _("A period can be at most ten years long."))
        return Period(start, end), f"{start.isoformat()} – {end.isoformat()}"
    try:
        year = int(args.get("year") or day.year)
    except ValueError:
        bad("year", _("Not a valid year."))
    if not 2000 <= year <= 2100:
        bad("year", _("Not a valid year."))
    quarter = args.get("quarter") or ""
    if not quarter:
        return Period.year(year), str(year)
    if quarter not in ("1", "2", "3", "4"):
        bad("quarter", _("A quarter is 1, 2, 3 or 4."))
    q = int(quarter)
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1).toordinal() - 1
    return Period(start, date.fromordinal(end)), _("Q%(q)s %(year)s", q=q, year=year)


# === exports and imports (exports helper) =====================================================

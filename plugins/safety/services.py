"""Every domain operation of the safety ledgers: enterprises and major hazard sources,
inspections, the hidden-danger workflow, training, accidents, activities, photos, indicators,
exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Dates are in the platform's time zone (``core.clock.today``); a hazard is overdue when it is not
closed and its deadline is before today.
"""

from __future__ import annotations

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
from core.errors import Conflict, DomainError
from plugins.registry.models import RegistryUnit
from tenants.models import Node
from tenants.modules import module_settings

from .models import SafetyEnterprise, SafetyHazardSource

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


# === hazards and their workflow (lead) ========================================================


# === training, accidents, activities, photos (training helper) ================================


# === indicators and the dashboard (dashboard helper) ==========================================


# === exports and imports (exports helper) =====================================================

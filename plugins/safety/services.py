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

# Imports of this section stay here so the shared header is left to the lead (hoist at merge).
import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from flask import current_app  # noqa: E402

from core.reports import CalendarEntry, Period  # noqa: E402

from .models import (  # noqa: E402
    SafetyAccident,
    SafetyActivity,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
    SafetyTrainee,
    SafetyTraining,
)

TRAINING_FIELDS = ("title", "category", "held_on", "place", "teacher", "hours", "notes")
TRAINEE_FIELDS = (
    "name",
    "enterprise_id",
    "post",
    "certificate_number",
    "certificate_issued_on",
    "certificate_expires_on",
    "passed",
)
ACCIDENT_FIELDS = (
    "occurred_on",
    "enterprise_id",
    "place",
    "kind",
    "grade",
    "deaths",
    "serious_injuries",
    "minor_injuries",
    "direct_loss",
    "summary",
    "cause",
    "measures",
    "meeting_held",
    "meeting_on",
    "lessons",
    "casualty_details",
    "liability",
)
ACTIVITY_FIELDS = ("kind", "title", "held_on", "place", "headcount", "organiser", "summary")
# Optional text columns are NOT NULL with "" defaults: a cleared field is stored as "".
_TEXT_FIELDS = {
    "place",
    "teacher",
    "notes",
    "certificate_number",
    "summary",
    "cause",
    "measures",
    "lessons",
    "casualty_details",
    "liability",
    "organiser",
}
MASK = "***"
PLANNING_HORIZON_DAYS = 366  # a session or activity may be entered up to a year ahead

PHOTO_OWNERS: dict[str, Any] = {
    "inspection": SafetyInspection,
    "hazard": SafetyHazard,
    "activity": SafetyActivity,
}
# Magic bytes → (extension, content type). The extension a user gave is never trusted.
PHOTO_TYPES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _live(obj: Any) -> None:
    if obj.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))


def _values(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The ``fields`` given in ``data``; a cleared text is "" (the column's empty value)."""
    return {
        k: ("" if data[k] is None and k in _TEXT_FIELDS else data[k]) for k in fields if k in data
    }


def _not_too_far(field: str, day: date | None) -> None:
    if day is not None and (day - today()).days > PLANNING_HORIZON_DAYS - 1:
        refuse(field, _("The date can be at most one year ahead."))


def _check_trainee(merged: dict[str, Any]) -> None:
    """A certificate expires after it is issued; a three-post certificate has an expiry date
    (that is what the expiry warnings watch)."""
    issued, expires = merged.get("certificate_issued_on"), merged.get("certificate_expires_on")
    if issued and expires and expires < issued:
        refuse(
            "certificate_expires_on",
            _("The certificate cannot expire before it was issued."),
        )
    if issued and issued > today():
        refuse("certificate_issued_on", _("The date cannot be in the future."))
    if merged.get("post") in THREE_POSTS and merged.get("certificate_number") and not expires:
        refuse(
            "certificate_expires_on",
            _("A certificate of the three key posts needs its expiry date."),
        )


def create_training(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyTraining:
    """Record a training session of the community."""
    writable(community)
    _not_too_far("held_on", data.get("held_on"))
    values = {k: v for k, v in _values(data, TRAINING_FIELDS).items() if v is not None}
    training = SafetyTraining(node_id=community.id, **values)
    session.add(training)
    session.flush()
    record(
        session,
        training,
        "create",
        _("Recorded the training %(title)s", title=training.title),
        {k: [None, getattr(training, k)] for k in TRAINING_FIELDS if getattr(training, k)},
        user,
    )
    return training


def update_training(
    session: Session, training: SafetyTraining, data: dict[str, Any], user: Any = None
) -> SafetyTraining:
    writable(session.get(Node, training.community_id))
    _live(training)
    _not_too_far("held_on", data.get("held_on"))
    values = _values(data, TRAINING_FIELDS)
    for required in ("title", "held_on", "category"):
        if required in values and values[required] is None:
            values.pop(required)
    changes = diff(training, values, TRAINING_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(training, key, new)
    if changes:
        session.flush()
        record(
            session,
            training,
            "update",
            _("Changed the training %(title)s", title=training.title),
            changes,
            user,
        )
    return training


def add_trainee(
    session: Session, training: SafetyTraining, data: dict[str, Any], user: Any = None
) -> SafetyTrainee:
    """Add a person to a session; their enterprise must be in the session's community."""
    community = session.get(Node, training.community_id)
    writable(community)
    _live(training)
    values = {k: v for k, v in _values(data, TRAINEE_FIELDS).items() if v is not None}
    enterprise_in(session, community, values.get("enterprise_id"))
    _check_trainee(values)
    trainee = SafetyTrainee(node_id=training.node_id, training_id=training.id, **values)
    session.add(trainee)
    session.flush()
    record(
        session,
        trainee,
        "create",
        _("Added %(name)s to the training %(title)s", name=trainee.name, title=training.title),
        {k: [None, getattr(trainee, k)] for k in TRAINEE_FIELDS if getattr(trainee, k)},
        user,
    )
    return trainee


def update_trainee(
    session: Session, trainee: SafetyTrainee, data: dict[str, Any], user: Any = None
) -> SafetyTrainee:
    community = session.get(Node, trainee.community_id)
    writable(community)
    _live(trainee)
    values = _values(data, TRAINEE_FIELDS)
    for required in ("name", "post", "passed"):
        if required in values and values[required] is None:
            values.pop(required)
    if "enterprise_id" in values:
        enterprise_in(session, community, values["enterprise_id"])
    _check_trainee({k: getattr(trainee, k) for k in TRAINEE_FIELDS} | values)
    changes = diff(trainee, values, TRAINEE_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(trainee, key, new)
    if changes:
        session.flush()
        record(
            session,
            trainee,
            "update",
            _("Changed the trainee %(name)s", name=trainee.name),
            changes,
            user,
        )
    return trainee


def trainings_query(clause: Any, filters: dict[str, Any]) -> sa.Select:
    """Live sessions under ``clause``, newest first; filters: year, category, post (a session
    with at least one trainee of that post)."""
    stmt = sa.select(SafetyTraining).where(clause, SafetyTraining.deleted_at.is_(None))
    if filters.get("year"):
        period = Period.year(filters["year"])
        stmt = stmt.where(SafetyTraining.held_on.between(period.start, period.end))
    if filters.get("category"):
        stmt = stmt.where(SafetyTraining.category == filters["category"])
    if filters.get("post"):
        stmt = stmt.where(
            sa.exists().where(
                SafetyTrainee.training_id == SafetyTraining.id,
                SafetyTrainee.post == filters["post"],
                SafetyTrainee.deleted_at.is_(None),
            )
        )
    return stmt.order_by(SafetyTraining.held_on.desc(), SafetyTraining.id.desc())


def _community_ids(communities: Node | sa.Select) -> sa.Select:
    if isinstance(communities, Node):
        return sa.select(sa.literal(communities.id))
    return communities


def trained_three_posts(session: Session, communities: Node | sa.Select, year: int) -> int:
    """Three-key-post people trained in ``year``: passed, in live sessions held that year; a
    person (name and enterprise in a community) trained twice counts once."""
    period = Period.year(year)
    people = (
        sa.select(SafetyTrainee.community_id, SafetyTrainee.name, SafetyTrainee.enterprise_id)
        .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
        .where(
            SafetyTrainee.community_id.in_(_community_ids(communities)),
            SafetyTrainee.deleted_at.is_(None),
            SafetyTraining.deleted_at.is_(None),
            SafetyTrainee.passed.is_(True),
            SafetyTrainee.post.in_(THREE_POSTS),
            SafetyTraining.held_on.between(period.start, period.end),
        )
        .distinct()
        .subquery()
    )
    return session.scalar(sa.select(sa.func.count()).select_from(people)) or 0


def training_progress(session: Session, communities: Node | sa.Select, year: int) -> dict[str, Any]:
    """Trained three-post people in ``year`` against the yearly target (the sum of the
    communities' ``training_target`` settings)."""
    if isinstance(communities, Node):
        target = int(settings(session, communities)["training_target"])
    else:
        target = sum(
            int(settings(session, node)["training_target"])
            for node in session.scalars(sa.select(Node).where(Node.id.in_(communities)))
        )
    trained = trained_three_posts(session, communities, year)
    return {
        "year": year,
        "trained": trained,
        "target": target,
        "rate": round(trained * 100 / target, 1) if target else None,
    }


def expiring_certificates(
    session: Session, community: Node, days: int | None = None
) -> list[dict[str, Any]]:
    """Certificates of live trainees expiring within the warning days of today, and those
    already expired (``expired``), soonest first."""
    days = (
        days if days is not None else int(settings(session, community)["certificate_warning_days"])
    )
    day = today()
    horizon = date.fromordinal(day.toordinal() + days)
    rows = session.scalars(
        sa.select(SafetyTrainee)
        .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
        .where(
            SafetyTrainee.community_id == community.id,
            SafetyTrainee.deleted_at.is_(None),
            SafetyTraining.deleted_at.is_(None),
            SafetyTrainee.certificate_expires_on.is_not(None),
            SafetyTrainee.certificate_expires_on <= horizon,
        )
        .order_by(SafetyTrainee.certificate_expires_on, SafetyTrainee.id)
    )
    return [
        {
            "trainee": trainee,
            "expired": trainee.certificate_expires_on < day,
            "days_left": (trainee.certificate_expires_on - day).days,
        }
        for trainee in rows
    ]


def _check_accident(session: Session, community: Node, merged: dict[str, Any]) -> None:
    occurred = merged.get("occurred_on")
    if occurred and occurred > today():
        refuse("occurred_on", _("The date cannot be in the future."))
    for key in ("deaths", "serious_injuries", "minor_injuries", "direct_loss"):
        if merged.get(key) is not None and merged[key] < 0:
            refuse(key, _("A number of people or a loss cannot be negative."))
    meeting_on = merged.get("meeting_on")
    if meeting_on and not merged.get("meeting_held"):
        refuse("meeting_on", _("A meeting date needs the on-site meeting to be marked as held."))
    if meeting_on and occurred and meeting_on < occurred:
        refuse("meeting_on", _("The on-site meeting cannot be before the accident."))
    if meeting_on and meeting_on > today():
        refuse("meeting_on", _("The date cannot be in the future."))
    enterprise_in(session, community, merged.get("enterprise_id"))


def create_accident(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyAccident:
    """Record an accident; its node is its enterprise's (or the community)."""
    writable(community)
    values = {k: v for k, v in _values(data, ACCIDENT_FIELDS).items() if v is not None}
    _check_accident(session, community, values)
    enterprise = enterprise_in(session, community, values.get("enterprise_id"))
    accident = SafetyAccident(node_id=enterprise.node_id if enterprise else community.id, **values)
    session.add(accident)
    session.flush()
    record(
        session,
        accident,
        "create",
        _("Recorded the accident of %(day)s", day=accident.occurred_on.isoformat()),
        {k: [None, getattr(accident, k)] for k in ACCIDENT_FIELDS if getattr(accident, k)},
        user,
    )
    return accident


def update_accident(
    session: Session, accident: SafetyAccident, data: dict[str, Any], user: Any = None
) -> SafetyAccident:
    """Change an accident; the old and new values go to the audit log (its history)."""
    community = session.get(Node, accident.community_id)
    writable(community)
    _live(accident)
    values = _values(data, ACCIDENT_FIELDS)
    for required in ("occurred_on", "kind", "grade", "deaths", "serious_injuries"):
        if required in values and values[required] is None:
            values.pop(required)
    if "minor_injuries" in values and values["minor_injuries"] is None:
        values.pop("minor_injuries")
    if values.get("meeting_held") is None:
        values.pop("meeting_held", None)
    _check_accident(session, community, {k: getattr(accident, k) for k in ACCIDENT_FIELDS} | values)
    changes = diff(accident, values, ACCIDENT_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(accident, key, new)
    if "enterprise_id" in changes:
        enterprise = enterprise_in(session, community, accident.enterprise_id)
        accident.node_id = enterprise.node_id if enterprise else community.id
    if changes:
        session.flush()
        record(
            session,
            accident,
            "update",
            _("Changed the accident of %(day)s", day=accident.occurred_on.isoformat()),
            changes,
            user,
        )
    return accident


def may_see_sensitive(community: Node) -> bool:
    """Does the signed-in user hold ``safety.sensitive.view`` at ``community``?"""
    from core.permissions import can

    return can(SENSITIVE, community.path)


def record_unmask(session: Session, accident: SafetyAccident, user: Any = None) -> None:
    """Showing an accident's casualty details and liability is written to the audit log."""
    audit.record(
        "safety.accident.unmask",
        node=session.get(Node, accident.node_id).as_ref(),
        object_type=SafetyAccident.__tablename__,
        object_id=accident.id,
        summary=_(
            "Viewed the casualty details and liability of the accident of %(day)s",
            day=accident.occurred_on.isoformat(),
        ),
        user=actor(user),
    )


def masked_changes(changes: dict[str, list[Any]] | None, unmasked: bool) -> dict[str, list[Any]]:
    """An accident's audited changes with the sensitive values hidden unless ``unmasked``."""
    values = changes or {}
    if unmasked:
        return values
    return {
        key: (
            [MASK if old else old, MASK if new else new]
            if key in ACCIDENT_SENSITIVE_FIELDS
            else [old, new]
        )
        for key, (old, new) in values.items()
    }


def accident_history(session: Session, accident: SafetyAccident) -> list[Any]:
    """The audit entries of an accident, newest first."""
    from core.models import AuditLog

    return list(
        session.scalars(
            sa.select(AuditLog)
            .where(
                AuditLog.object_type == SafetyAccident.__tablename__,
                AuditLog.object_id == str(accident.id),
                AuditLog.action != "safety.accident.unmask",
            )
            .order_by(AuditLog.id.desc())
        )
    )


def accidents_query(clause: Any, filters: dict[str, Any]) -> sa.Select:
    """Live accidents under ``clause``, newest first; filters: year, kind, grade."""
    stmt = sa.select(SafetyAccident).where(clause, SafetyAccident.deleted_at.is_(None))
    if filters.get("year"):
        period = Period.year(filters["year"])
        stmt = stmt.where(SafetyAccident.occurred_on.between(period.start, period.end))
    for key in ("kind", "grade"):
        if filters.get(key):
            stmt = stmt.where(getattr(SafetyAccident, key) == filters[key])
    return stmt.order_by(SafetyAccident.occurred_on.desc(), SafetyAccident.id.desc())


def create_activity(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyActivity:
    """Record a publicity activity (安全生产月, 11.9, 12.2, 安康杯, 五进, drills)."""
    writable(community)
    _not_too_far("held_on", data.get("held_on"))
    values = {k: v for k, v in _values(data, ACTIVITY_FIELDS).items() if v is not None}
    activity = SafetyActivity(node_id=community.id, **values)
    session.add(activity)
    session.flush()
    record(
        session,
        activity,
        "create",
        _("Recorded the activity %(title)s", title=activity.title),
        {k: [None, getattr(activity, k)] for k in ACTIVITY_FIELDS if getattr(activity, k)},
        user,
    )
    return activity


def update_activity(
    session: Session, activity: SafetyActivity, data: dict[str, Any], user: Any = None
) -> SafetyActivity:
    writable(session.get(Node, activity.community_id))
    _live(activity)
    _not_too_far("held_on", data.get("held_on"))
    values = _values(data, ACTIVITY_FIELDS)
    for required in ("kind", "title", "held_on", "headcount"):
        if required in values and values[required] is None:
            values.pop(required)
    changes = diff(activity, values, ACTIVITY_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(activity, key, new)
    if changes:
        session.flush()
        record(
            session,
            activity,
            "update",
            _("Changed the activity %(title)s", title=activity.title),
            changes,
            user,
        )
    return activity


def activities_query(clause: Any, filters: dict[str, Any]) -> sa.Select:
    """Live activities under ``clause``, newest first; filters: year, kind."""
    stmt = sa.select(SafetyActivity).where(clause, SafetyActivity.deleted_at.is_(None))
    if filters.get("year"):
        period = Period.year(filters["year"])
        stmt = stmt.where(SafetyActivity.held_on.between(period.start, period.end))
    if filters.get("kind"):
        stmt = stmt.where(SafetyActivity.kind == filters["kind"])
    return stmt.order_by(SafetyActivity.held_on.desc(), SafetyActivity.id.desc())


# --- photos ----------------------------------------------------------------------------------


def photo_type(content: bytes) -> tuple[str, str] | None:
    """(extension, content type) from the file's first bytes: JPEG, PNG or WebP; else None."""
    for magic, ext, content_type in PHOTO_TYPES:
        if content.startswith(magic):
            return ext, content_type
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def photo_owner(session: Session, community: Node, owner_type: str, owner_id: int) -> Any:
    """The live inspection, hazard or activity ``owner_id`` of ``community``, else None."""
    model = PHOTO_OWNERS.get(owner_type)
    if model is None:
        return None
    return session.scalar(
        sa.select(model).where(
            model.id == owner_id,
            model.community_id == community.id,
            model.deleted_at.is_(None),
        )
    )


def photo_folder() -> str:
    return os.path.join(current_app.instance_path, "uploads", "safety")


def photo_file(photo: SafetyPhoto) -> str:
    return os.path.join(photo_folder(), photo.stored_as)


def add_photo(
    session: Session,
    community: Node,
    owner_type: str,
    owner_id: int,
    filename: str,
    content: bytes,
    user: Any = None,
    caption: str = "",
) -> SafetyPhoto:
    """Store an uploaded photo of an inspection, hazard or activity of ``community``. Only
    JPEG, PNG and WebP are taken, judged by their bytes, not by the file name."""
    writable(community)
    owner = photo_owner(session, community, owner_type, owner_id)
    if owner is None:
        refuse("owner_id", _("There is no such record in %(community)s.", community=community.name))
    if not content:
        refuse("photo", _("Choose a photo to upload."))
    found = photo_type(content)
    if found is None:
        refuse("photo", _("Only JPEG, PNG and WebP photos can be uploaded."))
    ext, content_type = found
    stored_as = f"{uuid.uuid4().hex}.{ext}"
    photo = SafetyPhoto(
        node_id=owner.node_id,
        owner_type=owner_type,
        owner_id=owner.id,
        filename=os.path.basename((filename or "").replace("\\", "/"))[:200] or stored_as,
        stored_as=stored_as,
        content_type=content_type,
        size=len(content),
        caption=(caption or "")[:200],
        user_id=getattr(actor(user), "id", None),
    )
    session.add(photo)
    session.flush()
    os.makedirs(photo_folder(), exist_ok=True)
    with open(photo_file(photo), "wb") as out:
        out.write(content)
    record(
        session,
        photo,
        "create",
        _("Added the photo %(name)s", name=photo.filename),
        {"owner": [None, f"{owner_type}:{owner.id}"], "size": [None, photo.size]},
        user,
    )
    return photo


def photos_of(session: Session, owner_type: str, owner_id: int) -> list[SafetyPhoto]:
    """The live photos of a record, oldest first."""
    return list(
        session.scalars(
            sa.select(SafetyPhoto)
            .where(
                SafetyPhoto.owner_type == owner_type,
                SafetyPhoto.owner_id == owner_id,
                SafetyPhoto.deleted_at.is_(None),
            )
            .order_by(SafetyPhoto.id)
        )
    )


def delete_photo(session: Session, photo: SafetyPhoto, user: Any = None) -> None:
    """Soft delete: the row and the file stay, lists and pages hide the photo."""
    writable(session.get(Node, photo.community_id))
    if photo.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    photo.deleted_at = utcnow()
    session.flush()
    record(session, photo, "delete", _("Deleted %(what)s", what=photo.filename), user=user)


# --- calendar ----------------------------------------------------------------------------------


def calendar_entries() -> list[CalendarEntry]:
    """The safety observances of the work plans (seed 004) and the national calendar."""
    return [
        CalendarEntry(5, 12, _l("National Disaster Prevention and Reduction Day"), module=MODULE),
        CalendarEntry(6, 1, _l("Safety production month"), end_month=6, end_day=30, module=MODULE),
        CalendarEntry(6, 16, _l("Safety publicity and consultation day"), module=MODULE),
        CalendarEntry(11, 9, _l("11.9 Fire Safety Day"), module=MODULE),
        CalendarEntry(12, 2, _l("National Road Traffic Safety Day"), module=MODULE),
    ]


# --- exports (training helper's ledgers) ----------------------------------------------------


def _export_filters(filters: dict[str, str], choices: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The list's filters as an export gets them (text); values that make no sense are ignored."""
    clean: dict[str, Any] = {}
    year = filters.get("year", "")
    if year.isdigit() and 1900 <= int(year) <= 2999:
        clean["year"] = int(year)
    for key, allowed in choices.items():
        if filters.get(key) in allowed:
            clean[key] = filters[key]
    return clean


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _label(choices: dict[str, Any], key: str) -> str:
    return str(choices.get(key, key))


def export_trainings(
    session: Session, scope_clause: Any, filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """培训台账: one row per trainee (a session without trainees is one row of its own)."""
    clean = _export_filters(filters, {"category": TRAINING_CATEGORIES, "post": POSTS})
    sessions = trainings_query(scope_clause(SafetyTraining), clean)
    stmt = (
        sa.select(SafetyTraining, SafetyTrainee, SafetyEnterprise.name, Node.name)
        .join(Node, Node.id == SafetyTraining.community_id)
        .outerjoin(
            SafetyTrainee,
            sa.and_(
                SafetyTrainee.training_id == SafetyTraining.id,
                SafetyTrainee.deleted_at.is_(None),
            ),
        )
        .outerjoin(SafetyEnterprise, SafetyEnterprise.id == SafetyTrainee.enterprise_id)
        .where(SafetyTraining.id.in_(sessions.with_only_columns(SafetyTraining.id).order_by(None)))
        .order_by(Node.ref, SafetyTraining.held_on, SafetyTraining.id, SafetyTrainee.id)
    )
    for training, trainee, enterprise, community in session.execute(stmt):
        row = {
            "community": community,
            "title": training.title,
            "category": _label(TRAINING_CATEGORIES, training.category),
            "held_on": _day(training.held_on),
            "place": training.place,
            "teacher": training.teacher,
            "hours": str(training.hours) if training.hours is not None else "",
        }
        if trainee is not None:
            row |= {
                "name": trainee.name,
                "enterprise": enterprise or "",
                "post": _label(POSTS, trainee.post),
                "certificate_number": trainee.certificate_number,
                "certificate_issued_on": _day(trainee.certificate_issued_on),
                "certificate_expires_on": _day(trainee.certificate_expires_on),
                "passed": str(_("Yes") if trainee.passed else _("No")),
            }
        yield row


def _wants_unmasked(filters: dict[str, str]) -> bool:
    return filters.get("unmask") in ("1", "true")


def export_accidents(
    session: Session, scope_clause: Any, filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """事故台账: casualty details and liability masked unless ``?unmask=1`` and the user holds
    ``safety.sensitive.view`` over the row (the unmasked export is audited)."""
    from core.permissions import current_scope

    clean = _export_filters(filters, {"kind": ACCIDENT_KINDS, "grade": ACCIDENT_GRADES})
    holders = current_scope().nodes(SENSITIVE) if _wants_unmasked(filters) else []
    unmasked = (
        sa.case((SafetyAccident.__scope_clause__(holders), sa.true()), else_=sa.false())
        if holders
        else sa.false()
    )
    if holders:
        audit.record(
            "safety.export.unmasked",
            node=None,
            object_type="export",
            object_id="safety.accidents",
            summary=_("Exported the accidents with casualty details and liability"),
            details={"filters": filters},
        )
    accidents = accidents_query(scope_clause(SafetyAccident), clean)
    stmt = (
        sa.select(SafetyAccident, SafetyEnterprise.name, Node.name, unmasked.label("unmasked"))
        .join(Node, Node.id == SafetyAccident.community_id)
        .outerjoin(SafetyEnterprise, SafetyEnterprise.id == SafetyAccident.enterprise_id)
        .where(SafetyAccident.id.in_(accidents.with_only_columns(SafetyAccident.id).order_by(None)))
        .order_by(Node.ref, SafetyAccident.occurred_on, SafetyAccident.id)
    )
    for accident, enterprise, community, show in session.execute(stmt):
        yield {
            "community": community,
            "occurred_on": _day(accident.occurred_on),
            "enterprise": enterprise or "",
            "place": accident.place,
            "kind": _label(ACCIDENT_KINDS, accident.kind),
            "grade": _label(ACCIDENT_GRADES, accident.grade),
            "deaths": accident.deaths,
            "serious_injuries": accident.serious_injuries,
            "minor_injuries": accident.minor_injuries,
            "direct_loss": str(accident.direct_loss) if accident.direct_loss is not None else "",
            "summary": accident.summary,
            "cause": accident.cause,
            "measures": accident.measures,
            "meeting_held": str(_("Yes") if accident.meeting_held else _("No")),
            "meeting_on": _day(accident.meeting_on),
            "lessons": accident.lessons,
            "casualty_details": accident.casualty_details if show else MASK,
            "liability": accident.liability if show else MASK,
        }


def export_activities(
    session: Session, scope_clause: Any, filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """宣传活动台账: one row per activity, oldest first."""
    clean = _export_filters(filters, {"kind": ACTIVITY_KINDS})
    activities = activities_query(scope_clause(SafetyActivity), clean)
    stmt = (
        sa.select(SafetyActivity, Node.name)
        .join(Node, Node.id == SafetyActivity.community_id)
        .where(
            SafetyActivity.id.in_(activities.with_only_columns(SafetyActivity.id).order_by(None))
        )
        .order_by(Node.ref, SafetyActivity.held_on, SafetyActivity.id)
    )
    for activity, community in session.execute(stmt):
        yield {
            "community": community,
            "kind": _label(ACTIVITY_KINDS, activity.kind),
            "title": activity.title,
            "held_on": _day(activity.held_on),
            "place": activity.place,
            "headcount": activity.headcount,
            "organiser": activity.organiser,
            "summary": activity.summary,
        }


# === indicators and the dashboard (dashboard helper) ==========================================


# === exports and imports (exports helper) =====================================================

"""Every domain operation of the safety ledgers: enterprises and major hazard sources,
inspections, the hidden-danger workflow, training, accidents, activities, indicators,
exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Dates are in the platform's time zone (``core.clock.today``); a hazard is overdue when it is not
closed and its deadline is before today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.permissions import current_scope
from core.records.history import actor, diff, plain
from core.records.ledger import empty_value
from core.reports import CalendarEntry, Period
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from .common import (  # noqa: F401 - re-exported while the sub-areas move out
    CLOSE_MAJOR,
    DEFAULT_SETTINGS,
    EDIT,
    MODULE,
    SENSITIVE,
    VIEW,
    enterprise_in,
    refuse,
    settings,
    today,
    writable,
)
from .hazards.workflow import NOT_CLOSED
from .models import (
    SafetyAccident,
    SafetyActivity,
    SafetyEnterprise,
    SafetyHazard,
    SafetyHazardSource,
    SafetyInspection,
    SafetyTrainee,
    SafetyTraining,
)

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

# --- shared helpers (every section uses them) ------------------------------------------


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


def live(obj: Any) -> None:
    """A soft-deleted record is read-only."""
    if obj.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))


def soft_delete(session: Session, obj: Any, label: str, user: Any = None) -> None:
    """Soft delete: the row stays with who and when (lists hide it)."""
    writable(session.get(Node, obj.community_id))
    if obj.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    obj.deleted_at = utcnow()
    obj.deleted_by_id = getattr(actor(user), "id", None)
    session.flush()
    record(session, obj, "delete", _("Deleted %(what)s", what=label), user=user)


# === enterprises and major hazard sources =====================================================

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
    # Another community's unit is refused as a missing one: its name is not ours to read.
    if unit is None or unit.deleted_at is not None or unit.community_id != community.id:
        refuse("unit_id", _("There is no such unit in the registry."))
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
    live(enterprise)
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
    live(enterprise)
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


# === inspections ==============================================================================

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
    live(inspection)
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
            value = changes[key][1]
            setattr(inspection, key, empty_value(SafetyInspection, key) if value is None else value)
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


def enterprises_query(where: sa.ColumnElement[bool], filters: dict[str, Any]) -> sa.Select:
    """Live enterprises matching ``where`` and the list's filters: ``sector``, ``risk_level``,
    ``standardisation``, ``q`` (part of the name)."""
    stmt = sa.select(SafetyEnterprise).where(where, SafetyEnterprise.deleted_at.is_(None))
    for key in ("sector", "risk_level", "standardisation"):
        if filters.get(key):
            stmt = stmt.where(getattr(SafetyEnterprise, key) == filters[key])
    if filters.get("q"):
        stmt = stmt.where(SafetyEnterprise.name.contains(filters["q"], autoescape=True))
    return stmt.order_by(SafetyEnterprise.name, SafetyEnterprise.id)


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
            SafetyHazard.status != NOT_CLOSED,
            SafetyHazard.deleted_at.is_(None),
            SafetyHazard.enterprise_id.is_not(None),
        )
        .group_by(SafetyHazard.enterprise_id)
    )
    return dict(session.execute(stmt).all())


# === training, accidents, activities ==========================================================


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


def _add_dated(
    session: Session,
    community: Node,
    model: Any,
    fields: tuple[str, ...],
    data: dict[str, Any],
    summary: Callable[[Any], str],
    user: Any = None,
) -> Any:
    """Create a community's dated record (a training session, an activity), audited."""
    writable(community)
    _not_too_far("held_on", data.get("held_on"))
    values = {k: v for k, v in _values(data, fields).items() if v is not None}
    obj = model(node_id=community.id, **values)
    session.add(obj)
    session.flush()
    created = {k: [None, getattr(obj, k)] for k in fields if getattr(obj, k)}
    record(session, obj, "create", summary(obj), created, user)
    return obj


def _change_dated(
    session: Session,
    obj: Any,
    fields: tuple[str, ...],
    required: tuple[str, ...],
    data: dict[str, Any],
    summary: Callable[[Any], str],
    user: Any = None,
) -> Any:
    """Edit a dated record: only the fields given; a required field left empty keeps its value."""
    writable(session.get(Node, obj.community_id))
    live(obj)
    _not_too_far("held_on", data.get("held_on"))
    values = _values(data, fields)
    for key in required:
        if key in values and values[key] is None:
            values.pop(key)
    changes = diff(obj, values, fields)
    for key, (_old, new) in changes.items():
        setattr(obj, key, new)
    if changes:
        session.flush()
        record(session, obj, "update", summary(obj), changes, user)
    return obj


def create_training(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyTraining:
    """Record a training session of the community."""
    return _add_dated(
        session,
        community,
        SafetyTraining,
        TRAINING_FIELDS,
        data,
        lambda t: _("Recorded the training %(title)s", title=t.title),
        user,
    )


def update_training(
    session: Session, training: SafetyTraining, data: dict[str, Any], user: Any = None
) -> SafetyTraining:
    return _change_dated(
        session,
        training,
        TRAINING_FIELDS,
        ("title", "held_on", "category"),
        data,
        lambda t: _("Changed the training %(title)s", title=t.title),
        user,
    )


def add_trainee(
    session: Session, training: SafetyTraining, data: dict[str, Any], user: Any = None
) -> SafetyTrainee:
    """Add a person to a session; their enterprise must be in the session's community."""
    community = session.get(Node, training.community_id)
    writable(community)
    live(training)
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
    live(trainee)
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
    return stmt.options(
        selectinload(SafetyTraining.trainees).selectinload(SafetyTrainee.enterprise)
    ).order_by(SafetyTraining.held_on.desc(), SafetyTraining.id.desc())


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
    live(accident)
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
    return stmt.options(selectinload(SafetyAccident.enterprise)).order_by(
        SafetyAccident.occurred_on.desc(), SafetyAccident.id.desc()
    )


def create_activity(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyActivity:
    """Record a publicity activity (安全生产月, 11.9, 12.2, 安康杯, 五进, drills)."""
    return _add_dated(
        session,
        community,
        SafetyActivity,
        ACTIVITY_FIELDS,
        data,
        lambda a: _("Recorded the activity %(title)s", title=a.title),
        user,
    )


def update_activity(
    session: Session, activity: SafetyActivity, data: dict[str, Any], user: Any = None
) -> SafetyActivity:
    return _change_dated(
        session,
        activity,
        ACTIVITY_FIELDS,
        ("kind", "title", "held_on", "headcount"),
        data,
        lambda a: _("Changed the activity %(title)s", title=a.title),
        user,
    )


def activities_query(clause: Any, filters: dict[str, Any]) -> sa.Select:
    """Live activities under ``clause``, newest first; filters: year, kind."""
    stmt = sa.select(SafetyActivity).where(clause, SafetyActivity.deleted_at.is_(None))
    if filters.get("year"):
        period = Period.year(filters["year"])
        stmt = stmt.where(SafetyActivity.held_on.between(period.start, period.end))
    if filters.get("kind"):
        stmt = stmt.where(SafetyActivity.kind == filters["kind"])
    return stmt.order_by(SafetyActivity.held_on.desc(), SafetyActivity.id.desc())


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


# --- exports of training, accidents and activities ----------------------------------------------------


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


# === exports and imports ======================================================================

# The ledgers as street offices file them upward (安全生产台账): one row per record, labels
# instead of keys, dates as ISO text. Phones of enterprise principals and safety managers are
# personal mobiles of named people even though they are business contacts, so they are masked
# like the registry's unit contact phones, and shown only on ``?unmask=1`` to holders of
# ``registry.sensitive.view`` where the row is (audited).
YES_NO = {True: _l("Yes"), False: _l("No")}


def _labels(choices: dict[str, Any]) -> dict[str, str]:
    return {key: str(label) for key, label in choices.items()}


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _filter_choice(filters: dict[str, str], key: str, choices: Any) -> str | None:
    """A list filter from the query string: one of ``choices``, else refused (422)."""
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    if value not in choices:
        refuse(key, _("Unknown value: %(value)s.", value=value))
    return value


def _filter_id(filters: dict[str, str], key: str) -> int | None:
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        refuse(key, _("Not a valid whole number."))
    return int(value)


def _filter_date(filters: dict[str, str], key: str) -> date | None:
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        refuse(key, _("Not a valid date (YYYY-MM-DD)."))


def _wants_unmasked(filters: dict[str, str]) -> bool:
    return filters.get("unmask") in ("1", "true")


def _unmasked_case(model: Any, filters: dict[str, str]) -> sa.ColumnElement[bool]:
    """Per row: asked for unmasked phones and allowed to see them where the row is."""
    from plugins.registry.services import SENSITIVE as UNMASK

    nodes = current_scope().nodes(UNMASK) if _wants_unmasked(filters) else []
    if not nodes:
        return sa.false()
    return sa.case((model.__scope_clause__(nodes), sa.true()), else_=sa.false())


def _audit_unmasked(name: str, filters: dict[str, str]) -> None:
    from plugins.registry.services import SENSITIVE as UNMASK

    if _wants_unmasked(filters) and current_scope().holds_anywhere(UNMASK):
        audit.record(
            "safety.export.unmasked",
            node=None,
            object_type="export",
            object_id=name,
            summary=_("Exported %(name)s with unmasked phone numbers", name=name),
            details={"filters": filters},
        )


def export_enterprises(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """企业安全生产台账: filters ``risk_level``, ``sector``, ``standardisation``, ``q`` (name)."""
    clean = {
        key: _filter_choice(filters, key, choices)
        for key, choices in (
            ("risk_level", RISK_LEVELS),
            ("sector", SECTORS),
            ("standardisation", STANDARDISATION),
        )
    }
    query = enterprises_query(
        scope_clause(SafetyEnterprise), {**clean, "q": (filters.get("q") or "").strip()}
    )
    _audit_unmasked("safety.enterprises", filters)
    sources = (
        sa.select(sa.func.count(SafetyHazardSource.id))
        .where(
            SafetyHazardSource.enterprise_id == SafetyEnterprise.id,
            SafetyHazardSource.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    open_hazards = (
        sa.select(sa.func.count(SafetyHazard.id))
        .where(
            SafetyHazard.enterprise_id == SafetyEnterprise.id,
            SafetyHazard.status != NOT_CLOSED,
            SafetyHazard.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    stmt = (
        sa.select(
            SafetyEnterprise,
            RegistryUnit.credit_code,
            Node.name,
            sources,
            open_hazards,
            _unmasked_case(SafetyEnterprise, filters),
        )
        .join(RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id)
        .join(Node, Node.id == SafetyEnterprise.community_id)
        .where(SafetyEnterprise.id.in_(query.with_only_columns(SafetyEnterprise.id).order_by(None)))
        .order_by(Node.ref, SafetyEnterprise.name, SafetyEnterprise.id)
    )
    return _enterprise_rows(session, stmt)


def _enterprise_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    from plugins.registry.validators import mask_mobile

    sectors, risks = _labels(SECTORS), _labels(RISK_LEVELS)
    states, levels = _labels(STANDARDISATION), _labels(STANDARD_LEVELS)
    for row in session.execute(stmt.execution_options(yield_per=1000)):
        enterprise, code, community, sources, open_hazards, unmasked = row

        def phone(number: str, unmasked: bool = unmasked) -> str:
            return number if unmasked else mask_mobile(number)

        yield {
            "community": community,
            "name": enterprise.name,
            "credit_code": code,
            "sector": sectors.get(enterprise.sector, enterprise.sector),
            "risk_level": risks.get(enterprise.risk_level, enterprise.risk_level),
            "standardisation": states.get(enterprise.standardisation, enterprise.standardisation),
            "standard_level": levels.get(enterprise.standard_level, enterprise.standard_level)
            if enterprise.standard_level
            else "",
            "demonstration": str(YES_NO[bool(enterprise.demonstration)]),
            "principal_name": enterprise.principal_name,
            "principal_phone": phone(enterprise.principal_phone),
            "safety_manager_name": enterprise.safety_manager_name,
            "safety_manager_phone": phone(enterprise.safety_manager_phone),
            "hazard_sources": sources,
            "open_hazards": open_hazards,
        }


def export_hazard_sources(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """重大危险源台账: filters ``enterprise`` (id), ``grade``."""
    where = [
        scope_clause(SafetyHazardSource),
        SafetyHazardSource.deleted_at.is_(None),
        SafetyEnterprise.deleted_at.is_(None),
    ]
    enterprise_id = _filter_id(filters, "enterprise")
    if enterprise_id is not None:
        where.append(SafetyHazardSource.enterprise_id == enterprise_id)
    grade = _filter_choice(filters, "grade", SOURCE_GRADES)
    if grade:
        where.append(SafetyHazardSource.grade == grade)
    stmt = (
        sa.select(SafetyHazardSource, SafetyEnterprise.name, RegistryUnit.credit_code, Node.name)
        .join(SafetyEnterprise, SafetyEnterprise.id == SafetyHazardSource.enterprise_id)
        .join(RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id)
        .join(Node, Node.id == SafetyHazardSource.community_id)
        .where(*where)
        .order_by(Node.ref, SafetyEnterprise.name, SafetyHazardSource.id)
    )
    return _source_rows(session, stmt)


def _source_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    grades = _labels(SOURCE_GRADES)
    for source, enterprise, code, community in session.execute(
        stmt.execution_options(yield_per=1000)
    ):
        yield {
            "community": community,
            "enterprise": enterprise,
            "credit_code": code,
            "name": source.name,
            "grade": grades.get(source.grade, source.grade),
            "substances": source.substances,
            "quantity": source.quantity,
            "responsible_person": source.responsible_person,
            "monitoring": source.monitoring,
            "registered_on": _iso(source.registered_on),
        }


def export_inspections(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """安全检查台账: the inspections done (``state=planned`` for the plan), with the list's
    filters ``kind``, ``enterprise`` (id), ``since``/``until``."""
    clean = {
        "kind": _filter_choice(filters, "kind", INSPECTION_KINDS),
        "state": _filter_choice(filters, "state", ("planned", "done")) or "done",
        "enterprise": _filter_id(filters, "enterprise"),
        "since": _filter_date(filters, "since"),
        "until": _filter_date(filters, "until"),
    }
    found = (
        sa.select(sa.func.count(SafetyHazard.id))
        .where(SafetyHazard.inspection_id == SafetyInspection.id, SafetyHazard.deleted_at.is_(None))
        .scalar_subquery()
    )
    from sqlalchemy.orm import joinedload

    stmt = (
        inspections_query(scope_clause(SafetyInspection), clean)
        .add_columns(Node.name, found)
        .join(Node, Node.id == SafetyInspection.community_id)
        .options(joinedload(SafetyInspection.enterprise), joinedload(SafetyInspection.node))
    )
    return _inspection_rows(session, stmt)


def _inspection_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    kinds = _labels(INSPECTION_KINDS)
    for inspection, community, found in session.execute(stmt.execution_options(yield_per=500)):
        yield {
            "community": community,
            "done_on": _iso(inspection.done_on or inspection.planned_on),
            "kind": kinds.get(inspection.kind, inspection.kind),
            "target": inspection_target(inspection),
            "inspectors": inspection.inspectors,
            "findings": inspection.findings,
            "hazards_found": found,
        }


# --- imports: one row each (core.exchange.run_import numbers, reports and rolls back) --------


def import_enterprise(
    session: Session, community: Node, row: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    """One row of an enterprise import: the unit is the community's registry unit with the
    row's credit code, registered first (same transaction) when the registry lacks it."""
    from plugins.registry.services import create_unit

    writable(community)
    unit = session.scalar(
        sa.select(RegistryUnit).where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.credit_code == row["credit_code"],
            RegistryUnit.deleted_at.is_(None),
        )
    )
    if unit is None:
        unit = create_unit(
            session,
            community,
            {"name": row["name"], "credit_code": row["credit_code"], "kind": "enterprise"},
            user,
        )
    data = {key: row.get(key) for key in ENTERPRISE_FIELDS}
    return create_enterprise(session, community, {"unit_id": unit.id, **data}, user)

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
from core.reports import CalendarEntry, Period
from tenants.models import Node

from .common import (  # noqa: F401 - re-exported while the sub-areas move out
    CLOSE_MAJOR,
    DEFAULT_SETTINGS,
    EDIT,
    MODULE,
    SENSITIVE,
    VIEW,
    enterprise_in,
    enterprise_options,
    refuse,
    settings,
    today,
    writable,
)
from .models import (
    SafetyAccident,
    SafetyActivity,
    SafetyEnterprise,
    SafetyTrainee,
    SafetyTraining,
)

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

YES_NO = {True: _l("Yes"), False: _l("No")}

"""What the volunteer register does, for every module: its kinds (core's, and those modules
add through ``jiedao_volunteer_kinds``/``jiedao_team_kinds``), service hours and the counts the
indicators read. Activities and visits call :func:`record_service` when a volunteer served."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.errors import DomainError

from .models import ServiceRecord, TeamMembership, Volunteer, VolunteerTeam

VIEW = "volunteers.view"
EDIT = "volunteers.edit"
RESTORE = "volunteers.restore"
SENSITIVE = "volunteers.sensitive.view"

VOLUNTEER_KINDS: dict[str, Any] = {
    "five_elders": _l("Five elders"),
    "legal_publicity": _l("Legal publicity volunteer"),
    "mediator": _l("Mediator"),
    "building_informant": _l("Building head / informant"),
    "grid_worker": _l("Grid worker"),
    "green_keeper": _l("Green-keeping team member"),
    "family_planning": _l("Family planning association member"),
    "culture_sports": _l("Culture and sports team member"),
    "other": _l("Other"),
}
ELDER_KINDS: dict[str, Any] = {
    "cadre": _l("Veteran cadre"),
    "soldier": _l("Veteran soldier"),
    "expert": _l("Veteran expert"),
    "teacher": _l("Veteran teacher"),
    "model": _l("Veteran model worker"),
}
TEAM_KINDS: dict[str, Any] = {
    "legal_publicity": _l("Legal publicity team"),
    "mediation": _l("Mediation committee"),
    "green_keeping": _l("Green-keeping team"),
    "culture_sports": _l("Culture and sports team"),
    "patrol": _l("Patrol team"),
    "youth_care": _l("Youth care team"),
    "other": _l("Other"),
}
STATUSES: dict[str, Any] = {"active": _l("On the register"), "left": _l("Left")}
GENDERS: dict[str, Any] = {"male": _l("Male"), "female": _l("Female")}
ROLES: dict[str, Any] = {"leader": _l("Team leader"), "member": _l("Team member")}
MANUAL = "manual"
# Labels of the usual sources of hours; a module's own source kind shows as its key.
SOURCE_KINDS: dict[str, Any] = {
    MANUAL: _l("Entered by hand"),
    "activity": _l("From an activity"),
    "visit": _l("From a visit"),
}
MAX_HOURS_A_DAY = Decimal(24)


def _declared(hook: str, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` and what the active modules add through ``hook`` (key → label); a module
    never relabels a kind core or another module declared."""
    from core.tenancy import plugin_system

    found = dict(base)
    try:
        results = plugin_system().call(hook)
    except RuntimeError:  # outside an app: core's kinds only
        return found
    for _name, kinds in results:
        for key, label in dict(kinds).items():
            found.setdefault(key, label)
    return found


def volunteer_kinds() -> dict[str, Any]:
    """Every volunteer kind: core's and the active modules'."""
    return _declared("jiedao_volunteer_kinds", VOLUNTEER_KINDS)


def team_kinds() -> dict[str, Any]:
    """Every team kind: core's and the active modules'."""
    return _declared("jiedao_team_kinds", TEAM_KINDS)


def refuse(field: str, message: str) -> DomainError:
    return DomainError(message, {field: [message]})


def check_hours(hours: Any) -> Decimal:
    """Hours of one day: more than 0, at most 24, one decimal place."""
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise refuse("hours", _("Give a number of hours.")) from None
    if not value.is_finite() or not Decimal(0) < value <= MAX_HOURS_A_DAY:
        raise refuse("hours", _("Give more than 0 and at most 24 hours a day."))
    return value.quantize(Decimal("0.1"))


def live_volunteer(session: Session, volunteer_id: int, community_id: int | None = None) -> Any:
    """The live volunteer ``volunteer_id`` (of ``community_id`` when given), else a refusal
    naming ``volunteer_id`` (another community's volunteer is refused as a missing one)."""
    volunteer = session.get(Volunteer, volunteer_id)
    if (
        volunteer is None
        or volunteer.deleted_at is not None
        or (community_id is not None and volunteer.community_id != community_id)
    ):
        raise refuse("volunteer_id", _("There is no such volunteer."))
    return volunteer


def within_a_day(
    session: Session, volunteer_id: int, day: date, hours: Decimal, replacing: int | None
) -> None:
    """Refuse ``hours`` on ``day`` when, with the volunteer's other live records of that day
    (all but ``replacing``, the record being corrected), they would pass 24."""
    others = sa.select(sa.func.coalesce(sa.func.sum(ServiceRecord.hours), 0)).where(
        ServiceRecord.volunteer_id == volunteer_id,
        ServiceRecord.day == day,
        ServiceRecord.deleted_at.is_(None),
    )
    if replacing is not None:
        others = others.where(ServiceRecord.id != replacing)
    if Decimal(str(session.scalar(others) or 0)) + hours > MAX_HOURS_A_DAY:
        raise refuse("hours", _("Give more than 0 and at most 24 hours a day."))


def record_service(
    session: Session,
    volunteer_id: int,
    day: date,
    hours: Any,
    source_kind: str = MANUAL,
    source_id: int | None = None,
    note: str = "",
) -> ServiceRecord:
    """Record that a volunteer served ``hours`` on ``day`` for a source record (an activity,
    a visit: ``source_kind`` and its id) or by hand (``manual``, with a note). A day's hours
    of one volunteer stay at most 24 in all; the same source is counted once per volunteer and
    day (a second call corrects its hours). Raises :class:`DomainError` naming the field."""
    volunteer = live_volunteer(session, volunteer_id)
    value = check_hours(hours)
    if not source_kind or len(source_kind) > 40:
        raise refuse("source_kind", _("Name the source of the hours."))
    if source_kind != MANUAL and source_id is None:
        raise refuse("source_id", _("Name the source record of the hours."))
    existing = None
    if source_kind != MANUAL:
        existing = session.scalar(
            sa.select(ServiceRecord).where(
                ServiceRecord.volunteer_id == volunteer.id,
                ServiceRecord.day == day,
                ServiceRecord.source_kind == source_kind,
                ServiceRecord.source_id == source_id,
                ServiceRecord.deleted_at.is_(None),
            )
        )
    within_a_day(session, volunteer.id, day, value, existing.id if existing else None)
    if existing is not None:
        existing.hours = value
        existing.note = note or existing.note
        session.flush()
        return existing
    record = ServiceRecord(
        node_id=volunteer.community_id,
        volunteer_id=volunteer.id,
        day=day,
        hours=value,
        source_kind=source_kind,
        source_id=source_id,
        note=note[:200],
    )
    session.add(record)
    session.flush()
    return record


def hours_by_volunteer(
    session: Session,
    communities: Any,
    start: date | None = None,
    end: date | None = None,
) -> dict[int, Decimal]:
    """Volunteer id → hours served from ``start`` to ``end`` (inclusive) in ``communities``
    (a SELECT of community ids, or a list of them): one SQL aggregate."""
    stmt = (
        sa.select(ServiceRecord.volunteer_id, sa.func.sum(ServiceRecord.hours))
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(
            ServiceRecord.community_id.in_(communities),
            ServiceRecord.deleted_at.is_(None),
            Volunteer.deleted_at.is_(None),
        )
        .group_by(ServiceRecord.volunteer_id)
    )
    if start is not None:
        stmt = stmt.where(ServiceRecord.day >= start)
    if end is not None:
        stmt = stmt.where(ServiceRecord.day <= end)
    return {vid: Decimal(str(total)) for vid, total in session.execute(stmt)}


def volunteer_count(session: Session, communities: Any, kind: str | None = None) -> int:
    """Live volunteers on the register (在册) in ``communities``, of ``kind`` if given: the
    numerator of 志愿者占常住人口比例."""
    stmt = sa.select(Volunteer.kinds if kind else sa.func.count()).where(
        Volunteer.community_id.in_(communities),
        Volunteer.deleted_at.is_(None),
        Volunteer.status == "active",
    )
    if kind is None:
        return int(session.scalar(stmt) or 0)
    # The kinds are a JSON list; counted here, the register of a community being small.
    return sum(1 for kinds in session.scalars(stmt) if kind in (kinds or []))


def team_count(session: Session, communities: Any) -> int:
    """Live teams in ``communities`` (不少于4支)."""
    stmt = sa.select(sa.func.count()).where(
        VolunteerTeam.community_id.in_(communities), VolunteerTeam.deleted_at.is_(None)
    )
    return int(session.scalar(stmt) or 0)


def volunteer_share(session: Session, communities: Any, population: int) -> float:
    """Volunteers on the register as a percentage of ``population`` (常住人口), one decimal;
    0 without a population. The registry module, which counts residents, gives it."""
    if population <= 0:
        return 0.0
    return round(100 * volunteer_count(session, communities) / population, 1)


def check_volunteer(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
    """A volunteer's kinds are known ones; a 五老 names its sub-kind only when 五老; one who
    left says why."""
    kinds = data.get("kinds")
    if kinds is not None:
        known = volunteer_kinds()
        for kind in kinds:
            if kind not in known:
                raise refuse("kinds", _("Unknown kind: %(kind)s.", kind=kind))
    elder = data.get("elder_kind")
    current_kinds = kinds if kinds is not None else (obj.kinds if obj is not None else [])
    if elder and "five_elders" not in current_kinds:
        raise refuse("elder_kind", _("Only one of the five elders has this."))
    status = data.get("status") or (obj.status if obj is not None else "active")
    reason = data.get("left_reason")
    if reason is None and obj is not None:
        reason = obj.left_reason
    if status == "left" and not (reason or "").strip():
        raise refuse("left_reason", _("Say why the volunteer left."))


def check_team(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
    """A team's kind is known and its leader is a volunteer of the same community."""
    kind = data.get("kind")
    if kind is not None and kind not in team_kinds():
        raise refuse("kind", _("Unknown kind: %(kind)s.", kind=kind))
    if data.get("leader_id") is not None:
        try:
            live_volunteer(session, data["leader_id"], community.id)
        except DomainError:
            raise refuse("leader_id", _("There is no such volunteer.")) from None


def check_membership(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
    """A member is a volunteer of the team's community; until is not before since."""
    if data.get("volunteer_id") is not None:
        live_volunteer(session, data["volunteer_id"], community.id)
    since = data.get("since") or (obj.since if obj is not None else None)
    until = data.get("until") or (obj.until if obj is not None else None)
    if since and until and until < since:
        raise refuse("until", _("The end cannot come before the start."))


def check_service(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
    """An edit of manual hours: the day still holds at most 24 hours in all (a new record is
    checked by :func:`record_service`)."""
    if obj is None or not ({"day", "hours"} & set(data)):
        return
    hours = check_hours(data.get("hours", obj.hours))
    within_a_day(session, obj.volunteer_id, data.get("day", obj.day), hours, obj.id)


__all__ = [
    "ELDER_KINDS",
    "TEAM_KINDS",
    "VOLUNTEER_KINDS",
    "TeamMembership",
    "hours_by_volunteer",
    "record_service",
    "team_count",
    "team_kinds",
    "volunteer_count",
    "volunteer_kinds",
    "volunteer_share",
]

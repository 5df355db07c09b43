"""The resettlement workflow: 待衔接 → 在帮教 (报到, team formed) → reassessed every six months →
期满解除 (proposed, confirmed by the 司法所); or 重新违法犯罪, 脱管/失联, 迁出, 死亡.

Summaries and titles name a person in care by number, never by name: the audit log is read
outside the compartment and never holds an S3 value."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Transition, Workflow, refuse
from plugins.registry.models import RegistryResident

from ..common import RESETTLEMENT_CONFIRM, settings
from .models import LpCorrection, LpResettled, LpResettledEvent
from .vocabularies import IN_CARE, RESETTLED_STATUSES, TEAM_MAX, TEAM_MIN

REASSESS_MONTHS = 6


def title_of(person: LpResettled) -> str:
    return _("Person in care no. %(id)s", id=person.id)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_resettled(session: Session, community: Any, data: dict[str, Any], person: Any) -> None:
    """The resident named must be of this community; a new person's report is due within the
    community's days of release and their care lasts its years (both settings)."""
    resident_id = data.get("resident_id")
    if resident_id:
        resident = session.get(RegistryResident, resident_id)
        if resident is None or resident.community_id != community.id or resident.deleted_at:
            refuse("resident_id", _("There is no such resident in %(c)s.", c=community.name))
    released = data.get("released_on") or (person.released_on if person else None)
    notice = data.get("notice_on")
    if released and notice and notice < released - timedelta(days=90):
        refuse("notice_on", _("The hand-over notice comes at most three months before release."))
    if person is None and released:
        rules = settings(session, community.id)
        data["report_due"] = released + timedelta(days=int(rules["report_within_days"]))
        data["care_until"] = data.get("care_until") or _years_later(
            released, int(rules["care_years"])
        )
    care_until = data.get("care_until")
    if released and care_until and care_until < released:
        refuse("care_until", _("Care ends after the release."))


def _team(data: dict[str, Any]) -> str:
    members = [
        m.strip()
        for m in (data.get("team") or "").replace("，", "、").replace(",", "、").split("、")
    ]
    members = [m for m in members if m]
    if not TEAM_MIN <= len(members) <= TEAM_MAX:
        refuse("team", _("A care team has 3 to 5 members, separated by 、."))
    return "、".join(members)


def _report(session: Session, person: LpResettled, data: dict[str, Any], on: date) -> dict:
    """报到: the person reported and the care team (3–5 members) is formed."""
    if on < person.released_on:
        refuse("on", _("A person reports after the release."))
    team = _team(data)
    changes = {"reported_on": [person.reported_on, on], "team": [person.team, team]}
    person.reported_on, person.team, person.assessed_on = on, team, on
    return changes


def _reassess(session: Session, person: LpResettled, data: dict[str, Any], on: date) -> dict:
    """The six-monthly reassessment of the risk (and the placement, if it changed)."""
    if not data.get("risk"):
        refuse("risk", _("Give the risk level found."))
    changes = {"risk": [person.risk, data["risk"]], "assessed_on": [person.assessed_on, on]}
    person.risk, person.assessed_on = data["risk"], on
    if data.get("placement"):
        changes["placement"] = [person.placement, data["placement"]]
        person.placement = data["placement"]
    return changes


def _propose(session: Session, person: LpResettled, data: dict[str, Any], on: date) -> dict:
    if person.care_until and on < person.care_until:
        refuse("on", _("Release from care is proposed once the care period is over."))
    return {}


def _ended(session: Session, person: LpResettled, data: dict[str, Any], on: date) -> dict:
    changes = {"ended_on": [person.ended_on, on]}
    person.ended_on = on
    return changes


def _ending(name: str, sources: tuple, target: str, label: Any, **more: Any) -> Transition:
    return Transition(name, sources, target, label, apply=_ended, **more)


RESETTLED_FLOW = Workflow(
    object_type="legal_publicity.resettled",
    states=RESETTLED_STATUSES,
    transitions=(
        Transition(
            "report", ("pending",), "in_care", _l("Reported, care team formed"), apply=_report
        ),
        Transition("reassess", ("in_care",), None, _l("Risk reassessed"), apply=_reassess),
        Transition(
            "propose", ("in_care",), "proposed", _l("Release from care proposed"), apply=_propose
        ),
        _ending(
            "release",
            ("proposed",),
            "released",
            _l("Release from care confirmed"),
            permission=lambda p: RESETTLEMENT_CONFIRM,
            denied=_l("Only the judicial office confirms a release from care."),
        ),
        _ending(
            "reoffend",
            ("pending", *IN_CARE),
            "reoffended",
            _l("Reoffended"),
            comment=_l("Say what happened."),
        ),
        _ending(
            "lose",
            ("pending", *IN_CARE),
            "lost",
            _l("Out of contact"),
            comment=_l("Say since when and what was tried."),
        ),
        _ending(
            "move", ("pending", *IN_CARE), "moved", _l("Moved away"), comment=_l("Say where to.")
        ),
        _ending("decease", ("pending", *IN_CARE), "deceased", _l("Deceased")),
    ),
    event_model=LpResettledEvent,
    key="resettled_id",
    summary=lambda p, action: _("%(action)s: person in care no. %(id)s", action=action, id=p.id),
    labels={"create": _l("Registered")},
    earliest=("released_on", _l("The date cannot be before the release.")),
)


def reassessment_due(day: date) -> sa.ColumnElement[bool]:
    """People in care last assessed more than six months before ``day``."""
    limit = day - timedelta(days=183)
    return sa.and_(LpResettled.status == "in_care", LpResettled.assessed_on < limit)


def report_overdue(day: date) -> sa.ColumnElement[bool]:
    """Handed over and not reported within the days of the setting (衔接未报到)."""
    return sa.and_(LpResettled.status == "pending", LpResettled.report_due < day)


def check_correction(session: Session, community: Any, data: dict[str, Any], record: Any) -> None:
    """A correction ends after it starts."""
    starts, ends = data.get("starts_on"), data.get("ends_on")
    starts = starts or (record.starts_on if record else None)
    if starts and ends and ends < starts:
        refuse("ends_on", _("A correction ends after it starts."))


def check_correction_visit(
    session: Session, community: Any, data: dict[str, Any], visit: Any
) -> None:
    """A visit is to a person helped in this community, on or after the correction's start."""
    correction = session.get(LpCorrection, data.get("correction_id") or 0)
    if correction is None or correction.community_id != community.id or correction.deleted_at:
        refuse("correction_id", _("There is no such person under correction."))
    data["node_id"] = correction.node_id
    if data.get("visited_on") and data["visited_on"] < correction.starts_on:
        refuse("visited_on", _("A visit comes after the correction started."))

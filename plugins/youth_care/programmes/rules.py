"""What a programme, an enrolment and a session must respect: dates in order, the capacity,
the guardian's consent where the programme asks for it, a session within the programme's
dates, and children present who are enrolled in it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.records.lookup import live_record_of
from core.sdk import db, refuse
from plugins.registry.models import RegistryResident
from tenants.models import Node

from ..common import written
from .models import YouthCareEnrolment, YouthCareProgramme, YouthCareSession

KINDS = {
    "winter": _l("Winter holiday programme"),
    "summer": _l("Summer holiday programme"),
    "after_school": _l("Half-past-four class"),
    "weekend": _l("Weekend class"),
    "reading": _l("Reading activity"),
}
HOLIDAY_KINDS = ("winter", "summer")
NO_PROGRAMME = _l("There is no such programme.")


def check_programme(
    session: Session, community: Node, data: dict[str, Any], programme: YouthCareProgramme | None
) -> None:
    """The end is not before the start; a capacity is not below those already enrolled."""
    starts_on, ends_on, capacity = written(data, programme, "starts_on", "ends_on", "capacity")
    if starts_on and ends_on and ends_on < starts_on:
        refuse("ends_on", _("The programme cannot end before it starts."))
    if programme is not None and capacity is not None and capacity < len(programme.enrolments):
        refuse("capacity", _("More children are enrolled than this capacity."))


def _programme(session: Session, community: Node, programme_id: int | None) -> Any:
    return live_record_of(
        session, community, YouthCareProgramme, programme_id, "programme_id", NO_PROGRAMME
    )


def check_enrolment(
    session: Session, community: Node, data: dict[str, Any], enrolment: YouthCareEnrolment | None
) -> None:
    """Within the capacity, with the consent the programme asks for, a resident of the
    community when one is named, not enrolled twice."""
    programme_id, consent, resident_id = written(
        data, enrolment, "programme_id", "consent", "resident_id"
    )
    programme = _programme(session, community, programme_id)
    full = programme.capacity is not None and len(programme.enrolments) >= programme.capacity
    if enrolment is None and full:
        refuse("name", _("The programme is full (capacity %(n)s).", n=programme.capacity))
    if programme.consent_required and not consent:
        refuse("consent", _("This programme needs the guardian's consent."))
    if resident_id is not None:
        message = _("There is no such resident in the registry of this community.")
        live_record_of(session, community, RegistryResident, resident_id, "resident_id", message)
        twice = sa.select(YouthCareEnrolment.id).where(
            YouthCareEnrolment.programme_id == programme.id,
            YouthCareEnrolment.resident_id == resident_id,
            YouthCareEnrolment.id != (enrolment.id if enrolment else 0),
        )
        if session.scalar(twice) is not None:
            refuse("resident_id", _("This child is enrolled already."), conflict=True)


def check_session(
    session: Session, community: Node, data: dict[str, Any], record: YouthCareSession | None
) -> None:
    """A day within the programme's dates; the children present are enrolled in it; the
    attendance is the number present, or as typed when nobody is named."""
    programme_id, held_on, present = written(data, record, "programme_id", "held_on", "present")
    programme = _programme(session, community, programme_id)
    if held_on and not programme.starts_on <= held_on <= programme.ends_on:
        refuse("held_on", _("The session is outside the programme's dates."))
    enrolled = {str(e.id) for e in programme.enrolments}
    if present and not set(present) <= enrolled:
        refuse("present", _("Only children enrolled in the programme can be present."))
    if present:
        data["attendance"] = len(present)
    if programme.capacity is not None and (data.get("attendance") or 0) > programme.capacity:
        refuse("attendance", _("The attendance is above the programme's capacity."))


def enrolled_choices() -> dict[str, str]:
    """The children enrolled in the programme of the page (a programme's page, or a session's
    edit form), for the attendance checkboxes."""
    record_id = (request.view_args or {}).get("record_id")
    if "community" not in g or record_id is None:
        return {}
    programme_id = record_id
    if (request.endpoint or "").endswith(("session", "edit")) and "/sessions/" in request.path:
        found = db.session.get(YouthCareSession, record_id)
        programme_id = found.programme_id if found is not None else None
    stmt = sa.select(YouthCareEnrolment.id, YouthCareEnrolment.name).where(
        YouthCareEnrolment.programme_id == programme_id,
        YouthCareEnrolment.community_id == g.community.id,
        YouthCareEnrolment.deleted_at.is_(None),
    )
    return {str(i): name for i, name in db.session.execute(stmt.order_by(YouthCareEnrolment.id))}

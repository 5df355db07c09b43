"""寒暑假活动台账 and 签到表: the programmes, with their enrolments and sessions as parts added
on the programme's page; the sign-in sheet lists the children enrolled."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter, Part

from ..common import YouthLedger
from .models import YouthCareEnrolment, YouthCareProgramme, YouthCareSession
from .rules import check_enrolment, check_programme, check_session
from .schemas import EnrolmentSchema, ProgrammeSchema, SessionSchema

enrolments = YouthLedger(
    name="enrolment",
    model=YouthCareEnrolment,
    schema=EnrolmentSchema,
    title=_l("Programme enrolments"),
    label=_l("Enrolment"),
    filters=(Filter("programme", "int", _l("Programme"), column="programme_id"),),
    order=lambda: [YouthCareEnrolment.programme_id, YouthCareEnrolment.id],
    check=check_enrolment,
    community_only=True,  # children are listed in their community only
    fixed=("programme_id",),
    title_of=lambda e: e.name,
)
sessions = YouthLedger(
    name="session",
    model=YouthCareSession,
    schema=SessionSchema,
    title=_l("Programme sessions and attendance"),
    label=_l("Session"),
    filters=(
        Filter("programme", "int", _l("Programme"), column="programme_id"),
        Filter("year", "year", _l("Year"), column="held_on"),
    ),
    order=lambda: [YouthCareSession.held_on.desc(), YouthCareSession.id.desc()],
    check=check_session,
    fixed=("programme_id",),
    title_of=lambda s: s.held_on.isoformat(),
)
programmes = YouthLedger(
    name="programme",
    model=YouthCareProgramme,
    schema=ProgrammeSchema,
    title=_l("Holiday and after-school programme ledger"),
    label=_l("Programme"),
    filters=(
        Filter("q", "text", _l("Programme name"), column="name"),
        Filter("kind"),
        Filter("year", "year", _l("Year"), column="starts_on"),
    ),
    order=lambda: [YouthCareProgramme.starts_on.desc(), YouthCareProgramme.id.desc()],
    options=lambda stmt: stmt.options(selectinload(YouthCareProgramme.enrolments)),
    check=check_programme,
    title_of=lambda p: p.name,
    parts=(Part(enrolments, "programme_id"), Part(sessions, "programme_id")),
    templates={"detail": "youth_care/programme.html"},
)

LEDGERS = [programmes, enrolments, sessions]

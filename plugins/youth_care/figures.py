"""The youth-care figures (关工委统计) of a community, a street or a district: each one SQL
aggregate over one table (``core.figures`` computes them per area), rates from their summed
parts. Counts of children by care category are S3: small ones are withheld, and no figure
opens onto the children behind it — a street or district reads counts only."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.activities.models import Activity, ActivityAttendee
from core.activities.services import counting_for
from core.calendar import occurrences
from core.figures import Figure, FigureSet, Source, as_of, within
from core.reports import CalendarEntry, Indicator, Period
from core.volunteers.models import ServiceRecord, Volunteer
from plugins.registry.ages import band_clause
from plugins.registry.models import RegistryResident
from plugins.registry.vocabularies import PRESENT
from tenants.models import Node

from .activities.services import PARENTS_SCHOOL, childrens_day, spring_festival
from .assistance.models import YouthCareAssistance
from .children.models import YouthCareChild
from .children.rules import CATEGORIES, EXIT_REASONS, IN_DIFFICULTY
from .common import MODULE, today
from .pairings.models import YouthCarePairing
from .programmes.models import YouthCareProgramme, YouthCareSession
from .programmes.rules import HOLIDAY_KINDS
from .venues.models import YouthCareVenueCheck
from .visits import CHILD_VISITS

PEOPLE, TIMES, HOUSEHOLDS = _l("people"), _l("times"), _l("households")
SMALL = 3  # counts of 1 or 2 children of a category are withheld (they would name them)
KEY_LEVELS = ("key", "urgent")


def in_care_on(day: date) -> sa.ColumnElement[bool]:
    """Children in care on ``day``: confirmed by then, not exited by then."""
    return sa.and_(
        YouthCareChild.entered_on <= day,
        sa.or_(YouthCareChild.exited_on.is_(None), YouthCareChild.exited_on > day),
    )


def of_category(key: str) -> sa.ColumnElement[bool]:
    """Children with care category ``key`` among theirs (a JSON list of keys)."""
    return sa.cast(YouthCareChild.categories, sa.String).like(f'%"{key}"%')


def in_difficulty() -> sa.ColumnElement[bool]:
    """困境儿童: poor family, disability, or guardianship missing or improper."""
    return sa.or_(*(of_category(key) for key in IN_DIFFICULTY))


def _exited_in(period: Period, *reasons: str) -> sa.ColumnElement[bool]:
    clauses = [in_difficulty(), within(YouthCareChild.exited_on, period)]
    if reasons:
        clauses.append(YouthCareChild.exit_reason.in_(reasons))
    return sa.and_(*clauses)


def _paired_on(day: date) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        YouthCarePairing.child_id == YouthCareChild.id,
        YouthCarePairing.deleted_at.is_(None),
        YouthCarePairing.status == "active",
        YouthCarePairing.starts_on <= day,
    )


def _visited_in(period: Period) -> sa.ColumnElement[bool]:
    visit = CHILD_VISITS.ledger.model
    return sa.exists().where(
        visit.module == MODULE,
        visit.subject_kind == "resident",
        visit.subject_id == YouthCareChild.resident_id,
        visit.deleted_at.is_(None),
        within(visit.visited_on, period),
    )


def _visited_around(entry: CalendarEntry, period: Period) -> sa.ColumnElement[bool]:
    """Visited within a week of ``entry``'s day (春节, 六一) in the years of ``period``, the
    part of that week inside the period."""
    visit = CHILD_VISITS.ledger.model
    windows = []
    for year in range(period.start.year, period.end.year + 1):
        for found in occurrences(entry, year):
            start, end = found.window()
            start, end = max(start, period.start), min(end, period.end)
            if start <= end:
                windows.append(visit.visited_on.between(start, end))
    return sa.exists().where(
        visit.module == MODULE,
        visit.subject_kind == "resident",
        visit.subject_id == YouthCareChild.resident_id,
        visit.deleted_at.is_(None),
        sa.or_(sa.false(), *windows),
    )


def _activities(period: Period, *kinds: str) -> sa.ColumnElement[bool]:
    return sa.and_(within(Activity.held_on, period), Activity.kind.in_(kinds))


def _minor(day: date) -> sa.ColumnElement[bool]:
    return band_clause("minor", RegistryResident.birth_date, RegistryResident.gender, day)


def _holiday(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        within(YouthCareSession.held_on, period), YouthCareProgramme.kind.in_(HOLIDAY_KINDS)
    )


def _issued(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        YouthCareAssistance.status == "issued", within(YouthCareAssistance.given_on, period)
    )


def sources() -> dict[str, Source]:
    """The tables the figures are taken from, each restricted to its live rows."""
    visit = CHILD_VISITS.ledger.model

    def live(model: Any, *where: Any) -> Any:
        return lambda stmt: stmt.select_from(model).where(model.deleted_at.is_(None), *where)

    return {
        "child": Source(YouthCareChild.community_id, live(YouthCareChild)),
        "pairing": Source(YouthCarePairing.community_id, live(YouthCarePairing)),
        "visit": Source(visit.community_id, live(visit, visit.module == MODULE)),
        "activity": Source(Activity.community_id, live(Activity, counting_for(MODULE))),
        "attendee": Source(
            ActivityAttendee.community_id,
            lambda stmt: (
                stmt.select_from(ActivityAttendee)
                .join(Activity, Activity.id == ActivityAttendee.activity_id)
                .join(RegistryResident, RegistryResident.id == ActivityAttendee.resident_id)
                .where(
                    ActivityAttendee.deleted_at.is_(None),
                    Activity.deleted_at.is_(None),
                    counting_for(MODULE),
                )
            ),
        ),
        "resident": Source(
            RegistryResident.community_id,
            live(RegistryResident, RegistryResident.status.in_(PRESENT)),
        ),
        "volunteer": Source(Volunteer.community_id, live(Volunteer, Volunteer.status == "active")),
        "session": Source(
            YouthCareSession.community_id,
            lambda stmt: (
                stmt.select_from(YouthCareSession)
                .join(YouthCareProgramme, YouthCareProgramme.id == YouthCareSession.programme_id)
                .where(
                    YouthCareSession.deleted_at.is_(None), YouthCareProgramme.deleted_at.is_(None)
                )
            ),
        ),
        "assistance": Source(YouthCareAssistance.community_id, live(YouthCareAssistance)),
        "venue": Source(YouthCareVenueCheck.community_id, live(YouthCareVenueCheck)),
    }


def _count(key: str, label: Any, source: str, where: Any, unit: Any = PEOPLE, **kw: Any) -> Figure:
    return Figure(key, label, unit, source, where=where, **kw)


def _served_in(period: Period) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        ServiceRecord.volunteer_id == Volunteer.id,
        ServiceRecord.deleted_at.is_(None),
        within(ServiceRecord.day, period),
    )


FIGURES = [
    _count("in_care", _l("Children in care"), "child", lambda p, d: in_care_on(d), stock=True,
           description=_l("Children confirmed in care and not exited on the day counted.")),
    *(
        _count(f"in_care_{key}", label, "child",
               lambda p, d, key=key: sa.and_(in_care_on(d), of_category(key)), stock=True,
               suppress_below=SMALL,
               description=_l("Children in care of this category; 1 or 2 are not shown."))
        for key, label in CATEGORIES.items()
    ),
    _count("general_children", _l("Children in care of general attention"), "child",
           lambda p, d: sa.and_(in_care_on(d), YouthCareChild.level == "general"), stock=True),
    # 困境儿童 and their changes, filed monthly to the street's civil affairs: the figures are
    # the filing's, so they are not withheld (the reviewer holds the right to them).
    _count("difficulty", _l("Children in difficulty in care"), "child",
           lambda p, d: sa.and_(in_care_on(d), in_difficulty()), stock=True),
    _count("difficulty_new", _l("Children in difficulty taken into care"), "child",
           lambda p, d: sa.and_(in_difficulty(), within(YouthCareChild.entered_on, p))),
    _count("difficulty_exited", _l("Children in difficulty who left care"), "child",
           lambda p, d: _exited_in(p)),
    *(
        _count(f"difficulty_exited_{key}", label, "child",
               lambda p, d, key=key: _exited_in(p, key))
        for key, label in EXIT_REASONS.items()
    ),
    _count("minors", _l("Minors"), "resident", lambda p, d: _minor(d), stock=True,
           description=_l("Residents under 18 living in the community on the day counted.")),
    _count("key_children", _l("Children in care of key or urgent attention"), "child",
           lambda p, d: sa.and_(in_care_on(d), YouthCareChild.level.in_(KEY_LEVELS)), stock=True),
    _count("key_paired", _l("Children of key or urgent attention with a pairing"), "child",
           lambda p, d: sa.and_(in_care_on(d), YouthCareChild.level.in_(KEY_LEVELS),
                                _paired_on(d)), stock=True),
    Figure("pairing_coverage", _l("Pairing coverage"), "%",
           share_of=("key_paired", "key_children"), direction="up",
           description=_l("Children of key or urgent attention with a pairing in progress, "
                          "of all those children.")),
    _count("pairings", _l("Pairings in progress"), "pairing",
           lambda p, d: sa.and_(YouthCarePairing.status == "active",
                                YouthCarePairing.starts_on <= d), _l("pairings"), stock=True),
    _count("visits", _l("Visits to children"), "visit",
           lambda p, d: within(CHILD_VISITS.ledger.model.visited_on, p), TIMES),
    _count("visited", _l("Children in care visited"), "child",
           lambda p, d: sa.and_(in_care_on(d), _visited_in(p))),
    Figure("visit_coverage_q", _l("Quarterly visit coverage"), "%",
           share_of=("visited", "in_care"), direction="up",
           description=_l("Children in care visited at least once in the period, of all "
                          "children in care (a quarter for the quarterly figure).")),
    # 春节 and 六一 visits: the children in care visited in the week either side of the day.
    _count("spring_visited", _l("Children in care visited at the Spring Festival"), "child",
           lambda p, d: sa.and_(in_care_on(d), _visited_around(spring_festival(), p))),
    Figure("spring_coverage", _l("Spring Festival visit coverage"), "%",
           share_of=("spring_visited", "in_care"), direction="up",
           description=_l("Children in care visited in the week either side of the Spring "
                          "Festival, of all children in care.")),
    _count("june_first_visited", _l("Children in care visited at Children's Day"), "child",
           lambda p, d: sa.and_(in_care_on(d), _visited_around(childrens_day(), p))),
    Figure("june_first_coverage", _l("Children's Day visit coverage"), "%",
           share_of=("june_first_visited", "in_care"), direction="up",
           description=_l("Children in care visited in the week either side of 1 June, of all "
                          "children in care.")),
    _count("volunteers", _l("Five-elders and volunteers"), "volunteer", lambda p, d: sa.true(),
           stock=True),
    _count("five_elders", _l("Five elders"), "volunteer",
           lambda p, d: sa.cast(Volunteer.kinds, sa.String).like('%"five_elders"%'), stock=True),
    _count("active_volunteers", _l("Volunteers who served"), "volunteer",
           lambda p, d: _served_in(p)),
    _count("ps_sessions", _l("Parents' school sessions"), "activity",
           lambda p, d: _activities(p, *PARENTS_SCHOOL), _l("sessions")),
    Figure("ps_attendance", _l("Parents' school attendance"), _l("person-times"), "activity",
           expression=lambda p, d: sa.func.sum(
               sa.case((_activities(p, *PARENTS_SCHOOL), Activity.headcount), else_=0))),
    Figure("ps_families", _l("Families reached by the parents' school"), HOUSEHOLDS,
           "attendee", expression=lambda p, d: sa.func.count(sa.distinct(sa.case(
               (_activities(p, *PARENTS_SCHOOL), RegistryResident.household_id))))),
    Figure("families_with_minors", _l("Households with a child under 18"), HOUSEHOLDS,
           "resident", stock=True, expression=lambda p, d: sa.func.count(sa.distinct(
               sa.case((_minor(d), RegistryResident.household_id))))),
    Figure("ps_coverage", _l("Parents' school coverage"), "%",
           share_of=("ps_families", "families_with_minors"), direction="up",
           description=_l("Households reached by the parents' school, of the households with "
                          "a child under 18.")),
    _count("holiday_days", _l("Holiday programme days"), "session", lambda p, d: _holiday(p),
           _l("days")),
    Figure("holiday_attendance", _l("Holiday programme attendance"), _l("person-times"),
           "session", expression=lambda p, d: sa.func.sum(
               sa.case((_holiday(p), YouthCareSession.attendance), else_=0))),
    Figure("assistance_amount", _l("Assistance issued"), _l("yuan"), "assistance", decimals=2,
           expression=lambda p, d: sa.func.sum(
               sa.case((_issued(p), YouthCareAssistance.amount), else_=0))),
    Figure("assisted", _l("Children assisted"), PEOPLE, "assistance",
           expression=lambda p, d: sa.func.count(sa.distinct(
               sa.case((_issued(p), YouthCareAssistance.child_id))))),
    _count("activities", _l("Youth-care activities held"), "activity",
           lambda p, d: within(Activity.held_on, p), _l("sessions")),
    Figure("activity_attendance", _l("Youth-care activity attendance"), _l("person-times"),
           "activity", expression=lambda p, d: sa.func.sum(
               sa.case((within(Activity.held_on, p), Activity.headcount), else_=0))),
    _count("venue_checks", _l("Internet café checks"), "venue",
           lambda p, d: within(YouthCareVenueCheck.done_on, p), _l("checks")),
    _count("venue_problems", _l("Internet café checks with problems"), "venue",
           lambda p, d: sa.and_(within(YouthCareVenueCheck.done_on, p),
                                YouthCareVenueCheck.refer_by.is_not(None)), _l("checks")),
    _count("deeds", _l("Good deeds for minors"), "activity",
           lambda p, d: _activities(p, "deed"), _l("deeds")),
]  # fmt: skip

YOUTH_CARE = FigureSet(MODULE, FIGURES, sources)


def _overdue_visits(session: Session, communities: sa.Select, period: Period) -> int:
    counts = CHILD_VISITS.counts(session, lambda c: c.in_(communities), as_of(period), wide=True)
    return sum(overdue for overdue, _soon in counts.values())


def indicators() -> list[Indicator]:
    """The figures as the platform's indicators, with the overdue visits of core's due list."""
    overdue = Indicator(
        f"{MODULE}.overdue_visits",
        _l("Children overdue for a visit"),
        PEOPLE,
        _overdue_visits,
        module=MODULE,
        stock=True,
        direction="down",
        description=_l("Children in care whose visit quota (urgent weekly, key monthly, "
                       "general quarterly, or as often as their pairing's contact frequency "
                       "when that is more often) has passed without a visit."),
    )  # fmt: skip
    return [*YOUTH_CARE.indicators(), overdue]


def community_summary(session: Session, community: Node) -> dict[str, Any]:
    """The overview's counts this year: children in care, leads, pairings in progress."""
    period = Period.year(today().year)
    here = sa.select(sa.literal(community.id))
    values = YOUTH_CARE.compute_all(session, here, period)
    leads = sa.select(sa.func.count()).where(
        YouthCareChild.community_id == community.id,
        YouthCareChild.status == "lead",
        YouthCareChild.deleted_at.is_(None),
    )
    return {
        "in_care": values[f"{MODULE}.in_care"],
        "pairings": values[f"{MODULE}.pairings"],
        "leads": session.scalar(leads) or 0,
        "year": period.start.year,
    }

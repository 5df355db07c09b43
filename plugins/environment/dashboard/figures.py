"""The environment indicators (``environment.``), each one aggregate over the communities
beneath a place where the module is on; rates are ratios of two counts, so a street's rate is
its summed numerators over its summed denominators.

Flows count what happened in the period (checks done, issues found, complaints received);
stocks (open issues overdue, street-front shops, letters in force, tanks) are taken on the
period's last day, or today while it runs. The complaint deadlines follow each community's
settings, so those three rates are counted row by row from one query per period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.activities.models import Activity
from core.activities.services import counting_for
from core.clock import zone
from core.figures import evaluate
from core.inspections.models import ChecklistTemplate
from core.sdk import Indicator, Period
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import MODULE, now, today
from ..complaints.rules import deadlines
from ..inspections.checklists import PASS_MARK
from ..issues.rules import OPEN_STATES
from ..letters.rules import valid_clause
from ..models import (
    EnvironmentArea,
    EnvironmentComplaint,
    EnvironmentInspection,
    EnvironmentIssue,
    EnvironmentSelection,
    EnvironmentSorting,
    EnvironmentTank,
)
from ..upkeep.rules import is_overdue as tank_overdue

Compute = Callable[[Session, sa.Select, Period], float | int]


def as_of(period: Period) -> date:
    """The day a stock is taken: the period's last day, or today while the period runs."""
    return min(period.end, today())


def _count(model: Any, *where: Any, per: tuple[Any, ...] = ()) -> Compute:
    """The live rows of ``model`` in the communities meeting ``where(period)``; with ``per``,
    the distinct combinations of those columns instead (one self-check a day)."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        rows = sa.select(*(per or (model.id,))).where(
            model.community_id.in_(communities),
            model.deleted_at.is_(None),
            *(w(period) for w in where),
        )
        counted = rows.distinct().subquery() if per else rows.subquery()
        return int(session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0)

    return compute


def _sum(column: Any, *where: Any) -> Compute:
    model = column.class_

    def compute(session: Session, communities: sa.Select, period: Period) -> float:
        stmt = sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(
            model.community_id.in_(communities),
            model.deleted_at.is_(None),
            *(w(period) for w in where),
        )
        return float(session.scalar(stmt) or 0)

    return compute


# --- inspections -------------------------------------------------------------------------------

Insp = EnvironmentInspection


def _done_in(period: Period) -> sa.ColumnElement[bool]:
    return Insp.done_on.between(period.start, period.end)


def _of_kind(*kinds: str) -> Callable[[Period], sa.ColumnElement[bool]]:
    return lambda _p: Insp.kind.in_(kinds)


def _scored(_p: Period) -> sa.ColumnElement[bool]:
    return Insp.total_score.is_not(None)


def _passed(_p: Period) -> sa.ColumnElement[bool]:
    """At or above the pass mark of the template version it was scored on."""
    mark = (
        sa.select(sa.func.coalesce(ChecklistTemplate.pass_mark, PASS_MARK))
        .where(ChecklistTemplate.id == Insp.checklist_id)
        .scalar_subquery()
    )
    return Insp.total_score >= sa.func.coalesce(mark, PASS_MARK)


LOWEST = 3  # 排名靠后: the three lowest areas of a period


def lowest_areas(session: Session, communities: sa.Select, period: Period) -> str:
    """排名靠后区域: the areas ranked by their mean score over the period's inspections, the
    three lowest (fewer when fewer were scored), lowest first, as "2号楼楼道 78.0、…"."""
    mean = sa.func.avg(Insp.total_score)
    stmt = (
        sa.select(EnvironmentArea.name, mean)
        .join(EnvironmentArea, EnvironmentArea.id == Insp.area_id)
        .where(
            Insp.community_id.in_(communities),
            Insp.deleted_at.is_(None),
            Insp.total_score.is_not(None),
            _done_in(period),
        )
        .group_by(EnvironmentArea.id, EnvironmentArea.name)
        .order_by(mean, EnvironmentArea.name)
        .limit(LOWEST)
    )
    return "、".join(f"{name} {float(score):.1f}" for name, score in session.execute(stmt))


def _frontage(_p: Period) -> sa.ColumnElement[bool]:
    areas = sa.select(EnvironmentArea.id).where(EnvironmentArea.kind == "frontage")
    return Insp.area_id.in_(areas)


# One self-check (a round of the community's areas) counts once a day.
_check_day = (Insp.community_id, Insp.done_on)

# --- issues ------------------------------------------------------------------------------------

Issue = EnvironmentIssue


def _found_in(period: Period) -> sa.ColumnElement[bool]:
    return Issue.found_on.between(period.start, period.end)


def _closed_in(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(Issue.status == "done", Issue.closed_on.between(period.start, period.end))


def _overdue_at(period: Period) -> sa.ColumnElement[bool]:
    """Open and past the deadline: now while the period runs, else at its last day's end."""
    day = as_of(period)
    end = now() if day == today() else datetime.combine(day + timedelta(days=1), time(), zone())
    return sa.and_(Issue.status.in_(OPEN_STATES), Issue.deadline_at < end)


# --- letters -----------------------------------------------------------------------------------


def _street_front(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count()).where(
        RegistryUnit.community_id.in_(communities),
        RegistryUnit.deleted_at.is_(None),
        RegistryUnit.street_front.is_(True),
    )
    return int(session.scalar(stmt) or 0)


def _with_letter(session: Session, communities: sa.Select, period: Period) -> int:
    from ..letters.models import EnvironmentLetter

    held = sa.select(EnvironmentLetter.unit_id).where(valid_clause(as_of(period)))
    stmt = sa.select(sa.func.count()).where(
        RegistryUnit.community_id.in_(communities),
        RegistryUnit.deleted_at.is_(None),
        RegistryUnit.street_front.is_(True),
        RegistryUnit.id.in_(held),
    )
    return int(session.scalar(stmt) or 0)


# --- complaints --------------------------------------------------------------------------------

Complaint = EnvironmentComplaint


def _received_in(period: Period) -> sa.ColumnElement[bool]:
    return Complaint.received_on.between(period.start, period.end)


def complaint_counts(session: Session, communities: sa.Select, period: Period) -> dict[str, int]:
    """12345's 三率 parts for the complaints received in the period: received, contacted on
    time (each community's deadlines), with a result and solved, followed up and satisfied."""
    stmt = sa.select(Complaint).where(
        Complaint.community_id.in_(communities),
        Complaint.deleted_at.is_(None),
        _received_in(period),
    )
    counts = dict.fromkeys(("received", "on_time", "resulted", "solved", "asked", "satisfied"), 0)
    places: dict[int, Node] = {}
    for c in session.scalars(stmt):
        place = places.get(c.community_id) or places.setdefault(
            c.community_id, session.get(Node, c.community_id)
        )
        counts["received"] += 1
        due = deadlines(session, place, c)["contact"]
        counts["on_time"] += int(c.contacted_at is not None and c.contacted_at <= due)
        counts["resulted"] += int(c.result is not None)
        counts["solved"] += int(c.result == "solved")
        counts["asked"] += int(c.satisfaction is not None)
        counts["satisfied"] += int(c.satisfaction in ("satisfied", "fairly"))
    return counts


def _complaint_batch(session: Session, communities: sa.Select, period: Period) -> dict:
    counts = complaint_counts(session, communities, period)
    return {f"{MODULE}.{COMPLAINT_PARTS[key]}": value for key, value in counts.items()}


COMPLAINT_PARTS = {
    "received": "complaints",
    "on_time": "complaints_on_time",
    "resulted": "complaints_resulted",
    "solved": "complaints_solved",
    "asked": "complaints_asked",
    "satisfied": "complaints_satisfied",
}


def _complaint_part(key: str) -> dict[str, Any]:
    """The compute and batch of one part: all six come from one query."""
    return {
        "compute": lambda s, c, p: complaint_counts(s, c, p)[key],
        "batch": _complaint_batch,
    }


# --- tanks -------------------------------------------------------------------------------------


def _tanks(on_time: bool) -> Compute:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(EnvironmentTank).where(
            EnvironmentTank.community_id.in_(communities),
            EnvironmentTank.deleted_at.is_(None),
            EnvironmentTank.kind == "tank",
        )
        day = as_of(period)
        tanks = session.scalars(stmt).all()
        return sum(1 for t in tanks if not tank_overdue(t, day)) if on_time else len(tanks)

    return compute


# --- activities and selections -----------------------------------------------------------------


def _activities(session: Session, communities: sa.Select, period: Period, column: Any) -> int:
    stmt = sa.select(column).where(
        Activity.community_id.in_(communities),
        Activity.deleted_at.is_(None),
        Activity.held_on.between(period.start, period.end),
        counting_for(MODULE),
    )
    return int(session.scalar(stmt) or 0)


def _green(_p: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        EnvironmentSelection.kind == "green_family", EnvironmentSelection.result == "selected"
    )


def _selected_in(period: Period) -> sa.ColumnElement[bool]:
    """Selected in the year of the stock's day (绿色家庭 are chosen once a year)."""
    return EnvironmentSelection.year == as_of(period).year


# --- the indicators ----------------------------------------------------------------------------

TIMES, CASES, PCT = _l("times"), _l("cases"), "%"


def _ind(name: str, label: Any, unit: Any, compute: Compute | None = None, **kw: Any) -> Indicator:
    return Indicator(f"{MODULE}.{name}", label, unit, compute, module=MODULE, **kw)


def _rate(name: str, label: Any, numerator: str, denominator: str, **kw: Any) -> Indicator:
    return _ind(name, label, PCT, kind="ratio", numerator=f"{MODULE}.{numerator}",
                denominator=f"{MODULE}.{denominator}", direction="up", **kw)  # fmt: skip


INDICATORS = [
    _ind(
        "self_checks",
        _l("Weekly self-checks"),
        TIMES,
        _count(Insp, _done_in, _of_kind("weekly"), per=_check_day),
        direction="up",
    ),
    _ind(
        "joint_checks",
        _l("Monthly joint inspections"),
        TIMES,
        _count(Insp, _done_in, _of_kind("monthly"), per=_check_day),
        direction="up",
    ),
    _ind("scored", _l("Areas scored"), TIMES, _count(Insp, _done_in, _scored)),
    _ind(
        "score_total",
        _l("Sum of scores"),
        _l("points"),
        _sum(Insp.total_score, _done_in),
        kind="sum",
    ),
    _ind(
        "avg_score",
        _l("Average score"),
        _l("points"),
        kind="mean",
        per=1,
        numerator=f"{MODULE}.score_total",
        denominator=f"{MODULE}.scored",
        direction="up",
    ),
    _ind("passed", _l("Areas passed"), TIMES, _count(Insp, _done_in, _scored, _passed)),
    _rate("pass_rate", _l("Inspection pass rate"), "passed", "scored"),
    _ind(
        "issues_found",
        _l("Issues found"),
        CASES,
        _count(Issue, _found_in),
        records=("issue", lambda p, _d: _found_in(p)),
    ),
    _ind(
        "issues_closed",
        _l("Issues completed"),
        CASES,
        _count(Issue, _closed_in),
        records=("issue", lambda p, _d: _closed_in(p)),
    ),
    _ind(
        "issues_overdue",
        _l("Issues overdue"),
        CASES,
        _count(Issue, _overdue_at),
        stock=True,
        direction="down",
        records=("issue", lambda p, _d: _overdue_at(p)),
    ),
    _ind(
        "issues_referred",
        _l("Issues referred"),
        CASES,
        _count(Issue, _found_in, lambda _p: Issue.status == "referred"),
    ),
    _ind(
        "issues_rectified",
        _l("Issues found and completed"),
        CASES,
        _count(Issue, _found_in, lambda _p: Issue.status == "done"),
    ),
    _rate("rectification_rate", _l("Issue rectification rate"), "issues_rectified", "issues_found"),
    _ind("street_front_units", _l("Street-front shops"), _l("units"), _street_front, stock=True),
    _ind(
        "letters_valid",
        _l("Street-front shops with a letter in force"),
        _l("units"),
        _with_letter,
        stock=True,
    ),
    _rate(
        "letters_rate", _l("Frontage letter signing rate"), "letters_valid", "street_front_units"
    ),
    _ind(
        "frontage_scored", _l("Frontages scored"), TIMES, _count(Insp, _done_in, _scored, _frontage)
    ),
    _ind(
        "frontage_passed",
        _l("Frontages passed"),
        TIMES,
        _count(Insp, _done_in, _scored, _passed, _frontage),
    ),
    _rate("frontage_rate", _l("Frontage compliance rate"), "frontage_passed", "frontage_scored"),
    _ind(
        "sorting_covered",
        _l("Households covered by sorting"),
        _l("household-months"),
        _sum(
            EnvironmentSorting.covered, lambda p: EnvironmentSorting.month.between(p.start, p.end)
        ),
        kind="sum",
    ),
    _ind(
        "sorting_participating",
        _l("Households taking part in sorting"),
        _l("household-months"),
        _sum(
            EnvironmentSorting.participating,
            lambda p: EnvironmentSorting.month.between(p.start, p.end),
        ),
        kind="sum",
    ),
    _rate(
        "sorting_participation",
        _l("Garbage-sorting participation"),
        "sorting_participating",
        "sorting_covered",
    ),
    _ind(
        "sorting_checked",
        _l("Households spot-checked"),
        _l("households"),
        _sum(
            EnvironmentSorting.checked, lambda p: EnvironmentSorting.month.between(p.start, p.end)
        ),
        kind="sum",
    ),
    _ind(
        "sorting_passed",
        _l("Households sorting right"),
        _l("households"),
        _sum(EnvironmentSorting.passed, lambda p: EnvironmentSorting.month.between(p.start, p.end)),
        kind="sum",
    ),
    _rate("sorting_accuracy", _l("Sorting accuracy"), "sorting_passed", "sorting_checked"),
    _ind("complaints", _l("Environment complaints"), CASES, **_complaint_part("received")),
    _ind(
        "complaints_on_time",
        _l("Complaints contacted in time"),
        CASES,
        **_complaint_part("on_time"),
    ),
    _ind(
        "complaints_resulted", _l("Complaints with a result"), CASES, **_complaint_part("resulted")
    ),
    _ind("complaints_solved", _l("Complaints solved"), CASES, **_complaint_part("solved")),
    _ind("complaints_asked", _l("Complaints followed up"), CASES, **_complaint_part("asked")),
    _ind(
        "complaints_satisfied", _l("Complainants satisfied"), CASES, **_complaint_part("satisfied")
    ),
    _rate("response_rate", _l("Response rate"), "complaints_on_time", "complaints"),
    _rate("resolution_rate", _l("Resolution rate"), "complaints_solved", "complaints_resulted"),
    _rate("satisfaction_rate", _l("Satisfaction rate"), "complaints_satisfied", "complaints_asked"),
    _ind("tanks", _l("Water tanks"), _l("tanks"), _tanks(False), stock=True),
    _ind("tanks_on_time", _l("Water tanks cleaned on time"), _l("tanks"), _tanks(True), stock=True),
    _rate("tank_on_time", _l("Water tanks cleaned on time (rate)"), "tanks_on_time", "tanks"),
    _ind(
        "campaign_activities",
        _l("Patriotic health activities"),
        _l("sessions"),
        lambda s, c, p: _activities(s, c, p, sa.func.count(Activity.id)),
        direction="up",
    ),
    _ind(
        "campaign_participants",
        _l("Participants in activities"),
        _l("people"),
        lambda s, c, p: _activities(s, c, p, sa.func.coalesce(sa.func.sum(Activity.headcount), 0)),
    ),
    _ind(
        "green_families",
        _l("Green families"),
        _l("households"),
        _count(EnvironmentSelection, _green, _selected_in),
        stock=True,
    ),
]

BY_NAME = {i.name: i for i in INDICATORS}


def community_summary(session: Session, community: Node) -> dict[str, Any]:
    """This year's headline figures of one community, for its overview."""
    communities = sa.select(sa.literal(community.id))
    period = Period.year(today().year)
    memo: dict[str, Any] = {}
    return {
        key: evaluate(session, BY_NAME, f"{MODULE}.{key}", communities, period, memo).value
        for key in ("issues_overdue", "issues_found", "pass_rate", "letters_rate",
                    "complaints", "sorting_participation")
    }  # fmt: skip

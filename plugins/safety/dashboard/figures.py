"""The safety figures (安全生产统计) of a community, a street or a district: what each counts,
as one SQL aggregate over one table (``core.figures`` computes them per area and per community).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.figures import Figure, FigureSet, Source, within
from core.reports import Period
from tenants.models import Node

from ..common import MODULE, today
from ..hazards.workflow import NOT_CLOSED
from ..key_posts.rules import certified_on
from ..models import (
    SafetyAccident,
    SafetyEnterprise,
    SafetyHazard,
    SafetyInspection,
    SafetyKeyPost,
    SafetyTrainee,
    SafetyTraining,
)
from ..training.services import THREE_POSTS, live_trainees


def _open_on(day: date) -> tuple[sa.ColumnElement[bool], ...]:
    """Hazards open on ``day``, as two exclusive conditions counted apart (each through its own
    index): found by then and not closed, or closed only after it (a closed hazard counts as
    open before its ``closed_on``)."""
    found = SafetyHazard.found_on <= day
    return (
        sa.and_(SafetyHazard.status != NOT_CLOSED, found),
        sa.and_(SafetyHazard.status == NOT_CLOSED, SafetyHazard.closed_on > day, found),
    )


def _rectified(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        within(SafetyHazard.found_on, period),
        SafetyHazard.status == "closed",
        SafetyHazard.closed_on <= period.end,
    )


# The unit of a count of each source's rows; a source is named after the ledger it opens onto.
UNITS = {
    "hazard": _l("hazards"),
    "inspection": _l("inspections"),
    "key_post": _l("people"),
    "enterprise": _l("enterprises"),
    "accident": _l("accidents"),
}
PEOPLE = _l("people")


def count(
    key: str, label: Any, source: str, where: Callable[[Any], Any], description: Any, **kw: Any
) -> Figure:
    """A count of the live rows of ``source`` where ``where`` holds: ``where(period)`` for what
    happened in the period, ``where(as_of)`` for a stock (open on the as-of day). The figure
    opens onto those rows of the ledger of the same name (its drill-down)."""
    on = (lambda p, d: where(d)) if kw.get("stock") else (lambda p, d: where(p))
    # ``arms=True``: ``where`` gives exclusive conditions whose counts add up (Figure.arms).
    given = {"arms": on} if kw.pop("arms", False) else {"where": on}
    return Figure(
        key, label, UNITS[source], source, records=source, description=description, **given, **kw
    )


def share(key: str, label: Any, share_of: tuple[str, str], description: Any) -> Figure:
    """The percentage of one count in another (their keys), taken from the summed counts of an
    area's communities; higher is better."""
    return Figure(key, label, "%", share_of=share_of, direction="up", description=description)


def in_period(column: Any) -> Callable[[Period], sa.ColumnElement[bool]]:
    """The rows whose date ``column`` falls in the period."""
    return lambda period: within(column, period)


def accident_sum(amount: Any) -> Callable[[Period, date], sa.ColumnElement[Any]]:
    """The sum of ``amount`` over the accidents that occurred in the period."""
    return lambda p, d: sa.func.sum(
        sa.case((within(SafetyAccident.occurred_on, p), amount), else_=0)
    )


FIGURES: tuple[Figure, ...] = (
    count(
        "hazards_found",
        _l("Hazards found"),
        "hazard",
        in_period(SafetyHazard.found_on),
        _l("Hidden dangers found in the period (by the day they were found)"),
    ),
    count(
        "hazards_closed",
        _l("Hazards closed"),
        "hazard",
        lambda p: sa.and_(SafetyHazard.status == "closed", within(SafetyHazard.closed_on, p)),
        _l("Hidden dangers closed in the period, whenever they were found"),
    ),
    count(
        "hazards_overdue",
        _l("Overdue hazards"),
        "hazard",
        lambda d: tuple(sa.and_(arm, SafetyHazard.deadline < d) for arm in _open_on(d)),
        _l("Open hidden dangers past their deadline on the as-of day"),
        direction="down",
        stock=True,
        arms=True,
    ),
    share(
        "rectification_rate",
        _l("Rectification rate"),
        ("hazards_rectified", "hazards_found"),
        _l(
            "Of the hidden dangers found in the period, the share closed by its end; an area's "
            "rate comes from its communities' summed counts, never from their rates"
        ),
    ),
    count(
        "hazards_rectified",
        _l("Hazards found in the period and rectified"),
        "hazard",
        _rectified,
        _l("Hidden dangers found in the period and closed by its end"),
    ),
    count(
        "major_open",
        _l("Open major hazards"),
        "hazard",
        lambda d: tuple(sa.and_(SafetyHazard.severity == "major", arm) for arm in _open_on(d)),
        _l("Major hidden dangers not closed on the as-of day"),
        direction="down",
        stock=True,
        arms=True,
    ),
    count(
        "inspections_done",
        _l("Inspections done"),
        "inspection",
        in_period(SafetyInspection.done_on),
        _l("Inspections done in the period"),
    ),
    Figure(
        "trained",
        _l("Three-key-post staff trained"),
        PEOPLE,
        "trainee",
        lambda p, d: sa.func.count(sa.distinct(sa.case((_trained(p), _person()), else_=None))),
        direction="up",
        description=_l(
            "Three-key-post staff who passed a training session held in the period; a person "
            "(name and enterprise) trained twice counts once. Its target is held at the street "
            "and split to the communities (Targets)"
        ),
    ),
    count(
        "key_posts",
        _l("Key-post staff on duty"),
        "key_post",
        lambda d: SafetyKeyPost.on_duty.is_(True),
        _l("Holders of the three key posts on duty on the roster on the as-of day"),
        stock=True,
    ),
    count(
        "key_posts_certified",
        _l("Key-post staff certified"),
        "key_post",
        certified_on,
        _l("Key-post staff on duty whose certificate is valid on the as-of day (持证上岗)"),
        stock=True,
    ),
    share(
        "certified_rate",
        _l("Certified on duty rate"),
        ("key_posts_certified", "key_posts"),
        _l(
            "Of the key-post staff on duty, the share holding a valid certificate (持证上岗率); "
            "an area's rate comes from its communities' summed counts"
        ),
    ),
    count(
        "enterprises",
        _l("Enterprises on the ledger"),
        "enterprise",
        lambda d: sa.true(),
        _l("Enterprises on the ledger on the as-of day"),
        stock=True,
    ),
    count(
        "enterprises_standardised",
        _l("Standardised enterprises"),
        "enterprise",
        lambda d: SafetyEnterprise.standardisation == "compliant",
        _l("Enterprises on the ledger whose safety standardisation is compliant"),
        direction="up",
        stock=True,
    ),
    count(
        "accidents",
        _l("Number of accidents"),
        "accident",
        in_period(SafetyAccident.occurred_on),
        _l("Production safety accidents that occurred in the period (起数)"),
        direction="down",
    ),
    Figure(
        "accident_deaths",
        _l("Deaths in accidents"),
        PEOPLE,
        "accident",
        accident_sum(SafetyAccident.deaths),
        direction="down",
        description=_l("People killed in the accidents of the period"),
    ),
    Figure(
        "accident_injuries",
        _l("Injured in accidents"),
        PEOPLE,
        "accident",
        accident_sum(SafetyAccident.serious_injuries + SafetyAccident.minor_injuries),
        direction="down",
        description=_l("People seriously or slightly injured in the accidents of the period"),
    ),
    Figure(
        "accident_loss",
        _l("Direct economic loss"),
        _l("10,000 yuan"),
        "accident",
        accident_sum(SafetyAccident.direct_loss),
        decimals=2,
        direction="down",
        description=_l("Direct economic loss of the accidents of the period, in 10,000 yuan"),
    ),
)


def _trained(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        SafetyTrainee.passed.is_(True),
        SafetyTrainee.post.in_(THREE_POSTS),
        within(SafetyTraining.held_on, period),
    )


def _person() -> sa.ColumnElement[Any]:
    """Who a trainee is, for counting people rather than passes: name and enterprise within the
    community (the same name at another enterprise is another person)."""
    enterprise = sa.func.coalesce(SafetyTrainee.enterprise_id, 0)
    return (
        sa.cast(SafetyTrainee.community_id, sa.String)
        + "|"
        + sa.cast(enterprise, sa.String)
        + "|"
        + SafetyTrainee.name
    )


def _sources() -> dict[str, Source]:
    """Each table the figures are taken from, with its live rows."""

    def live(model: Any) -> Source:
        return Source(
            model.community_id, lambda s: s.select_from(model).where(model.deleted_at.is_(None))
        )

    return {
        "hazard": live(SafetyHazard),
        "inspection": live(SafetyInspection),
        "trainee": Source(SafetyTrainee.community_id, live_trainees),
        "enterprise": live(SafetyEnterprise),
        "accident": live(SafetyAccident),
        "key_post": live(SafetyKeyPost),
    }


SAFETY = FigureSet(MODULE, FIGURES, _sources)


def community_summary(session: Session, community: Node) -> dict[str, Any]:
    """The overview's figures: the dashboard's figures of the community for this year (overdue
    and major hazards open as of today), plus the hazards open now."""
    day = today()
    communities = sa.select(sa.literal(community.id))
    figures = SAFETY.per_community(session, communities, Period.year(day.year))
    open_now = session.scalar(
        sa.select(sa.func.count()).where(
            SafetyHazard.community_id == community.id,
            SafetyHazard.deleted_at.is_(None),
            SafetyHazard.status != NOT_CLOSED,
        )
    )
    return {**figures[community.id], "open": open_now or 0}

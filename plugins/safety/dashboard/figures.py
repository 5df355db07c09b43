"""The safety figures (安全生产统计) of a community, a street or a district: what each counts,
as one SQL aggregate over one table (``core.figures`` computes them per area and per community).
"""

from __future__ import annotations

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
from ..training.services import THREE_POSTS


def _open_on(day: date) -> sa.ColumnElement[bool]:
    """Hazards open on ``day``: found by then and not closed by then (a closed hazard counts as
    open before its ``closed_on``)."""
    return sa.and_(
        SafetyHazard.found_on <= day,
        sa.or_(SafetyHazard.status != NOT_CLOSED, SafetyHazard.closed_on > day),
    )


def _rectified(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        within(SafetyHazard.found_on, period),
        SafetyHazard.status == "closed",
        SafetyHazard.closed_on <= period.end,
    )


HAZARDS, PERCENT, INSPECTIONS, PEOPLE, ENTERPRISES, ACCIDENTS, TEN_THOUSAND_YUAN = (
    _l("hazards"),
    "%",
    _l("inspections"),
    _l("people"),
    _l("enterprises"),
    _l("accidents"),
    _l("10,000 yuan"),
)

FIGURES: tuple[Figure, ...] = (
    Figure(
        "hazards_found",
        _l("Hazards found"),
        HAZARDS,
        "hazards",
        where=lambda p, d: within(SafetyHazard.found_on, p),
        records="hazard",
        description=_l("Hidden dangers found in the period (by the day they were found)"),
    ),
    Figure(
        "hazards_closed",
        _l("Hazards closed"),
        HAZARDS,
        "hazards",
        where=lambda p, d: sa.and_(
            SafetyHazard.status == "closed", within(SafetyHazard.closed_on, p)
        ),
        records="hazard",
        description=_l("Hidden dangers closed in the period, whenever they were found"),
    ),
    Figure(
        "hazards_overdue",
        _l("Overdue hazards"),
        HAZARDS,
        "hazards",
        where=lambda p, d: sa.and_(_open_on(d), SafetyHazard.deadline < d),
        records="hazard",
        stock=True,
        direction="down",
        description=_l("Open hidden dangers past their deadline on the as-of day"),
    ),
    Figure(
        "rectification_rate",
        _l("Rectification rate"),
        PERCENT,
        share_of=("hazards_rectified", "hazards_found"),
        direction="up",
        description=_l(
            "Of the hidden dangers found in the period, the share closed by its end; an area's "
            "rate comes from its communities' summed counts, never from their rates"
        ),
    ),
    Figure(
        "hazards_rectified",
        _l("Hazards found in the period and rectified"),
        HAZARDS,
        "hazards",
        where=lambda p, d: _rectified(p),
        records="hazard",
        description=_l("Hidden dangers found in the period and closed by its end"),
    ),
    Figure(
        "major_open",
        _l("Open major hazards"),
        HAZARDS,
        "hazards",
        where=lambda p, d: sa.and_(SafetyHazard.severity == "major", _open_on(d)),
        records="hazard",
        stock=True,
        direction="down",
        description=_l("Major hidden dangers not closed on the as-of day"),
    ),
    Figure(
        "inspections_done",
        _l("Inspections done"),
        INSPECTIONS,
        "inspections",
        where=lambda p, d: within(SafetyInspection.done_on, p),
        records="inspection",
        description=_l("Inspections done in the period"),
    ),
    Figure(
        "trained",
        _l("Three-key-post staff trained"),
        PEOPLE,
        "trainees",
        lambda p, d: sa.func.count(sa.distinct(sa.case((_trained(p), _person()), else_=None))),
        direction="up",
        description=_l(
            "Three-key-post staff who passed a training session held in the period; a person "
            "(name and enterprise) trained twice counts once. Its target is held at the street "
            "and split to the communities (Targets)"
        ),
    ),
    Figure(
        "key_posts",
        _l("Key-post staff on duty"),
        PEOPLE,
        "key_posts",
        where=lambda p, d: SafetyKeyPost.on_duty.is_(True),
        records="key_post",
        stock=True,
        description=_l("Holders of the three key posts on duty on the roster on the as-of day"),
    ),
    Figure(
        "key_posts_certified",
        _l("Key-post staff certified"),
        PEOPLE,
        "key_posts",
        where=lambda p, d: certified_on(d),
        records="key_post",
        stock=True,
        description=_l(
            "Key-post staff on duty whose certificate is valid on the as-of day (持证上岗)"
        ),
    ),
    Figure(
        "certified_rate",
        _l("Certified on duty rate"),
        PERCENT,
        share_of=("key_posts_certified", "key_posts"),
        direction="up",
        description=_l(
            "Of the key-post staff on duty, the share holding a valid certificate (持证上岗率); "
            "an area's rate comes from its communities' summed counts"
        ),
    ),
    Figure(
        "enterprises",
        _l("Enterprises on the ledger"),
        ENTERPRISES,
        "enterprises",
        where=lambda p, d: sa.true(),
        records="enterprise",
        stock=True,
        description=_l("Enterprises on the ledger on the as-of day"),
    ),
    Figure(
        "enterprises_standardised",
        _l("Standardised enterprises"),
        ENTERPRISES,
        "enterprises",
        where=lambda p, d: SafetyEnterprise.standardisation == "compliant",
        records="enterprise",
        stock=True,
        direction="up",
        description=_l("Enterprises on the ledger whose safety standardisation is compliant"),
    ),
    Figure(
        "accidents",
        _l("Number of accidents"),
        ACCIDENTS,
        "accidents",
        where=lambda p, d: within(SafetyAccident.occurred_on, p),
        records="accident",
        direction="down",
        description=_l("Production safety accidents that occurred in the period (起数)"),
    ),
    Figure(
        "accident_deaths",
        _l("Deaths in accidents"),
        PEOPLE,
        "accidents",
        lambda p, d: sa.func.sum(
            sa.case((within(SafetyAccident.occurred_on, p), SafetyAccident.deaths), else_=0)
        ),
        direction="down",
        description=_l("People killed in the accidents of the period"),
    ),
    Figure(
        "accident_injuries",
        _l("Injured in accidents"),
        PEOPLE,
        "accidents",
        lambda p, d: sa.func.sum(
            sa.case(
                (
                    within(SafetyAccident.occurred_on, p),
                    SafetyAccident.serious_injuries + SafetyAccident.minor_injuries,
                ),
                else_=0,
            )
        ),
        direction="down",
        description=_l("People seriously or slightly injured in the accidents of the period"),
    ),
    Figure(
        "accident_loss",
        _l("Direct economic loss"),
        TEN_THOUSAND_YUAN,
        "accidents",
        lambda p, d: sa.func.sum(
            sa.case((within(SafetyAccident.occurred_on, p), SafetyAccident.direct_loss), else_=0)
        ),
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
        "hazards": live(SafetyHazard),
        "inspections": live(SafetyInspection),
        "trainees": Source(
            SafetyTrainee.community_id,
            lambda s: (
                s.select_from(SafetyTrainee)
                .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
                .where(SafetyTrainee.deleted_at.is_(None), SafetyTraining.deleted_at.is_(None))
            ),
        ),
        "enterprises": live(SafetyEnterprise),
        "accidents": live(SafetyAccident),
        "key_posts": live(SafetyKeyPost),
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

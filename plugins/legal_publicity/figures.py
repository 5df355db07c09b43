"""The module's figures (programs/legal_publicity.md, Indicators): one SQL aggregate each over
the communities of a subtree where the module is on, for a period. Rates are ratios of two
counts, so a street's rate is its summed numerator over its summed denominator. Figures of the
resettlement register are counts only, withheld below five (S3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.activities.models import Activity, ActivityMaterial
from core.activities.services import counting_for
from core.sdk import Indicator, Period, count_held, today

from .common import MODULE, RESETTLEMENT_VIEW
from .mediation.models import LpDispute, LpFollowup, LpScreening, LpScreeningItem
from .mediation.vocabularies import MASS_PEOPLE, RUNNING
from .publicity.models import LpBoard, LpConsult, LpStudy
from .publicity.rules import boards_overdue_clause
from .resettlement.models import LpResettled
from .resettlement.vocabularies import IN_CARE

Compute = Callable[[Session, sa.Select, Period], Any]
S3_BELOW = 5  # counts of people in care from 1 to 4 are withheld


def _as_of(period: Period) -> date:
    """A stock is taken on the period's last day, or today while the period runs."""
    return min(period.end, today())


def _count(model: Any, day_column: str, *where: Any) -> Compute:
    """Live rows of ``model`` in the communities whose ``day_column`` falls in the period."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        day = getattr(model, day_column)
        stmt = sa.select(sa.func.count(model.id)).where(
            model.community_id.in_(communities),
            model.deleted_at.is_(None),
            day.between(period.start, period.end),
            *where,
        )
        return session.scalar(stmt) or 0

    return compute


def _activities(*kinds: str, groups: tuple[str, ...] = (), forms: tuple[str, ...] = ()) -> Compute:
    """普法 activities (of ``kinds``) held in the period; with ``groups``, for those groups;
    with ``forms``, taking one of those forms (a lecture)."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        if not groups and not forms:
            return count_held(session, MODULE, communities, period.start, period.end, kinds)
        rows = session.execute(
            _held(communities, period, kinds).with_only_columns(
                Activity.target_groups, Activity.forms
            )
        )
        return sum(
            1
            for targets, taken in rows
            if (not groups or set(targets or ()) & set(groups))
            and (not forms or set(taken or ()) & set(forms))
        )

    return compute


def _held(communities: sa.Select, period: Period, kinds: tuple[str, ...] = ()) -> sa.Select:
    stmt = sa.select(Activity.id).where(
        Activity.community_id.in_(communities),
        Activity.deleted_at.is_(None),
        Activity.held_on.between(period.start, period.end),
        counting_for(MODULE),
    )
    return stmt.where(Activity.kind.in_(kinds)) if kinds else stmt


def audience(session: Session, communities: sa.Select, period: Period) -> int:
    """受教育人次: the headcount of the period's activities."""
    held = _held(communities, period).with_only_columns(sa.func.sum(Activity.headcount))
    return session.scalar(held) or 0


def materials(session: Session, communities: sa.Select, period: Period) -> int:
    """发放资料: copies handed out at the period's activities."""
    stmt = sa.select(sa.func.sum(ActivityMaterial.quantity)).where(
        ActivityMaterial.activity_id.in_(_held(communities, period)),
        ActivityMaterial.deleted_at.is_(None),
    )
    return session.scalar(stmt) or 0


def monthly_law_months(session: Session, communities: sa.Select, period: Period) -> int:
    """ "每月一法"完成月数: the months of the period with a 每月一法 activity, per community."""
    rows = session.execute(
        _held(communities, period, ("monthly_law",)).with_only_columns(
            Activity.community_id, Activity.held_on
        )
    )
    return len({(community, day.year, day.month) for community, day in rows})


def boards(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count(LpBoard.id)).where(
        LpBoard.community_id.in_(communities),
        LpBoard.deleted_at.is_(None),
        LpBoard.set_up_on <= _as_of(period),
    )
    return session.scalar(stmt) or 0


def boards_on_time(session: Session, communities: sa.Select, period: Period) -> int:
    """Boards not overdue for renewal on the day the figure is taken."""
    day = _as_of(period)
    stmt = sa.select(sa.func.count(LpBoard.id)).where(
        LpBoard.community_id.in_(communities),
        LpBoard.deleted_at.is_(None),
        LpBoard.set_up_on <= day,
        sa.not_(boards_overdue_clause(day)),
    )
    return session.scalar(stmt) or 0


def _sum(model: Any, column: str, day_column: str) -> Compute:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.sum(getattr(model, column))).where(
            model.community_id.in_(communities),
            model.deleted_at.is_(None),
            getattr(model, day_column).between(period.start, period.end),
        )
        return session.scalar(stmt) or 0

    return compute


def disputes_found(session: Session, communities: sa.Select, period: Period) -> int:
    """Disputes found by the period's screenings (their items)."""
    stmt = (
        sa.select(sa.func.count(LpScreeningItem.id))
        .join(LpScreening, LpScreening.id == LpScreeningItem.screening_id)
        .where(
            LpScreeningItem.community_id.in_(communities),
            LpScreeningItem.deleted_at.is_(None),
            LpScreening.deleted_at.is_(None),
            LpScreening.held_on.between(period.start, period.end),
        )
    )
    return session.scalar(stmt) or 0


def amount(session: Session, communities: sa.Select, period: Period) -> float:
    """涉及金额 of the cases accepted in the period, in yuan."""
    stmt = sa.select(sa.func.sum(LpDispute.amount)).where(
        LpDispute.community_id.in_(communities),
        LpDispute.deleted_at.is_(None),
        LpDispute.accepted_on.between(period.start, period.end),
    )
    return float(session.scalar(stmt) or 0)


def overdue(session: Session, communities: sa.Select, period: Period) -> int:
    """超期未结: cases running past their deadline on the day the figure is taken."""
    stmt = sa.select(sa.func.count(LpDispute.id)).where(
        LpDispute.community_id.in_(communities),
        LpDispute.deleted_at.is_(None),
        LpDispute.status.in_(RUNNING),
        LpDispute.deadline < _as_of(period),
    )
    return session.scalar(stmt) or 0


def followed_up(session: Session, communities: sa.Select, period: Period) -> int:
    """Agreements of the period followed up (at least once)."""
    followed = sa.select(LpFollowup.dispute_id).where(LpFollowup.deleted_at.is_(None))
    return _count(
        LpDispute,
        "outcome_on",
        LpDispute.outcome.in_(("written", "oral")),
        LpDispute.id.in_(followed),
    )(session, communities, period)


def fulfilled(session: Session, communities: sa.Select, period: Period) -> int:
    """Agreements of the period whose latest follow-up found them kept."""
    kept = sa.select(LpFollowup.dispute_id).where(
        LpFollowup.deleted_at.is_(None), LpFollowup.fulfilment == "kept"
    )
    return _count(
        LpDispute, "outcome_on", LpDispute.outcome.in_(("written", "oral")), LpDispute.id.in_(kept)
    )(session, communities, period)


def _in_care(*where: Any) -> Compute:
    """People in care (reported, not ended) on the day the figure is taken."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.count(LpResettled.id)).where(
            LpResettled.community_id.in_(communities),
            LpResettled.deleted_at.is_(None),
            LpResettled.status.in_(IN_CARE),
            LpResettled.reported_on <= _as_of(period),
            *where,
        )
        return session.scalar(stmt) or 0

    return compute


def _resettled(*where: Any, day_column: str = "released_on") -> Compute:
    return _count(LpResettled, day_column, *where)


def _indicator(key: str, label: Any, unit: Any, compute: Compute, **options: Any) -> Indicator:
    return Indicator(f"{MODULE}.{key}", label, unit, compute, module=MODULE, **options)


def _rate(key: str, label: Any, numerator: str, denominator: str, **options: Any) -> Indicator:
    return Indicator(
        f"{MODULE}.{key}",
        label,
        "%",
        kind="ratio",
        numerator=f"{MODULE}.{numerator}",
        denominator=f"{MODULE}.{denominator}",
        module=MODULE,
        direction="up",
        **options,
    )


TIMES, PEOPLE, COPIES, CASES = _l("times"), _l("people"), _l("copies"), _l("cases")
concluded = ("written", "oral", "failed")


def indicators() -> list[Indicator]:
    """Every figure of the spec's table that the registers hold."""
    # 安置帮教: counts only, small ones withheld; at a community, only for those who may see
    # the register there (the street's 司法所, the named cadre).
    s3 = {"suppress_below": S3_BELOW, "community_permission": RESETTLEMENT_VIEW}
    return [
        _indicator(
            "activities", _l("Legal publicity activities"), TIMES, _activities(), direction="up"
        ),
        _indicator("audience", _l("People reached by legal publicity"), PEOPLE, audience),
        _indicator("materials", _l("Publicity materials handed out"), COPIES, materials),
        _indicator(
            "monthly_law",
            _l("Months with a law of the month"),
            _l("months"),
            monthly_law_months,
            direction="up",
        ),
        _indicator(
            "constitution_day",
            _l("Constitution Day activities"),
            TIMES,
            _activities("constitution"),
        ),
        _indicator(
            "youth_law",
            _l("Legal lectures for young people"),
            TIMES,
            _activities(groups=("youth",), forms=("lecture",)),
        ),
        _indicator("boards", _l("Publicity boards"), _l("boards"), boards, stock=True),
        _indicator(
            "boards_on_time", _l("Boards renewed on time"), _l("boards"), boards_on_time, stock=True
        ),
        _rate(
            "board_on_time",
            _l("Boards renewed on time (rate)"),
            "boards_on_time",
            "boards",
            stock=True,
        ),
        _indicator(
            "leaders_studied",
            _l("Residents' group leaders who studied the law"),
            PEOPLE,
            _sum(LpStudy, "leaders_attended", "held_on"),
        ),
        _indicator(
            "consultations", _l("Legal consultations"), TIMES, _count(LpConsult, "consulted_on")
        ),
        _indicator(
            "aid_referrals",
            _l("Referrals to legal aid"),
            TIMES,
            _count(LpConsult, "consulted_on", LpConsult.referral == "legal_aid"),
        ),
        _indicator(
            "screenings",
            _l("Dispute screenings"),
            TIMES,
            _count(LpScreening, "held_on"),
            direction="up",
        ),
        _indicator("disputes_found", _l("Disputes found"), CASES, disputes_found),
        _indicator("accepted", _l("Cases accepted"), CASES, _count(LpDispute, "accepted_on")),
        _indicator(
            "resolved",
            _l("Cases mediated successfully"),
            CASES,
            _count(LpDispute, "outcome_on", LpDispute.outcome.in_(("written", "oral"))),
        ),
        _indicator(
            "written",
            _l("Written agreements"),
            CASES,
            _count(LpDispute, "outcome_on", LpDispute.outcome == "written"),
        ),
        _indicator(
            "oral",
            _l("Oral agreements"),
            CASES,
            _count(LpDispute, "outcome_on", LpDispute.outcome == "oral"),
        ),
        _indicator(
            "concluded",
            _l("Cases concluded"),
            CASES,
            _count(LpDispute, "outcome_on", LpDispute.outcome.in_(concluded)),
        ),
        _rate("success_rate", _l("Mediation success rate"), "resolved", "concluded"),
        _indicator("followed_up", _l("Agreements followed up"), CASES, followed_up),
        _indicator("fulfilled", _l("Agreements fulfilled"), CASES, fulfilled),
        _rate("followup_rate", _l("Follow-up rate"), "followed_up", "resolved"),
        _rate("fulfilment_rate", _l("Fulfilment rate"), "fulfilled", "resolved"),
        _indicator(
            "confirmed",
            _l("Judicial confirmations"),
            CASES,
            _count(LpDispute, "judicial_confirm_on"),
        ),
        _indicator("overdue", _l("Cases overdue"), CASES, overdue, stock=True, direction="down"),
        _indicator("amount", _l("Amount involved in mediation"), _l("yuan"), amount),
        _indicator(
            "mass_disputes",
            _l("Mass disputes"),
            CASES,
            _count(
                LpDispute,
                "registered_on",
                sa.or_(LpDispute.people >= MASS_PEOPLE, LpDispute.risk == "mass"),
            ),
            direction="down",
        ),
        _indicator(
            "in_care", _l("Persons in resettlement care"), PEOPLE, _in_care(), stock=True, **s3
        ),
        _indicator("released", _l("Persons released in the period"), PEOPLE, _resettled(), **s3),
        _indicator(
            "handed_over",
            _l("Released persons reported in time"),
            PEOPLE,
            _resettled(LpResettled.reported_on <= LpResettled.report_due),
            **s3,
        ),
        _rate(
            "handover_rate",
            _l("Hand-over rate"),
            "handed_over",
            "released",
            community_permission=RESETTLEMENT_VIEW,
        ),
        _indicator(
            "placed",
            _l("Persons in care placed"),
            PEOPLE,
            _in_care(LpResettled.placement != "none"),
            stock=True,
            **s3,
        ),
        _rate(
            "placement_rate",
            _l("Placement rate"),
            "placed",
            "in_care",
            stock=True,
            community_permission=RESETTLEMENT_VIEW,
        ),
        _indicator(
            "reoffending",
            _l("Persons in care who reoffended"),
            PEOPLE,
            _resettled(LpResettled.status == "reoffended", day_column="ended_on"),
            direction="down",
            **s3,
        ),
        _indicator(
            "unsupervised",
            _l("Persons in care out of contact"),
            PEOPLE,
            _resettled(LpResettled.status == "lost", day_column="ended_on"),
            direction="down",
            **s3,
        ),
    ]


def community_overview(session: Session, community: Any, year: int) -> dict[str, Any]:
    """The year's headline figures of one community, for its overview page."""
    communities = sa.select(sa.literal(community.id))
    period = Period.year(year)
    return {
        "activities": _activities()(session, communities, period),
        "monthly_law": monthly_law_months(session, communities, period),
        "screenings": _count(LpScreening, "held_on")(session, communities, period),
        "accepted": _count(LpDispute, "accepted_on")(session, communities, period),
        "overdue": overdue(session, communities, period),
        "boards_overdue": boards(session, communities, period)
        - boards_on_time(session, communities, period),
    }

"""居家养老's own rules and figures. The ledger (``ledgers.py``) writes, lists, exports and keeps
the history of visits; what is eldercare's is here: a visit is recorded once, the month against
each community's target, the indicators and the street's roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import Conflict, Period, node_refs

from .models import EldercareVisit

MODULE = "eldercare"
VIEW = "eldercare.view"
EDIT = "eldercare.edit"
RESTORE = "eldercare.restore"
SENSITIVE = "eldercare.sensitive.view"


def visit_title(visit: EldercareVisit) -> str:
    """How a visit is named on its page, in the history and the audit log."""
    return f"{visit.elder_name} {visit.visit_date.isoformat()}"


def check_visit(
    session: Session, community: Any, data: dict[str, Any], visit: EldercareVisit | None
) -> None:
    """A visit of one kind to one elder on one day is recorded once (a form sent twice, two
    workers recording the same call): the second is refused with a 409 naming the date."""
    elder = data.get("elder_name", visit.elder_name if visit else None)
    day = data.get("visit_date", visit.visit_date if visit else None)
    kind = data.get("kind", visit.kind if visit else None) or "home"
    stmt = sa.select(EldercareVisit.id).where(
        EldercareVisit.community_id == community.id,
        EldercareVisit.elder_name == elder,
        EldercareVisit.visit_date == day,
        EldercareVisit.kind == kind,
    )
    if visit is not None:
        stmt = stmt.where(EldercareVisit.id != visit.id)
    if session.scalar(stmt.limit(1)) is not None:
        message = _(
            "This visit to %(elder)s on %(date)s is already recorded.",
            elder=elder,
            date=day.isoformat(),
        )
        raise Conflict(message, {"visit_date": [message]})


@dataclass(frozen=True)
class ElderMonth:
    elder_name: str
    visits: int  # this month
    last_visit: date
    below: bool  # fewer visits this month than the community's target


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_summary(session: Session, community_id: int, target: int, on: date) -> list[ElderMonth]:
    """Elders visited in the last three months, with their visits in ``on``'s month."""
    first = on.replace(day=1)
    this_month = sa.func.sum(sa.case((EldercareVisit.visit_date >= first, 1), else_=0))
    stmt = (
        sa.select(EldercareVisit.elder_name, this_month, sa.func.max(EldercareVisit.visit_date))
        .where(
            EldercareVisit.community_id == community_id,
            EldercareVisit.visit_date >= _months_before(first, 2),
            EldercareVisit.visit_date <= on,
        )
        .group_by(EldercareVisit.elder_name)
        .order_by(EldercareVisit.elder_name)
    )
    return [
        ElderMonth(name, int(visits or 0), last, int(visits or 0) < target)
        for name, visits, last in session.execute(stmt)
    ]


def _in_period(communities: sa.Select, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        EldercareVisit.community_id.in_(communities),
        EldercareVisit.visit_date.between(period.start, period.end),
    )


def count_visits(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``eldercare.visits``: visits in the period in the given communities."""
    stmt = sa.select(sa.func.count(EldercareVisit.id)).where(_in_period(communities, period))
    return session.scalar(stmt) or 0


def count_elders_visited(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``eldercare.elders_visited``: elders (per community) visited in the period."""
    elders = (
        sa.select(EldercareVisit.community_id, EldercareVisit.elder_name)
        .where(_in_period(communities, period))
        .distinct()
        .subquery()
    )
    return session.scalar(sa.select(sa.func.count()).select_from(elders)) or 0


def rollup(
    session: Session, clause: sa.ColumnElement[bool], period: Period
) -> list[dict[str, Any]]:
    """Visits and elders visited per community, for the rows ``clause`` lets through; one
    GROUP BY, then the communities' names in one query."""
    stmt = (
        sa.select(
            EldercareVisit.community_id,
            sa.func.count(EldercareVisit.id),
            sa.func.count(sa.distinct(EldercareVisit.elder_name)),
        )
        .where(clause, EldercareVisit.visit_date.between(period.start, period.end))
        .group_by(EldercareVisit.community_id)
    )
    counts = session.execute(stmt).all()
    nodes = node_refs(session, {community_id for community_id, _v, _e in counts})
    items = [
        {
            "community": nodes[community_id].ref,
            "name": nodes[community_id].name,
            "visits": visits,
            "elders": elders,
        }
        for community_id, visits, elders in counts
    ]
    return sorted(items, key=lambda item: item["community"])

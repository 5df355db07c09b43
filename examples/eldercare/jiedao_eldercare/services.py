"""Writes and queries of home-care visits. Writes add to the caller's session, with their audit
entry; the view commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import DomainError
from core.reports import Period
from tenants.models import Node

from .models import EldercareVisit

MODULE = "eldercare"


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``), not the server's."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else None
    return datetime.now(ZoneInfo(zone or "Asia/Shanghai")).date()


def visits_query(community_id: int, elder: str | None = None) -> sa.Select:
    """A community's visits, latest first (optionally of one elder)."""
    stmt = (
        sa.select(EldercareVisit)
        .where(EldercareVisit.community_id == community_id)
        .order_by(EldercareVisit.visit_date.desc(), EldercareVisit.id.desc())
    )
    if elder:
        stmt = stmt.where(EldercareVisit.elder_name == elder)
    return stmt


def record_visit(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> EldercareVisit:
    """Record a visit in ``community`` from data validated by ``VisitSchema``."""
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))
    visit = EldercareVisit(
        elder_name=data["elder_name"],
        visit_date=data["visit_date"],
        visitor=data["visitor"],
        needs=(data.get("needs") or "").strip(),
        notes=(data.get("notes") or "").strip(),
        node_id=community.id,
        recorded_by_id=getattr(user, "id", None),
    )
    session.add(visit)
    session.flush()
    audit.record(
        "eldercare.visit.create",
        node=community.as_ref(),
        object_type=EldercareVisit.__tablename__,
        object_id=visit.id,
        summary=_(
            "Recorded a home visit to %(elder)s on %(date)s",
            elder=visit.elder_name,
            date=visit.visit_date.isoformat(),
        ),
    )
    return visit


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
    """Visits and elders visited per community, for the rows ``clause`` lets through."""
    stmt = (
        sa.select(
            Node.ref,
            Node.name,
            sa.func.count(EldercareVisit.id),
            sa.func.count(sa.distinct(EldercareVisit.elder_name)),
        )
        .join(Node, Node.id == EldercareVisit.community_id)
        .where(clause, EldercareVisit.visit_date.between(period.start, period.end))
        .group_by(Node.ref, Node.name)
        .order_by(Node.ref)
    )
    return [
        {"community": ref, "name": name, "visits": visits, "elders": elders}
        for ref, name, visits, elders in session.execute(stmt)
    ]


def export_rows(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Rows of the ``eldercare.visits`` export: what the user may see, by community and date."""
    stmt = (
        sa.select(EldercareVisit, Node.name)
        .join(Node, Node.id == EldercareVisit.community_id)
        .where(scope_clause(EldercareVisit))
        .order_by(Node.ref, EldercareVisit.visit_date, EldercareVisit.id)
    )
    for visit, community in session.execute(stmt):
        yield {
            "community": community,
            "elder_name": visit.elder_name,
            "visit_date": visit.visit_date.isoformat(),
            "visitor": visit.visitor,
            "needs": visit.needs,
            "notes": visit.notes,
        }

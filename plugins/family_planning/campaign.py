"""集中服务活动 (the campaign, e.g. the May publicity month, 004 l.27-28): a street cadre spends
at least 20 days in the communities and visits at least 100 key families; a community cadre
visits every woman on the register of their area (the ``visit_coverage`` figure of a period).

:func:`street_cadres` gives, for a street or district and a period, every staff member who made
a family-planning visit there: the days out, the families visited and whether a street cadre
met the quota. One query for the visits, one for who holds a role at a street.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.models import Assignment, User
from core.reports import Period
from core.visits.models import VisitVisitor
from tenants.models import Node

from .visits.ledgers import VISITS

CADRE_DAYS = 20  # days out in the communities (004 l.27)
CADRE_FAMILIES = 100  # key families visited (004 l.28)


def street_cadres(
    session: Session, node: Node, period: Period, visible: sa.ColumnElement[bool]
) -> list[dict[str, Any]]:
    """Each visitor's days out and families visited in ``period`` under ``node`` (a street or a
    district) among the visits ``visible`` admits, the street cadres first; ``meets`` for a
    street cadre, None for the others."""
    visit = VISITS.ledger.model
    key = visit.subject_kind.concat(":").concat(sa.cast(visit.subject_id, sa.String))
    under = visit.street_id == node.id if node.kind == "street" else visit.district_id == node.id
    stmt = (
        sa.select(
            User.id,
            User.display_name,
            sa.func.count(sa.distinct(visit.visited_on)),
            sa.func.count(sa.distinct(key)),
        )
        .join(VisitVisitor, VisitVisitor.user_id == User.id)
        .join(visit, visit.id == VisitVisitor.visit_id)
        .where(
            under,
            visible,
            visit.deleted_at.is_(None),
            visit.visited_on.between(period.start, period.end),
        )
        .group_by(User.id, User.display_name)
    )
    rows = session.execute(stmt).all()
    streets = sa.select(Node.id).where(Node.kind == "street")
    at_street = set(
        session.scalars(
            sa.select(Assignment.user_id).where(
                Assignment.user_id.in_([row[0] for row in rows]),
                Assignment.node_id.in_(streets),
            )
        )
    )
    found = [
        {
            "user_id": uid,
            "name": name,
            "street_cadre": uid in at_street,
            "days": int(days),
            "families": int(families),
            "meets": (days >= CADRE_DAYS and families >= CADRE_FAMILIES)
            if uid in at_street
            else None,
        }
        for uid, name, days, families in rows
    ]
    return sorted(found, key=lambda r: (not r["street_cadre"], r["name"], r["user_id"]))

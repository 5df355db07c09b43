"""Where a registry record is placed: a building of its community (or the community itself),
so a building leader's scope reaches the residents, households and units of their building."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node, NodeKind


def buildings(session: Session, community: Node) -> list[Node]:
    """The community's buildings (for the forms' select), by code."""
    stmt = (
        sa.select(Node)
        .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
        .order_by(Node.code)
    )
    return list(session.scalars(stmt))


def building_in(session: Session, community: Node, ref: str) -> Node:
    """The building ``ref`` (its ref, code or name) if it is in ``community``; refused otherwise."""
    text = (ref or "").strip()
    candidates = session.scalars(
        sa.select(Node).where(
            Node.kind == NodeKind.BUILDING,
            sa.or_(
                Node.ref == text,
                sa.and_(Node.community_id == community.id, Node.code == text),
                sa.and_(Node.community_id == community.id, Node.name == text),
            ),
        )
    ).all()
    for node in candidates:
        if node.community_id == community.id:
            return node
    if candidates:
        refuse(
            "building",
            _(
                "The building %(building)s is not in %(community)s.",
                building=text,
                community=community.name,
            ),
        )
    refuse(
        "building",
        _(
            "There is no building %(building)s in %(community)s.",
            building=text,
            community=community.name,
        ),
    )


def communities_by_id(session: Session, ids: set[int]) -> dict[int, Node]:
    """The nodes (communities) of ``ids``, by id, in one query."""
    if not ids:
        return {}
    return {n.id: n for n in session.scalars(sa.select(Node).where(Node.id.in_(ids)))}

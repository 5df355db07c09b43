"""Where a registry record is placed: a building of its community (or the community itself),
so a building leader's scope reaches the residents, households and units of their building."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.db import db
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


def building_choices(key: str) -> Callable[[], dict[Any, str]]:
    """The choices of the page's community's buildings, keyed by their ``key`` (``id`` for a
    list filter, ``ref`` for a form); none outside a community (a street's list or export)."""

    def choices() -> dict[Any, str]:
        if "community" not in g:
            return {}
        return {getattr(b, key): b.name for b in buildings(db.session, g.community)}

    return choices


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

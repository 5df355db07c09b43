"""The place picker of the account pages and the audit log: places in the user's scope for a
permission, found by name or code, each named with the community or street it lies in (a
street has many 第一网格)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.permissions import Scope
from core.tree import NodeRef, ancestor_ids, node_refs, node_table, subtree_clause

PICK_LIMIT = 20
OUTER_KINDS = ("community", "street", "district")  # what a place is named with, nearest first


def search(
    session: Session,
    scope: Scope,
    permission: str,
    text: str,
    *,
    kinds: Sequence[str] = (),
    within: str | None = None,
) -> list[NodeRef]:
    """Up to :data:`PICK_LIMIT` places where ``permission`` is held whose name holds ``text``
    or whose code starts with it, the higher ones (shorter paths) first; only of ``kinds``
    when given, only beneath the path ``within`` when given (a preset's district)."""
    text = (text or "").strip()[:64]
    roots = scope.nodes(permission)
    if not text or not roots:
        return []
    narrower = []
    if kinds:
        narrower.append(node_table.c.kind.in_(list(kinds)))
    if within:
        narrower.append(subtree_clause(node_table.c.path, within))
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        sa.select(
            node_table.c.id,
            node_table.c.kind,
            node_table.c.ref,
            node_table.c.name,
            node_table.c.path,
        )
        .where(
            sa.or_(*(subtree_clause(node_table.c.path, root.path) for root in roots)),
            sa.or_(
                node_table.c.name.like(f"%{like}%", escape="\\"),
                node_table.c.ref.like(f"{like}%", escape="\\"),
            ),
            *narrower,
        )
        .order_by(sa.func.length(node_table.c.path), node_table.c.ref)
        .limit(PICK_LIMIT)
    )
    return [NodeRef(*row) for row in session.execute(stmt)]


def labelled(session: Session, places: list[NodeRef]) -> list[dict[str, str]]:
    """``{"id": ref, "label": "第一网格 (ref) · 永安里东社区"}`` for the picker: each place with
    the nearest community, street or district above it, all named in one query."""
    above = {i for place in places for i in ancestor_ids(place.path)[:-1]}
    outer = node_refs(session, above)
    items = []
    for place in places:
        ancestors = [outer[i] for i in ancestor_ids(place.path)[:-1] if i in outer]
        container = next(
            (a for kind in OUTER_KINDS for a in reversed(ancestors) if a.kind == kind), None
        )
        label = f"{place.name} ({place.ref})"
        items.append(
            {"id": place.ref, "label": f"{label} · {container.name}" if container else label}
        )
    return items


def search_users(session: Session, scope: Scope, permission: str, text: str) -> list[dict]:
    """``{"id": username, "label": "显示名 (username)"}`` for a people picker: up to
    :data:`PICK_LIMIT` accounts of the part of the tree where ``permission`` is held whose
    username or display name holds ``text``."""
    from core.models import User

    text = (text or "").strip()[:64]
    roots = scope.nodes(permission)
    if not text or not roots:
        return []
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (
        sa.select(User.username, User.display_name)
        .where(
            User.__scope_clause__(roots),
            sa.or_(
                User.username.ilike(like, escape="\\"), User.display_name.like(like, escape="\\")
            ),
        )
        .order_by(User.username)
        .limit(PICK_LIMIT)
    )
    return [{"id": name, "label": f"{shown} ({name})"} for name, shown in session.execute(stmt)]

"""Tree operations. Views check permissions and call these; these validate, write and audit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, DomainError
from core.tree import NodeRef, ancestor_ids, subtree_clause
from tenants.codes import code_error, make_ref
from tenants.models import ALLOWED_PARENTS, KIND_LABELS, Node, NodeKind, NodeStatus

NAME_MAX = 100


def _community_code(parent: Node | None, session: Session) -> str | None:
    """The community code a grid/building ref is built from."""
    if parent is None or parent.community_id is None:
        return None
    if parent.kind == NodeKind.COMMUNITY:
        return parent.code
    community = session.get(Node, parent.community_id)
    return community.code if community else None


def name_error(name: str) -> str | None:
    """Why ``name`` (already stripped) cannot name a node, or None."""
    if not name:
        return _("This field is required.")
    if len(name) > NAME_MAX:
        return _("Must be at most %(max)s characters.", max=NAME_MAX)
    return None


def placement_error(kind: NodeKind, parent_kind: NodeKind | None) -> str | None:
    """Why a ``kind`` node cannot sit under a ``parent_kind`` node (None: a root), or None."""
    allowed = ALLOWED_PARENTS[kind]
    if (parent_kind is None and not allowed) or (
        parent_kind is not None and parent_kind in allowed
    ):
        return None
    names = "、".join(str(KIND_LABELS[k]) for k in allowed) or _("none (it is a root)")
    return _(
        "A %(kind)s can only be placed under: %(parents)s.", kind=KIND_LABELS[kind], parents=names
    )


@dataclass(frozen=True)
class TreeKeys:
    """Where a node sits: its materialized path, depth and denormalized ancestor keys."""

    path: str
    depth: int
    district_id: int | None
    street_id: int | None
    community_id: int | None


def tree_keys(node_id: int, kind: NodeKind, parent: Node | TreeKeys | None) -> TreeKeys:
    """The path and keys of a new node with id ``node_id`` under ``parent`` — the one rule for
    :func:`create_node` and for batched inserts (imports)."""
    return TreeKeys(
        path=f"{parent.path if parent else '/'}{node_id}/",
        depth=(parent.depth + 1) if parent else 0,
        district_id=node_id
        if kind == NodeKind.DISTRICT
        else (parent.district_id if parent else None),
        street_id=node_id if kind == NodeKind.STREET else (parent.street_id if parent else None),
        community_id=(
            node_id if kind == NodeKind.COMMUNITY else (parent.community_id if parent else None)
        ),
    )


def notify_created(session: Session, node: NodeRef) -> None:
    """Tell plugins about a new node (``jiedao_node_created``)."""
    if has_app_context() and "jiedao.plugins" in current_app.extensions:
        current_app.extensions["jiedao.plugins"].call(
            "jiedao_node_created", session=session, node=node
        )


def notify_created_many(session: Session, nodes: Sequence[NodeRef]) -> None:
    """:func:`notify_created` for each of many new nodes (an import), in their order; when no
    plugin implements ``jiedao_node_created`` nothing is called at all, not once per node."""
    if not nodes or not has_app_context() or "jiedao.plugins" not in current_app.extensions:
        return
    plugins = current_app.extensions["jiedao.plugins"]
    if not plugins.manager.hook.jiedao_node_created.get_hookimpls():
        return
    for node in nodes:
        plugins.call("jiedao_node_created", session=session, node=node)


def _validate_name(name: str) -> str:
    name = (name or "").strip()
    error = name_error(name)
    if error:
        raise DomainError(_("Some fields are not valid."), {"name": [error]})
    return name


def _validated_ref(
    session: Session, kind: NodeKind, code: str, parent: Node | None, exclude_id: int | None = None
) -> str:
    error = code_error(
        kind, code, NodeKind(parent.kind) if parent else None, parent.code if parent else None
    )
    if error:
        raise DomainError(_("Some fields are not valid."), {"code": [error]})
    ref = make_ref(kind, code, _community_code(parent, session))
    clash = session.scalar(sa.select(Node.id).where(Node.ref == ref, Node.id != (exclude_id or 0)))
    if clash is not None:
        if kind in (NodeKind.GRID, NodeKind.BUILDING):
            message = _("Code %(code)s is already used in this community.", code=code)
        else:
            message = _("Code %(code)s is already used.", code=code)
        raise Conflict(message, {"code": [message]})
    return ref


def record_node_event(
    action: str,
    node: Node,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    at: Node | None = None,
) -> None:
    """Audit something that happened to ``node``: every tree entry names the node (object type
    ``node``, its ref) and is logged at a place — the node itself, or ``at`` (the old and new
    parent of a move, the target of a merge), so each place's history shows it."""
    audit.record(
        action,
        node=(at if at is not None else node).as_ref(),
        object_type="node",
        object_id=node.ref,
        summary=summary,
        details=details,
    )


def create_node(session: Session, *, parent: Node | None, kind: str, code: str, name: str) -> Node:
    """Add a node under ``parent`` (``None`` only for a district), validating kind, code and name."""
    try:
        node_kind = NodeKind(kind)
    except ValueError:
        raise DomainError(
            _("Some fields are not valid."), {"kind": [_("Unknown kind of node.")]}
        ) from None
    message = placement_error(node_kind, NodeKind(parent.kind) if parent else None)
    if message:
        raise DomainError(message, {"parent": [message]})
    if parent is not None and parent.status == NodeStatus.ARCHIVED:
        raise DomainError(_("Nothing can be added under an archived node."))
    name = _validate_name(name)
    code = (code or "").strip()
    ref = _validated_ref(session, node_kind, code, parent)

    node = Node(parent=parent, kind=node_kind.value, code=code, ref=ref, name=name)
    session.add(node)
    session.flush()  # the id is part of the path
    keys = tree_keys(node.id, node_kind, parent)
    node.path, node.depth = keys.path, keys.depth
    node.district_id, node.street_id, node.community_id = (
        keys.district_id,
        keys.street_id,
        keys.community_id,
    )
    notify_created(session, node.as_ref())
    record_node_event(
        "node.create",
        node,
        _("Created %(kind)s %(name)s (%(code)s)", kind=node.kind_label, name=name, code=code),
    )
    return node


def update_node(
    session: Session, node: Node, *, name: str | None = None, code: str | None = None
) -> Node:
    """Rename a node or correct its code. Codes of nodes with children change only through
    tree changes, because their children's codes and references are built on them."""
    if node.status == NodeStatus.ARCHIVED:
        raise DomainError(_("An archived node is read-only."))
    changes: dict[str, list[str]] = {}
    if name is not None:
        name = _validate_name(name)
        if name != node.name:
            changes["name"] = [node.name, name]
    if code is not None and code.strip() != node.code:
        code = code.strip()
        has_children = session.scalar(sa.select(sa.func.count()).where(Node.parent_id == node.id))
        if has_children and node.kind in (NodeKind.DISTRICT, NodeKind.STREET, NodeKind.COMMUNITY):
            message = _("The code of a node with children cannot be changed here.")
            raise DomainError(message, {"code": [message]})
        parent = session.get(Node, node.parent_id) if node.parent_id else None
        node.ref = _validated_ref(session, NodeKind(node.kind), code, parent, exclude_id=node.id)
        changes["code"] = [node.code, code]
        node.code = code
    if "name" in changes:
        node.name = changes["name"][1]
    if changes:
        record_node_event("node.update", node, _("Changed %(name)s", name=node.name), changes)
    return node


def ancestors(session: Session, node: Node) -> list[Node]:
    """The node's ancestors from the root down, in one query."""
    ids = ancestor_ids(node.path)[:-1]
    if not ids:
        return []
    by_id = {n.id: n for n in session.scalars(sa.select(Node).where(Node.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def descendant_counts(session: Session, node: Node) -> dict[str, int]:
    """How many nodes of each kind lie beneath ``node``."""
    stmt = (
        sa.select(Node.kind, sa.func.count())
        .where(subtree_clause(Node.path, node.path), Node.id != node.id)
        .group_by(Node.kind)
    )
    return dict(session.execute(stmt).all())


# For children of a given kind, the column on descendants that names that child.
_CHILD_KEY = {
    NodeKind.DISTRICT: Node.district_id,  # a district is a root of the tree page
    NodeKind.STREET: Node.street_id,
    NodeKind.COMMUNITY: Node.community_id,
    NodeKind.GRID: Node.parent_id,
}


@dataclass
class ChildRow:
    node: Node
    counts: dict[str, int]


def children_with_counts(
    session: Session, parent: Node | None, *, page_nodes: list[Node]
) -> list[ChildRow]:
    """Descendant counts by kind for a page of children, in one grouped query per child kind."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for child in page_nodes:
        by_kind[child.kind].append(child.id)
    for kind, ids in by_kind.items():
        key = _CHILD_KEY.get(NodeKind(kind))
        if key is None:
            continue
        stmt = (
            sa.select(key, Node.kind, sa.func.count())
            .where(key.in_(ids), Node.id.not_in(ids))
            .group_by(key, Node.kind)
        )
        for owner, child_kind, count in session.execute(stmt):
            counts[owner][child_kind] = count
    return [ChildRow(child, counts.get(child.id, {})) for child in page_nodes]


TREE_CHILDREN = 200  # children shown when a node of the tree is expanded; the rest on its page


@dataclass
class TreeLevel:
    """The children of one expanded node, each with its counts (one grouped query per kind of
    child), and how many more there are than are shown."""

    parent: Node
    rows: list[ChildRow]
    more: int


def tree_level(session: Session, parent: Node, *, keep: Node | None = None) -> TreeLevel:
    """The first :data:`TREE_CHILDREN` children of ``parent`` with their counts; ``keep`` (a
    child on the path to a search match) is among them even when it sorts later."""
    children = list(session.scalars(children_query(parent).limit(TREE_CHILDREN)))
    more = 0
    if len(children) == TREE_CHILDREN:
        total = session.scalar(
            sa.select(sa.func.count()).select_from(Node).where(Node.parent_id == parent.id)
        )
        more = (total or 0) - len(children)
    if keep is not None and keep.parent_id == parent.id and keep not in children:
        children.append(keep)
        more -= 1
    return TreeLevel(parent, children_with_counts(session, parent, page_nodes=children), more)


def path_to(session: Session, node: Node, roots: list[Node]) -> list[Node]:
    """The nodes from the user's root that holds ``node`` down to it (empty if none does)."""
    root = next((r for r in roots if node.path.startswith(r.path)), None)
    if root is None:
        return []
    return [n for n in [*ancestors(session, node), node] if n.depth >= root.depth]


def paths_of(session: Session, nodes: list[Node]) -> dict[int, list[Node]]:
    """Each node's ancestors from the root down, for a page of search results in one query."""
    wanted = {i for n in nodes for i in ancestor_ids(n.path)[:-1]}
    by_id = (
        {n.id: n for n in session.scalars(sa.select(Node).where(Node.id.in_(wanted)))}
        if wanted
        else {}
    )
    return {n.id: [by_id[i] for i in ancestor_ids(n.path)[:-1] if i in by_id] for n in nodes}


def children_query(parent: Node) -> sa.Select:
    return sa.select(Node).where(Node.parent_id == parent.id).order_by(Node.kind, Node.code)


def search_query(text: str, kind: str | None = None) -> sa.Select:
    """Nodes whose name contains ``text`` or whose code starts with it."""
    stmt = sa.select(Node)
    text = (text or "").strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            sa.or_(
                Node.name.like(f"%{escaped}%", escape="\\"),
                Node.code.like(f"{escaped}%", escape="\\"),
                Node.ref.like(f"{escaped}%", escape="\\"),
            )
        )
    if kind:
        stmt = stmt.where(Node.kind == kind)
    return stmt.order_by(Node.depth, Node.ref)


def find_by_ref(session: Session, ref: str) -> Node | None:
    return session.scalar(sa.select(Node).where(Node.ref == ref))

"""What core knows of the tenant tree: a schema contract, not an import.

Core never imports ``tenants``. It needs only a few facts about tree nodes — id, kind, code, name
and the materialized path — to check permissions and filter queries, so it reads them from the
``tenants_node`` table through this lightweight table clause. ``tenants.models.Node`` is the ORM
model that owns the table and must keep these columns.

A materialized path is the chain of node ids, e.g. ``/1/7/42/``. The subtree of a node is every
path that starts with its path, which :func:`subtree_clause` turns into a range predicate that a
plain B-tree index serves on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

NODE_TABLE = "tenants_node"

# Kinds from the root down; the position is the depth a kind normally sits at.
KINDS: tuple[str, ...] = ("district", "street", "community", "grid", "building")

node_table = sa.table(
    NODE_TABLE,
    sa.column("id", sa.Integer),
    sa.column("parent_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("code", sa.String),
    sa.column("ref", sa.String),
    sa.column("name", sa.String),
    sa.column("path", sa.String),
    sa.column("status", sa.String),
)


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A tree node as core sees it."""

    id: int
    kind: str
    ref: str
    name: str
    path: str

    def contains(self, other: NodeRef | str) -> bool:
        """True when ``other`` (a node or a path) is this node or lies beneath it."""
        path = other if isinstance(other, str) else other.path
        return path.startswith(self.path)


def _upper_bound(path: str) -> str:
    # Paths end with "/"; the next byte after "/" is "0", so [path, path[:-1] + "0") is the subtree.
    return path[:-1] + "0"


def subtree_clause(column: Any, path: str) -> sa.ColumnElement[bool]:
    """``column`` lies in the subtree whose root has materialized path ``path``."""
    return sa.and_(column >= path, column < _upper_bound(path))


def _select_node_refs() -> sa.Select:
    """The columns of a :class:`NodeRef`, in the order of its fields, so ``NodeRef(*row)``
    builds one from each row."""
    return sa.select(
        node_table.c.id, node_table.c.kind, node_table.c.ref, node_table.c.name, node_table.c.path
    )


def node_ref(session: Session, *, id: int | None = None, ref: str | None = None) -> NodeRef | None:
    """Load one node's core facts by id or by its global reference (code)."""
    stmt = _select_node_refs()
    if id is not None:
        stmt = stmt.where(node_table.c.id == id)
    elif ref is not None:
        stmt = stmt.where(node_table.c.ref == ref)
    else:
        raise ValueError("give id or ref")
    row = session.execute(stmt).first()
    return NodeRef(*row) if row else None


def node_refs(session: Session, ids: set[int]) -> dict[int, NodeRef]:
    if not ids:
        return {}
    stmt = _select_node_refs().where(node_table.c.id.in_(ids))
    return {row.id: NodeRef(*row) for row in session.execute(stmt)}


def ancestor_ids(path: str) -> list[int]:
    """Ids along a path from the root to the node itself."""
    return [int(part) for part in path.strip("/").split("/") if part]

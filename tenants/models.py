"""Tree nodes; the ``TenantOwned`` mixin (defined in ``core.tenancy``) gets its keys filled here.

``TenantOwned``, ``key_in`` and ``keyed_scope_clause`` are re-exported for existing imports.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base, PathString, TimestampMixin
from core.tenancy import TenantOwned, keyed_scope_clause
from core.tree import NODE_TABLE, NodeRef, subtree_clause


class NodeKind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    BUILDING = "building"


class NodeStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


KIND_LABELS = {
    NodeKind.DISTRICT: _l("District"),
    NodeKind.STREET: _l("Street"),
    NodeKind.COMMUNITY: _l("Community"),
    NodeKind.GRID: _l("Grid"),
    NodeKind.BUILDING: _l("Building"),
}
STATUS_LABELS = {NodeStatus.ACTIVE: _l("Active"), NodeStatus.ARCHIVED: _l("Archived")}

# Which kinds may sit directly under which. Districts are roots (a city deployment holds several).
ALLOWED_PARENTS: dict[NodeKind, tuple[NodeKind, ...]] = {
    NodeKind.DISTRICT: (),
    NodeKind.STREET: (NodeKind.DISTRICT,),
    NodeKind.COMMUNITY: (NodeKind.STREET,),
    NodeKind.GRID: (NodeKind.COMMUNITY,),
    NodeKind.BUILDING: (NodeKind.COMMUNITY, NodeKind.GRID),
}
CHILD_KINDS: dict[NodeKind, tuple[NodeKind, ...]] = {
    kind: tuple(k for k, parents in ALLOWED_PARENTS.items() if kind in parents) for kind in NodeKind
}


class Node(TimestampMixin, Base):
    """One place in the tree.

    ``code`` is what people use: the 统计用区划代码 of districts (6 digits), streets (9) and
    communities (12), or a short code unique in its community for grids and buildings. ``ref`` is
    the code made unique across the deployment (``<community code>-b<code>`` for a building,
    ``-g`` for a grid) and names the node in URLs. ``path`` is the materialized path of ids.
    ``district_id``/``street_id``/``community_id`` are this node's own ancestors of those kinds
    (or itself), so tenant-owned rows copy them instead of walking the tree.
    """

    __tablename__ = NODE_TABLE
    __table_args__ = (
        sa.Index("ix_tenants_node_path", "path"),
        sa.Index("ix_tenants_node_parent_id_name", "parent_id", "name"),
        sa.Index("ix_tenants_node_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(32))
    ref: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(16), default=NodeStatus.ACTIVE.value)
    path: Mapped[str] = mapped_column(PathString(), default="")
    depth: Mapped[int] = mapped_column(default=0)
    district_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    street_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    community_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    archived_at: Mapped[datetime | None]
    # Set when this community was merged into another (it is archived and points there).
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"))

    parent: Mapped[Node | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    merged_into: Mapped[Node | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[NodeKind(self.kind)])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[NodeStatus(self.status)])

    @property
    def is_archived(self) -> bool:
        return self.status == NodeStatus.ARCHIVED

    def as_ref(self) -> NodeRef:
        return NodeRef(self.id, self.kind, self.ref, self.name, self.path)

    @classmethod
    def __scope_clause__(cls, nodes: list[NodeRef]) -> sa.ColumnElement[bool]:
        """Nodes in the subtrees: key equalities for districts/streets/communities, path ranges below."""
        return keyed_scope_clause(
            cls, nodes, lambda deep: sa.or_(*(subtree_clause(cls.path, n.path) for n in deep))
        )

    def __repr__(self) -> str:
        return f"<Node {self.kind} {self.ref} {self.name}>"


def copy_tenant_keys(row: Any, node: Node) -> None:
    row.district_id = node.district_id
    row.street_id = node.street_id
    row.community_id = node.community_id


def _refuse_if_archived(node: Node | None) -> None:
    if node is not None and node.status == NodeStatus.ARCHIVED:
        from core.errors import Conflict

        raise Conflict(_("%(place)s is archived: its records are read-only.", place=node.name))


@event.listens_for(Session, "before_flush")
def _fill_tenant_keys(session: Session, _context: Any, _instances: Any) -> None:
    """Copy the owning node's keys onto new and changed rows, and refuse every write of a row
    that belongs (or belonged, before a re-homing) to an archived node: archived places keep
    their data read-only, whatever code path tries to write it."""
    for obj in session.deleted:
        if isinstance(obj, TenantOwned):
            _refuse_if_archived(session.get(Node, obj.node_id))
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantOwned):
            continue
        node = obj.node if obj.node is not None else session.get(Node, obj.node_id)
        if obj in session.dirty:
            if not session.is_modified(obj, include_collections=False):
                continue
            previous = sa.inspect(obj).attrs.node_id.history.deleted
            if previous and previous[0] is not None and previous[0] != obj.node_id:
                _refuse_if_archived(session.get(Node, previous[0]))
        _refuse_if_archived(node)
        if node is None:
            continue
        if (obj.district_id, obj.street_id, obj.community_id) != (
            node.district_id,
            node.street_id,
            node.community_id,
        ):
            copy_tenant_keys(obj, node)

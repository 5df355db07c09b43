"""今日待办: what the signed-in user has to see to, across modules, counted in their scope.

A module declares its sources (``jiedao_workbench``): a table, the predicate of the rows that
need someone today (overdue hidden dangers, expired certificates), the permission that reads
them and the list that shows them. The home page counts every source at each of the user's
topmost places for that permission, in communities where the module is on — one query per
source whatever the number of rows and places — and links each count to the list at that place,
filtered to exactly the rows counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import Session

from core.figures import count_if
from core.permissions import Scope
from core.tenancy import enabled_communities, plugin_system
from core.tree import NodeRef

LEVELS = ("overdue", "due", "todo")  # red first, then what is due soon, then the rest


@dataclass(frozen=True)
class WorkSource:
    """One kind of work item. ``where(day)``: the rows that need someone on ``day``;
    ``endpoint``: the community list that shows them (``args`` filter it to those rows);
    ``rollup_endpoint``: the same list across a street or district, if the module has one."""

    key: str
    label: Any
    model: Any
    where: Callable[[date], sa.ColumnElement[bool]]
    permission: str
    endpoint: str
    rollup_endpoint: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    level: str = "due"
    module: str = ""


@dataclass(frozen=True)
class WorkItem:
    """A source's count at one of the user's places, and where to see the rows."""

    source: WorkSource
    node: NodeRef
    count: int

    @property
    def url(self) -> str | None:
        if self.node.kind == "community":
            return url_for(self.source.endpoint, community=self.node.ref, **self.source.args)
        if self.source.rollup_endpoint is None:
            return None
        return url_for(self.source.rollup_endpoint, node=self.node.ref, **self.source.args)


def sources() -> list[WorkSource]:
    """Every active plugin's work sources, each stamped with its module."""
    return [
        s if s.module else replace(s, module=name)
        for name, found in plugin_system().call("jiedao_workbench")
        for s in found
    ]


def count(session: Session, source: WorkSource, nodes: list[NodeRef], day: date) -> list[int]:
    """The source's rows at each of ``nodes`` (their subtrees), in communities where its module
    is on: one query."""
    model = source.model
    stmt = (
        sa.select(*(count_if(model.__scope_clause__([node])) for node in nodes))
        .select_from(model)
        .where(
            model.__scope_clause__(nodes),
            model.community_id.in_(enabled_communities(source.module)),
            source.where(day),
        )
    )
    return [int(n or 0) for n in session.execute(stmt).one()]


def work_items(session: Session, scope: Scope, day: date) -> list[Any]:
    """The user's work items with something to do, overdue first, then by count."""
    items: list[WorkItem] = []
    for source in sources():
        nodes = scope.nodes(source.permission)
        if not nodes:
            continue
        counts = count(session, source, nodes, day)
        items += [WorkItem(source, n, c) for n, c in zip(nodes, counts, strict=True) if c]
    from core.filing.services import work_items as filing_items

    items += filing_items(session, scope, day)  # reports to file: one query per report
    rank = {level: i for i, level in enumerate(LEVELS)}
    return sorted(items, key=lambda i: (rank.get(i.source.level, len(LEVELS)), -i.count))

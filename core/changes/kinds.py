"""What a module declares to take change reports: :class:`ChangeKind`.

A kind names the change (``move_in``), its label (迁入), the marshmallow schema of its facts (with
labels and sensitivity, as a ledger's), the fields that pick a record of the reporter's building
(``subjects``: field → ``options(session, building)``, e.g. the households of the building), and
``apply``, which writes the approved change into the module's tables in the caller's transaction
and returns a line saying what it did — or raises ``DomainError`` to refuse the approval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.tenancy import enabled_communities, module_table, plugin_system
from core.tree import NodeRef

Options = Callable[[Session, NodeRef], dict[int, str]]
Apply = Callable[[Session, Any, dict[str, Any]], str]


@dataclass(frozen=True)
class ChangeKind:
    """One kind of change a building leader can report. ``icon`` is a short text (an emoji or
    a character) on the kind's big button; ``order`` places the button."""

    key: str
    label: Any
    schema: type[ma.Schema]
    apply: Apply
    subjects: dict[str, Options] = field(default_factory=dict)
    description: Any = ""
    icon: str = ""
    order: int = 100
    module: str = ""

    def load(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The facts loaded through the kind's schema (``ValidationError`` names the fields)."""
        return self.schema().load(raw)

    def dump(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Loaded facts as JSON keeps them (dates as ISO text), without empty ones."""
        dumped = self.schema().dump(facts)
        return {k: v for k, v in dumped.items() if v not in (None, "")}


def all_kinds() -> dict[str, ChangeKind]:
    """Every active module's change kinds by key, each stamped with its module (first wins)."""
    found: dict[str, ChangeKind] = {}
    for name, kinds in plugin_system().call("jiedao_change_kinds"):
        for kind in kinds or []:
            found.setdefault(kind.key, kind if kind.module else replace(kind, module=name))
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def kinds_at(session: Session, community_id: int) -> dict[str, ChangeKind]:
    """The kinds whose module is on at the community, in their order (one query)."""
    kinds = all_kinds()
    modules = {k.module for k in kinds.values()}
    if not modules:
        return {}
    enabled = set(
        session.scalars(
            sa.select(module_table.c.module).where(
                module_table.c.community_id == community_id,
                module_table.c.module.in_(sorted(modules)),
                module_table.c.enabled.is_(True),
            )
        )
    )
    return {key: kind for key, kind in kinds.items() if kind.module in enabled}


def modules_clause(model: Any, modules: set[str]) -> sa.ColumnElement[bool]:
    """Rows of ``model`` (with ``module`` and ``community_id``) whose module is on at their
    community: one ``IN`` per module."""
    if not modules:
        return sa.false()
    return sa.or_(
        *(
            sa.and_(model.module == m, model.community_id.in_(enabled_communities(m)))
            for m in sorted(modules)
        )
    )

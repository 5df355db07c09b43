"""Soft delete, applied centrally: ORM queries see only live rows of soft-deletable tables.

Every top-level ORM SELECT gets ``deleted_at IS NULL`` for each :class:`core.db.SoftDeleteMixin`
entity it reads (``with_loader_criteria``), so no list, count, search or ``session.get`` can
forget it. Code that means to read deleted rows — the "deleted records" list, restore — says
so with :func:`including_deleted` (``stmt.execution_options(include_deleted=True)``).
Relationship loads are left alone: a hazard still names the enterprise it was found at after the
enterprise left the ledger.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from core.db import SoftDeleteMixin

S = TypeVar("S", bound=sa.Executable)
INCLUDE_DELETED = "include_deleted"


def including_deleted(stmt: S) -> S:
    """``stmt`` reading deleted rows too."""
    return stmt.execution_options(**{INCLUDE_DELETED: True})


def get_any(session: Session, model: Any, ident: Any) -> Any:
    """``session.get`` that also finds a deleted row."""
    return session.get(model, ident, execution_options={INCLUDE_DELETED: True})


@event.listens_for(Session, "do_orm_execute")
def _only_live_rows(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(
                SoftDeleteMixin,
                lambda cls: cls.deleted_at.is_(None),
                include_aliases=True,
                propagate_to_loaders=False,
            )
        )

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
from sqlalchemy.orm import ORMExecuteState, Session, relationship, with_loader_criteria

from core.db import SoftDeleteMixin

S = TypeVar("S", bound=sa.Executable)
INCLUDE_DELETED = "include_deleted"
LIVE = "deleted_at IS NULL"  # a partial index's rows: the live ones


def including_deleted(stmt: S) -> S:
    """``stmt`` reading deleted rows too."""
    return stmt.execution_options(**{INCLUDE_DELETED: True})


def get_any(session: Session, model: Any, ident: Any) -> Any:
    """``session.get`` that also finds a deleted row."""
    return session.get(model, ident, execution_options={INCLUDE_DELETED: True})


def partial_index(name: str, *columns: str, where: str = LIVE, unique: bool = False) -> sa.Index:
    """An index of the rows ``where`` holds (SQL text; default: the live rows), alike on SQLite
    and PostgreSQL: a register's number unique among the records not deleted, say."""
    return sa.Index(
        name, *columns, unique=unique, sqlite_where=sa.text(where), postgresql_where=sa.text(where)
    )


def live_rows(
    child: str, key: str, parent: str, *, where: str = "", back_populates: str | None = None
) -> Any:
    """A read-only relationship to the live rows of the model ``child`` whose ``key`` names
    this record of ``parent``, in the order they were made (relationship loads see deleted
    rows otherwise). ``where``: a further condition in the same terms
    (``"SafetyHazard.status != 'closed'"``)."""
    conditions = [f"{child}.{key} == {parent}.id", *filter(None, [where])]
    return relationship(
        back_populates=back_populates,
        primaryjoin=f"and_({', '.join(conditions)}, {child}.deleted_at.is_(None))",
        viewonly=True,
        order_by=f"{child}.id",
    )


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

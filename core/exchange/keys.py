"""Primary keys for a batch of new rows, taken in one statement before the rows are written.

Why: the ORM writes new rows whose ids the database assigns one at a time on SQLite (it needs
each row's ``lastrowid``) and, on PostgreSQL, as multi-row ``INSERT … RETURNING`` statements of
thousands of parameters that the driver parses and the server plans per statement — most of an
import's time. Rows that carry their ids already go in as one plain ``executemany``, what a bare
bulk insert costs, and through the same flush: listeners (tenant keys, archived places), cascades
and relationships work as before.

- PostgreSQL: ``nextval`` of the column's sequence for ``n`` rows of ``generate_series``; safe
  under concurrency by the sequence's own guarantee (a rolled-back import leaves a gap, as a
  rolled-back ``INSERT`` does).
- SQLite: the ids after the highest one stored (and after ``sqlite_sequence``'s, for an
  ``AUTOINCREMENT`` table: what SQLite itself would give), read once the transaction holds the
  database's write lock — a statement that writes nothing takes it — so no other connection can
  insert until this transaction ends, and this session inserts nothing else in between.
- Other databases: nothing is reserved; the ORM assigns ids as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


def _id_column(table: sa.Table) -> sa.Column | None:
    """The table's single integer primary key the database numbers, else None."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        return None
    column = keys[0]
    if column is not table.autoincrement_column:
        return None
    if column.default is not None or column.server_default is not None:
        return None
    return column


def reserve_ids(session: Session, table: sa.Table, count: int) -> Sequence[int] | None:
    """``count`` ids for new rows of ``table`` that no other row can take, in the session's
    transaction; None where the table's ids cannot be reserved so (the database assigns them)."""
    column = _id_column(table)
    if column is None or count <= 0:
        return None
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        name = table.fullname
        sequence = connection.scalar(sa.select(sa.func.pg_get_serial_sequence(name, column.name)))
        if sequence is None:
            return None
        series = sa.func.generate_series(1, count).table_valued("n")
        return list(connection.scalars(sa.select(sa.func.nextval(sequence)).select_from(series)))
    if dialect == "sqlite":
        # An UPDATE matching no row takes the write lock all the same (tests/core: two
        # connections), and the lock is held until the transaction ends.
        connection.execute(sa.update(table).where(sa.false()).values({column.name: column}))
        highest = connection.scalar(sa.select(sa.func.max(column))) or 0
        if table.dialect_options["sqlite"].get("autoincrement"):
            seq = sa.table("sqlite_sequence", sa.column("name"), sa.column("seq"))
            used = connection.scalar(sa.select(seq.c.seq).where(seq.c.name == table.name))
            highest = max(highest, used or 0)
        return range(highest + 1, highest + 1 + count)
    return None


def assign_ids(session: Session) -> int:
    """Give the session's pending new rows their ids, one statement per table, so that the
    next flush inserts them with ``executemany``; returns how many got one. Rows of a mapping
    over several tables (joined inheritance) and rows given an id already are left alone."""
    waiting: dict[sa.Table, list[tuple[Any, str]]] = {}
    for obj in session.new:
        mapper = sa.inspect(obj).mapper
        if len(mapper.tables) != 1:
            continue
        table = mapper.local_table
        if not isinstance(table, sa.Table):
            continue
        column = _id_column(table)
        if column is None:
            continue
        key = mapper.get_property_by_column(column).key
        if getattr(obj, key) is None:
            waiting.setdefault(table, []).append((obj, key))
    given = 0
    for table, rows in waiting.items():
        rows.sort(key=lambda row: sa.inspect(row[0]).insert_order)  # ids in the order added
        ids = reserve_ids(session, table, len(rows))
        if ids is None:
            continue
        for (obj, key), value in zip(rows, ids, strict=True):
            setattr(obj, key, value)
        given += len(rows)
    return given

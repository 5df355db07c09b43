"""Ledger numbers ``<prefix><year>-<serial>`` — 隐患编号 ``YH2026-0001``, 整改通知书编号
``ZG2026-0001`` — counted per community, prefix and year, that concurrent writers never draw twice.

A model declares its numbered columns, column → prefix (or → ``Numbered(prefix, label)`` when
the column needs its own name next to the ledger's), and the human name of its ledger::

    class SafetyHazard(TenantOwned, Base):
        __label__ = _l("Hidden dangers")
        __numbered__ = {"number": "YH", "notice_number": Numbered("ZG", _l("Notice number"))}

and its service draws a number in the transaction that stores it::

    hazard.number = numbering.next_number(session, SafetyHazard.number, community.id, year)

The model needs a ``community_id`` column (every ``TenantOwned`` row has one) and one primary key
column. Give each ledger its own prefix: a counter is keyed by (community, prefix, year).

How: one row per (community, prefix, year) in ``core_serial`` holds the last serial handed out.
A number is one atomic ``UPDATE … SET last = last + 1 … RETURNING last`` (SQLite ≥ 3.35 and
PostgreSQL), so two writers are serialised on that row and get different serials; the row is
created first with an ``INSERT … ON CONFLICT DO NOTHING`` starting from the highest number already
stored in the column, so existing data is respected. A number written through the ORM past the
counter (typed in by hand, imported) lifts it (an ``after_flush`` listener), so the next one
follows it; a drawn number that is taken anyway (rows written by plain SQL) is skipped. The draw
belongs to the caller's transaction: a rollback gives the number back. Serials are zero-padded to
four digits and grow past 9999 (``YH2026-10000``).

Merging communities (``tenants.changes.merge``) goes through the same declarations:
:func:`plan_merge` finds the numbers both communities hold, :func:`carry_out_merge` gives the
merged rows fresh numbers from the target's counters and brings those counters past every
number that moves in.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, attributes, mapped_column

from core import clock
from core.db import Base
from core.tree import NODE_TABLE

SERIAL_WIDTH = 4
SERIAL_DIGITS = 9  # the most a serial has: the counter is a 32-bit integer
# Draws before giving up on a number nobody stored meanwhile (each draw moves the counter up).
MAX_DRAWS = 10


class Serial(Base):
    """The last serial handed out per community, prefix and year: one row, locked by the one
    atomic UPDATE that draws a number, so concurrent writers never draw the same one."""

    __tablename__ = "core_serial"

    community_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), primary_key=True)
    prefix: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Numbered(NamedTuple):
    """A numbered column: its prefix, and what the column is called when the ledger's name alone
    does not say it (``None`` for the ledger's own number)."""

    prefix: str
    label: Any = None


@dataclass(frozen=True)
class NumberedColumn:
    """One declared numbered column of a mapped class."""

    model: type
    key: str
    prefix: str
    label: Any = None

    @property
    def attribute(self) -> InstrumentedAttribute:
        return getattr(self.model, self.key)

    @property
    def table(self) -> sa.Table:
        return self.model.__table__  # type: ignore[attr-defined]

    @property
    def ledger(self) -> str:
        """The human name of the ledger, with the column's when it has one."""
        name = ledger_label(self.model)
        return f"{name} · {self.label}" if self.label else name


def format_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}{year}-{serial:0{SERIAL_WIDTH}d}"


def parse_number(prefix: str, value: str | None) -> tuple[int, int] | None:
    """(year, serial) of a number in the ``<prefix><year>-<serial>`` form, else ``None``
    (a serial has one to nine digits)."""
    match = re.fullmatch(rf"{re.escape(prefix)}(\d{{4}})-(\d{{1,{SERIAL_DIGITS}}})", value or "")
    return (int(match[1]), int(match[2])) if match else None


def ledger_label(model: type) -> str:
    """The ledger's human name (``__label__``), or its table's name if it declares none."""
    label = getattr(model, "__label__", None)
    return str(label) if label else model.__tablename__  # type: ignore[attr-defined]


def declared(model: type) -> dict[str, Numbered]:
    """The numbered columns ``model`` declares in ``__numbered__``, column key → ``Numbered``."""
    raw = getattr(model, "__numbered__", None) or {}
    return {key: _numbered(value) for key, value in raw.items()}


def _numbered(value: str | tuple[str, Any] | Numbered) -> Numbered:
    if isinstance(value, Numbered):
        return value
    return Numbered(*value) if isinstance(value, tuple) else Numbered(value)


def numbered_columns() -> list[NumberedColumn]:
    """Every numbered column of every mapped class (core, tenants and every loaded plugin)."""
    found: list[NumberedColumn] = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        for key, numbered in declared(cls).items():
            found.append(NumberedColumn(cls, key, numbered.prefix, numbered.label))
    return sorted(found, key=lambda n: (n.table.name, n.key))


def numbered_column(attribute: InstrumentedAttribute) -> NumberedColumn:
    """The declaration behind ``SafetyHazard.number``; a column nobody declared is a bug."""
    model, key = attribute.class_, attribute.key
    numbered = declared(model).get(key)
    if numbered is None:
        raise LookupError(
            f"{model.__name__}.{key} is not numbered: declare it in {model.__name__}.__numbered__"
        )
    return NumberedColumn(model, key, numbered.prefix, numbered.label)


# --- counters ----------------------------------------------------------------------------------


def _key(prefix: str, community_id: int, year: int) -> tuple[sa.ColumnElement[bool], ...]:
    t = Serial.__table__
    return (t.c.community_id == community_id, t.c.prefix == prefix, t.c.year == year)


def _create_counter(session: Session, prefix: str, community_id: int, year: int, last: int) -> None:
    """The counter row, starting at ``last``, unless it exists (a concurrent writer's wins)."""
    # The dialect's INSERT … ON CONFLICT, its module imported here rather than at start-up.
    dialect = session.get_bind().dialect.name
    insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
    session.execute(
        insert(Serial.__table__)
        .values(community_id=community_id, prefix=prefix, year=year, last=last)
        .on_conflict_do_nothing(index_elements=["community_id", "prefix", "year"])
    )


def _draw(session: Session, prefix: str, community_id: int, year: int) -> int | None:
    """The counter's next serial: one atomic UPDATE … RETURNING (None: no counter yet)."""
    t = Serial.__table__
    return session.execute(
        t.update()
        .where(*_key(prefix, community_id, year))
        .values(last=t.c.last + 1)
        .returning(t.c.last)
    ).scalar_one_or_none()


def current_serial(session: Session, prefix: str, community_id: int, year: int) -> int | None:
    """The last serial handed out, or ``None`` before the first (nothing is locked)."""
    t = Serial.__table__
    return session.scalar(sa.select(t.c.last).where(*_key(prefix, community_id, year)))


def _only_digits(text: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """``text`` is a serial (one to nine digits), in SQL that SQLite and PostgreSQL both speak."""
    return sa.and_(
        sa.func.length(text).between(1, SERIAL_DIGITS), sa.func.ltrim(text, "0123456789") == ""
    )


def highest_serial(session: Session, numbered: NumberedColumn, community_id: int, year: int) -> int:
    """The highest serial of ``year`` stored in the column for the community (0 if none): one
    aggregate over the year's numbers (run when a counter starts, and after a clash)."""
    column = numbered.attribute
    start = f"{numbered.prefix}{year}-"
    serial = sa.func.substr(column, len(start) + 1)
    highest = session.scalar(
        sa.select(sa.func.max(sa.case((_only_digits(serial), sa.cast(serial, sa.Integer))))).where(
            numbered.model.community_id == community_id,  # type: ignore[attr-defined]
            column.startswith(start, autoescape=True),
        )
    )
    return int(highest or 0)


def raise_counter(
    session: Session, prefix: str, community_id: int, year: int, at_least: int
) -> None:
    """Make sure the counter has handed out at least ``at_least`` (it never goes down)."""
    _create_counter(session, prefix, community_id, year, at_least)
    t = Serial.__table__
    session.execute(
        t.update()
        .where(*_key(prefix, community_id, year), t.c.last < at_least)
        .values(last=at_least)
    )


def _taken(session: Session, numbered: NumberedColumn, community_id: int, number: str) -> bool:
    column = numbered.attribute
    return (
        session.scalar(
            sa.select(sa.literal(1)).where(
                numbered.model.community_id == community_id,  # type: ignore[attr-defined]
                column == number,
            )
        )
        is not None
    )


def next_number(
    session: Session, attribute: InstrumentedAttribute, community_id: int, year: int
) -> str:
    """The next free ``<prefix><year>-NNNN`` of a declared column in the community, drawn from
    its counter in the caller's transaction (which holds the counter's row lock until it ends)."""
    numbered = numbered_column(attribute)
    prefix = numbered.prefix
    for _attempt in range(MAX_DRAWS):
        serial = _draw(session, prefix, community_id, year)
        if serial is None:
            start = highest_serial(session, numbered, community_id, year)
            _create_counter(session, prefix, community_id, year, start)
            serial = _draw(session, prefix, community_id, year)
            assert serial is not None
        number = format_number(prefix, year, serial)
        if not _taken(session, numbered, community_id, number):
            return number
        # Stored past the counter without it knowing (written by SQL, not the ORM): continue
        # after the highest stored.
        raise_counter(
            session,
            prefix,
            community_id,
            year,
            highest_serial(session, numbered, community_id, year),
        )
    raise RuntimeError(f"no free number {prefix}{year}-… in community {community_id}")


@event.listens_for(Session, "after_flush")
def _lift_counters(session: Session, _context: Any) -> None:
    """A number written through the ORM past its counter (typed in by hand, imported) lifts the
    counter, so the next number follows it. A counter not started yet is left alone: it starts
    from the numbers stored. Drawn numbers make this a no-op on a row the draw has locked."""
    lifts: dict[tuple[str, int, int], int] = {}
    for obj in (*session.new, *session.dirty):
        numbered = declared(type(obj))
        community_id = getattr(obj, "community_id", None) if numbered else None
        if community_id is None:
            continue
        for key, declaration in numbered.items():
            if obj not in session.new and not attributes.get_history(obj, key).added:
                continue
            parsed = parse_number(declaration.prefix, getattr(obj, key))
            if parsed:
                counter = (declaration.prefix, community_id, parsed[0])
                lifts[counter] = max(lifts.get(counter, 0), parsed[1])
    t = Serial.__table__
    for (prefix, community_id, year), serial in sorted(lifts.items()):
        session.connection().execute(
            t.update()
            .where(*_key(prefix, community_id, year), t.c.last < serial)
            .values(last=serial)
        )


# --- merging communities -----------------------------------------------------------------------


@dataclass
class Renumbering:
    """A row of the merged community whose number the target already holds: old → new."""

    numbered: NumberedColumn
    row_id: Any
    node_id: int
    old: str
    new: str
    year: int

    @property
    def table(self) -> str:
        return self.numbered.table.name


@dataclass
class MergeNumbering:
    """What a merge does to numbers: the rows to renumber (new numbers as the target's counters
    stand now) and how far each of the target's counters must go, (prefix, year) → serial."""

    renumberings: list[Renumbering] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)


def _present(session: Session) -> set[str]:
    return set(sa.inspect(session.connection()).get_table_names())


def plan_merge(session: Session, source_id: int, target_id: int) -> MergeNumbering:
    """Find, in every numbered column, the source's numbers that the target also holds, and the
    serials both hold per year (nothing is written)."""
    plan = MergeNumbering()
    present = _present(session)
    this_year = clock.today().year
    for numbered in numbered_columns():
        if numbered.table.name not in present:
            continue
        model, column, prefix = numbered.model, numbered.attribute, numbered.prefix
        community = model.community_id  # type: ignore[attr-defined]
        (pk,) = sa.inspect(model).primary_key
        rows = session.execute(
            sa.select(community, column).where(
                community.in_([source_id, target_id]), column.is_not(None), column != ""
            )
        ).all()
        highest: dict[int, int] = defaultdict(int)
        moving_in: set[int] = set()  # years of the source's numbers
        for owner, value in rows:
            parsed = parse_number(prefix, value)
            if parsed:
                highest[parsed[0]] = max(highest[parsed[0]], parsed[1])
                if owner == source_id:
                    moving_in.add(parsed[0])
        theirs = sa.select(column).where(community == target_id)
        clashes = session.execute(
            sa.select(pk, model.node_id, column)  # type: ignore[attr-defined]
            .where(community == source_id, column != "", column.in_(theirs))
            .order_by(column, pk)
        ).all()
        years = moving_in | {(parse_number(prefix, v) or (this_year,))[0] for _i, _n, v in clashes}
        for year in sorted(years):
            last = current_serial(session, prefix, target_id, year) or 0
            at_least = max(last, highest[year], plan.counters.get((prefix, year), 0))
            plan.counters[(prefix, year)] = at_least
        drawn = dict(plan.counters)
        for row_id, node_id, value in clashes:
            year = (parse_number(prefix, value) or (this_year,))[0]
            drawn[(prefix, year)] += 1
            new = format_number(prefix, year, drawn[(prefix, year)])
            plan.renumberings.append(Renumbering(numbered, row_id, node_id, value, new, year))
    return plan


def carry_out_merge(session: Session, plan: MergeNumbering, target_id: int) -> list[Renumbering]:
    """Bring the target's counters past every number that moves in, then give each clashing row
    a fresh number from them (one UPDATE per column, executed for many rows). Call it before the
    rows change community. Returns the renumberings with the numbers actually drawn."""
    for (prefix, year), at_least in plan.counters.items():
        raise_counter(session, prefix, target_id, year, at_least)
    done: list[Renumbering] = []
    by_column: dict[NumberedColumn, list[Renumbering]] = defaultdict(list)
    for item in plan.renumberings:
        new = next_number(session, item.numbered.attribute, target_id, item.year)
        moved = Renumbering(item.numbered, item.row_id, item.node_id, item.old, new, item.year)
        by_column[item.numbered].append(moved)
        done.append(moved)
    for numbered, items in by_column.items():
        _write(session, numbered, items)
    return done


def _write(session: Session, numbered: NumberedColumn, items: Iterable[Renumbering]) -> None:
    table = numbered.table
    column = numbered.attribute.property.columns[0]
    (pk,) = sa.inspect(numbered.model).primary_key
    session.execute(
        table.update()
        .where(table.c[pk.name] == sa.bindparam("row_id"))
        .values({column.name: sa.bindparam("new_number")}),
        [{"row_id": item.row_id, "new_number": item.new} for item in items],
    )

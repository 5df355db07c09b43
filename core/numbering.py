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
stored in the column, so existing data is respected; a number stored past the counter (typed in
by hand, imported) lifts it, so the next one follows the highest stored. The draw belongs to the
caller's transaction: a rollback gives the number back. Serials are zero-padded to four digits
and grow past 9999 (``YH2026-10000``).

Merging communities (``tenants.changes.merge``) goes through the same declarations:
:func:`plan_merge` finds the numbers both communities hold, :func:`carry_out_merge` gives the
merged rows fresh numbers from the target's counters and brings those counters past every
number that moves in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from core import clock
from core.db import Base
from core.models import Serial

SERIAL_WIDTH = 4
# Draws before giving up on a number nobody stored meanwhile (each draw moves the counter up).
MAX_DRAWS = 10
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


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
    """(year, serial) of a number in the ``<prefix><year>-<serial>`` form, else ``None``."""
    match = re.fullmatch(rf"{re.escape(prefix)}(\d{{4}})-(\d+)", value or "")
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
    insert = _INSERTS[session.get_bind().dialect.name]
    session.execute(
        insert(Serial.__table__)
        .values(community_id=community_id, prefix=prefix, year=year, last=last)
        .on_conflict_do_nothing(index_elements=["community_id", "prefix", "year"])
    )


def _draw(session: Session, prefix: str, community_id: int, year: int, floor: int) -> int | None:
    """The counter's next serial, and at least ``floor + 1``: one atomic UPDATE … RETURNING."""
    t = Serial.__table__
    last = sa.case((t.c.last < floor, sa.literal(floor)), else_=t.c.last)
    return session.execute(
        t.update()
        .where(*_key(prefix, community_id, year))
        .values(last=last + 1)
        .returning(t.c.last)
    ).scalar_one_or_none()


def current_serial(session: Session, prefix: str, community_id: int, year: int) -> int | None:
    """The last serial handed out, or ``None`` before the first (nothing is locked)."""
    t = Serial.__table__
    return session.scalar(sa.select(t.c.last).where(*_key(prefix, community_id, year)))


def highest_serial(session: Session, numbered: NumberedColumn, community_id: int, year: int) -> int:
    """The highest serial of ``year`` stored in the column for the community (0 if none)."""
    column = numbered.attribute
    values = session.scalars(
        sa.select(column).where(
            numbered.model.community_id == community_id,  # type: ignore[attr-defined]
            column.startswith(f"{numbered.prefix}{year}-", autoescape=True),
        )
    )
    return max(
        (p[1] for v in values if (p := parse_number(numbered.prefix, v)) and p[0] == year),
        default=0,
    )


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
        # Numbers stored past the counter (typed in by hand, imported) raise it: the next one
        # follows the highest stored.
        floor = highest_serial(session, numbered, community_id, year)
        serial = _draw(session, prefix, community_id, year, floor)
        if serial is None:
            _create_counter(session, prefix, community_id, year, floor)
            serial = _draw(session, prefix, community_id, year, floor)
            assert serial is not None
        number = format_number(prefix, year, serial)
        if not _taken(session, numbered, community_id, number):
            return number
    raise RuntimeError(f"no free number {prefix}{year}-… in community {community_id}")


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

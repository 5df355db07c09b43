"""What plugins contribute besides pages: indicators, exports, imports and calendar entries.

These are plain descriptions; ``tenants.modules`` computes indicators over the communities where
a module is on. Reading and writing the files is the exchange engine's (:mod:`core.exchange`);
its readers and writers are re-exported here for code that imports them from this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.exchange import (  # noqa: F401 - re-exported: plugins import these from here
    Column,
    Table,
    UnreadableFile,
    decode_csv,
    read_table,
    write_csv,
    write_xlsx,
)


@dataclass(frozen=True)
class Period:
    """A closed date range; indicators count what happened in it."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Indicator:
    """A named figure with a unit, e.g. ``safety.hazards_overdue`` (件).

    ``compute(session, communities, period)`` returns the figure for the given communities —
    ``communities`` is a SELECT of community ids (the subtree's communities where the module is
    on), so the figure rolls up in one SQL aggregate.
    """

    name: str
    label: Any
    unit: Any
    compute: Callable[[Session, sa.Select, Period], float | int]
    module: str = ""


@dataclass(frozen=True)
class Export:
    """A ledger export. ``rows(session, scope_clause, filters)`` yields dicts keyed by column;
    ``scope_clause(Model)`` is the user's scope predicate for ``permission``.

    ``session`` is a reading session of the export's own, kept open while the file streams; the
    first row is fetched before anything is sent, so refuse bad ``filters`` (a DomainError)
    before yielding it. Audit entries go through :func:`core.audit.record` as usual. Values:
    ``date``/``datetime`` become date cells, numbers number cells, anything else text
    (:mod:`core.exchange`)."""

    name: str
    label: Any
    permission: str
    columns: Sequence[Column]
    rows: Callable[[Session, Callable[[Any], Any], dict[str, str]], Iterable[dict[str, Any]]]
    module: str = ""


@dataclass(frozen=True)
class Import:
    """A row import (run by :func:`core.exchange.run_import`): every row passes ``schema``, then
    ``write_row(session, community, data)`` writes it — the service that creates the record,
    raising :class:`core.errors.DomainError` to refuse it. Every refused row is reported with its
    spreadsheet row number; if any is, nothing is written; a dry run runs the same writes and
    rolls them back — so ``write_row`` keeps its effects in the session (no mail, no files).

    ``save(session, community, rows)`` is the older whole-batch writer, still run (after every
    row passed the schema) when there is no ``write_row``; it cannot say which row it refused."""

    name: str
    label: Any
    permission: str
    columns: Sequence[Column]
    schema: type[ma.Schema]
    save: Callable[[Session, Any, list[dict[str, Any]]], int] | None = None
    module: str = ""
    write_row: Callable[[Session, Any, dict[str, Any]], Any] | None = None

    def __post_init__(self) -> None:
        if self.write_row is None and self.save is None:
            raise TypeError(f"import {self.name} needs write_row (or the older save)")


@dataclass(frozen=True)
class CalendarEntry:
    """An observance day or campaign period (``end`` for periods such as 安全生产月).

    ``kind``: ``fixed`` (``month``/``day`` of the Gregorian calendar), ``lunar`` (of the Chinese
    lunar calendar: 春节 is 1/1, 重阳 9/9), ``term`` (the solar term named ``term``, e.g. 清明), or
    ``weekday`` (the ``nth`` ``weekday`` — 0 Monday … 6 Sunday — of ``month``, ``nth=-1`` the
    last; ``month=0`` every month: 每月最后一个星期五) or ``school`` (the place's ``winter`` or
    ``summer`` school holiday, ``term``, as its city entered it). Build them with :meth:`lunar`,
    :meth:`solar_term`, :meth:`weekday_rule` and :meth:`school_holiday`;
    ``core.calendar.occurrences`` gives the dates of
    a year. ``expects(session, communities, start, end)`` counts the activities that answer the
    observance (``core.calendar`` shows "尚未开展" once it has passed with none); ``remind`` names
    the permission of the community staff the daily reminders tell when it passed without one."""

    month: int
    day: int
    label: Any
    end_month: int | None = None
    end_day: int | None = None
    module: str = ""
    kind: str = "fixed"
    term: str = ""
    weekday: int | None = None
    nth: int = 0
    expects: Callable[..., int] | None = None
    remind: str | None = None  # who hears when it passed without an activity (a permission)

    @classmethod
    def lunar(cls, month: int, day: int, label: Any, **options: Any) -> CalendarEntry:
        return cls(month, day, label, kind="lunar", **options)

    @classmethod
    def solar_term(cls, term: str, label: Any, **options: Any) -> CalendarEntry:
        return cls(0, 0, label, kind="term", term=term, **options)

    @classmethod
    def school_holiday(cls, kind: str, label: Any, **options: Any) -> CalendarEntry:
        """The ``winter`` (寒假) or ``summer`` (暑假) school holiday of the place's city."""
        return cls(0, 0, label, kind="school", term=kind, **options)

    @classmethod
    def weekday_rule(
        cls, month: int, weekday: int, nth: int, label: Any, **options: Any
    ) -> CalendarEntry:
        return cls(month, 0, label, kind="weekday", weekday=weekday, nth=nth, **options)

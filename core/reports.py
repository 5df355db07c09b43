"""What plugins contribute besides pages: indicators, exports, imports and calendar entries.

These are plain descriptions; ``tenants.modules`` computes indicators over the communities where
a module is on. Reading and writing the files is the exchange engine's (:mod:`core.exchange`);
its readers and writers are re-exported here for code that imports them from this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
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

PERIOD_FORMS = re.compile(r"(\d{4})(?:-(\d{2})|Q([1-4])|H([12]))?")


@dataclass(frozen=True)
class Period:
    """A closed date range; indicators count what happened in it. The reporting periods —
    month, quarter, half-year and year — are named as the API writes them: ``2026-03``,
    ``2026Q1``, ``2026H1``, ``2026`` (:meth:`parse`, :attr:`key`)."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def months(cls, year: int, first: int, count: int) -> Period:
        """``count`` months from month ``first`` of ``year``."""
        last = first + count - 1
        end = date(year + last // 12, last % 12 + 1, 1) - timedelta(days=1)
        return cls(date(year, first, 1), end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls.months(year, month, 1)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls.months(year, 3 * quarter - 2, 3)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls.months(year, 6 * half - 5, 6)

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """``2026-03``, ``2026Q1``, ``2026H1`` or ``2026`` (years 1900–2999); None otherwise."""
        found = PERIOD_FORMS.fullmatch((text or "").strip().upper())
        if found is None or not 1900 <= int(found[1]) <= 2999:
            return None
        year, month, quarter, half = found.groups()
        if month:
            return cls.month(int(year), int(month)) if 1 <= int(month) <= 12 else None
        if quarter:
            return cls.quarter(int(year), int(quarter))
        if half:
            return cls.half(int(year), int(half))
        return cls.year(int(year))

    @property
    def key(self) -> str:
        """The period's name when it is a month, quarter, half-year or year, else
        ``<start>/<end>``."""
        y = self.start.year
        if self.start == date(y, self.start.month, 1) and self.end.year == y:
            months = self.end.month - self.start.month + 1
            whole = self == Period.months(y, self.start.month, months)
            first = self.start.month
            if whole and months == 12:
                return str(y)
            if whole and months == 6 and first in (1, 7):
                return f"{y}H{first // 6 + 1}"
            if whole and months == 3 and first % 3 == 1:
                return f"{y}Q{first // 3 + 1}"
            if whole and months == 1:
                return f"{y}-{first:02d}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def label(self) -> str:
        """How staff write the period: 2026年3月, 2026年第1季度, 2026年上半年, 2026年."""
        key = self.key
        y = self.start.year
        if key == str(y):
            return _("Year %(year)s", year=y)
        if "H" in key:
            if key.endswith("1"):
                return _("First half of %(year)s", year=y)
            return _("Second half of %(year)s", year=y)
        if "Q" in key:
            return _("Q%(q)s %(year)s", q=key[-1], year=y)
        if len(key) == 7:
            return _("%(month)s/%(year)s", month=self.start.month, year=y)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def previous(self) -> Period:
        """The period of the same length just before (last month, last quarter…), for
        month-on-month comparisons."""
        key = self.key
        if "/" in key:
            days = self.end - self.start
            end = self.start - timedelta(days=1)
            return Period(end - days, end)
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        first = self.start.month - months
        year = self.start.year + (first - 1) // 12
        return Period.months(year, (first - 1) % 12 + 1, months)


KINDS = ("count", "sum", "ratio", "mean")
UP, DOWN = "up", "down"  # higher is better; lower is better


@dataclass(frozen=True)
class Indicator:
    """A named figure with a unit, e.g. ``safety.hazards_overdue`` (件).

    ``compute(session, communities, period)`` returns the figure for the given communities —
    ``communities`` is a SELECT of community ids (the subtree's communities where the module is
    on), so the figure rolls up in one SQL aggregate. ``kind`` says what it is: a ``count`` or a
    ``sum`` (computed), or a ``ratio`` or ``mean`` of two other indicators of the module,
    ``numerator`` over ``denominator`` (× ``per``: 100 for a percentage, 1000 for ‰, 1 for a
    mean), always from their totals over the communities — a street's rate is Σnumerators ÷
    Σdenominators, never a mean of the communities' rates. ``stock``: taken as of the period's
    last day (or today while it runs), not counted over it (a flow). ``direction``: ``up`` when
    higher is better, ``down`` when lower is. ``description``: how it is computed, in words
    staff read. ``suppress_below``: counts from 1 to this minus one are not shown (S3 data: a
    count of 2 people in a category identifies them); a ratio follows its parts. ``records``:
    the ledger whose rows it counts and their predicate, for the drill-down to them.
    ``optional``: a statistic kept though no longer assessed (不作考核), left out of a node's
    figures unless asked for (``?optional=1``) and never offered as a target.
    ``community_permission``: the figure of a compartment (安置帮教 in care): at a community it
    is withheld from whoever lacks this permission there, as its records are; at a street or
    district it is a count like any other (small ones withheld by ``suppress_below``).
    """

    name: str
    label: Any
    unit: Any
    compute: Callable[[Session, sa.Select, Period], float | int] | None = None
    module: str = ""
    kind: str = "count"
    numerator: str = ""
    denominator: str = ""
    per: int = 100
    stock: bool = False
    direction: str = ""
    description: Any = ""
    suppress_below: int = 0
    # (ledger name, where(period, as_of)): the module's ledger and the predicate of the rows the
    # figure counts, so a figure opens onto the named records behind it (a drill-down).
    records: tuple[str, Callable[[Period, date], sa.ColumnElement[bool]]] | None = None
    # batch(session, communities, period) → {name: value}: this and sibling figures computed
    # together (one query per table), which evaluate uses instead of one query per figure.
    batch: Callable[[Session, sa.Select, Period], dict[str, Any]] | None = None
    optional: bool = False
    community_permission: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"indicator {self.name}: kind {self.kind!r} is not one of {KINDS}")
        derived = self.kind in ("ratio", "mean")  # a compute of theirs is a shortcut
        if derived != bool(self.numerator and self.denominator):
            raise ValueError(
                f"indicator {self.name}: a ratio or mean names its numerator and denominator, "
                "and nothing else does"
            )
        if not derived and self.compute is None:
            raise ValueError(f"indicator {self.name}: a {self.kind} needs compute")


@dataclass(frozen=True)
class Export:
    """A ledger export. ``rows(session, scope_clause, filters)`` yields dicts keyed by column;
    ``scope_clause(Model)`` is the user's scope predicate for ``permission``.

    ``session`` is a reading session of the export's own, kept open while the file streams; the
    first row is fetched before anything is sent, so refuse bad ``filters`` (a DomainError)
    before yielding it. Audit entries go through :func:`core.audit.record` as usual. Values:
    ``date``/``datetime`` become date cells, numbers number cells, anything else text
    (:mod:`core.exchange`). ``total(session, scope_clause, filters)`` → ``(rows, exact)``, if
    given, is what an export job shows its progress against (an estimate marked as such)."""

    name: str
    label: Any
    permission: str
    columns: Sequence[Column]
    rows: Callable[[Session, Callable[[Any], Any], dict[str, str]], Iterable[dict[str, Any]]]
    module: str = ""
    total: Callable[[Session, Callable[[Any], Any], dict[str, str]], tuple[int, bool]] | None = None


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
    last; ``month=0`` every month: 每月最后一个星期五), ``monthly`` (``day`` of every month: the
    screenings on the 1st and 16th), ``school`` (the place's ``winter`` or ``summer`` school
    holiday, ``term``, as its city entered it) or ``records`` (the days a module's records hold,
    ``dates(session, communities, year)`` giving ``(day, label)`` pairs, such as each water
    tank's next cleaning: shown on a place's calendar only). Build them with :meth:`lunar`,
    :meth:`solar_term`, :meth:`weekday_rule`, :meth:`monthly`, :meth:`school_holiday` and
    :meth:`records`; ``lead_days`` makes any of them the period of that many days just before
    its date (节前: the fortnight before 春节, ``CalendarEntry.lunar(1, 1, …, lead_days=15)``);
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
    lead_days: int = 0  # the period of this many days before the date instead of the date
    dates: Callable[..., list[tuple[Any, Any]]] | None = None  # kind "records": (day, label)s

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
    def monthly(cls, day: int, label: Any, **options: Any) -> CalendarEntry:
        """``day`` of every month (1–28, so that every month has it): 每月1日."""
        if not 1 <= day <= 28:
            raise ValueError(f"a monthly entry falls on days 1 to 28, not {day}")
        return cls(0, day, label, kind="monthly", **options)

    @classmethod
    def records(
        cls, label: Any, dates: Callable[..., list[tuple[Any, Any]]], **options: Any
    ) -> CalendarEntry:
        """The days ``dates(session, communities, year)`` finds in a module's records."""
        return cls(0, 0, label, kind="records", dates=dates, **options)

    @classmethod
    def weekday_rule(
        cls, month: int, weekday: int, nth: int, label: Any, **options: Any
    ) -> CalendarEntry:
        return cls(month, 0, label, kind="weekday", weekday=weekday, nth=nth, **options)

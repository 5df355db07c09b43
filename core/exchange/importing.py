"""Importing a sheet: headers mapped to columns, every row checked, every problem reported with
the row number the spreadsheet shows, and all or nothing written.

Two levels, so that imports with set-based checks (the tenant tree, user accounts) share the
reading, header mapping, row numbering, problem list and transaction handling with plugin
ledgers:

- building blocks: :func:`map_headers`, :func:`sheet_rows`, :class:`Problems`,
  :func:`all_or_nothing`;
- :func:`run_import` for an import described by columns, a marshmallow schema and a per-row
  writer ``write_row(session, community, data)`` that may raise
  :class:`core.errors.DomainError`, or note a :func:`warning` that does not refuse the row (a
  resident ID registered in another community too: the check reports it, the confirm imports).
  Every valid row is written inside a SAVEPOINT; if any row failed, or it is a dry run, the
  SAVEPOINT is rolled back. A dry run therefore runs exactly the
  checks of the real import, including those that depend on earlier rows of the same sheet.

Rows are written in batches of :data:`BATCH_ROWS`, each batch in a SAVEPOINT of its own, without a
flush per row: the writer's new rows get their ids in one statement per table
(:mod:`core.exchange.keys`) and are flushed once per batch (one executemany per table),
and the history entries it asked for with :func:`defer` (``core.records.history`` does) are
written after that flush. Writers that look things up may do so once per batch
(:func:`per_batch`) or once per import (:func:`per_import`) instead of once per row. If any row
of a batch is refused — or the batch's flush is — the batch is rolled back and written again one
row at a time, each row in a SAVEPOINT of its own, flushed: a refused row then leaves nothing
behind for the rows after it, and the refusals are exactly those of a row-by-row import.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.errors import Conflict, DomainError, validation_fields
from core.exchange.columns import Column, header_texts
from core.exchange.keys import assign_ids
from core.exchange.reading import RowStream, Table, cell_text

# progress(rows_done, rows_total): for progress bars on large files.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 100
# Rows written between two flushes (and per SAVEPOINT), and the length of a batch's IN lists.
BATCH_ROWS = 500


class Problem(TypedDict):
    """One problem of an import: the spreadsheet's row number (1 is the header row, 0 the file
    as a whole), the column's header as the file has it, the cell's text and the reason."""

    row: int
    column: str
    value: str | None
    reason: str


def problem(row: int, column: str, value: Any, reason: Any) -> Problem:
    text = None if value in (None, "") else str(value)
    return {"row": row, "column": str(column), "value": text, "reason": str(reason)}


def _messages(value: Any) -> list[str]:
    """Flat list of the messages of a marshmallow/DomainError field entry (lists, nested dicts)."""
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


@dataclass
class Problems:
    """The problems found so far, with the field key of each (for the API's ``fields``) and
    whether every refusal was a conflict with existing data (the API answers 409 then)."""

    items: list[Problem] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    conflicts: int = 0

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(
        self, row: int, column: str, value: Any, reason: Any, *, key: str | None = None
    ) -> None:
        self.items.append(problem(row, column, value, reason))
        self.keys.append(key)

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)
        self.keys.extend(other.keys)
        self.conflicts += other.conflicts

    def add_fields(
        self,
        row: int,
        fields: dict[str, Any],
        values: dict[str, str],
        headers: HeaderMap,
        message: str = "",
    ) -> None:
        """Problems from ``{field: messages}`` (a schema's or a service's), each with its column's
        header and the row's cell; a field the sheet has no column for is reported without one."""
        if not fields:
            self.add(row, "", None, message or _("This row was refused."))
            return
        for key, messages in fields.items():
            column = headers.header(key) if key in headers.known else ""
            for reason in _messages(messages):
                self.add(row, column, values.get(key), reason, key=key if column else None)

    def add_refusal(
        self, row: int, exc: DomainError, values: dict[str, str], headers: HeaderMap
    ) -> None:
        before = len(self.items)
        self.add_fields(row, exc.fields, values, headers, exc.message)
        if isinstance(exc, Conflict):
            self.conflicts += len(self.items) - before

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: p["row"])

    @property
    def all_conflicts(self) -> bool:
        return bool(self.items) and self.conflicts == len(self.items)

    def fields(self) -> dict[str, list[str]]:
        """``{field key: ["Row 4: reason", …]}`` for the problems that belong to a field."""
        found: dict[str, list[str]] = {}
        for item, key in sorted(zip(self.items, self.keys, strict=True), key=lambda p: p[0]["row"]):
            if key:
                found.setdefault(key, []).append(
                    _("Row %(row)s: %(reason)s", row=item["row"], reason=item["reason"])
                )
        return found

    def message(self) -> str:
        """One sentence for the whole refusal: the first problem and how many rows had one."""
        if not self.items:
            return ""
        first = self.sorted()[0]
        rows = {p["row"] for p in self.items}
        if len(rows) == 1:
            return _(
                "Row %(row)s: %(reason)s; nothing was imported.",
                row=first["row"],
                reason=first["reason"],
            )
        return _(
            "%(count)s rows were refused (the first, row %(row)s: %(reason)s); nothing was "
            "imported.",
            count=len(rows),
            row=first["row"],
            reason=first["reason"],
        )


# --- warnings ----------------------------------------------------------------------------------

# The warnings of the row being written, while :func:`run_import` writes one.
_ROW_WARNINGS: ContextVar[list[tuple[str, str]] | None] = ContextVar("row_warnings", default=None)


def warning(key: str, reason: Any) -> bool:
    """Note that the row being imported needs a look at field ``key`` without refusing it (the
    check's report lists it; confirming imports the row as it is). ``False`` outside an import's
    writer: the caller decides then, e.g. refuses and asks for a confirmation."""
    found = _ROW_WARNINGS.get()
    if found is None:
        return False
    found.append((key, str(reason)))
    return True


# --- batches ----------------------------------------------------------------------------------


@dataclass
class ImportBatch:
    """The batch of rows :func:`run_import` is writing: their data (as the schema loaded them),
    what writers looked up for the whole batch, and the writes deferred until the batch's rows
    are flushed."""

    rows: list[dict[str, Any]]
    shared: dict[Any, Any]  # looked up once per import
    memo: dict[Any, Any] = field(default_factory=dict)
    deferred: list[Callable[[], Any]] = field(default_factory=list)
    # Rows for tables nothing reads back during the import (history, audit): one executemany
    # of a Core INSERT per table once the deferred writes ran.
    inserts: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)
    flushed: bool = False

    def run_deferred(self, session: Session) -> None:
        self.flushed = True  # what the deferred writes call is no longer deferred
        for write in self.deferred:
            write()
        for table, rows in self.inserts.items():
            session.execute(sa.insert(table), rows)


def insert_later(table: sa.Table, row: dict[str, Any]) -> bool:
    """Insert ``row`` into ``table`` with the other rows of the batch, in one statement, after
    the deferred writes (``True``); ``False`` outside them (the caller adds it as usual). For
    rows whose ids nobody needs and that no listener completes (the caller fills every key)."""
    batch = _BATCH.get()
    if batch is None or not batch.flushed:
        return False
    batch.inserts.setdefault(table, []).append(row)
    return True


_BATCH: ContextVar[ImportBatch | None] = ContextVar("import_batch", default=None)


def batched() -> bool:
    """Whether an import is writing a batch of rows now (its rows are flushed together)."""
    batch = _BATCH.get()
    return batch is not None and not batch.flushed


def defer(write: Callable[[], Any]) -> bool:
    """Run ``write`` once the batch's rows are flushed (they have their ids then): ``True``. Not
    in a batch: ``False``, and nothing is run — the caller flushes and writes at once."""
    batch = _BATCH.get()
    if batch is None or batch.flushed:
        return False
    batch.deferred.append(write)
    return True


def per_batch(key: Any, load: Callable[[list[dict[str, Any]]], Any]) -> Any:
    """``load(rows)`` once per batch for all its rows (one query with an IN list instead of one
    per row), then the same object for every row of the batch — a writer may add to it what
    its rows write. ``None`` outside a batch: the caller looks up its own row."""
    batch = _BATCH.get()
    if batch is None or batch.flushed:
        return None
    if key not in batch.memo:
        batch.memo[key] = load(batch.rows)
    return batch.memo[key]


def per_import(key: Any, load: Callable[[], Any]) -> Any:
    """``load()`` once per import (what the import does not change: a community's buildings),
    then the same value; ``load()`` each time outside an import's batch."""
    batch = _BATCH.get()
    if batch is None:
        return load()
    if key not in batch.shared:
        batch.shared[key] = load()
    return batch.shared[key]


class _Refused(Exception):
    """A row of a batch was refused: the batch is written again one row at a time."""


# --- headers and rows --------------------------------------------------------------------------


@dataclass
class HeaderMap:
    """Which column each header cell of a sheet names (``None``: no column, or a blank header),
    and the header text the file uses for each column key (what problems are reported under)."""

    keys: list[str | None]
    labels: dict[str, str]
    used: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> set[str]:
        return set(self.labels)

    def header(self, key: str) -> str:
        return self.used.get(key) or self.labels.get(key, key)


def map_headers(
    headers: Sequence[str], columns: Sequence[Column], required: Iterable[str]
) -> tuple[HeaderMap, Problems]:
    """Each header cell mapped to a column by its label (in any interface language) or its key.
    Unknown, doubled and missing required columns are problems of row 1: a wrong header usually
    means a wrong file, so callers do not check rows then."""
    names: dict[str, str] = {}
    for column in columns:
        for text in header_texts(column):
            names.setdefault(text, column.key)
            names.setdefault(text.lower(), column.key)
    problems = Problems()
    keys: list[str | None] = []
    used: dict[str, str] = {}
    for header in headers:
        if not header:
            keys.append(None)
            continue
        key = names.get(header) or names.get(header.lower())
        if key is None:
            problems.add(1, header, header, _("Unknown column."))
        elif key in used:
            problems.add(1, header, header, _("This column appears twice."), key=key)
            key = None
        else:
            used[key] = header
        keys.append(key)
    labels = {c.key: str(c.label) for c in columns}
    for key in required:
        if key not in used:
            problems.add(1, labels.get(key, key), None, _("This column is missing."), key=key)
    return HeaderMap(keys, labels, used), problems


@dataclass
class SheetRow:
    """A data row: its number as the spreadsheet shows it and its cells by column key as the
    text a user typed ("" for an empty cell)."""

    number: int
    values: dict[str, str]

    def filled(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if v != ""}


def sheet_rows(table: Table | RowStream, headers: HeaderMap) -> Iterator[SheetRow]:
    for number, cells in table.numbered():
        yield SheetRow(
            number,
            {k: cell_text(v) for k, v in zip(headers.keys, cells, strict=False) if k is not None},
        )


# --- transactions ------------------------------------------------------------------------------


class Outcome:
    """Handed out by :func:`all_or_nothing`: call :meth:`discard` to roll the writes back."""

    def __init__(self) -> None:
        self.kept = True

    def discard(self) -> None:
        self.kept = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (or the decorated function), back on
    after if it was on.

    Why: an import builds tens of thousands of containers (rows, records, parameter dicts) that
    live until its batch is written, and the collector runs on allocation counts, not on
    garbage: once enough of them have survived two young passes it scans the whole heap. In a
    running app that is ~250,000 objects, 150 ms a pass here — a third of importing 10,000
    buildings — and it finds nothing, since what an import leaves is freed by reference
    counting. (Mercurial's ``util.nogc`` pauses it around its big parsers for the same reason.)
    The switch is the process's: a block that finds it off leaves it off, and the block that
    turned it off turns it on again, nested or in another thread."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def all_or_nothing(session: Session | None) -> Iterator[Outcome]:
    """Writes inside a SAVEPOINT: released at the end unless :meth:`Outcome.discard` was called
    or an exception left the block (then rolled back, and the exception goes on). The caller's
    transaction stays open either way; the caller commits."""
    outcome = Outcome()
    if session is None:
        yield outcome
        return
    with session.begin_nested() as savepoint:
        yield outcome
        if not outcome.kept:
            savepoint.rollback()


# --- an import described by a spec -------------------------------------------------------------


class ImportSpec(Protocol):
    """What :func:`run_import` needs of an import (``core.reports.Import`` is one)."""

    columns: Sequence[Column]
    schema: type[ma.Schema]
    write_row: Callable[[Session, Any, dict[str, Any]], Any] | None
    save: Callable[[Session, Any, list[dict[str, Any]]], int] | None


class ProblemReport:
    """``errors`` and ``ok`` of a report that gathers its ``problems``: any problem means the
    import wrote nothing. Mixed into every import's result, here and in the tree and user
    imports, so they all answer the same way."""

    problems: Problems

    @property
    def errors(self) -> list[Problem]:
        return self.problems.sorted()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport(ProblemReport):
    """What an import found and did. ``errors``: every problem, by row; any means nothing was
    written. ``loaded``: how many rows the schema loaded; ``rows``: those rows, kept for a
    whole-batch writer only (a per-row writer's import keeps none, see :func:`run_import`);
    ``written``: how many the writer took (in a dry run: would take)."""

    dry_run: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)
    loaded: int = 0
    written: int = 0
    problems: Problems = field(default_factory=Problems)
    # What the writer noted of rows it took (:func:`warning`), by row, as problems are.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        """Every problem is a conflict with data already there (a duplicate): HTTP 409."""
        return self.problems.all_conflicts

    def message(self) -> str:
        return self.problems.message()

    def fields(self) -> dict[str, list[str]]:
        return self.problems.fields()


def schema_required(schema: ma.Schema, columns: Sequence[Column]) -> list[str]:
    keys = {c.key for c in columns}
    return [name for name, f in schema.fields.items() if f.required and name in keys]


@collector_paused()
def run_import(
    session: Session | None,
    spec: ImportSpec,
    table: Table | RowStream,
    community: Any,
    *,
    dry_run: bool,
    required: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and write every row of ``table``; see the module docstring. Never raises for bad
    input: the problems are in the report and nothing stays written. ``session`` None: the writer
    keeps its rows elsewhere (nothing to roll back).

    With a per-row writer the sheet goes through the schema and the writer one batch at a time,
    and a batch's loaded rows are dropped once it is written: what an import holds besides the
    sheet does not grow with its rows (``report.rows`` stays empty, ``report.loaded`` counts),
    nor, given a :class:`RowStream` (``read_upload(stream=True)``), the sheet's own rows. A
    stream is read once: a header refusal stops before any data row is read.
    A whole-batch writer (``save``) gets every loaded row at once, in ``report.rows``.

    The cyclic collector is paused meanwhile (:func:`collector_paused`): a 50,000-row import
    would otherwise scan the whole heap some twenty times. What one batch leaves in cycles is
    collected after it, by a young collection whose cost is the batch's, not the heap's."""
    report = ImportReport(dry_run=dry_run)
    schema = spec.schema()
    needed = schema_required(schema, spec.columns) if required is None else required
    headers, problems = map_headers(table.headers, spec.columns, needed)
    if problems:
        report.problems = problems
        return report
    known = set(headers.labels)
    write_row = getattr(spec, "write_row", None)
    save = getattr(spec, "save", None)

    def loaded(rows: Iterable[SheetRow]) -> list[tuple[SheetRow, dict[str, Any]]]:
        valid = []
        for row in rows:
            raw = {k: v for k, v in row.filled().items() if k in known}
            try:
                data = schema.load(raw)
            except ma.ValidationError as exc:
                report.problems.add_fields(row.number, validation_fields(exc), raw, headers)
                continue
            valid.append((row, data))
        report.loaded += len(valid)
        return valid

    if write_row is None:
        report.rows = [data for _row, data in loaded(sheet_rows(table, headers))]
        if save is None or report.problems:
            return report  # a whole-batch writer cannot say which rows it refused: schema first
    total = table.total
    with all_or_nothing(session) as outcome:
        if write_row is not None:
            shared: dict[Any, Any] = {}
            rows = sheet_rows(table, headers)
            while piece := list(itertools.islice(rows, BATCH_ROWS)):
                chunk = loaded(piece)
                if not chunk:
                    continue
                if session is not None and _write_batch(
                    session, write_row, community, chunk, headers, report, shared
                ):
                    report.written += len(chunk)
                else:  # one row at a time: which rows are refused, and why
                    for row, data in chunk:
                        if _write_one(session, write_row, community, row, data, headers, report):
                            report.written += 1
                if progress:
                    progress(len(chunk), total)
                gc.collect(1)  # the batch's cycles, if any; the older heap is left alone
        else:
            try:
                report.written = save(session, community, report.rows)
            except DomainError as exc:
                report.problems.add_refusal(0, exc, {}, headers)
        if dry_run or report.problems:
            outcome.discard()
    return report


def _write_batch(
    session: Session,
    write_row: Callable[[Session, Any, dict[str, Any]], Any],
    community: Any,
    chunk: Sequence[tuple[SheetRow, dict[str, Any]]],
    headers: HeaderMap,
    report: ImportReport,
    shared: dict[Any, Any],
) -> bool:
    """The rows of ``chunk`` through the writer in one SAVEPOINT, flushed once, then the writes
    they deferred (history) and a second flush. ``False``, with nothing of the batch left, if
    any row or either flush was refused; the warnings of the rows go into the report only
    when the whole batch was written."""
    batch = ImportBatch([data for _row, data in chunk], shared)
    token = _BATCH.set(batch)
    noted: list[tuple[SheetRow, list[tuple[str, str]]]] = []
    try:
        with session.begin_nested():
            for row, data in chunk:
                found: list[tuple[str, str]] = []
                row_token = _ROW_WARNINGS.set(found)
                try:
                    write_row(session, community, dict(data))
                except (DomainError, ma.ValidationError, sa.exc.IntegrityError) as exc:
                    raise _Refused from exc
                finally:
                    _ROW_WARNINGS.reset(row_token)
                noted.append((row, found))
            assign_ids(session)  # one statement per table; then the rows go in by executemany
            session.flush()
            batch.run_deferred(session)
            session.flush()
    except (_Refused, DomainError, ma.ValidationError, sa.exc.IntegrityError):
        return False
    finally:
        _BATCH.reset(token)
    for row, found in noted:
        values = row.filled()
        for key, reason in found:
            column = headers.header(key) if key in headers.known else ""
            report.warnings.append(problem(row.number, column, values.get(key), reason))
    return True


def _write_one(
    session: Session | None,
    write_row: Callable[[Session, Any, dict[str, Any]], Any],
    community: Any,
    row: SheetRow,
    data: dict[str, Any],
    headers: HeaderMap,
    report: ImportReport,
) -> bool:
    """One row through the writer in a SAVEPOINT of its own: on a refusal the row's writes are
    rolled back (so later rows are checked against the good ones only) and the refusal noted;
    the warnings of a row written go into the report."""
    values = row.filled()
    problems = report.problems
    noted: list[tuple[str, str]] = []
    token = _ROW_WARNINGS.set(noted)
    try:
        with all_or_nothing(session):
            write_row(session, community, data)  # type: ignore[arg-type]
            if session is not None:
                session.flush()
    except DomainError as exc:
        problems.add_refusal(row.number, exc, values, headers)
        return False
    except ma.ValidationError as exc:
        problems.add_fields(row.number, validation_fields(exc), values, headers)
        return False
    except sa.exc.IntegrityError:
        before = len(problems)
        problems.add(row.number, "", None, _("This conflicts with existing data."))
        problems.conflicts += len(problems) - before
        return False
    finally:
        _ROW_WARNINGS.reset(token)
    for key, reason in noted:
        column = headers.header(key) if key in headers.known else ""
        report.warnings.append(problem(row.number, column, values.get(key), reason))
    return True


# --- what a template and an import page tell the user --------------------------------------------


def _hint(schema_field: ma.fields.Field | None) -> str:
    """How to fill a column in, from its schema field: the words of a choice, a date's format."""
    if schema_field is None:
        return ""
    choices = schema_field.metadata.get("choices")
    if callable(choices):  # choices known at run time (tags; a community's buildings)
        try:
            choices = choices()
        except (RuntimeError, AttributeError, KeyError):  # needs a community page's context
            choices = None
    if choices:
        return _("One of: %(choices)s", choices="、".join(str(v) for v in choices.values()))
    for validator in schema_field.validators:
        if isinstance(validator, ma.validate.OneOf):
            return _("One of: %(choices)s", choices="、".join(map(str, validator.choices)))
    if isinstance(schema_field, ma.fields.Date):
        return _("Date, e.g. 2026-06-01")
    if isinstance(schema_field, ma.fields.DateTime):
        return _("Date and time, e.g. 2026-06-01 09:30")
    if isinstance(schema_field, ma.fields.Integer):
        return _("A whole number")
    if isinstance(schema_field, ma.fields.Number):
        return _("A number")
    if isinstance(schema_field, ma.fields.Boolean):
        return _("Yes or no")
    for validator in schema_field.validators:
        if isinstance(validator, ma.validate.Length) and validator.max:
            return _("At most %(max)s characters", max=validator.max)
    return ""


def column_guide(columns: Sequence[Column], schema: type[ma.Schema]) -> list[dict[str, Any]]:
    """Per column: its header, key, whether the schema requires it and how to fill it in."""
    fields = schema().fields
    return [
        {
            "key": c.key,
            "label": str(c.label),
            "required": bool(fields.get(c.key) is not None and fields[c.key].required),
            "hint": _hint(fields.get(c.key)),
        }
        for c in columns
    ]


def typed_columns(columns: Sequence[Column], schema: type[ma.Schema]) -> list[str]:
    """Keys of the columns whose cells Excel should keep typed (dates, numbers) in a template;
    the others are text, so codes keep their leading zeros and ID numbers their digits."""
    fields = schema().fields
    kinds = (ma.fields.Date, ma.fields.DateTime, ma.fields.Number)
    return [c.key for c in columns if isinstance(fields.get(c.key), kinds)]

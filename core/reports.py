"""What plugins contribute besides pages: indicators, exports, imports and calendar entries.

These are plain descriptions; ``tenants.modules`` computes indicators over the communities where
a module is on, and the export/import helpers here write and read real xlsx/CSV files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session


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
class Column:
    key: str
    label: Any


@dataclass(frozen=True)
class Export:
    """A ledger export. ``rows(session, scope_clause, filters)`` yields dicts keyed by column;
    ``scope_clause(Model)`` is the user's scope predicate for ``permission``."""

    name: str
    label: Any
    permission: str
    columns: Sequence[Column]
    rows: Callable[[Session, Callable[[Any], Any], dict[str, str]], Iterable[dict[str, Any]]]
    module: str = ""


@dataclass(frozen=True)
class Import:
    """A row import: every row passes ``schema``; ``save(session, community, rows)`` writes them
    all in one transaction."""

    name: str
    label: Any
    permission: str
    columns: Sequence[Column]
    schema: type[ma.Schema]
    save: Callable[[Session, Any, list[dict[str, Any]]], int]
    module: str = ""
    # Writes one row (``write_row(session, community, data)``), raising DomainError to refuse it.
    write_row: Callable[[Session, Any, dict[str, Any]], Any] | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """An observance day or campaign period (``end`` for periods such as 安全生产月)."""

    month: int
    day: int
    label: Any
    end_month: int | None = None
    end_day: int | None = None
    module: str = ""


def write_xlsx(columns: Sequence[Column], rows: Iterable[dict[str, Any]], title: str) -> bytes:
    """A one-sheet workbook: a header row of column labels, then the rows (streamed)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.append([str(c.label) for c in columns])
    for row in rows:
        sheet.append([row.get(c.key) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM, which is what Excel on Chinese Windows needs to open it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.label) for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class UnreadableFile(ValueError):
    """The upload is neither a readable xlsx nor a CSV in UTF-8 or GB18030."""


@dataclass
class Table:
    """Header and data rows of a sheet; ``numbers[i]`` is the row number of ``rows[i]`` as the
    spreadsheet shows it (blank rows are skipped but still counted)."""

    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.numbers:
            self.numbers = list(range(2, len(self.rows) + 2))


# Share of the non-ASCII characters of a GB18030-decoded file that must be common Chinese
# (GB2312) for the file to count as Chinese text: Shift-JIS or Latin-1 bytes decode as GB18030
# without error but into rare characters, so a low share means a wrong encoding.
_GB2312_SHARE = 0.8


def _plausible_gb_text(text: str) -> bool:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(wide) >= _GB2312_SHARE


def decode_csv(content: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030/GBK if it reads as Chinese."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile("not UTF-8 or GB18030 text") from None
    if not _plausible_gb_text(text):
        raise UnreadableFile("not UTF-8, and not Chinese text in GB18030/GBK")
    return text


def read_table(filename: str, content: bytes) -> Table:
    """Read the first sheet of an xlsx, or a CSV in UTF-8 (with or without BOM) or GB18030/GBK."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            values = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(str(exc)) from exc
    else:
        text = decode_csv(content)
        if "\x00" in text:
            raise UnreadableFile("binary data, not a CSV file")
        try:
            values = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise UnreadableFile(str(exc)) from exc
    numbered = [
        (number, r)
        for number, r in enumerate(values, start=1)
        if any(v not in (None, "") for v in r)
    ]
    if not numbered:
        return Table([])
    headers = [str(h).strip() if h is not None else "" for h in numbered[0][1]]
    return Table(
        headers,
        [list(r) + [None] * (len(headers) - len(r)) for _n, r in numbered[1:]],
        [n for n, _r in numbered[1:]],
    )

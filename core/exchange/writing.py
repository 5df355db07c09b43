"""Writing ledgers to xlsx and CSV, streamed: memory stays flat in the number of rows.

- xlsx: openpyxl's write-only workbook (rows go to a temporary file as they come); a bold, frozen
  header row; column widths from the label and the first rows; dates as real date cells
  (``yyyy-mm-dd``), numbers as numbers, text as string cells — a text beginning with ``=`` is
  written as a string, never as a formula.
- CSV: UTF-8 with a BOM (what Excel on Chinese Windows needs), yielded in chunks; a text
  beginning with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP), so that a
  spreadsheet opening the file does not run it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from itertools import chain, islice
from typing import IO, Any

from core import clock
from core.exchange.columns import Column
from core.exchange.reading import FORMULA_TRIGGERS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TEXT_FORMAT = "@"
WIDTH_SAMPLE = 200  # rows looked at for the column widths (they must be set before any row)
MIN_WIDTH, MAX_WIDTH = 6, 60
CSV_CHUNK_ROWS = 500

Row = dict[str, Any]


@cache
def _illegal_characters() -> re.Pattern[str]:
    """What XML cannot hold, as openpyxl defines it; openpyxl is imported only when a sheet is
    written or read (it adds ~70 ms to every process's start-up)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def display_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _local(value: datetime) -> datetime:
    """Excel has no time zones: an aware instant is written as the platform's wall-clock time."""
    if value.tzinfo is None:
        return value
    return value.astimezone(clock.zone()).replace(tzinfo=None)


def _plain(value: Any) -> Any:
    """A value as xlsx and CSV know it: numbers, dates, text (anything else as its text)."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        return _local(value) if isinstance(value, datetime) else value
    return _illegal_characters().sub("", str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_width(label: str, values: Iterable[Any]) -> float:
    widest = max([display_width(label), *(display_width(_text(v)) for v in values)])
    return float(min(max(widest + 2, MIN_WIDTH), MAX_WIDTH))


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of ``\\ / ? * : [ ]``."""
    from openpyxl.workbook.child import INVALID_TITLE_REGEX

    return INVALID_TITLE_REGEX.sub("_", title)[:31] or "Sheet1"


class _RowWriter:
    """Turns a row's values into what a write-only sheet appends: plain values where openpyxl
    gets them right, typed cells for dates and for text that openpyxl would take for a formula.
    The typed cells are made once per column and refilled: openpyxl writes a row out before the
    next is appended, and making a styled cell per value would cost more than writing it."""

    def __init__(self, sheet: Any, width: int) -> None:
        from openpyxl.cell import WriteOnlyCell

        self.make_cell = WriteOnlyCell
        self.sheet = sheet
        self.cells: list[dict[str, Any]] = [{} for _ in range(width)]

    def _cell(self, index: int, kind: str) -> Any:
        cell = self.cells[index].get(kind)
        if cell is None:
            cell = self.make_cell(self.sheet)
            if kind in ("date", "datetime"):
                cell.number_format = DATE_FORMAT if kind == "date" else DATETIME_FORMAT
            self.cells[index][kind] = cell
        return cell

    def __call__(self, values: Iterable[Any]) -> list[Any]:
        out = []
        for index, raw in enumerate(values):
            value = _plain(raw)
            if isinstance(value, str):
                if value.startswith("="):
                    cell = self._cell(index, "text")
                    cell.value = value
                    cell.data_type = "s"  # openpyxl would otherwise write <f>, a formula
                    value = cell
            elif isinstance(value, datetime):
                cell = self._cell(index, "date" if value.time() == time() else "datetime")
                cell.value = value
                value = cell
            elif isinstance(value, date):
                cell = self._cell(index, "date")
                cell.value = value
                value = cell
            out.append(value)
        return out


def save_xlsx(columns: Sequence[Column], rows: Iterable[Row], title: str, target: IO[bytes]) -> int:
    """Write a one-sheet workbook into ``target`` (a file, or BytesIO); returns the row count.
    Rows are streamed through openpyxl's write-only mode: memory does not grow with them."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    labels = [str(c.label) for c in columns]
    for index, (column, label) in enumerate(zip(columns, labels, strict=True), start=1):
        width = column_width(label, [r.get(column.key) for r in sample])
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=_illegal_characters().sub("", label))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    cells = _RowWriter(sheet, len(columns))
    keys = [c.key for c in columns]
    count = 0
    for row in chain(sample, rows):
        sheet.append(cells([row.get(k) for k in keys]))
        count += 1
    workbook.save(target)
    return count


def write_xlsx(columns: Sequence[Column], rows: Iterable[Row], title: str) -> bytes:
    """The workbook as bytes (for small files; the export route streams from a file)."""
    buffer = io.BytesIO()
    save_xlsx(columns, rows, title, buffer)
    return buffer.getvalue()


def csv_value(value: Any) -> Any:
    """A value for a CSV cell; text that a spreadsheet would run as a formula gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def iter_csv(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """The CSV in chunks of encoded rows: a BOM and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(str(c.label)) for c in columns])
    keys = [c.key for c in columns]
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for index, row in enumerate(rows, start=1):
        writer.writerow([csv_value(row.get(k)) for k in keys])
        if index % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_csv(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    """UTF-8 with a BOM, which is what Excel on Chinese Windows needs to open it correctly."""
    return b"".join(iter_csv(columns, rows))


def template_xlsx(
    columns: Sequence[Column],
    examples: Iterable[Row] = (),
    title: str = "Sheet1",
    *,
    typed: Iterable[str] = (),
) -> bytes:
    """An import template: the header row of labels (bold, frozen) and ``examples`` under it.
    Text-formatted columns keep a code's leading zeros and every digit of an ID number as
    entered; the columns in ``typed`` (dates, amounts) keep the spreadsheet's own formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    examples = list(examples)
    typed = set(typed)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([str(c.label) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in examples:
        sheet.append([_plain(example.get(c.key)) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column_width(str(column.label), [e.get(column.key) for e in examples])
        if column.key not in typed:
            dimension.number_format = TEXT_FORMAT
            for (cell,) in sheet.iter_rows(min_col=index, max_col=index):
                cell.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

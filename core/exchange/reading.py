"""Reading uploaded sheets: the first sheet of an xlsx, or a CSV in UTF-8 (with or without BOM)
or GB18030/GBK — what offices' Excel and WPS save. Row numbers are the ones the spreadsheet shows:
blank rows are skipped but still counted, so "row 4" is the row a user finds at 4."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from flask_babel import gettext as _

from core.errors import DomainError

MAX_ROWS = 50_000  # rows one upload may hold: a street's buildings, a community's residents

# What a CSV writer prefixes with an apostrophe so that a spreadsheet does not run it as a formula
# (OWASP "CSV injection"); the reader takes the apostrophe off again, so export → import is exact.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# What an xlsx may unpack to (its XML parts together): a 50,000-row sheet is a few tens of MB;
# a small file that unpacks to far more is a decompression bomb.
MAX_UNPACKED = 200 * 2**20
# Rows read past the limit, blank ones included, before the file is refused unread.
BLANK_ROW_SLACK = 10_000


class UnreadableFile(ValueError):
    """The upload is neither a readable xlsx nor a CSV in UTF-8 or GB18030."""


class TooManyRows(UnreadableFile):
    """A sheet with more rows than may be imported at once (found without reading them all)."""


class TooLarge(UnreadableFile):
    """An xlsx that unpacks to more than :data:`MAX_UNPACKED` bytes."""


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

    @property
    def total(self) -> int:
        return len(self.rows)

    def numbered(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of each data row."""
        return zip(self.numbers, self.rows, strict=True)


class RowStream:
    """Header and data rows of a sheet, the data rows read as they are used, once: an import
    holds one batch of a sheet's rows, not all of them (:func:`read_upload` with ``stream``).
    ``total``: at most how many data rows there are (blank rows counted), for progress."""

    def __init__(self, headers: list[str], rows: Iterator[tuple[int, list[Any]]], total: int):
        self.headers = headers
        self.total = total
        self._rows: Iterator[tuple[int, list[Any]]] | None = rows

    def numbered(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of each data row; a stream is read once."""
        if self._rows is None:
            raise RuntimeError("a streamed sheet is read once")
        rows, self._rows = self._rows, None
        return rows


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


def _unneutralised(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def _unpacked_size(content: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(str(exc)) from exc


def _rows(rows: Any, limit: int | None) -> list[list[Any]]:
    """The rows as lists, refused as soon as there are more than ``limit`` (plus some blank
    rows, which count as spreadsheet row numbers but are not imported)."""
    found = []
    for row in rows:
        found.append(list(row))
        if limit is not None and len(found) > limit + BLANK_ROW_SLACK:
            raise TooManyRows(limit)
    return found


# A row element of a worksheet's XML, with or without a namespace prefix: <row r="2">, <x:row>.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SCAN_CHUNK = 2**20


def _count_rows_xml(member: IO[bytes]) -> int:
    """Row elements in a worksheet's XML, read in chunks: each chunk is cut before its last
    ``<``, so no tag is split between two of them."""
    found, tail = 0, b""
    while chunk := member.read(_SCAN_CHUNK):
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            cut = len(buffer)
        found += len(_ROW_TAG.findall(buffer, 0, cut))
        tail = buffer[cut:]
    return found + len(_ROW_TAG.findall(tail))


def estimate_rows(filename: str, content: bytes) -> int:
    """About how many data rows a sheet has, without parsing it: the row elements of an xlsx's
    worksheets, the lines of a CSV, less the header. Enough to decide whether an import runs in
    the request or in the background; a file that cannot be counted so (not a zip, or one that
    unpacks to too much) gives 0, and reading it refuses it at once."""
    if not filename.lower().endswith(".xlsx"):
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        return max(lines - 1, 0)
    try:
        if _unpacked_size(content) > MAX_UNPACKED:
            return 0
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [
                name
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            ]
            rows = 0
            for name in sheets:
                with archive.open(name) as member:
                    rows += _count_rows_xml(member)
    except (UnreadableFile, zipfile.BadZipFile, OSError, EOFError):
        return 0
    return max(rows - 1, 0)


# --- xlsx: the first sheet by calamine -------------------------------------------------------
#
# openpyxl's read-only mode builds Python objects for every cell and, for a sheet without a
# <dimension> element (what openpyxl's write-only mode and our exports save), parses the whole
# sheet once more only to find its size: 1.3 s for 10,000 rows of five columns here, most of an
# import's read. calamine (Rust, python-calamine) reads the same sheet in 0.05 s. Its values are
# turned into the ones openpyxl's read-only, data-only mode gives, so nothing downstream can
# tell the readers apart; a file calamine refuses is read by openpyxl instead.


def _as_openpyxl_gives(value: Any) -> Any:
    """An empty cell is None, a whole number an int, a date cell a datetime — as openpyxl."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _calamine_rows(sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from row 1 (calamine yields the rows above the first filled one, but
    starts each row at the first filled column: the columns before it are put back)."""
    before = [None] * sheet.start[1]
    for row in sheet.iter_rows():
        yield [*before, *(_as_openpyxl_gives(v) for v in row)]


def _openpyxl_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(str(exc)) from exc


def _csv_rows(text: str) -> Iterator[list[Any]]:
    try:
        for row in csv.reader(io.StringIO(text)):
            yield [_unneutralised(v) for v in row]
    except csv.Error as exc:
        raise UnreadableFile(str(exc)) from exc


def _open_rows(filename: str, content: bytes) -> tuple[Iterator[list[Any]], int | None]:
    """Every row of the first sheet of an xlsx (by calamine, or by openpyxl when calamine
    cannot read it) or of a CSV, from row 1, blank ones included, yielded as they are asked
    for; and at most how many there are, where that is known before reading them."""
    if filename.lower().endswith(".xlsx"):
        if _unpacked_size(content) > MAX_UNPACKED:
            raise TooLarge(filename)
        try:
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        except Exception:
            return _openpyxl_rows(content), None
        if sheet.start is None:
            return iter(()), 0
        return _calamine_rows(sheet), sheet.end[0] + 1
    text = decode_csv(content)
    if "\x00" in text:
        raise UnreadableFile("binary data, not a CSV file")
    # A row is one line or more (lines end in \n, \r\n, or \r alone in old files).
    breaks = max(text.count("\n"), text.count("\r"))
    lines = breaks + (0 if text.endswith(("\n", "\r")) else 1)
    return _csv_rows(text), lines


def _numbered(rows: Iterable[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the rows that are not blank."""
    for number, row in enumerate(rows, start=1):
        if any(v not in (None, "") for v in row):
            yield number, row


def read_table(filename: str, content: bytes, limit: int | None = None) -> Table:
    """Read the first sheet of an xlsx, or a CSV in UTF-8 (with or without BOM) or GB18030/GBK.
    ``limit``: refuse (:class:`TooManyRows`) a sheet with more rows, without reading them all;
    an xlsx that unpacks to more than :data:`MAX_UNPACKED` is refused before it is parsed."""
    rows, _at_most = _open_rows(filename, content)
    numbered = list(_numbered(_rows(rows, limit)))
    if not numbered:
        return Table([])
    headers = [str(h).strip() if h is not None else "" for h in numbered[0][1]]
    return Table(
        headers,
        [list(r) + [None] * (len(headers) - len(r)) for _n, r in numbered[1:]],
        [n for n, _r in numbered[1:]],
    )


def stream_table(filename: str, content: bytes, limit: int) -> Table | RowStream:
    """:func:`read_table`, with the data rows read as they are used where the sheet cannot
    hold more than ``limit`` of them (the count known before reading: calamine's, or a CSV's
    lines); a sheet that might hold more is read whole, to be refused as :func:`read_table`
    does."""
    rows, at_most = _open_rows(filename, content)
    if at_most is None or at_most - 1 > limit:
        return read_table(filename, content, limit)
    numbered = _numbered(rows)
    first = next(numbered, None)
    if first is None:
        return Table([])
    headers = [str(h).strip() if h is not None else "" for h in first[1]]
    width = len(headers)
    data = ((n, list(r) + [None] * (width - len(r))) for n, r in numbered)
    return RowStream(headers, data, max(at_most - first[0], 0))


def _refuse_file(message: str) -> DomainError:
    return DomainError(message, {"file": [message]})


def read_upload(
    filename: str, content: bytes, *, max_rows: int = MAX_ROWS, stream: bool = False
) -> Table | RowStream:
    """An uploaded sheet with a header row, or a refusal naming the field ``file``: the wrong
    kind of file, unreadable, empty, or more than ``max_rows`` rows. ``stream``: the data rows
    are read as they are used (:func:`stream_table`; memory does not grow with the rows); an
    error in them is then raised as they are read, as :class:`UnreadableFile`."""
    lower = (filename or "").lower()
    if not (lower.endswith(".xlsx") or lower.endswith(".csv")):
        raise _refuse_file(_("Use an .xlsx file, or a .csv file in UTF-8 or GBK."))
    try:
        if stream:
            table = stream_table(lower, content, limit=max_rows)
        else:
            table = read_table(lower, content, limit=max_rows)
    except TooLarge:
        raise _refuse_file(_("The file unpacks to far more than a sheet of this size.")) from None
    except TooManyRows:
        raise _refuse_file(_("At most %(n)s rows can be imported at once.", n=max_rows)) from None
    except UnreadableFile:
        raise _refuse_file(
            _("The file cannot be read: use .xlsx, or .csv in UTF-8 or GBK.")
        ) from None
    if not table.headers:
        raise _refuse_file(_("The file is empty."))
    if table.total > max_rows:
        raise _refuse_file(_("At most %(n)s rows can be imported at once.", n=max_rows))
    return table


def cell_text(value: Any) -> str:
    """A cell as the text a user typed: 3.0 is "3", a date cell is "2026-06-01", empty is ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

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
_SCAN_CHUNK = 2**16


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


# --- xlsx: the first sheet, whole (calamine) or streamed (lxml) ---------------------------------
#
# openpyxl's read-only mode builds Python objects for every cell and, for a sheet without a
# <dimension> element (what openpyxl's write-only mode and our exports save), parses the whole
# sheet once more only to find its size: 1.3 s for 10,000 rows of five columns here. Two faster
# readers give the values openpyxl's read-only, data-only mode gives (shared and inline strings,
# numbers, booleans, dates by the cell's number format, formula results), each where it fits:
#
# - a whole table (``read_table``: the tree import checks every row against every other, so it
#   holds them all anyway) is read by calamine (Rust, python-calamine): 0.05 s for those 10,000
#   rows, but it loads every cell before the first row comes out (22 MiB for 50,000 residents);
# - a stream (``stream_table``: a ledger import, one batch at a time) is parsed from the sheet's
#   XML by lxml's iterparse as its rows are asked for, decompressing as it goes and dropping each
#   row once read (0.16 s for the 10,000 rows). It holds one row, the style indexes and the
#   workbook's shared-strings table (the distinct texts of a sheet Excel or WPS saved, which any
#   reader must keep); a sheet with inline strings (our exports, openpyxl's write-only saves)
#   costs the same memory at 1,000 rows as at 50,000.
#
# A layout either does not know is read by openpyxl.

_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_REL = _OFFICE_REL + "/worksheet"


class _NotPlain(Exception):
    """An xlsx the direct reader leaves to openpyxl (an unusual layout, a chart sheet first)."""


def _parse(member: IO[bytes]) -> Any:
    from lxml import etree

    # No DTDs nor entities (an xlsx has none; a file with them is hostile), nothing fetched.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(member, parser).getroot()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_of(element: Any) -> str:
    """The text of a string item (<si>, <is>): its <t>, or its runs' <t>; not the phonetic
    guide (<rPh>) — what openpyxl's ``Text.content`` gives."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _first_sheet(archive: zipfile.ZipFile, workbook: Any) -> str:
    """The archive path of the workbook's first sheet (openpyxl's ``worksheets[0]``)."""
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if not sheets:
        raise _NotPlain("no sheet")
    rel_id = sheets[0].get(f"{{{_OFFICE_REL}}}id")
    rels = _parse(archive.open("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            if rel.get("Type") != _WORKSHEET_REL:
                raise _NotPlain("the first sheet is not a worksheet")
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise _NotPlain("the first sheet has no part")


def _date_styles(archive: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """The style indexes whose number format is a date (and of those, a duration), as
    openpyxl's stylesheet decides them."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if "xl/styles.xml" not in archive.namelist():
        return set(), set()
    styles = _parse(archive.open("xl/styles.xml"))
    custom: dict[int, str] = {}
    xfs: list[Any] = []
    for child in styles:
        name = _local(child.tag)
        if name == "numFmts":
            custom = {int(f.get("numFmtId")): f.get("formatCode") or "" for f in child}
        elif name == "cellXfs":
            xfs = [xf for xf in child if _local(xf.tag) == "xf"]
    dates, durations = set(), set()
    for index, xf in enumerate(xfs):
        number = int(xf.get("numFmtId") or 0)
        code = custom.get(number) or BUILTIN_FORMATS.get(number, "General")
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _column_index(reference: str) -> int:
    """0-based column of a cell reference ("C12" → 2)."""
    index = 0
    for ch in reference:
        if ch <= "9":
            break
        index = index * 26 + (ord(ch) & 0x1F)  # A/a → 1 … Z/z → 26
    return index - 1


class _Sheet:
    """The first worksheet of an xlsx, opened: its shared strings, date styles and epoch read,
    its rows not yet. Raises for a layout the direct reader does not know."""

    def __init__(self, content: bytes) -> None:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.archive = zipfile.ZipFile(io.BytesIO(content))
        workbook = _parse(self.archive.open("xl/workbook.xml"))
        self.path = _first_sheet(self.archive, workbook)
        self.epoch = CALENDAR_WINDOWS_1900
        for e in workbook:
            if _local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in self.archive.namelist():
            table = _parse(self.archive.open("xl/sharedStrings.xml"))
            self.strings = [
                _text_of(si).replace("x005F_", "") for si in table if _local(si.tag) == "si"
            ]
        self.dates, self.durations = _date_styles(self.archive)

    def row_elements(self) -> int:
        """How many <row> elements the sheet has (a scan of its XML, not a parse)."""
        with self.archive.open(self.path) as member:
            return _count_rows_xml(member)

    def rows(self) -> Iterator[list[Any]]:
        """The rows from row 1, the rows the sheet leaves out as empty lists, one parsed at a
        time; a sheet that turns out damaged half-way raises :class:`UnreadableFile`."""
        from lxml import etree

        try:
            yield from self._rows(etree)
        except (etree.LxmlError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UnreadableFile(str(exc)) from exc
        except (KeyError, IndexError, ValueError) as exc:  # a bad string index, number, date
            raise UnreadableFile(str(exc)) from exc

    def _rows(self, etree: Any) -> Iterator[list[Any]]:
        strings, dates, durations, epoch = self.strings, self.dates, self.durations, self.epoch
        expected = 1
        ns = ""
        with self.archive.open(self.path) as member:
            events = etree.iterparse(
                member, tag="{*}row", resolve_entities=False, no_network=True, load_dtd=False
            )
            for _event, row in events:
                if not ns:  # the sheet's namespace, from its first row's tag
                    ns = row.tag[:-3]
                    c_tag, v_tag, is_tag, t_tag = ns + "c", ns + "v", ns + "is", ns + "t"
                number = int(row.get("r") or expected)
                while expected < number:  # rows the sheet leaves out are blank rows
                    yield []
                    expected += 1
                cells: list[Any] = []
                for cell in row.iterchildren(c_tag):
                    reference = cell.get("r")
                    if reference:
                        column = _column_index(reference)
                        if column != len(cells):
                            cells.extend([None] * (column - len(cells)))
                    kind = cell.get("t", "n")
                    value: Any = None
                    if kind == "inlineStr":
                        for inline in cell.iterchildren(is_tag):
                            first = inline[0] if len(inline) == 1 else None
                            value = (
                                (first.text or "")
                                if first is not None and first.tag == t_tag
                                else _text_of(inline)
                            )
                    else:
                        raw = cell.findtext(v_tag)
                        if raw:
                            value = _cell_value(raw, kind, cell, strings, dates, durations, epoch)
                    cells.append(value)
                yield cells
                expected = number + 1
                row.clear()  # keep one row in memory: drop the rows already read
                while row.getprevious() is not None:
                    del row.getparent()[0]


def _cell_value(
    raw: str,
    kind: str,
    cell: Any,
    strings: list[str],
    dates: set[int],
    durations: set[int],
    epoch: Any,
) -> Any:
    """A cell's value from its <v> text, as openpyxl's read-only, data-only mode gives it."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    if kind == "s":
        return strings[int(raw)]
    if kind == "n":
        value: Any = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        style = int(cell.get("s") or 0)
        if style in dates:
            try:
                return from_excel(value, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value
    if kind == "b":
        return bool(int(raw))
    if kind == "d":
        return from_ISO8601(raw)
    return raw  # "str" (a formula's text), "e" (an error such as #N/A)


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


def _open_rows(
    filename: str, content: bytes, *, stream: bool = False
) -> tuple[Iterator[list[Any]], int | None]:
    """Every row of the first sheet of an xlsx (by calamine, or ``stream``-ed from its XML; by
    openpyxl where that reader does not know the layout) or of a CSV, from row 1, blank ones
    included, yielded as they are asked for; and at most how many there are, where that is
    known before reading them."""
    if filename.lower().endswith(".xlsx"):
        if _unpacked_size(content) > MAX_UNPACKED:
            raise TooLarge(filename)
        try:
            if stream:
                sheet = _Sheet(content)
                return sheet.rows(), sheet.row_elements()
            from python_calamine import CalamineWorkbook

            whole = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        except Exception:  # any surprise in the layout: openpyxl reads it, or says it cannot
            return _openpyxl_rows(content), None
        if whole.start is None:
            return iter(()), 0
        return _calamine_rows(whole), whole.end[0] + 1
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
    hold more than ``limit`` of them (the count known before reading: the sheet's row elements,
    or a CSV's lines); a sheet that might hold more is read whole, to be refused as :func:`read_table`
    does."""
    rows, at_most = _open_rows(filename, content, stream=True)
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

"""The exchange engine on its own: reading sheets with the row numbers a spreadsheet shows,
header mapping, an import run against the real database (every problem, all or nothing, a dry
run that runs the same writes), and xlsx/CSV writing (types, header, formula injection, memory
that stays flat in the number of rows)."""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import tracemalloc
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import marshmallow as ma
import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook

from core import exchange
from core.db import db
from core.errors import Conflict, DomainError
from core.exchange import Column
from tests.fixture_plugins.ledger.models import LedgerRow

A1 = "110105001001"


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_row_numbers_are_the_spreadsheets_blank_rows_included(kind):
    rows = [["标题", "数量"], ["甲", 1], [None, None], ["乙", 2], [None, None], [None, None]]
    csv_text = "标题,数量\n甲,1\n\n乙,2\n,\n"
    content = xlsx(rows) if kind == "xlsx" else csv_text.encode("gbk")
    table = exchange.read_table(f"t.{kind}", content)
    assert table.headers == ["标题", "数量"]
    assert table.numbers == [2, 4]
    assert [exchange.cell_text(r[0]) for r in table.rows] == ["甲", "乙"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_streamed_sheet_reads_as_the_whole_sheet(kind):
    rows = [["标题", "数量"], ["甲", 1], [None, None], ["乙", 2], ["丙"], [None, None]]
    csv_text = "标题,数量\n甲,1\n\n乙,2\n丙\n,\n"
    content = xlsx(rows) if kind == "xlsx" else csv_text.encode("gbk")
    whole = exchange.read_table(f"t.{kind}", content)
    streamed = exchange.stream_table(f"t.{kind}", content, 100)
    assert isinstance(streamed, exchange.RowStream) and streamed.headers == whole.headers
    assert list(streamed.numbered()) == list(whole.numbered())
    assert streamed.total >= whole.total
    with pytest.raises(RuntimeError):  # read once
        streamed.numbered()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_streamed_upload_with_too_many_rows_is_refused_as_before(app, kind):
    rows = [["标题"], *([f"第{i}条"] for i in range(12))]
    content = xlsx(rows) if kind == "xlsx" else "\n".join(r[0] for r in rows).encode()
    with app.test_request_context():
        for stream in (False, True):
            with pytest.raises(DomainError) as refused:
                exchange.read_upload(f"t.{kind}", content, max_rows=10, stream=stream)
            assert "file" in refused.value.fields
        assert exchange.read_upload(f"t.{kind}", content, max_rows=12, stream=True).total == 12


def _write_only_xlsx(rows: list[list[Any]]) -> bytes:
    """A sheet as openpyxl's write-only mode and our exports save it: inline strings, no
    shared-strings table, no <dimension>."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import_peak(content: bytes, count: int) -> int:
    spec = Spec(write_row=lambda _session, _community, _data: None)
    tracemalloc.start()
    try:
        table = exchange.read_upload("t.xlsx", content, stream=True)
        report = exchange.run_import(None, spec, table, None, dry_run=True)
        assert report.ok and report.written == count
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_import_of_a_streamed_sheet_holds_a_batch_not_the_sheet(app):
    """Memory flat in rows (issue 16): the rows are parsed as the import asks for them."""
    with app.test_request_context():
        small = _import_peak(_write_only_xlsx([["标题", "数量"], *many(1000)]), 1000)
        large = _import_peak(_write_only_xlsx([["标题", "数量"], *many(8000)]), 8000)
    # 7,000 rows more: held as lists they take about 90 bytes each (two cells); streamed, the
    # peak stays where it was, give or take a batch.
    assert large - small < 7000 * 20, (small, large)


def test_a_shared_strings_sheet_holds_its_strings_not_its_rows(app):
    """A sheet saved by Excel or WPS keeps its texts in one table that any reader must hold:
    the import's memory grows by those strings, not by row objects."""
    with app.test_request_context():
        small = _import_peak(xlsx([["标题", "数量"], *many(1000)]), 1000)
        large = _import_peak(xlsx([["标题", "数量"], *many(8000)]), 8000)
    strings = sum(sys.getsizeof(f"第{i}条") + 8 for i in range(1000, 8000))  # + a list slot
    assert large - small < strings * 1.2, (small, large, strings)


def _damaged_after(content: bytes, row: int) -> bytes:
    """The xlsx with its sheet's XML cut off in the middle of row ``row``."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: data.index(f'<row r="{row}"'.encode()) + 12]
            target.writestr(item.filename, data)
    return out.getvalue()


def test_a_streamed_sheet_is_parsed_as_its_rows_are_read():
    """The first rows of a sheet come out before its end is parsed: a sheet damaged near its
    end gives its first rows, then refuses to go on."""
    content = _damaged_after(_write_only_xlsx([["标题", "数量"], *many(3000)]), 2500)
    streamed = exchange.stream_table("t.xlsx", content, 5000)
    assert isinstance(streamed, exchange.RowStream) and streamed.headers == ["标题", "数量"]
    rows = streamed.numbered()
    first = [next(rows) for _ in range(1000)]
    assert first[0] == (2, ["第0条", 0]) and first[-1] == (1001, ["第999条", 9])
    with pytest.raises(exchange.UnreadableFile):
        list(rows)
    with pytest.raises(exchange.UnreadableFile):  # read whole, the same sheet is refused
        exchange.read_table("t.xlsx", content)


def _typed_book(write_only: bool) -> bytes:
    """A sheet of every kind of cell: shared strings (a normal save) or inline strings (a
    write-only save, without a <dimension>), dates, a time, numbers, a boolean, a formula, a
    text with leading zeros, blank rows and a row starting in its third column."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("数据") if write_only else book.active
    rows: list[list[Any]] = [
        ["名称", "日期", "时间", "数量", "比例", "是否", "代码", "公式"],
        ["甲", date(2026, 6, 1), datetime(2026, 6, 1, 9, 30), 3, 2.5, True, "0012", "=1+2"],
        [],
        [None, None, "第三列起", 1e20, -4, False, " 空格 ", None],
        [],
    ]
    for row in rows:
        sheet.append(row)
    if not write_only:
        book.create_sheet("第二页")["A1"] = "不读"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _read_whole_or_streamed(content: bytes, stream: bool) -> exchange.Table:
    if not stream:
        return exchange.read_table("t.xlsx", content)
    streamed = exchange.stream_table("t.xlsx", content, 100)
    assert isinstance(streamed, exchange.RowStream)
    numbers, rows = zip(*streamed.numbered(), strict=True)
    return exchange.Table(streamed.headers, list(rows), list(numbers))


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("write_only", [False, True])
def test_an_xlsx_reads_as_openpyxl_reads_it(write_only, stream):
    content = _typed_book(write_only)
    table = _read_whole_or_streamed(content, stream)
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    expected = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table.headers == [str(h) for h in expected[0]]
    assert table.numbers == [2, 4]
    for got, want in zip(table.rows, [expected[1], expected[3]], strict=True):
        assert got[: len(want)] == want and not any(got[len(want) :])
    first, second = table.rows
    assert first[1] == datetime(2026, 6, 1) and exchange.cell_text(first[1]) == "2026-06-01"
    assert first[3] == 3 and first[6] == "0012" and first[5] is True
    assert second[:3] == [None, None, "第三列起"]


def test_an_xlsx_the_fast_readers_do_not_know_is_read_by_openpyxl(monkeypatch):
    import python_calamine

    from core.exchange import reading

    def fail(*_args: Any) -> Any:
        raise reading._NotPlain("an unusual layout")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", fail)
    monkeypatch.setattr(reading, "_first_sheet", fail)
    table = exchange.read_table("t.xlsx", _typed_book(False))
    assert table.numbers == [2, 4] and table.rows[0][6] == "0012"
    streamed = reading.stream_table("t.xlsx", _typed_book(False), 10)
    assert isinstance(streamed, exchange.Table) and streamed.numbers == [2, 4]


def test_cell_text_is_what_a_user_typed():
    assert exchange.cell_text(3.0) == "3"
    assert exchange.cell_text(2.5) == "2.5"
    assert exchange.cell_text(datetime(2026, 6, 1)) == "2026-06-01"
    assert exchange.cell_text(datetime(2026, 6, 1, 9, 30)) == "2026-06-01 09:30:00"
    assert exchange.cell_text(date(2026, 6, 1)) == "2026-06-01"
    assert exchange.cell_text(None) == "" and exchange.cell_text("  a ") == "a"


def test_read_upload_refuses_what_it_cannot_read_naming_the_file(app):
    with app.test_request_context():
        for filename, content in [
            ("t.xls", xlsx([["a"], ["b"]])),
            ("t.xlsx", b"PK\x03\x04 not a workbook"),
            ("t.csv", b""),
            ("t.csv", "a\n" + "x\n" * 11),
        ]:
            data = content.encode() if isinstance(content, str) else content
            with pytest.raises(DomainError) as refused:
                exchange.read_upload(filename, data, max_rows=10)
            assert "file" in refused.value.fields, filename
        assert exchange.read_upload("T.XLSX", xlsx([["a"], ["b"]])).numbers == [2]


# --- headers ---------------------------------------------------------------------------------

COLUMNS = [Column("title", _l("Title")), Column("size", "数量")]


def test_headers_by_label_in_any_language_or_by_key(app):
    with app.test_request_context():  # Chinese interface: Title is 标题
        headers, problems = exchange.map_headers(["Title", "size"], COLUMNS, ["title"])
        assert not problems and headers.keys == ["title", "size"]
        assert headers.header("title") == "Title"  # problems speak of the file's own header
        headers, problems = exchange.map_headers(["标题", "", "数量"], COLUMNS, ["title"])
        assert not problems and headers.keys == ["title", None, "size"]


def test_unknown_doubled_and_missing_columns_are_row_1(app):
    with app.test_request_context():
        _headers, problems = exchange.map_headers(["名字", "数量", "size"], COLUMNS, ["title"])
    assert [(p["row"], p["column"]) for p in problems.items] == [
        (1, "名字"),
        (1, "size"),
        (1, "标题"),
    ]
    assert [p["reason"] for p in problems.items] == [
        "无法识别的列。",
        "此列出现了两次。",
        "缺少此列。",
    ]


# --- an import run ---------------------------------------------------------------------------


class RowSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=50))
    size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=0))


def write_row(session, community, data) -> LedgerRow:
    """Refuses a title already in the ledger — also one written by an earlier row."""
    taken = session.scalar(
        sa.select(LedgerRow.id).where(
            LedgerRow.community_id == community.id, LedgerRow.title == data["title"]
        )
    )
    if taken:
        raise Conflict("taken", {"title": ["This title is already in the ledger."]})
    row = LedgerRow(title=data["title"], node_id=community.id)
    session.add(row)
    session.flush()
    if data.get("size") == 13:  # refused after writing: the row's own SAVEPOINT undoes it
        raise DomainError("unlucky", {"size": ["Thirteen is refused."]})
    return row


@dataclass(frozen=True)
class Spec:
    columns: Any = tuple(COLUMNS)
    schema: Any = RowSchema
    write_row: Any = write_row
    save: Any = None


def titles() -> list[str]:
    return sorted(db.session.scalars(sa.select(LedgerRow.title)))


def run(world, rows, *, dry_run=False):
    table = exchange.read_table("t.xlsx", xlsx([["标题", "数量"], *rows]))
    return exchange.run_import(db.session, Spec(), table, world.node(A1), dry_run=dry_run)


def test_a_good_sheet_is_written_and_the_caller_commits(app, world):
    with app.test_request_context():
        report = run(world, [["甲", 1], ["乙", None]])
        assert report.ok and report.loaded == report.written == 2
        db.session.commit()
        assert titles() == ["乙", "甲"]


def test_every_bad_row_is_reported_with_its_own_row_and_nothing_is_written(app, world):
    rows = [
        ["甲", 1],
        [None, None],  # row 3: blank, still counted
        ["乙", -1],  # row 4: the schema refuses it
        ["甲", 2],  # row 5: the writer refuses it (row 2 wrote 甲 in the SAVEPOINT)
        ["丙", 13],  # row 6: refused after it wrote
        ["丙", 3],  # row 7: fine, because row 6's write was undone
    ]
    with app.test_request_context():
        report = run(world, rows)
        assert [(p["row"], p["column"], p["value"]) for p in report.errors] == [
            (4, "数量", "-1"),
            (5, "标题", "甲"),
            (6, "数量", "13"),
        ]
        assert report.written == 2 and not report.conflict  # two kinds of refusal: 422
        assert report.fields()["title"] == ["第5行：This title is already in the ledger."]
        assert report.message().startswith("3行未通过（首个为第4行")
        db.session.commit()
        assert titles() == []


def test_a_dry_run_runs_the_same_writes_and_keeps_nothing(app, world):
    with app.test_request_context():
        dry = run(world, [["甲", 1], ["甲", 2]], dry_run=True)
        assert [(p["row"], p["column"]) for p in dry.errors] == [(3, "标题")]
        assert dry.conflict  # only duplicates: the API answers 409
        good = run(world, [["甲", 1], ["乙", 2]], dry_run=True)
        assert good.ok and good.written == 2
        db.session.commit()
        assert titles() == []


def test_a_database_refusal_is_a_row_problem_not_a_500(app, world):
    def without_title(session, community, data):
        if data["title"] == "坏":
            session.add(LedgerRow(title=None, node_id=community.id))  # NOT NULL
        else:
            session.add(LedgerRow(title=data["title"], node_id=community.id))

    spec = Spec(write_row=without_title)
    table = exchange.read_table("t.csv", "标题\n好\n坏\n也好\n".encode())
    with app.test_request_context():
        report = exchange.run_import(db.session, spec, table, world.node(A1), dry_run=False)
        assert [(p["row"], p["reason"]) for p in report.errors] == [(3, "与现有数据冲突。")]
        assert report.written == 2 and report.conflict
        db.session.commit()
        assert titles() == []


def test_wrong_headers_stop_before_any_row(app, world):
    with app.test_request_context():
        table = exchange.read_table("t.csv", "名字\n张三\n".encode())
        report = exchange.run_import(db.session, Spec(), table, world.node(A1), dry_run=False)
        assert {p["row"] for p in report.errors} == {1} and report.written == 0


# --- batches: rows written 500 at a time --------------------------------------------------------


def many(count: int, **bad: int) -> list[list[Any]]:
    """``count`` rows with distinct titles; ``bad``: {"at": index} gets size 13 (refused)."""
    rows: list[list[Any]] = [[f"第{i}条", i % 10] for i in range(count)]
    if "at" in bad:
        rows[bad["at"]][1] = 13
    return rows


def test_a_bad_row_in_a_later_batch_refuses_the_whole_file(app, world):
    count = exchange.BATCH_ROWS * 2 + 10
    bad = exchange.BATCH_ROWS + 40  # in the second batch; the first was written in full
    with app.test_request_context():
        report = run(world, many(count, at=bad))
        assert [(p["row"], p["column"], p["value"]) for p in report.errors] == [
            (bad + 2, "数量", "13")
        ]
        assert report.written == count - 1  # every other row was checked and written
        db.session.commit()
        assert titles() == []
        good = run(world, many(count))
        assert good.ok and good.written == count
        db.session.commit()
        assert len(titles()) == count


def test_a_duplicate_across_two_batches_is_found(app, world):
    rows = many(exchange.BATCH_ROWS + 5)
    rows[-1][0] = rows[3][0]  # the last row repeats a title of the first batch
    with app.test_request_context():
        report = run(world, rows)
        assert [(p["row"], p["column"]) for p in report.errors] == [(len(rows) + 1, "标题")]
        assert report.conflict


def test_every_row_of_a_batched_import_gets_its_history_in_few_statements(app, world):
    from core.models import AuditLog
    from core.records.history import RecordChange, once_written, record_change

    loads: list[int] = []

    def write(session, community, data):
        # One lookup for the whole batch instead of one per row.
        known = exchange.per_batch("titles", lambda rows: loads.append(len(rows)) or set())
        assert known is not None and data["title"] not in known
        known.add(data["title"])
        row = LedgerRow(title=data["title"], node_id=community.id)
        session.add(row)
        once_written(
            session,
            lambda: record_change(
                session,
                row,
                object_type="ledger.row",
                action="create",
                changes={"title": [None, row.title]},
                summary=f"Added {row.title}",
            ),
        )

    count = exchange.BATCH_ROWS * 2 + 1
    table = exchange.read_table("t.xlsx", xlsx([["标题", "数量"], *many(count)]))
    sent: list[str] = []
    with app.test_request_context():
        community = world.node(A1)

        def note(*args: Any) -> None:
            sent.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            report = exchange.run_import(
                db.session, Spec(write_row=write), table, community, dry_run=False
            )
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
        assert report.ok and report.written == count
        assert loads == [exchange.BATCH_ROWS, exchange.BATCH_ROWS, 1]
        db.session.commit()
        ids = set(db.session.scalars(sa.select(LedgerRow.id)))
        history = db.session.execute(
            sa.select(RecordChange.object_id, RecordChange.community_id, RecordChange.changes)
        ).all()
        assert len(ids) == count and sorted(h[0] for h in history) == sorted(ids)
        assert {h[1] for h in history} == {community.id}  # the tenant keys, as the ORM fills them
        assert all(h[2]["title"][0] is None for h in history)
        audit = db.session.scalars(
            sa.select(AuditLog.node_id).where(AuditLog.action == "ledger.row.create")
        ).all()
        assert len(audit) == count and set(audit) == {community.id}
        assert sorted(ids) == list(range(min(ids), min(ids) + count))  # in the sheet's order
    # Row by row this was about four statements a row; batched, a handful per batch: the new
    # rows' ids are reserved in one statement, and the rows go in as one executemany without
    # RETURNING (SQLite sent one INSERT per row, PostgreSQL INSERT … RETURNING).
    table_name = LedgerRow.__tablename__
    inserts = [s for s in sent if s.startswith(f"INSERT INTO {table_name} ")]
    assert len(inserts) <= 3 and not any("RETURNING" in s for s in inserts)
    assert len(sent) < count * 0.1


def test_per_batch_and_defer_outside_an_import(app):
    with app.test_request_context():
        assert exchange.per_batch("x", lambda rows: 1) is None
        assert exchange.per_import("x", lambda: 2) == 2
        assert exchange.defer(lambda: None) is False and not exchange.batched()


# --- writing ---------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column("name", "名称"),
    Column("on", "日期"),
    Column("at", "时间"),
    Column("count", "数量"),
    Column("amount", "金额"),
    Column("note", "备注"),
]


def sample_rows():
    return [
        {
            "name": "北京华信化工有限公司",
            "on": date(2026, 6, 1),
            "at": datetime(2026, 6, 1, 1, 30, tzinfo=UTC),
            "count": 3,
            "amount": Decimal("12.50"),
            "note": '=HYPERLINK("http://evil.example","点我")',
        },
        {"name": "01", "on": None, "at": None, "count": -5, "amount": 0.5, "note": "-1+2"},
    ]


def test_xlsx_has_a_bold_frozen_header_typed_cells_and_no_formulas(app):
    with app.app_context():  # the platform's zone (Asia/Shanghai) for aware datetimes
        content = exchange.write_xlsx(EXPORT_COLUMNS, sample_rows(), "台账/导出")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "台账_导出"
    assert sheet.freeze_panes == "A2"
    header = sheet[1]
    assert [c.value for c in header] == [c.label for c in EXPORT_COLUMNS]
    assert all(c.font.b for c in header)
    first, second = list(sheet.iter_rows(min_row=2))
    assert first[1].value == datetime(2026, 6, 1) and first[1].number_format == "yyyy-mm-dd"
    assert first[2].value == datetime(2026, 6, 1, 9, 30)  # 01:30 UTC is 09:30 in Beijing
    assert (first[3].value, first[3].data_type) == (3, "n")
    assert (second[3].value, second[4].value) == (-5, 0.5)
    assert first[5].data_type == "s" and first[5].value.startswith("=HYPERLINK")
    assert (second[0].value, second[0].data_type) == ("01", "s")  # codes keep their zeros
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # nothing is a formula
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert widths[0] >= 20 > widths[3]  # the long Chinese name gets a wide column


def test_csv_is_utf8_with_bom_and_neutralises_formulas(app):
    with app.app_context():
        content = exchange.write_csv(EXPORT_COLUMNS, sample_rows())
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [str(c.label) for c in EXPORT_COLUMNS]
    assert rows[1][:5] == [
        "北京华信化工有限公司",
        "2026-06-01",
        "2026-06-01 09:30:00",
        "3",
        "12.50",
    ]
    assert rows[1][5].startswith("'=HYPERLINK")
    assert rows[2][3] == "-5" and rows[2][5] == "'-1+2"  # numbers stay numbers, text is quoted
    for trigger in ("+1", "@SUM(A1)", "\tx", "\rx"):
        assert exchange.csv_value(trigger) == "'" + trigger
    # Reading the file back takes the apostrophes off: export → import is exact.
    table = exchange.read_table("t.csv", content)
    assert table.rows[0][5] == '=HYPERLINK("http://evil.example","点我")'


def test_columns_are_chosen_by_key_in_order(app):
    assert [c.key for c in exchange.select_columns(EXPORT_COLUMNS, "note,name")] == [
        "note",
        "name",
    ]
    assert exchange.select_columns(EXPORT_COLUMNS, "") == EXPORT_COLUMNS
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        exchange.select_columns(EXPORT_COLUMNS, "name,password")
    assert "password" in refused.value.fields["columns"][0]


def test_a_template_is_the_header_row_with_text_columns(app):
    content = exchange.template_xlsx(COLUMNS[1:], (), "模板", typed=())
    sheet = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [["数量"]]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].number_format == "@"


def _peak(write, rows: int) -> int:
    def generate():
        for i in range(rows):
            yield {"name": f"第{i}号楼", "on": date(2026, 1, 1), "count": i, "note": "备注" * 5}

    tracemalloc.start()
    try:
        write(generate())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_in_the_number_of_rows(app):
    columns = [EXPORT_COLUMNS[i] for i in (0, 1, 3, 5)]

    def to_xlsx(rows):
        with tempfile.TemporaryFile() as target:
            exchange.save_xlsx(columns, rows, "t", target)

    def to_csv(rows):
        for _chunk in exchange.iter_csv(columns, rows):
            pass

    for write in (to_xlsx, to_csv):
        small, large = _peak(write, 500), _peak(write, 5000)
        # Ten times the rows: a list of them would take ten times the memory.
        assert large < small * 2, (write.__name__, small, large)


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_that_unpacks_too_far_is_refused_unparsed(app, monkeypatch):
    """Regression (issue 12, finding 8): a 297 KB xlsx unpacking to a million rows held a worker
    for 31.6 s. The parts' unpacked size is checked before anything is parsed."""
    from core.exchange import reading

    content = _xlsx([["姓名"], ["王秀兰"]])
    monkeypatch.setattr(reading, "MAX_UNPACKED", len(content))  # the real file unpacks larger
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        exchange.read_upload("bomb.xlsx", content)
    assert "file" in refused.value.fields
    assert "解压" in refused.value.message or "unpacks" in refused.value.message


def test_rows_past_the_limit_are_refused_without_reading_the_rest(app):
    """A sheet is read only until it has more rows than may be imported (blank ones counting
    within a margin): an endless sheet is refused, not read to its end."""
    from itertools import count

    from core.exchange import reading

    endless = ([f"行{n}"] for n in count())
    with pytest.raises(reading.TooManyRows):
        reading._rows(endless, limit=5)
    csv_text = "姓名\n" + "\n".join(f"居民{n}" for n in range(30))
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        exchange.read_upload("many.csv", csv_text.encode(), max_rows=5)
    assert "file" in refused.value.fields and "5" in refused.value.message


# --- ids reserved for a batch's new rows -------------------------------------------------------


def test_reserved_ids_are_free_and_the_write_lock_is_held(app, world):
    from core.exchange.keys import reserve_ids

    with app.test_request_context():
        db.session.add(LedgerRow(title="已有", node_id=world.node(A1).id))
        db.session.commit()
        highest = db.session.scalar(sa.select(sa.func.max(LedgerRow.id)))  # reads, no lock
        ids = list(reserve_ids(db.session, LedgerRow.__table__, 3))
        assert len(set(ids)) == 3 and min(ids) > highest
        if db.engine.dialect.name == "sqlite":
            assert ids == [highest + 1, highest + 2, highest + 3]
            # No other connection can insert (and take these ids) before this one commits.
            other = db.engine.raw_connection()
            try:
                other.execute("PRAGMA busy_timeout=0")
                with pytest.raises(Exception, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        else:  # a sequence: the next reservation takes others
            assert not set(ids) & set(reserve_ids(db.session, LedgerRow.__table__, 3))
        db.session.rollback()
        db.session.execute(sa.delete(LedgerRow))
        db.session.commit()


def test_the_collector_is_paused_in_the_block_and_back_as_it_was_after():
    import gc

    assert gc.isenabled()
    with exchange.collector_paused():
        assert not gc.isenabled()
        with exchange.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off and left it off
    assert gc.isenabled()

    with pytest.raises(ZeroDivisionError), exchange.collector_paused():
        raise ZeroDivisionError
    assert gc.isenabled()  # on again after an exception

    gc.disable()
    try:
        with exchange.collector_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()

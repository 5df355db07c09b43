"""Ledger exports through ``/n/<ref>/exports/<name>.<fmt>`` on the exchange engine: column
choice, formula injection neutralised in both formats, typed cells, a streamed CSV that reads
its rows from the database while it is sent."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.db import db
from core.models import AuditLog
from tests.plugins.registry.conftest import make_id

A1 = "110105001001"
EVIL = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def ledger(as_user):
    """The test ledger on in street A, with a row whose title is a formula."""
    d = as_user("d_admin")
    r = d.post("/api/v1/nodes/110105001/modules", json={"module": "ledger", "enabled": True})
    assert r.status_code == 200
    for title in (EVIL, "+1", "普通"):
        assert d.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": title}).status_code == 201
    return as_user("s_admin")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_a_formula_stays_text_in_csv_and_xlsx(ledger):
    r = ledger.get(f"/n/{A1}/exports/ledger.rows.csv")
    assert r.status_code == 200 and r.is_streamed
    assert r.data.startswith("\ufeff".encode())
    titles = [row[0] for row in csv_rows(r)[1:]]
    assert titles == ["'" + EVIL, "'+1", "普通"]
    x = ledger.get(f"/n/{A1}/exports/ledger.rows.xlsx")
    assert x.status_code == 200
    assert (
        "<f>" not in zipfile.ZipFile(io.BytesIO(x.data)).read("xl/worksheets/sheet1.xml").decode()
    )
    sheet = load_workbook(io.BytesIO(x.data)).active
    assert sheet["A2"].value == EVIL and sheet["A2"].data_type == "s"
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["B2"].data_type == "n"  # the place id is a number


def test_columns_are_chosen_and_ordered_and_an_unknown_one_is_named(app, ledger):
    r = ledger.get(f"/n/{A1}/exports/ledger.rows.csv?columns=node,title")
    assert csv_rows(r)[0] == ["地点", "标题"]
    assert csv_rows(ledger.get(f"/n/{A1}/exports/ledger.rows.csv?columns=title"))[0] == ["标题"]
    bad = ledger.get(f"/n/{A1}/exports/ledger.rows.xlsx?columns=title,secret")
    assert bad.status_code == 422 and "secret" in bad.text
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)
        ).all()
    assert [e.details["columns"] for e in entries] == [["node", "title"], ["title"]]


def test_a_streamed_csv_reads_its_rows_while_it_is_sent(app, as_user, world):
    """The registry streams residents with yield_per; the file is complete although the
    request's session is gone by the time the rows are read."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    worker = as_user("worker")
    for sequence in range(5):
        data = {"name": f"居民{sequence}", "id_number": make_id(sequence=100 + sequence)}
        assert worker.post(f"/api/v1/c/{A1}/registry/residents", json=data).status_code == 201
    r = worker.get(f"/n/{A1}/exports/registry.residents.csv?columns=name,birth_date")
    assert r.status_code == 200 and r.is_streamed
    rows = csv_rows(r)
    assert rows[0] == ["姓名", "出生日期"]
    assert sorted(row[0] for row in rows[1:]) == [f"居民{i}" for i in range(5)]
    assert rows[1][1] == "1985"  # the year only, beside masked IDs

"""The generated ledger pages in headless Chromium, as a community worker uses them: the residents
list filtered, sorted and exported to Excel, a spreadsheet import refused then accepted, an
inspection with its checklist, delete and restore behind their confirmation pages, and the list
as cards on a phone.

Records the test only needs to exist are seeded through the JSON API (the ``as_user`` client),
the pages under test are driven in the browser.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.browser.conftest import require_playwright
from tests.plugins.registry.conftest import make_id

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"  # 永安里东社区
REGISTRY = f"/c/{A1}/registry"
API = f"/api/v1/c/{A1}/registry"
IMPORT = f"/n/{A1}/imports/registry.residents"

SEED = (  # name, birth date, sequence of the ID number, status
    ("王秀兰", date(1950, 5, 4), 124, "registered"),
    ("李建国", date(1962, 8, 19), 131, "registered"),
    ("赵明", date(1990, 1, 2), 157, "floating"),
)


@pytest.fixture
def registry_on(live_server, world):
    from core.db import db
    from tenants import modules

    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()


@pytest.fixture
def residents(registry_on, as_user) -> dict[str, int]:
    """The seeded residents' ids by name, created through the API as the worker."""
    worker = as_user("worker")
    ids = {}
    for name, born, sequence, status in SEED:
        answer = worker.post(
            f"{API}/residents",
            json={
                "name": name,
                "id_number": make_id(born, sequence),
                "status": status,
                "arrived_on": "2020-03-01",
            },
        )
        assert answer.status_code == 201, answer.json
        ids[name] = answer.json["id"]
    return ids


def rows(page: Page):
    return page.locator('table[data-ledger="registry.residents"] tbody tr[data-record]')


def names(page: Page):
    return rows(page).locator("td:first-child")


# --- list, filter, sort, export -------------------------------------------------------------


def test_a_worker_filters_sorts_and_exports_the_residents(page: Page, tr, residents, tmp_path):
    sign_in(page, tr, "worker")
    page.goto(f"{REGISTRY}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr("Residents"))
    expect(rows(page)).to_have_count(3)

    # Filter by residence status: only the floating resident is left.
    page.locator("#flt-status").select_option("floating")
    page.locator("form.filters[role=search]").get_by_role("button", name=tr("Search")).click()
    expect(page).to_have_url(re.compile(r"status=floating"))
    expect(names(page)).to_have_text(["赵明"])
    expect(page.locator("#flt-status")).to_have_value("floating")

    # Back to all, by name: the header sorts ascending, a second click descending.
    page.locator("#flt-status").select_option("")
    page.locator("form.filters[role=search]").get_by_role("button", name=tr("Search")).click()
    expect(rows(page)).to_have_count(3)
    header = page.locator('a[data-sort="name"]')
    header.click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.locator('a[data-sort="name"]')).to_have_attribute("aria-sort", "ascending")
    ascending = names(page).all_inner_texts()
    page.locator('a[data-sort="name"]').click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.locator('a[data-sort="name"]')).to_have_attribute("aria-sort", "descending")
    expect(names(page)).to_have_text(list(reversed(ascending)))
    assert sorted(ascending) == sorted(name for name, *_ in SEED)

    # The worker may not ask for full numbers.
    export = page.locator('form[data-export="registry.residents"]')
    expect(export).to_be_visible()
    expect(export.locator('input[name="unmask"]')).to_have_count(0)
    with page.expect_download() as waiting:
        export.get_by_role("button", name="xlsx", exact=True).click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = tmp_path / "residents.xlsx"
    download.save_as(saved)

    sheet = load_workbook(saved).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    header_row = [str(v) if v is not None else "" for v in table[0]]
    for label in ("社区", "姓名", "性别", "身份证号", "出生日期"):
        assert label in header_row, header_row
    records = [dict(zip(header_row, row, strict=False)) for row in table[1:]]
    assert sorted(r["姓名"] for r in records) == sorted(name for name, *_ in SEED)
    wang = next(r for r in records if r["姓名"] == "王秀兰")
    assert wang["社区"] == "永安里东社区"
    full = make_id(date(1950, 5, 4), 124)
    assert wang["身份证号"] != full and "*" in wang["身份证号"], wang["身份证号"]
    assert wang["身份证号"][-4:] == full[-4:]
    # Beside the masked ID the birth date shows its year only: the eight hidden digits are it.
    assert wang["出生日期"] == "1950"
    # Date columns hold real date cells (Excel can sort and filter them), not text.
    column = header_row.index("来本地日期") + 1
    cell = next(
        sheet.cell(row=r, column=column)
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=header_row.index("姓名") + 1).value == "王秀兰"
    )
    assert cell.is_date and isinstance(cell.value, datetime), (cell.value, cell.number_format)
    assert cell.value.date() == date(2020, 3, 1)


# --- import ---------------------------------------------------------------------------------


def sheet_bytes(header: list[str], body: list[list[object] | None]) -> bytes:
    """An xlsx with ``header`` in row 1 and ``body`` below (None: a blank row)."""
    book = Workbook()
    ws = book.active
    ws.append(header)
    for row in body:
        ws.append(row or [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_header(page: Page, tr_download: str, tmp_path: Path) -> list[str]:
    """The column labels of the import template, downloaded from the import page."""
    with page.expect_download() as waiting:
        page.get_by_role("link", name=tr_download).click()
    path = tmp_path / "template.xlsx"
    waiting.value.save_as(path)
    first = next(load_workbook(path).worksheets[0].iter_rows(max_row=1, values_only=True))
    return [str(v) for v in first if v is not None]


def upload(page: Page, tr, path: Path) -> None:
    form = page.locator("form[data-upload]")
    form.locator('input[type="file"]').set_input_files(path)
    form.get_by_role("button", name=tr("Check the file")).click()


def test_an_import_with_a_bad_row_writes_nothing_then_a_good_one_is_confirmed(
    page: Page, tr, residents, tmp_path
):
    sign_in(page, tr, "worker")
    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(3)
    page.locator(".page-head").get_by_role("link", name=tr("Import"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(IMPORT)))
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr("Residents"))
    header = template_header(page, tr("Download the template"), tmp_path)
    assert "姓名" in header and "身份证号" in header, header

    def row(name: str, id_number: str) -> list[object]:
        values = {"姓名": name, "身份证号": id_number}
        return [values.get(label) for label in header]

    good = make_id(date(1971, 4, 12), 311)
    wrong_digit = make_id(date(1980, 9, 30), 322)
    wrong_digit = wrong_digit[:-1] + ("0" if wrong_digit[-1] != "0" else "1")
    bad_file = tmp_path / "bad.xlsx"
    # Spreadsheet row 2 is fine, row 3 is left blank, row 4 has a wrong check digit.
    bad_file.write_bytes(sheet_bytes(header, [row("孙丽", good), None, row("周强", wrong_digit)]))
    upload(page, tr, bad_file)

    report = page.locator("#report")
    expect(report.get_by_role("alert")).to_contain_text(
        tr(
            "%(count)s problems found. Nothing was written: correct the file and choose it again.",
            count=1,
        )
    )
    problems = report.locator("table[data-import-errors] tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator(f'td[data-label="{tr("Row")}"]')).to_have_text("4")
    expect(problems.first).to_contain_text(wrong_digit)
    expect(report.locator('input[name="token"]')).to_have_count(0)  # nothing to confirm

    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(3)  # not even the good row 2 was written
    expect(names(page)).not_to_contain_text(["孙丽"])

    # The corrected file: checked, then confirmed; exactly its rows arrive.
    fixed = make_id(date(1980, 9, 30), 322)
    good_file = tmp_path / "good.xlsx"
    good_file.write_bytes(sheet_bytes(header, [row("孙丽", good), None, row("周强", fixed)]))
    page.goto(IMPORT)
    upload(page, tr, good_file)
    report = page.locator("#report")
    expect(report.locator('[data-count="rows"]')).to_have_text("2")
    expect(report).to_contain_text(tr("Every row is correct. Nothing has been written yet."))
    other_tab = page.context.new_page()  # the list, beside the report waiting for confirmation
    other_tab.goto(f"{REGISTRY}/")
    expect(rows(other_tab)).to_have_count(3)  # checking wrote nothing
    other_tab.close()
    page.locator("#report").get_by_role(
        "button", name=tr("Import %(count)s rows now", count=2)
    ).click()
    expect(page.locator(".flash-success")).to_contain_text(
        tr("Imported %(count)s rows into %(name)s.", count=2, name=tr("Residents"))
    )

    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(5)
    page.locator("#flt-q").fill("孙丽")
    page.locator("#flt-q").press("Enter")
    expect(names(page)).to_have_text(["孙丽"])


# --- an inspection with its checklist -------------------------------------------------------


@pytest.fixture
def safety_on(live_server, world, jiedao_clock):
    from core.db import db
    from tenants import modules
    from tests.plugins.safety.conftest import beijing

    jiedao_clock(beijing("2026-06-15 10:00"))
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        db.session.commit()


def test_an_inspection_is_recorded_with_its_checklist(page: Page, tr, safety_on):
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/safety/inspections/new")
    form = page.locator("main form[method=post]")
    page.get_by_label(tr("Kind")).select_option("routine")
    expect(page.get_by_label(tr("Done on"))).to_have_value("2026-06-15")
    page.get_by_label(tr("Area")).fill("1号楼地下车库")
    page.get_by_label(tr("Inspectors")).fill("张三、李四")
    checklist = form.locator('[data-safety="checklist-form"] tbody tr')
    count = checklist.count()
    assert count >= 1
    # Replace the offered items with two of our own, in the first two rows, and clear the rest.
    for n in range(1, count + 1):
        form.locator(f'input[name="item-{n}"]').fill("")
    form.locator('input[name="item-1"]').fill("疏散通道畅通")
    form.locator('input[name="result-1"][value="ok"]').check()
    form.locator('input[name="item-2"]').fill("灭火器在有效期内")
    form.locator('input[name="result-2"][value="fail"]').check()
    form.locator('input[name="note-2"]').fill("过期两具")
    form.get_by_role("button", name=tr("Save")).click()

    expect(page).to_have_url(re.compile(rf"/c/{A1}/safety/inspections/\d+$"))
    expect(page.locator("h1")).to_contain_text(tr("Routine inspection"))
    expect(page.locator("dl.facts")).to_contain_text("1号楼地下车库")
    items = page.locator('table[data-safety="checklist"] tbody tr')
    expect(items).to_have_count(2)
    expect(items.nth(0).locator("td")).to_have_text(["疏散通道畅通", tr("Passed"), ""])
    expect(items.nth(1).locator("td")).to_have_text(["灭火器在有效期内", tr("Failed"), "过期两具"])
    expect(items.nth(1)).to_have_class(re.compile(r"\boverdue\b"))  # a failed item stands out


# --- delete and restore ---------------------------------------------------------------------


def test_delete_and_restore_go_through_their_confirmation_pages(
    page: Page, new_page, tr, residents
):
    rid = residents["李建国"]
    sign_in(page, tr, "worker")
    page.goto(f"{REGISTRY}/residents/{rid}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("李建国")
    page.locator(".page-head").get_by_role("link", name=tr("Delete"), exact=True).click()

    expect(page).to_have_url(re.compile(rf"/residents/{rid}/delete$"))
    ask = page.locator('[data-confirm="delete"]')
    expect(ask.get_by_role("heading", level=1)).to_contain_text("李建国")
    # Cancel first: nothing happened, the resident is still listed.
    ask.get_by_role("link", name=tr("Cancel")).click()
    expect(page).to_have_url(re.compile(rf"/residents/{rid}$"))
    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(3)

    page.goto(f"{REGISTRY}/residents/{rid}/delete")
    page.locator("[data-confirm-button]").click()
    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(2)
    expect(page.locator('table[data-ledger="registry.residents"]')).not_to_contain_text("李建国")
    # The worker may not restore, and is not offered the deleted records.
    expect(page.get_by_role("link", name=tr("Show deleted records"))).to_have_count(0)

    admin = new_page()
    sign_in(admin, tr, "c_admin")
    admin.goto(f"{REGISTRY}/")
    expect(rows(admin)).to_have_count(2)
    admin.get_by_role("link", name=tr("Show deleted records")).click()
    expect(names(admin)).to_have_text(["李建国"])
    names(admin).get_by_role("link", name="李建国").click()
    head = admin.locator(".page-head")
    expect(head.locator(".badge-warn")).to_have_text(tr("Deleted"))
    expect(head.get_by_role("link", name=tr("Delete"), exact=True)).to_have_count(0)
    head.get_by_role("link", name=tr("Restore"), exact=True).click()

    expect(admin).to_have_url(re.compile(rf"/residents/{rid}/restore$"))
    ask = admin.locator('[data-confirm="restore"]')
    expect(ask.get_by_role("heading", level=1)).to_contain_text("李建国")
    ask.locator("[data-confirm-button]").click()
    expect(admin.locator(".page-head .badge-warn")).to_have_count(0)

    page.goto(f"{REGISTRY}/")  # the worker sees the resident again
    expect(rows(page)).to_have_count(3)
    expect(names(page).filter(has_text="李建国")).to_have_count(1)


# --- a phone --------------------------------------------------------------------------------


def test_the_residents_list_is_cards_on_a_phone(phone_page: Page, tr, residents, shots_dir):
    page = phone_page
    sign_in(page, tr, "worker")
    page.goto(f"{REGISTRY}/")
    expect(rows(page)).to_have_count(3)
    table = page.locator('table[data-ledger="registry.residents"]')
    expect(table.locator("thead")).to_be_hidden()

    first = rows(page).first
    cells = first.locator("td[data-label]")
    assert cells.count() >= 3
    labels = cells.evaluate_all(
        "tds => tds.map(td => [td.dataset.label, getComputedStyle(td, '::before').content,"
        " getComputedStyle(td).display])"
    )
    shown = [(label, before, display) for label, before, display in labels if display != "none"]
    assert len(shown) >= 3, labels  # empty cells (no mobile number) are left out of the card
    for label, before, display in shown:
        assert before == f'"{label}："', (label, before)
        assert display == "block", (label, display)
    assert tr("Full name") in [label for label, *_ in labels]
    # A card: its cells stack, the second below the first, both as wide as the row.
    one, two = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert one and two and two["y"] >= one["y"] + one["height"] - 1, (one, two)
    assert horizontal_overflow(page) <= 1, "residents list"

    page.screenshot(path=shots_dir / "residents-phone.png", full_page=True)
    assert (shots_dir / "residents-phone.png").stat().st_size > 1000

"""Family planning in headless Chromium, on a desktop and on a phone (390×844): a worker files a
woman from the 应建未建 list, records her 生育登记 and the birth, and sees the register update;
the street's reviewer returns the monthly report and approves it once corrected."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
FP = f"/c/{A1}/family_planning"


@pytest.fixture
def candidate(live_server, world, jiedao_clock) -> str:
    """Family planning on in A1 on 15 June 2026, the registry holding one married woman."""
    from plugins.registry.residents import create_resident
    from tenants import modules
    from tests.plugins.registry.conftest import make_id

    jiedao_clock("2026-06-15T10:00:00+08:00")
    born = date(1993, 8, 8)
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "family_planning")
        create_resident(
            db.session,
            world.node(A1),
            {"name": "马丽娟", "gender": "F", "birth_date": born, "id_number": make_id(born, 202),
             "marital_status": "first_marriage"},
        )  # fmt: skip
        db.session.commit()
    return "马丽娟"


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label).select_option(label=option)


def _file_register_and_give_birth(page: Page, tr, name: str) -> None:
    page.goto(f"{FP}/candidates")
    page.locator(f'tr[data-candidate="{name}"]').get_by_role("link", name=tr("File a card")).click()
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("h1")).to_contain_text(name)

    page.goto(f"{FP}/birth_regs/new")
    _choose(page, tr("Mother"), name)
    page.get_by_role("radio", name=tr("First child")).check()
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator('dd[data-field="status"]')).to_have_text(tr("Submitted"))

    page.goto(f"{FP}/children/new")
    _choose(page, tr("Mother"), name)
    page.get_by_label(tr("Child's name")).fill("马小宝")
    page.get_by_label(tr("Born on")).fill("2026-06-12")
    page.get_by_role("radio", name=tr("Boy")).check()
    page.get_by_label(tr("Birth certificate number")).fill("S123456789")
    _choose(page, tr("Birth registration"), "SY2026-0001")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator('dd[data-field="child"]')).to_have_text("马小宝")

    page.goto(f"{FP}/women")
    row = page.locator("tr[data-record]", has_text=name)
    expect(row).to_contain_text("1")  # 现有子女（男）
    page.goto(f"{FP}/birth_regs")
    expect(page.locator("tr[data-record]", has_text="SY2026-0001")).to_contain_text(tr("Born"))


def test_a_worker_files_registers_and_records_a_birth(page: Page, tr, candidate):
    sign_in(page, tr, "worker")
    _file_register_and_give_birth(page, tr, candidate)
    page.goto(f"{FP}/candidates")
    expect(page.locator("tr[data-candidate]")).to_have_count(0)


def test_the_same_on_a_phone(phone_page: Page, tr, candidate):
    sign_in(phone_page, tr, "worker")
    _file_register_and_give_birth(phone_page, tr, candidate)
    phone_page.goto(f"{FP}/women")
    assert horizontal_overflow(phone_page) == 0


def test_the_street_returns_and_then_approves_the_monthly_report(
    page: Page, new_page, tr, candidate, jiedao_clock
):
    jiedao_clock("2026-07-02T10:00:00+08:00")
    url = f"/n/{A1}/reports/family_planning.monthly/2026-06"
    sign_in(page, tr, "c_admin")
    page.goto(url)
    entry = page.locator("form").filter(has=page.locator('input[name="value-visits"]'))
    for key, value in {"visits": "8", "school_sessions": "1", "school_attendance": "40"}.items():
        entry.locator(f'input[name="value-{key}"]').fill(value)
    entry.get_by_role("button", name=tr("Save")).click()
    page.locator('form[data-step="submit"]').get_by_role("button").click()
    status = page.locator("h1 [data-status]")
    expect(status).to_have_attribute("data-status", "submitted")

    reviewer = new_page()
    sign_in(reviewer, tr, "s_admin")
    reviewer.goto(url)
    returning = reviewer.locator('form[data-step="return"]')
    returning.locator('input[name="comment-visits"]').fill("随访人次与随访记录不符")
    returning.get_by_role("button", name=tr("Return")).click()
    expect(reviewer.locator("h1 [data-status]")).to_have_attribute("data-status", "returned")

    page.reload()
    expect(page.locator('[data-comment="visits"]')).to_contain_text("随访人次与随访记录不符")
    page.locator('input[name="value-visits"]').fill("12")
    page.locator("form").filter(has=page.locator('input[name="value-visits"]')).get_by_role(
        "button", name=tr("Save")
    ).click()
    page.locator('form[data-step="submit"]').get_by_role("button").click()
    expect(status).to_have_attribute("data-status", "submitted")

    reviewer.reload()
    reviewer.locator('form[data-step="approve"]').get_by_role("button").click()
    expect(reviewer.locator("h1 [data-status]")).to_have_attribute("data-status", "approved")

"""A mediator records a dispute, accepts it, records a session, writes the agreement and prints
it, in headless Chromium on a desktop and on a phone (390×844)."""

from __future__ import annotations

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402
from tests.plugins.safety.conftest import beijing  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"


@pytest.fixture
def module_on(live_server, world, jiedao_clock):
    from tenants import modules

    jiedao_clock(beijing("2026-06-15 10:00"))
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "legal_publicity")
        db.session.commit()


def record_and_print(page: Page, tr) -> None:
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/legal_publicity/disputes/new")
    form = page.locator("form").filter(has=page.get_by_label(tr("Mediators")))
    form.get_by_label(tr("Parties")).fill("申请人 张建国；被申请人 李卫东")
    form.get_by_label(tr("What the dispute is about")).fill("楼上漏水，维修费用争执")
    form.get_by_label(tr("People involved")).fill("1")
    form.get_by_label(tr("Mediators")).fill("王秀梅")
    form.get_by_role("button", name=tr("Save")).click()
    expect(page.get_by_text(tr("A dispute involves at least two people.")).first).to_be_visible()
    page.get_by_label(tr("People involved")).fill("2")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("h1")).to_contain_text("TJ2026-0001")
    expect(page.locator("[data-status]")).to_have_text(tr("Registered"))

    page.locator('form[data-step="accept"]').get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Accepted"))
    expect(page.locator("[data-days-left]")).to_have_attribute("data-days-left", "30")

    session = page.locator('form[data-add="sessions"]')
    session.get_by_label(tr("Session date")).fill("2026-06-15")
    session.get_by_label(tr("Place")).fill("社区调解室")
    session.get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Being mediated"))

    agree = page.locator('form[data-step="succeed"]')
    agree.get_by_label(tr("Outcome")).select_option("written")
    agree.get_by_label(tr("What the parties agreed")).fill("李卫东于6月30日前承担维修费1600元。")
    agree.get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Mediation succeeded"))

    page.get_by_role("link", name=tr("Print the agreement")).click()
    expect(page.locator("[data-field=agreement_number]")).to_have_text("XY2026-0001")
    expect(page.locator("[data-field=agreement_text]")).to_contain_text("1600元")
    expect(page.locator(".agreement h1")).to_have_text(tr("People's mediation agreement"))


def test_a_mediator_records_a_case_and_prints_the_agreement(page: Page, tr, module_on):
    record_and_print(page, tr)


def test_the_same_on_a_phone(phone_page: Page, tr, module_on):
    record_and_print(phone_page, tr)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the agreement fits the phone's width

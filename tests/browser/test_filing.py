"""The monthly safety report (安全生产信息月报) in headless Chromium: a community admin files it,
the street admin returns it with a comment on a figure, it is corrected, approved and shows in
the street's consolidation."""

from __future__ import annotations

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1, STREET_A = "110105001001", "110105001"
REPORT = f"/n/{A1}/reports/safety.monthly/2026-03"


@pytest.fixture
def safety_on(live_server, world, jiedao_clock):
    from tenants import modules

    jiedao_clock("2026-04-02T10:00:00+08:00")
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        db.session.commit()


def fill(page: Page, tr, figures: dict[str, str]) -> None:
    form = page.locator("form[data-values]")
    for key, value in figures.items():
        form.locator(f'input[name="value-{key}"]').fill(value)
    form.get_by_role("button", name=tr("Save")).click()


def test_a_report_filed_returned_corrected_and_consolidated(page: Page, new_page, tr, safety_on):
    sign_in(page, tr, "c_admin")
    page.goto(f"/n/{A1}/reports")
    page.get_by_role("link", name=tr("%(month)s/%(year)s", month=3, year=2026)).click()
    expect(page).to_have_url(REPORT)
    fill(page, tr, {"accidents": "1", "deaths": "0", "injured": "2", "direct_loss": "1.5"})
    page.locator('form[data-step="submit"]').get_by_role("button").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "submitted")

    street = new_page()
    sign_in(street, tr, "s_admin")
    street.goto(REPORT)
    back = street.locator('form[data-step="return"]')
    back.locator('input[name="comment-injured"]').fill("受伤人数与事故快报不符")
    back.get_by_role("button", name=tr("Return")).click()
    expect(street.locator("h1 [data-status]")).to_have_attribute("data-status", "returned")

    page.reload()
    expect(page.locator('[data-comment="injured"]')).to_contain_text("受伤人数与事故快报不符")
    fill(page, tr, {"injured": "1"})
    page.locator('form[data-step="submit"]').get_by_role("button").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "submitted")

    street.reload()
    street.locator('form[data-step="approve"]').get_by_role("button").click()
    expect(street.locator("h1 [data-status]")).to_have_attribute("data-status", "approved")
    street.goto(f"/n/{STREET_A}/reports/safety.monthly/2026-03")
    row = street.locator(f'[data-children] tr[data-child="{A1}"]')
    expect(row).to_have_attribute("data-status", "approved")
    total = street.locator('[data-children] tr[data-child="total"]')
    expect(total).to_contain_text("1.5")
    # the street's own report: the approved community's figures, ready to file upward
    expect(street.locator('input[name="value-injured"]')).to_have_value("1")
    expect(street.locator('input[name="value-direct_loss"]')).to_have_value("1.5")

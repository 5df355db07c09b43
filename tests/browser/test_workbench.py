"""今日待办 and the calendar page in headless Chromium, on a desktop and on a 390×844 phone: the
counts a user sees lead to the rows behind them; the calendar shows what was held."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_playwright
from tests.core.test_calendar import safety_year  # noqa: F401 - a year of safety activities
from tests.plugins.safety.conftest import clock, enable  # noqa: F401 - fixtures of `work`
from tests.plugins.safety.test_workbench import work  # noqa: F401 - hand-counted hazards

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1, STREET_A = "110105001001", "110105001"


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.usefixtures("work")
def test_a_street_admin_follows_the_overdue_count_to_its_hazards(page: Page, tr):
    sign_in(page, tr, "s_admin")
    page.goto("/")
    overdue = page.locator(f'[data-work="safety.hazards_overdue"][data-node="{STREET_A}"]')
    expect(overdue.locator(".count")).to_have_text("3")
    overdue.get_by_role("link").click()
    expect(page).to_have_url(f"/r/{STREET_A}/safety/hazards?overdue=1")
    expect(page.locator("table tbody tr[data-record]")).to_have_count(3)


@pytest.mark.usefixtures("work")
def test_the_workbench_on_a_phone(phone_page: Page, tr):
    sign_in(phone_page, tr, "worker")
    phone_page.goto("/")
    items = phone_page.locator("[data-workbench] li")
    expect(items).to_have_count(3)
    expect(items.first).to_have_attribute("data-work", "safety.hazards_overdue")
    assert fits_the_screen(phone_page)
    phone_page.locator('[data-work="safety.certificates_expired"] a').click()
    expect(phone_page).to_have_url(f"/c/{A1}/safety/certificates")


@pytest.mark.usefixtures("safety_year")
def test_the_calendar_page_on_a_phone(phone_page: Page, tr):
    sign_in(phone_page, tr, "worker")
    phone_page.goto(f"/n/{A1}")
    phone_page.locator("[data-calendar-link]").click()
    expect(phone_page.locator("[data-calendar]")).to_be_visible()
    fire = phone_page.locator('tr[data-day="2026-11-09"] [data-status]')
    expect(fire).to_have_attribute("data-status", "held")
    expect(phone_page.locator('tr[data-day="2026-12-02"] [data-status]')).to_have_attribute(
        "data-status", "missing"
    )
    assert fits_the_screen(phone_page)

"""A community safety worker records a hidden danger, issues the rectification notice, follows it
to its closing in headless Chromium; an overdue hazard stands out on the overview."""

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
def safety_on(live_server, world, jiedao_clock):
    from tenants import modules

    jiedao_clock(beijing("2026-06-15 10:00"))
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        db.session.commit()


def test_a_hazard_from_finding_to_closing(page: Page, tr, safety_on):
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/safety/hazards/new")
    page.get_by_label(tr("Hazard description")).fill("配电箱未上锁，电线裸露")
    page.get_by_label(tr("Found on")).fill("2026-06-05")
    page.get_by_label(tr("Deadline")).fill("2026-06-01")
    page.get_by_role("button", name=tr("Save")).click()
    expect(
        page.get_by_text(tr("The deadline cannot be before the date the hazard was found.")).first
    ).to_be_visible()
    page.get_by_label(tr("Deadline")).fill("2026-06-10")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("h1")).to_contain_text("YH2026-0001")
    expect(page.locator("[data-overdue]")).to_contain_text(tr("Overdue by %(days)s days", days=5))

    notify = page.locator('form[data-step="notify"]')
    notify.get_by_label(tr("Person responsible")).fill("李建国")
    notify.get_by_role("button").click()  # the deadline has passed: a notice needs a new one
    expect(
        page.get_by_text(tr("The deadline cannot be before the notice is issued."))
    ).to_be_visible()
    notify = page.locator('form[data-step="notify"]')
    notify.get_by_label(tr("Person responsible")).fill("李建国")
    notify.get_by_label(tr("Deadline")).fill("2026-06-25")
    notify.get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Notice issued"))
    page.get_by_role("link", name=tr("Rectification notice")).click()
    expect(page.locator("[data-safety=notice]")).to_contain_text("ZG2026-0001")
    page.go_back()

    page.locator('form[data-step="submit"]').get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Awaiting re-inspection"))
    close = page.locator('form[data-step="close"]')
    close.get_by_label(tr("Comment")).fill("复查合格")
    close.get_by_role("button").click()
    expect(page.locator("[data-status]")).to_have_text(tr("Closed"))
    expect(page.locator("[data-overdue]")).to_have_count(0)
    expect(page.locator("[data-safety=timeline] tbody tr")).to_have_count(4)

    page.goto(f"/c/{A1}/safety/")
    expect(page.locator("[data-figure=overdue] strong")).to_have_text("0")

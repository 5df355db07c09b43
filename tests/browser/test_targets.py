"""Targets in headless Chromium: the street admin reaches the targets from the street's page,
splits the yearly training target to its communities (a split that falls short is refused with
the typed shares kept), and a phone shows every cell with its label."""

from __future__ import annotations

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

STREET_A, A1, A2 = "110105001", "110105001001", "110105001002"


@pytest.fixture
def safety_on(live_server, world, jiedao_clock):
    from tenants import modules

    jiedao_clock("2026-04-02T10:00:00+08:00")
    with world.app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "safety")
        db.session.commit()


def test_the_street_splits_its_training_target(page: Page, tr, safety_on):
    sign_in(page, tr, "s_admin")
    page.goto(f"/n/{STREET_A}")
    page.locator("[data-targets-link]").click()
    card = page.locator('[data-target="safety.trained"]')
    card.get_by_label(tr("Target") + ": 建外街道").fill("95")
    card.get_by_label(tr("Target") + ": 永安里东社区").fill("60")
    card.get_by_label(tr("Target") + ": 建国里社区").fill("20")
    card.get_by_role("button", name=tr("Save")).click()
    refused = page.locator('[data-target="safety.trained"] [data-error="shares"]')
    expect(refused).to_be_visible()
    card = page.locator('[data-target="safety.trained"]')
    expect(card.get_by_label(tr("Target") + ": 建国里社区")).to_have_value("20")
    card.get_by_label(tr("Target") + ": 建国里社区").fill("35")
    card.get_by_role("button", name=tr("Save")).click()
    card = page.locator('[data-target="safety.trained"]')
    expect(card.locator('[data-place="split"] [data-value="split"]')).to_have_text("95")
    expect(card.locator('[data-value="target"]')).to_contain_text("95")
    # Nobody trained by 2 April: far behind the 23.9 expected by then (92 of 365 days).
    expect(card.locator('[data-place="110105001"] [data-light]').first).to_have_attribute(
        "data-light", "far_behind"
    )


def test_a_phone_keeps_the_labels(phone_page: Page, tr, safety_on):
    sign_in(phone_page, tr, "s_admin")
    phone_page.goto(f"/n/{STREET_A}/targets")
    row = phone_page.locator(f'[data-target="safety.trained"] tr[data-place="{A1}"]')
    expect(row).to_be_visible()
    cell = row.locator("td").nth(2)
    expect(cell).to_have_attribute("data-label", tr("Done so far"))
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

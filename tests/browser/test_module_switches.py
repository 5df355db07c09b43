"""Switching a module off for a community in headless Chromium, as a street admin does it: the
已启用 badge is no button; its "停用…" link opens a page saying what users lose and keep, and
only that page's button switches the module off."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_playwright
from tests.browser.test_pages import sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1, A2, STREET_A = "110105001001", "110105001002", "110105001"


def _enable_ledger(world) -> None:
    from core.db import db
    from tenants import modules

    with world.app.app_context():
        modules.enable(db.session, world.node(STREET_A), "ledger")
        db.session.commit()


def _cell(page: Page, ref: str):
    return page.locator(f'td[data-module="ledger"][data-community="{ref}"]')


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_switch_a_module_off_through_its_confirmation(request, tr, world, device):
    page: Page = request.getfixturevalue(device)
    _enable_ledger(world)
    sign_in(page, tr, "s_admin")
    page.goto(f"/n/{STREET_A}/modules")
    cell = _cell(page, A1)
    expect(cell.locator(".state-on")).to_have_text(tr("On"))
    expect(cell.get_by_role("button")).to_have_count(0)  # the badge switches nothing
    cell.get_by_role("link", name=tr("Switch off…")).click()

    expect(page).to_have_url(re.compile(rf"/n/{A1}/modules/ledger/off"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("永安里东社区")
    expect(page.locator("[data-affected] tbody tr")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(tr("The data is kept."))
    page.get_by_role("button", name=tr("Switch off at %(count)s communities", count=1)).click()

    expect(page).to_have_url(re.compile(rf"/n/{STREET_A}/modules$"))
    expect(_cell(page, A1).locator(".state-off")).to_have_text(tr("Off"))
    expect(_cell(page, A2).locator(".state-on")).to_have_text(tr("On"))

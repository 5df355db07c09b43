"""The onboarding wizard in headless Chromium, as a district admin uses it: a new community by
its code, a grid and a building in it, an account, a preset, review, and the one-time password
on the confirmation page, which survives a reload and prints as a sheet."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_playwright
from tests.browser.test_pages import sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_onboard_a_community_end_to_end(request, device, tr, world):
    page: Page = request.getfixturevalue(device)
    from core.db import db
    from tenants import presets
    from tenants.models import Node

    with world.app.app_context():
        district = db.session.query(Node).filter_by(ref="110105").one()
        presets.create_preset(db.session, district, name="标准城市社区", chosen={"ledger": None})
        db.session.commit()

    sign_in(page, tr, "d_admin")
    if device == "phone_page":  # the sidebar opens with the menu button
        page.locator("[data-nav-toggle]").tap()
    page.get_by_role("navigation", name=tr("Navigation")).get_by_role(
        "link", name=tr("Onboarding")
    ).click()
    page.get_by_label(tr("Division code (区划代码)")).fill("110105001003")
    page.get_by_label(tr("Name")).fill("光华里社区")
    page.get_by_role("button", name=tr("Check")).click()
    expect(page.locator("#confirm-place")).to_contain_text("建外街道")
    page.get_by_role("button", name=tr("Confirm and continue")).click()

    expect(page).to_have_url(re.compile(r"/onboarding/\d+/grids$"))
    expect(page.locator("nav.steps [aria-current=step]")).to_contain_text(tr("Grids"))
    by_hand = page.locator("section.card").filter(has_text=tr("Add by hand"))
    page.get_by_label(tr("Grid code")).fill("1")
    by_hand.get_by_label(tr("Name")).fill("第一网格")
    page.get_by_role("button", name=tr("Add"), exact=True).click()
    expect(page.locator("#grids tbody")).to_contain_text("第一网格")
    page.get_by_role("button", name=tr("Next step")).click()

    expect(page).to_have_url(re.compile(r"/onboarding/\d+/buildings$"))
    expect(page.locator("nav.steps [aria-current=step]")).to_contain_text(tr("Buildings"))
    page.get_by_label(tr("Building code")).fill("01")
    by_hand.get_by_label(tr("Name")).fill("1号楼")
    by_hand.get_by_label(tr("Grid")).select_option(label="第一网格")
    page.get_by_role("button", name=tr("Add"), exact=True).click()
    expect(page.locator("#buildings tbody")).to_contain_text("1号楼")
    expect(page.locator("#buildings tbody")).to_contain_text("第一网格")
    page.get_by_role("button", name=tr("Next step")).click()

    expect(page).to_have_url(re.compile(r"/accounts$"))
    page.get_by_label(tr("Username")).fill("ghl_admin")
    page.get_by_label(tr("Display name")).fill("陈静")
    page.get_by_label(tr("Mobile")).fill("13912345678")
    page.get_by_role("button", name=tr("Add"), exact=True).click()
    expect(page.locator("#accounts tbody")).to_contain_text("ghl_admin")
    page.get_by_role("button", name=tr("Next step")).click()

    expect(page).to_have_url(re.compile(r"/modules$"))
    page.get_by_label(tr("Preset")).select_option(label="标准城市社区")
    page.get_by_role("button", name=tr("Next step")).click()

    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("#gaps")).to_have_count(0)
    expect(page.locator("main dl")).to_contain_text(tr("Parent place"))
    expect(page.locator("#review-buildings")).to_contain_text("1号楼 (第一网格)")
    page.get_by_role("button", name=tr("Confirm and create")).click()

    expect(page).to_have_url(re.compile(r"/onboarding/\d+/done$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr("%(name)s is ready", name="光华里社区")
    )
    password = page.locator("#passwords code.password").inner_text()
    assert len(password) >= 8
    page.reload()  # the confirmation page survives it, passwords included
    expect(page.locator("#passwords code.password")).to_have_text(password)

    # Printed as a sheet: the print button prints, and the printout is the sheet alone.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name=tr("Print the passwords")).click()
    assert page.evaluate("window.printed") is True
    if device == "page":  # on a phone the sidebar is folded behind the menu button anyway
        expect(page.locator(".sidebar")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#passwords")).to_be_visible()
    expect(page.locator("#passwords")).to_contain_text("ghl_admin")
    expect(page.get_by_role("button", name=tr("Print the passwords"))).to_be_hidden()
    expect(page.locator(".sidebar")).to_be_hidden()
    page.emulate_media(media="screen")

    # The new admin signs in with it and is sent to change it first.
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label(tr("Username")).fill("ghl_admin")
    page.get_by_label(tr("Password")).fill(password)
    page.get_by_role("button", name=tr("Sign in"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/password"))

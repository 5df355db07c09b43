"""Moving 20 buildings into a grid in one action, in headless Chromium (desktop and phone):
tick them all on the community's page, find the grid in the target picker (named with its
community), move."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_playwright, wait_for_pickers
from tests.browser.test_pages import sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
GRID = f"{A1}-gg1"


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_move_twenty_buildings_into_a_grid_at_once(request, device, tr, world):
    from core.db import db
    from tenants import services

    with world.app.app_context():
        community = world.node(A1)
        for n in range(3, 22):  # with b02: 20 buildings outside the grid
            services.create_node(
                db.session, parent=community, kind="building", code=f"b{n:02d}", name=f"{n}号楼"
            )
        db.session.commit()

    page: Page = request.getfixturevalue(device)
    sign_in(page, tr, "s_admin")
    page.goto(f"/n/{A1}")
    boxes = page.locator('#move-buildings input[name="building"]')
    expect(boxes).to_have_count(20)
    page.get_by_label(tr("Tick every building")).check()
    expect(page.locator('#move-buildings input[name="building"]:checked')).to_have_count(20)
    page.get_by_role("button", name=tr("Move the ticked buildings…")).click()

    expect(page.locator("#chosen [data-building]")).to_have_count(20)
    wait_for_pickers(page)
    box = page.locator("#f-parent-search")
    box.fill("第一")  # the target picker searches the places the admin manages
    option = page.locator("#f-parent-options option")
    expect(option).to_have_count(1)
    label = option.first.get_attribute("value")
    assert label == f"永安里东社区 · 第一网格 ({GRID})"  # named with its community
    box.fill(label)
    expect(page.locator("#f-parent")).to_have_value(GRID)
    page.get_by_role("button", name=tr("Move %(count)s buildings", count=20)).click()

    expect(page).to_have_url(re.compile(rf"/n/{GRID}$"))
    expect(page.locator(".flash")).to_contain_text(
        tr(
            "%(count)s buildings were moved to %(place)s.",
            count=20,
            place="永安里东社区 · 第一网格",
        )
    )
    expect(page.locator("main table tbody tr")).to_have_count(21)  # with the grid's 1号楼
    page.goto(f"/n/{A1}")
    expect(page.locator('input[name="building"]')).to_have_count(0)

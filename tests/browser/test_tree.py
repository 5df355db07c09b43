"""The expandable tree in headless Chromium, on a desktop and a phone: expand three levels down
to a community's buildings, then find a building by search and open the tree at it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_playwright
from tests.browser.test_pages import sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"


def _item(page: Page, ref: str):
    return page.locator(f'[role=treeitem][data-ref="{ref}"]')


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_expand_three_levels_and_find_a_building(request, tr, world, device):
    page: Page = request.getfixturevalue(device)
    sign_in(page, tr, "d_admin")
    page.goto("/tree")
    for ref, name in (("110105", "朝阳区"), ("110105001", "建外街道"), (A1, "永安里东社区")):
        item = _item(page, ref)
        item.get_by_role("button", name=tr("Expand %(name)s", name=name)).click()
        expect(item).to_have_attribute("aria-expanded", "true")
    building = _item(page, f"{A1}-bb02")
    expect(building).to_be_visible()
    expect(building).to_contain_text("2号楼")
    expect(_item(page, f"{A1}-gg1")).to_contain_text(tr("Building"))  # the grid's count
    _item(page, A1).get_by_role("button", name=tr("Expand %(name)s", name="永安里东社区")).click()
    expect(building).to_be_hidden()  # folded again

    search = page.get_by_role("search").filter(has=page.locator("#tree-q"))
    search.get_by_role("searchbox").fill("2号楼")
    search.get_by_role("button", name=tr("Search")).click()
    expect(page.locator("#results")).to_contain_text("朝阳区 › 建外街道 › 永安里东社区")
    page.locator("#results").get_by_role("link", name=tr("Show in the tree")).click()
    match = _item(page, f"{A1}-bb02")
    expect(match).to_have_attribute("aria-current", "true")
    expect(match).to_be_visible()
    expect(page.locator("nav.breadcrumb")).to_contain_text("永安里东社区")

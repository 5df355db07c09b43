"""The top bar's search in headless Chromium (desktop and phone): a street admin finds a
volunteer by the whole phone number, masked, and a place by name, and opens both."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_playwright
from tests.browser.test_pages import horizontal_overflow, sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1, A2 = "110105001001", "110105001002"
PHONE = "13812345678"


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_top_bar_finds_people_masked_and_places(request, device, tr, world, as_user):
    answer = as_user("worker").post(
        f"/api/v1/c/{A1}/volunteers", json={"name": "王秀兰", "phone": PHONE, "kinds": ["mediator"]}
    )
    assert answer.status_code == 201, answer.json
    page: Page = request.getfixturevalue(device)
    sign_in(page, tr, "inspector")  # reads volunteers, may not see their phones
    page.goto("/tree")
    assert horizontal_overflow(page) == 0  # the box fits the top bar of a phone too
    box = page.locator("#switcher-q")
    box.fill(PHONE)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=13812345678$"))
    row = page.locator("#found-records tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("王秀兰")
    expect(row).to_contain_text("138****5678")
    expect(page.locator("#found-records")).not_to_contain_text(PHONE)
    assert horizontal_overflow(page) == 0
    row.get_by_role("link", name="王秀兰").click()
    expect(page).to_have_url(re.compile(rf"/c/{A1}/volunteers/\d+$"))
    expect(page.locator("main")).to_contain_text("王秀兰")

    page.goto("/tree")
    page.locator("#switcher-q").fill("建国")
    page.locator("#switcher-q").press("Enter")
    places = page.locator("#found-places li")
    expect(places).to_have_count(1)
    places.get_by_role("link", name=re.compile("建国里社区")).click()
    expect(page).to_have_url(re.compile(rf"/n/{A2}$"))

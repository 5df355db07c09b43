"""Applying a module preset to several places picked by name, in headless Chromium (desktop
and phone): type, choose, the place joins the list; one taken out again stays out."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_playwright, wait_for_pickers
from tests.browser.test_pages import sign_in

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1, A2, B1 = "110105001001", "110105001002", "110105002001"


def pick(page: Page, text: str, label_start: str) -> None:
    wait_for_pickers(page)
    box = page.locator("#f-targets-search")
    box.fill(text)
    option = page.locator("#f-targets-options option")
    expect(option.first).to_have_attribute("value", re.compile(re.escape(label_start)))
    box.fill(option.first.get_attribute("value"))
    expect(box).to_have_value("")  # ready for the next


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_a_district_admin_applies_a_preset_to_picked_places(request, device, tr, world, as_user):
    import sqlalchemy as sa

    from core.db import db
    from tenants.models import Node
    from tenants.modules import ModuleState

    page: Page = request.getfixturevalue(device)
    preset = as_user("d_admin").post(
        "/api/v1/nodes/110105/presets", json={"name": "标准城市社区", "modules": {"ledger": {}}}
    )
    assert preset.status_code == 201, preset.json
    sign_in(page, tr, "d_admin")
    page.goto(f"/presets/{preset.json['id']}/apply")
    pick(page, "建国", "建国里社区")
    pick(page, "朝外", "朝外街道")
    pick(page, "永安", "永安里东社区")
    chosen = page.locator("#f-targets li")
    expect(chosen).to_have_count(3)
    chosen.filter(has_text="永安里东社区").get_by_role("button", name=tr("Remove")).click()
    expect(chosen).to_have_count(2)
    page.get_by_role("button", name=tr("Apply"), exact=True).click()
    expect(page.locator(".flash")).to_contain_text("标准城市社区")
    with world.app.app_context():
        on = db.session.scalars(
            sa.select(Node.ref)
            .join(ModuleState, ModuleState.community_id == Node.id)
            .where(ModuleState.enabled.is_(True), ModuleState.module == "ledger")
        ).all()
    assert sorted(on) == [A2, B1]  # the street means its one community; A1 was taken out

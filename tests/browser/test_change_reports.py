"""楼门院长信息反馈 in headless Chromium: the building leader reports a 迁入 on a phone (390×844),
the worker verifies and completes it at a desk, and the new resident is in the registry."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import require_playwright
from tests.plugins.registry.conftest import make_id

require_playwright()

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
NEWCOMER_ID = make_id(date(1991, 6, 9), 215)


@pytest.fixture
def household(live_server, world) -> int:
    """The registry on at A1 with one household in the leader's building (1号楼)."""
    from core.db import db
    from plugins.registry import households
    from tenants import modules

    with world.app.app_context():
        community = world.node(A1)
        modules.enable(db.session, community, "registry")
        made = households.create_household(
            db.session, community, {"building": "b01", "room": "502", "head_name": "周红"}
        )
        db.session.commit()
        return made.id


def test_a_leader_reports_a_move_in_on_a_phone_and_the_worker_completes_it(
    new_page, phone_page, tr, household, shots_dir
):
    phone = phone_page
    sign_in(phone, tr, "leader")
    phone.goto("/changes/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(tr("Change reports"))
    phone.get_by_role("link", name=tr("Report a change")).click()
    move_in = phone.locator('[data-kind="move_in"]')
    expect(move_in).to_have_text(tr("A resident moved in"))
    assert move_in.bounding_box()["height"] >= 48  # a thumb's target
    assert horizontal_overflow(phone) == 0
    move_in.click()

    phone.get_by_label(tr("Household")).select_option(label="502室 周红")
    phone.get_by_label(tr("Full name")).fill("孙悦")
    phone.get_by_label(tr("Resident ID")).fill(NEWCOMER_ID)
    phone.get_by_label(tr("Relation to the head")).select_option(label=tr("Spouse"))
    phone.get_by_label(tr("Date moved in")).fill("2026-11-25")
    phone.get_by_label(tr("Note")).fill("新搬来的租户家属")
    assert horizontal_overflow(phone) == 0
    phone.screenshot(path=str(shots_dir / "change-report-phone.png"), full_page=True)
    phone.get_by_role("button", name=tr("Submit report")).click()
    expect(phone.locator("h1 [data-status]")).to_have_text(tr("Reported"))
    expect(phone.locator('[data-fact="id_number"]')).not_to_have_text(NEWCOMER_ID)  # S2 masked
    phone.get_by_role("link", name=tr("Back to the reports")).click()
    expect(phone.locator('[data-status="reported"]')).to_have_count(1)

    desk = new_page()
    sign_in(desk, tr, "worker")
    desk.goto(f"/c/{A1}/changes/?status=reported")
    desk.locator("[data-report]").first.click()
    expect(desk.locator('[data-fact="name"]')).to_have_text("孙悦")
    desk.screenshot(path=str(shots_dir / "change-report-verify.png"), full_page=True)
    desk.get_by_label(tr("Comment")).fill("已上门核实")
    desk.get_by_role("button", name=tr("Verify")).click()
    expect(desk.locator("h1 [data-status]")).to_have_text(tr("Verified"))
    desk.get_by_role("button", name=tr("Complete the report")).click()
    expect(desk.locator("h1 [data-status]")).to_have_text(tr("Completed"))
    expect(desk.locator('[data-fact="outcome"]')).to_contain_text("孙悦")

    desk.goto(f"/c/{A1}/registry/")
    expect(desk.get_by_role("link", name="孙悦")).to_be_visible()

    phone.goto(f"/c/{A1}/changes/")
    expect(phone.locator('[data-status="done"]')).to_have_count(1)

"""The environment pages beyond the inspection round, in headless Chromium on a 390×844 phone
(no sideways scrolling) and on a desktop: a 物业服务考核 scored on its sheet, given its
rectification and its result; a signed 门前三包 letter renewed for next year and signed; a
year's 绿色家庭 decided by the residents' votes."""

from __future__ import annotations

import re

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
PROPERTY_POINTS = (15, 10, 15, 10, 10, 15, 15, 10)  # the 8-area sheet (003 l.265), 100 points


@pytest.fixture
def environment(live_server, world, jiedao_clock) -> dict[str, int]:
    """Environment on at A1: a property company answering for a stairwell with one open issue
    and its first-half assessment scheduled; a shop's letter signed for 2026; three 2026
    green-family nominees with their votes."""
    from datetime import date

    from plugins.environment.activities.ledgers import selections
    from plugins.environment.areas.ledgers import areas
    from plugins.environment.assessments.ledgers import assessments
    from plugins.environment.issues.ledgers import issues
    from plugins.environment.letters.ledgers import letters
    from plugins.registry import units
    from tenants import modules
    from tests.plugins.registry.conftest import make_code

    jiedao_clock("2026-06-20T10:00:00+08:00")
    with world.app.test_request_context():
        community = world.node(A1)
        modules.enable(db.session, community, "environment")
        company = units.create_unit(db.session, community, {
            "name": "安居物业公司", "credit_code": make_code("MA1P001X7"), "kind": "property",
        })  # fmt: skip
        shop = units.create_unit(db.session, community, {
            "name": "老王水果店", "credit_code": make_code("MA1P002X7"), "kind": "shop",
            "street_front": True,
        })  # fmt: skip
        stairwell = areas.write_new(db.session, community, {
            "name": "3号楼楼道", "kind": "stairwell", "unit_id": company.id})  # fmt: skip
        issues.write_new(db.session, community, {
            "description": "楼道堆放杂物", "area_id": stairwell.id, "category": "piling"})  # fmt: skip
        made = assessments.write_new(db.session, community, {
            "unit_id": company.id, "year": 2026, "half": 1, "scheduled_on": date(2026, 6, 20),
            "team": "街道城管科、社区、业委会代表"})  # fmt: skip
        letter = letters.write_new(db.session, community, {
            "unit_id": shop.id, "extent": "门前至马路牙子，两侧至相邻门店分界",
            "duties": ["sanitation", "greening", "order"]})  # fmt: skip
        letter.status, letter.signed_on = "signed", date(2026, 1, 8)
        letter.valid_until, letter.signatory = date(2026, 12, 31), "王建国"
        for nominee, votes, score in (("李家", 31, 92), ("张家", 48, 88), ("赵家", 12, 95)):
            selections.write_new(db.session, community, {
                "kind": "green_family", "year": 2026, "nominee": nominee, "votes": votes,
                "score": score})  # fmt: skip
        db.session.commit()
        return {"assessment": made.id, "letter": letter.id}


def no_sideways_scrolling(page: Page, phone: bool) -> None:
    if phone:
        assert horizontal_overflow(page) == 0, page.url


def assess(page: Page, tr, ids: dict[str, int], phone: bool) -> None:
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/environment/assessments/{ids['assessment']}")
    expect(page.locator('[data-status="scheduled"]')).to_be_visible()
    expect(page.locator('dd[data-field="issues"]')).to_contain_text("1")
    sheet = page.locator('form[data-step="score"]')
    expect(sheet.locator("[data-environment=assessment-sheet] tbody tr")).to_have_count(8)
    no_sideways_scrolling(page, phone)
    for n, points in enumerate(PROPERTY_POINTS, start=1):
        sheet.locator(f'input[name="score-{n}"]').fill(str(points))
    sheet.locator('input[name="score-6"]').fill("9")  # fire safety: 9 of 15 → 94
    sheet.locator('input[name="note-6"]').fill("消防通道堆物")
    sheet.get_by_label(tr("Residents surveyed")).fill("40")
    sheet.get_by_label(tr("Residents satisfied")).fill("36")
    sheet.get_by_label(tr("Ledger review")).fill("半年度台账齐全")
    sheet.get_by_role("button", name=tr("Sheet scored")).click()

    facts = page.locator("dl.facts")
    expect(page.locator('[data-status="scored"]')).to_be_visible()
    expect(facts.locator('[data-field="score"]')).to_have_text("94.0")
    expect(facts.locator('[data-field="satisfaction"]')).to_have_text("90.0")
    # the failed item of the sheet is an issue of the company, like any inspection's
    facts.locator('[data-field="inspection"] a').click()
    expect(page.locator("tr[data-failed]")).to_have_count(1)
    expect(page.locator('[data-environment="issues-found"]')).to_contain_text("消防通道堆物")
    page.go_back()

    required = page.locator('form[data-step="require"]')
    required.get_by_label(tr("Rectify by")).fill("2026-06-30")
    required.get_by_label(tr("Comment")).fill("清理消防通道堆物")
    required.get_by_role("button", name=tr("Rectification required")).click()
    expect(page.locator('[data-status="rectifying"]')).to_be_visible()
    expect(facts.locator('[data-field="rectify_by"]')).to_have_text("2026-06-30")
    page.locator('form[data-step="conclude"]').get_by_role("button").click()
    expect(page.locator('[data-status="concluded"]')).to_be_visible()
    expect(facts.locator('[data-field="result"]')).to_have_text(tr("Excellent"))
    events = page.locator('[data-environment="timeline"] li[data-event]')
    expect(events).to_have_count(4)
    no_sideways_scrolling(page, phone)


def renew(page: Page, tr, ids: dict[str, int], phone: bool) -> None:
    sign_in(page, tr, "c_admin")
    page.goto(f"/c/{A1}/environment/letters/{ids['letter']}")
    no_sideways_scrolling(page, phone)
    page.locator('[data-environment="renew"]').click()
    expect(page).to_have_url(re.compile(rf"/c/{A1}/environment/letters/(\d+)$"))
    assert not page.url.endswith(f"/letters/{ids['letter']}")
    facts = page.locator("dl.facts")
    expect(facts.locator('[data-field="valid_until"]')).to_have_text("2027-12-31")
    expect(facts.locator('[data-field="extent"]')).to_contain_text("门前至马路牙子")
    expect(page.locator('[data-environment="renew"]')).to_have_count(0)  # a draft
    page.get_by_role("link", name=tr("Edit")).click()
    form = page.locator("main form[method=post]")
    form.locator('input[name="status"][value="signed"]').check()
    form.locator('input[name="signed_on"]').fill("2026-06-20")
    form.get_by_role("button", name=tr("Save")).click()
    expect(facts.locator('[data-field="status"]')).to_have_text(tr("Signed"))
    expect(facts.locator('[data-field="valid_until"]')).to_have_text("2027-12-31")
    no_sideways_scrolling(page, phone)
    # the old letter is renewed: it is not offered for renewal again
    page.goto(f"/c/{A1}/environment/letters/{ids['letter']}")
    expect(page.locator('dl.facts [data-field="valid_until"]')).to_have_text("2026-12-31")
    expect(page.locator('[data-environment="renew"]')).to_have_count(0)


def decide(page: Page, tr, phone: bool) -> None:
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/environment/selections?kind=green_family&year=2026")
    no_sideways_scrolling(page, phone)
    form = page.locator('[data-environment="decide"]')
    form.get_by_label(tr("How many to select")).fill("2")
    form.get_by_role("button", name=tr("Decide the selection")).click()
    rows = page.locator("main table.table tbody tr")
    expect(rows).to_have_count(3)
    selected, not_selected = tr("Selected"), tr("Not selected")
    expect(rows.filter(has_text="张家")).to_contain_text(selected)  # 48 votes
    expect(rows.filter(has_text="李家")).to_contain_text(selected)  # 31 votes
    expect(rows.filter(has_text="赵家")).to_contain_text(not_selected)  # 12, the best score
    no_sideways_scrolling(page, phone)


def test_a_property_assessment_on_a_phone(phone_page: Page, tr, environment):
    assess(phone_page, tr, environment, phone=True)


def test_a_property_assessment_on_a_desktop(page: Page, tr, environment):
    assess(page, tr, environment, phone=False)


def test_a_letter_renewed_on_a_phone(phone_page: Page, tr, environment):
    renew(phone_page, tr, environment, phone=True)


def test_a_letter_renewed_on_a_desktop(page: Page, tr, environment):
    renew(page, tr, environment, phone=False)


def test_a_selection_decided_on_a_phone(phone_page: Page, tr, environment):
    decide(phone_page, tr, phone=True)


def test_a_selection_decided_on_a_desktop(page: Page, tr, environment):
    decide(page, tr, phone=False)

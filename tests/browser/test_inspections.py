"""A scored inspection in headless Chromium, on a 390×844 phone and on a desktop: the worker
scores a courtyard against the 楼道/院落 checklist, attaches a photo, sees the item scored below
its maximum become a hidden danger, and opens the round's 通报."""

from __future__ import annotations

import io
import re

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402
from tests.plugins.safety.conftest import beijing  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
COURTYARD = [("楼道", "无堆物", 10), ("院落", "垃圾日产日清", 15), ("院落", "无积水", 10)]


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def courtyard_round(live_server, world, jiedao_clock) -> int:
    """Safety on at A1 with its area checklist scored (35 points) and a round to rank in."""
    from core.inspections import services
    from plugins.safety.inspections.checklists import SAFETY_INSPECTIONS
    from tenants import modules

    jiedao_clock(beijing("2026-11-20 10:00"))
    with world.app.test_request_context():
        community = world.node(A1)
        modules.enable(db.session, community, "safety")
        default = services.current_template(db.session, SAFETY_INSPECTIONS, community, "area")
        items = [{"section": s, "text": t, "max_points": p} for s, t, p in COURTYARD]
        services.edit_template(
            db.session, SAFETY_INSPECTIONS, default, community, {"name": "楼道院落", "items": items}
        )
        made = services.create_round(
            db.session, SAFETY_INSPECTIONS, community, {"name": "2026年11月院落环境联合检查"}
        )
        db.session.commit()
        return made.id


def score_a_courtyard(page: Page, tr, round_id: int, tmp_path) -> None:
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/safety/inspections/new?target_kind=area")
    form = page.locator("main form[method=post]")
    page.get_by_label(tr("Kind of inspection")).select_option("weekly")
    page.get_by_label(tr("Inspection target")).select_option("area")
    page.get_by_label(tr("Area")).fill("3号院")
    page.get_by_label(tr("Inspection round")).select_option(str(round_id))
    rows = form.locator('[data-safety="checklist-form"] tbody tr')
    expect(rows.nth(0).locator('input[name="item-1"]')).to_have_value("无堆物")
    form.locator('input[name="score-1"]').fill("10")
    form.locator('input[name="score-2"]').fill("15")
    form.locator('input[name="score-3"]').fill("4")  # standing water: 4 of 10
    form.locator('input[name="note-3"]').fill("3号楼北侧积水")
    form.get_by_role("button", name=tr("Save")).click()

    expect(page).to_have_url(re.compile(rf"/c/{A1}/safety/inspections/\d+$"))
    facts = page.locator("dl.facts")
    expect(facts.locator('[data-field="total_score"]')).to_have_text("29.0")
    expect(facts.locator('[data-field="checklist_version"]')).to_contain_text("v2")
    failed = page.locator('table[data-safety="checklist"] tbody tr.overdue')
    expect(failed).to_have_count(1)
    expect(failed.locator("td").first).to_have_text("无积水")
    # The failed item is a hidden danger of the hazard ledger, linked to this inspection.
    found = page.locator("section.card", has_text=tr("Hidden dangers found"))
    expect(found).to_contain_text("无积水：3号楼北侧积水")

    photo = tmp_path / "courtyard.png"
    photo.write_bytes(png())
    photos = page.locator("[data-attachments]")
    photos.locator('input[type="file"]').set_input_files(photo)
    photos.get_by_role("button", name=tr("Upload")).click()
    expect(page.locator("[data-attachments] img")).to_have_count(1)

    page.goto(f"/c/{A1}/safety/inspection-rounds/{round_id}")
    page.get_by_role("link", name=tr("Bulletin")).click()
    bulletin = page.locator('[data-inspections="bulletin"]')
    expect(bulletin.locator("h1")).to_contain_text("2026年11月院落环境联合检查")
    expect(bulletin.locator('[data-inspections="ranking"] tbody tr')).to_have_count(1)
    expect(bulletin.locator('[data-rank="1"]')).to_contain_text("3号院")
    expect(bulletin.locator('[data-inspections="failed"]')).to_contain_text("4/10")


def test_a_scored_inspection_on_a_phone(phone_page: Page, tr, courtyard_round, tmp_path):
    score_a_courtyard(phone_page, tr, courtyard_round, tmp_path)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width  # the bulletin fits the phone, no sideways scroll


def test_a_scored_inspection_on_a_desktop(page: Page, tr, courtyard_round, tmp_path):
    score_a_courtyard(page, tr, courtyard_round, tmp_path)

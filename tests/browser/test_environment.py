"""An environment inspection round in headless Chromium, on a 390×844 phone and on a desktop:
the worker picks an area, scores the 100-point 楼道/院落 sheet, a failed item becomes an issue
due in 24 hours, a photo goes on the issue, and the round's ranking and 通报 print."""

from __future__ import annotations

import io
import re

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
ROUND = "2026年11月环境卫生月度大检查"


@pytest.fixture
def environment_round(live_server, world, jiedao_clock) -> int:
    """Environment on at A1 with two areas, one already scored 88 in the round."""
    from core.inspections import services
    from plugins.environment.areas.ledgers import areas
    from plugins.environment.inspections.checklists import ENV_INSPECTIONS
    from plugins.environment.inspections.ledgers import inspections
    from tenants import modules

    jiedao_clock("2026-11-20T10:00:00+08:00")
    with world.app.test_request_context():
        community = world.node(A1)
        modules.enable(db.session, community, "environment")
        areas.write_new(db.session, community, {"name": "3号楼楼道", "kind": "stairwell"})
        court = areas.write_new(db.session, community, {"name": "中心院落", "kind": "courtyard"})
        made = services.create_round(db.session, ENV_INSPECTIONS, community, {"name": ROUND})
        sheet = services.current_template(db.session, ENV_INSPECTIONS, community, "area")
        scores = [{"item": i.text, "score": i.max_points} for i in sheet.items]
        scores[0]["score"], scores[2]["score"] = 4, 8  # 88
        inspections.write_new(db.session, community, {"done_on": community_day(),
                              "area_id": court.id, "round_id": made.id, "results": scores,
                              "target_kind": "area"})  # fmt: skip
        db.session.commit()
        return made.id


def community_day():
    from datetime import date

    return date(2026, 11, 20)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (6, 6), (30, 160, 60)).save(out, "PNG")
    return out.getvalue()


def inspection_round(page: Page, tr, round_id: int, tmp_path) -> None:
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/environment/inspections/new")
    form = page.locator("main form[method=post]")
    page.get_by_label(tr("Kind of check")).select_option("monthly")
    form.locator('select[name="area_id"]').select_option(label="3号楼楼道")
    page.get_by_label(tr("Inspection round")).select_option(str(round_id))
    expect(form.locator('input[name="item-4"]')).to_have_value("垃圾日产日清")
    full = (10, 10, 10, 15, 15, 10, 10, 10, 10)
    for n, points in enumerate(full, start=1):
        form.locator(f'input[name="score-{n}"]').fill(str(points))
    form.locator('input[name="score-4"]').fill("10")  # garbage not cleared: 10 of 15
    form.locator('input[name="note-4"]').fill("2单元门口垃圾桶满溢")
    form.get_by_role("button", name=tr("Save")).click()

    expect(page).to_have_url(re.compile(rf"/c/{A1}/environment/inspections/\d+$"))
    facts = page.locator("dl.facts")
    expect(facts.locator('[data-field="total_score"]')).to_have_text("95.0")
    expect(facts.locator('[data-field="passed"]')).to_have_text(tr("Passed"))
    expect(page.locator("tr[data-failed]")).to_have_count(1)
    found = page.locator('[data-environment="issues-found"]')
    expect(found).to_contain_text("垃圾日产日清：2单元门口垃圾桶满溢")

    found.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/c/{A1}/environment/issues/\d+$"))
    expect(page.locator('dl.facts [data-field="deadline_at"]')).to_contain_text("2026-11-21")
    photo = tmp_path / "before.png"
    photo.write_bytes(png())
    photos = page.locator("[data-attachments]")
    photos.locator('input[type="file"]').set_input_files(photo)
    photos.get_by_role("button", name=tr("Upload")).click()
    expect(page.locator("[data-attachments] img")).to_have_count(1)
    page.locator('form[data-step="notify"] button').click()
    expect(page.locator('[data-status="notified"]')).to_be_visible()

    page.goto(f"/c/{A1}/environment/inspection-rounds/{round_id}")
    ranking = page.locator('[data-inspections="ranking"] tbody tr')
    expect(ranking).to_have_count(2)
    expect(ranking.first).to_contain_text("3号楼楼道")
    page.get_by_role("link", name=tr("Bulletin")).click()
    bulletin = page.locator('[data-inspections="bulletin"]')
    expect(bulletin.locator("h1")).to_contain_text(ROUND)
    expect(bulletin.locator('[data-rank="2"]')).to_contain_text("中心院落")


def test_an_inspection_round_on_a_phone(phone_page: Page, tr, environment_round, tmp_path):
    inspection_round(phone_page, tr, environment_round, tmp_path)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width


def test_an_inspection_round_on_a_desktop(page: Page, tr, environment_round, tmp_path):
    inspection_round(page, tr, environment_round, tmp_path)

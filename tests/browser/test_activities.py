"""A community worker records a publicity activity (core's activity records, as safety declares
them) with two named attendees and a photo, on a desktop and on a phone, and opens its sign-in
sheet, in headless Chromium."""

from __future__ import annotations

import io

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402
from tests.plugins.safety.conftest import beijing  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def safety_on(live_server, world, jiedao_clock):
    from tenants import modules

    jiedao_clock(beijing("2026-06-15 10:00"))
    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        db.session.commit()


@pytest.fixture(params=["desktop", "phone"])
def screen(request, page, phone_page) -> tuple[str, Page]:
    return request.param, page if request.param == "desktop" else phone_page


def test_an_activity_with_attendance_a_photo_and_its_sign_in_sheet(
    screen, tr, safety_on, tmp_path, shots_dir
):
    kind, page = screen
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/safety/activities/new")
    page.get_by_label(tr("Activity theme")).fill("“安全生产月”宣传咨询日")
    page.get_by_label(tr("Activity date")).fill("2026-06-12")
    page.get_by_label(tr("Starts at")).fill("09:30")
    page.get_by_label(tr("Activity place")).fill("社区文化广场")
    page.get_by_label(tr("Organiser / host unit")).fill("社区居委会")
    page.get_by_label(tr("Residents")).check()
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("h1")).to_contain_text("宣传咨询日")

    attendees = page.locator('section[data-part="attendees"]')
    for name in ("张三", "李四"):
        form = page.locator('form[data-add="attendees"]')
        form.get_by_label(tr("Full name")).fill(name)
        form.get_by_role("button", name=tr("Add")).click()
        expect(attendees).to_contain_text(name)
    expect(attendees.locator("tbody tr")).to_have_count(2)

    photo = tmp_path / "现场.png"
    photo.write_bytes(png())
    photos = page.locator("section[data-attachments]")
    expect(photos.locator("h2")).to_have_text(tr("Activity photos"))
    photos.locator('input[type="file"]').set_input_files(str(photo))
    photos.get_by_role("button", name=tr("Upload")).click()
    expect(page.locator("section[data-attachments] img")).to_have_count(1)
    page.screenshot(path=str(shots_dir / f"activity-{kind}.png"), full_page=True)
    if kind == "phone":
        assert horizontal_overflow(page) == 0

    page.get_by_role("link", name=tr("Sign-in sheet")).click()
    sheet = page.locator("[data-sign-in-sheet]")
    expect(sheet.locator("h2")).to_have_text("“安全生产月”宣传咨询日")
    expect(sheet.locator("[data-field=held_on]")).to_have_text("2026-06-12 09:30")
    expect(sheet.locator("[data-field=place]")).to_have_text("社区文化广场")
    named = sheet.locator("tr[data-attendee]")
    expect(named).to_have_count(2)
    expect(named.nth(0)).to_contain_text("张三")
    expect(named.nth(1)).to_contain_text("李四")
    expect(sheet.locator("tr[data-blank]").first.locator("td").first).to_have_text("3")
    if kind == "phone":
        assert horizontal_overflow(page) == 0
    page.screenshot(path=str(shots_dir / f"activity-sign-in-sheet-{kind}.png"), full_page=True)
    expect(page.locator(".topbar").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".topbar").first).to_be_hidden()
    expect(page.get_by_role("button", name=tr("Print"))).to_be_hidden()

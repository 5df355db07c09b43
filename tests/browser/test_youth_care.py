"""The 关工委's field work in headless Chromium, on a desktop and on a phone (390×844): a
holiday programme's session and who came, its printable sign-in sheet, a pairing proposed by
a worker and approved by the community admin on the pairing's page, a 五老 volunteer's visit to
the child paired with them, and a 六一 campaign followed to its last visit."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from tests.browser.conftest import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import horizontal_overflow, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
CHILDREN = ("王小明", "李小红", "张小刚")


@pytest.fixture
def youth_care_on(live_server, world, jiedao_clock):
    """Youth care on in A1 on 15 June 2026: the 七彩夏日 programme with three children
    enrolled, a child in care and a 五老 to pair with."""
    from core.permissions import load_scope
    from core.volunteers.models import Volunteer
    from plugins.registry.residents import create_resident
    from plugins.youth_care.children.ledgers import children
    from plugins.youth_care.children.workflow import CHILD_FLOW
    from plugins.youth_care.programmes.ledgers import programmes
    from tenants import modules
    from tests.plugins.registry.conftest import make_id

    jiedao_clock("2026-06-15T10:00:00+08:00")
    with world.app.app_context():
        community = world.node(A1)
        modules.enable(db.session, community, "youth_care")
        programme = programmes.write_new(db.session, community, {
            "kind": "summer", "name": "七彩夏日", "starts_on": date(2026, 6, 1),
            "ends_on": date(2026, 8, 31), "venue": "电教室", "opening": "周一至周五 9:00-11:30",
            "capacity": 20})  # fmt: skip
        enrolments = programmes.parts[0]
        for name in CHILDREN:
            enrolments.add(db.session, programme, {"name": name, "consent": True, "grade": "p3"})
        born = date(2015, 3, 1)
        resident = create_resident(db.session, community, {
            "name": "赵小丽", "birth_date": born, "building": "b01",
            "id_number": make_id(born, 5)})  # fmt: skip
        child = children.write_new(
            db.session, community, {"resident_id": resident.id, "categories": ["single_parent"]}
        )
        admin = world.user("c_admin")
        CHILD_FLOW.run(
            db.session, child, "confirm", {}, admin, scope=load_scope(db.session, admin.id)
        )
        db.session.add(Volunteer(node_id=community.id, name="刘老师", kinds=["five_elders"],
                                 elder_kind="teacher"))  # fmt: skip
        db.session.commit()
        return programme.id


@pytest.fixture(params=["desktop", "phone"])
def screen(request, page, phone_page) -> tuple[str, Page]:
    return request.param, page if request.param == "desktop" else phone_page


def test_a_sessions_attendance_and_the_sign_in_sheet(screen, tr, youth_care_on, shots_dir):
    kind, page = screen
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/youth_care/programmes/{youth_care_on}")
    expect(page.locator("h1")).to_contain_text("七彩夏日")
    form = page.locator('form[data-add="sessions"]')
    form.get_by_label(tr("Session day")).fill("2026-06-15")
    form.get_by_label(tr("Theme of the session")).fill("暑期防溺水安全课")
    form.get_by_label(CHILDREN[0]).check()
    form.get_by_label(CHILDREN[2]).check()
    form.get_by_role("button", name=tr("Add")).click()
    sessions = page.locator('section[data-part="sessions"]')
    expect(sessions.locator("tbody tr")).to_have_count(1)
    expect(sessions.locator("tbody tr").first).to_contain_text("暑期防溺水安全课")
    expect(sessions.locator("tbody tr").first).to_contain_text("2")  # two present
    if kind == "phone":
        assert horizontal_overflow(page) == 0
    page.screenshot(path=str(shots_dir / f"youth-care-session-{kind}.png"), full_page=True)

    page.get_by_role("link", name=tr("Print the sign-in sheet")).click()
    sheet = page.locator("[data-sign-in-sheet]")
    expect(sheet.locator("h2")).to_have_text("七彩夏日")
    named = sheet.locator("tr[data-attendee]")
    expect(named).to_have_count(3)
    for n, name in enumerate(CHILDREN):
        expect(named.nth(n)).to_contain_text(name)
    expect(sheet.locator("tr[data-blank]").first.locator("td").first).to_have_text("4")
    if kind == "phone":
        assert horizontal_overflow(page) == 0
    page.screenshot(path=str(shots_dir / f"youth-care-sign-in-{kind}.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".topbar").first).to_be_hidden()
    expect(page.get_by_role("button", name=tr("Print"))).to_be_hidden()


def test_a_pairing_proposed_and_approved(screen, tr, youth_care_on, new_page, shots_dir):
    kind, page = screen
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/youth_care/pairings/new")
    page.get_by_label(tr("Child in care")).select_option(label="赵小丽")
    page.get_by_label(tr("Volunteer paired")).select_option(label="刘老师")
    page.get_by_label(tr("Pairing starts on")).fill("2026-06-15")
    page.get_by_label(tr("Goal of the pairing")).fill("每周辅导数学作业")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("dd[data-field=status]")).to_have_text(tr("Pairing proposed"))
    url = page.url
    # The worker may not approve: the admin does, from the same page.
    options = {"viewport": page.viewport_size} if kind == "desktop" else {}
    admin = page if kind == "phone" else new_page(**options)
    if admin is page:
        page.context.clear_cookies()
    sign_in(admin, tr, "c_admin")
    admin.goto(url)
    step = admin.locator('form[data-step="approve"]')
    step.get_by_role("button", name=tr("Pairing approved")).click()
    expect(admin.locator("dd[data-field=status]")).to_have_text(tr("Pairing in progress"))
    expect(admin.locator('form[data-step="end"]')).to_be_visible()
    if kind == "phone":
        assert horizontal_overflow(admin) == 0
    admin.screenshot(path=str(shots_dir / f"youth-care-pairing-{kind}.png"), full_page=True)


@pytest.fixture
def elder_paired(youth_care_on, world):
    """刘老师 signs in as ``liulaoshi`` (the 五老 volunteer's role) and is paired with 赵小丽."""
    import sqlalchemy as sa

    from core.volunteers.models import Volunteer
    from plugins.youth_care.children.models import YouthCareChild
    from plugins.youth_care.elders.models import YouthCareElderAccount
    from plugins.youth_care.pairings.models import YouthCarePairing

    user_id = world.add_user("liulaoshi", "youth_care_elder", A1)
    with world.app.app_context():
        volunteer = db.session.scalar(sa.select(Volunteer).where(Volunteer.name == "刘老师"))
        child = db.session.scalar(sa.select(YouthCareChild))
        db.session.add(YouthCareElderAccount(
            node_id=world.node(A1).id, volunteer_id=volunteer.id, user_id=user_id))  # fmt: skip
        db.session.add(YouthCarePairing(
            node_id=child.node_id, child_id=child.id, volunteer_id=volunteer.id,
            starts_on=date(2026, 6, 1), status="active", frequency="weekly"))  # fmt: skip
        db.session.commit()


def test_a_five_elders_volunteer_records_a_visit_to_their_child(
    screen, tr, elder_paired, shots_dir
):
    kind, page = screen
    sign_in(page, tr, "liulaoshi")
    page.goto(f"/c/{A1}/youth_care/my-children")  # the sidebar's entry: test_elders
    card = page.locator("[data-my-children] li[data-child]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("赵小丽")
    card.get_by_label(tr("Visit mode")).select_option(label=tr("By phone"))
    card.get_by_label(tr("What was found")).fill("孩子期末考试进步明显")
    card.get_by_role("button", name=tr("Record a visit")).click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text(tr("Saved."))
    if kind == "phone":
        assert horizontal_overflow(page) == 0
    page.screenshot(path=str(shots_dir / f"youth-care-elder-visit-{kind}.png"), full_page=True)
    answer = page.request.get(f"/api/v1/c/{A1}/youth_care/visits")
    assert answer.status == 403  # the volunteer reads no ledger, only their own page


def test_a_childrens_day_campaign_and_its_progress(screen, tr, youth_care_on, shots_dir):
    kind, page = screen
    sign_in(page, tr, "worker")
    page.goto(f"/c/{A1}/youth_care/campaigns/new")
    page.get_by_label(tr("Children's Day visits")).check()
    page.get_by_label(tr("Title of the campaign")).fill("2026年六一走访慰问")
    page.get_by_label(tr("Starts on")).fill("2026-06-10")
    page.get_by_label(tr("Ends on")).fill("2026-06-20")
    page.get_by_label(tr("Phase"), exact=True).fill("走访慰问")
    page.get_by_label(tr("Phase ends on")).fill("2026-06-20")
    page.get_by_role("button", name=tr("Save")).click()
    progress = page.locator("[data-campaign-progress]")
    expect(progress.locator("[data-pending] li[data-subject]")).to_have_count(1)
    campaign = page.url
    expect(progress.locator("[data-pending]")).to_contain_text("赵小丽")
    progress.get_by_role("link", name=tr("Record a visit")).click()
    page.get_by_label(tr("Visit date")).fill("2026-06-15")
    page.get_by_label(tr("Visit mode")).select_option(label=tr("Visit in person"))
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator("h1")).to_contain_text("赵小丽")  # the visit's page: saved
    page.goto(campaign)
    expect(progress.locator("[data-in-time]")).to_contain_text("1")
    expect(progress.locator("[data-pending]")).to_contain_text(tr("Everyone has been visited."))
    if kind == "phone":
        assert horizontal_overflow(page) == 0
    page.screenshot(path=str(shots_dir / f"youth-care-campaign-{kind}.png"), full_page=True)

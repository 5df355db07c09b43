"""What a new administrator checks in the real pages: a role refused at the wrong kind of
place with its message, the audit log filtered by date and action opening the record an entry
names, and the English audit log in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.db import db
from plugins.registry.validators import id_check_character
from tests.browser.conftest import PHONE, require_playwright
from tests.conftest import PASSWORD

require_playwright()  # skips this module without playwright; fails it when CI requires a browser

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"  # 永安里东社区
ID_BODY = "11010519500504124"


def sign_in(page: Page, tr, username: str) -> None:
    page.goto("/login")
    page.get_by_label(tr("Username")).fill(username)
    page.get_by_label(tr("Password")).fill(PASSWORD)
    page.get_by_role("button", name=tr("Sign in"), exact=True).click()
    expect(page.locator(".usermenu summary")).to_be_visible()


def pick_place(page: Page, label: str, typed: str, choice: str) -> None:
    """Type part of a place's name into a picker, wait for the choices, take ``choice``."""
    box = page.get_by_label(label)
    box.fill(typed)
    expect(page.locator(f'#{box.get_attribute("list")} option[value="{choice}"]')).to_have_count(1)
    box.fill(choice)
    target = box.get_attribute("data-target")
    expect(page.locator(f"#{target}")).not_to_have_value("")


def give_role(page: Page, tr, world, admin: str, role: str, typed: str, place: str) -> None:
    """As ``admin``, give a new account of A1 ``role`` at the place picked by typing ``typed``."""
    uid = world.add_user("new_" + admin, home=A1)
    sign_in(page, tr, admin)
    page.goto(f"/users/{uid}")
    page.get_by_label(tr("Role")).select_option(role)
    pick_place(page, tr("At place"), typed, place)
    page.get_by_role("button", name=tr("Give role")).click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_role_is_given_at_a_place_found_with_the_picker(new_page, tr, world, device):
    page = new_page(**PHONE) if device == "phone" else new_page()
    grid = "第一网格 (110105001001-gg1) · 永安里东社区"
    give_role(page, tr, world, "s_admin", "program_worker", "第一", grid)
    expect(page.locator(".flash-success")).to_have_text(tr("Role given."))
    expect(page.locator("ul.places li").first).to_contain_text("第一网格")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_district_admin_at_a_community_is_refused_with_its_message(new_page, tr, world, device):
    page = new_page(**PHONE) if device == "phone" else new_page()
    community = "永安里东社区 (110105001001) · 建外街道"
    give_role(page, tr, world, "d_admin", "district_admin", "永安里", community)
    message = tr(
        "The role %(role)s can only be given at a %(kinds)s; %(place)s is a %(kind)s.",
        role=tr("District admin"),
        kinds=tr("District"),
        place="永安里东社区",
        kind=tr("Community"),
    )
    expect(page.locator(".flash-error")).to_have_text(message)
    expect(page.get_by_text(tr("No roles yet."))).to_be_visible()


@pytest.fixture
def resident_registered_on_the_4th(app, world, as_user, jiedao_clock) -> int:
    """A worker account made on 2 March, a resident registered on 4 March (Beijing time)."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    jiedao_clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    c = as_user("c_admin")
    body = {"username": "li_worker", "display_name": "李", "password": "first-pass-1"}
    assert c.post("/api/v1/users", json={**body, "home_node": A1}).status_code == 201
    jiedao_clock(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    resident = {"name": "王秀兰", "id_number": ID_BODY + id_check_character(ID_BODY)}
    created = c.post(f"/api/v1/c/{A1}/registry/residents", json=resident)
    assert created.status_code == 201, created.json
    return created.json["id"]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_audit_log_filtered_by_date_and_action_opens_the_record(
    request, device, tr, resident_registered_on_the_4th
):
    page: Page = request.getfixturevalue(device)
    sign_in(page, tr, "c_admin")
    page.goto("/audit")
    filters = page.locator("[data-audit-filters]")
    label = tr("%(what)s: %(action)s", what=tr("Resident"), action=tr("registered"))
    filters.get_by_label(tr("Action")).select_option(value="registry.resident.create")
    filters.get_by_label(tr("From"), exact=True).fill("2026-03-04")
    filters.get_by_label(tr("To"), exact=True).fill("2026-03-04")
    filters.get_by_role("button", name=tr("Filter")).click()
    rows = page.locator("[data-audit-entry]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(label)
    expect(rows.first).to_contain_text("王秀兰")
    rows.first.locator("[data-record-link]").click()
    expect(page).to_have_url(
        f"{page.url.split('/c/')[0]}/c/{A1}/registry/residents/{resident_registered_on_the_4th}"
    )
    expect(page.locator("h1")).to_contain_text("王秀兰")
    # The day before holds the account, not the resident.
    page.goto("/audit?from=2026-03-02&to=2026-03-02&action=user.create")
    expect(page.locator("[data-audit-entry]")).to_have_count(1)
    expect(page.locator("[data-audit-entry]").first).to_contain_text("li_worker")


def test_the_english_audit_log_shows_new_entries_in_english(page: Page, tr, app, world, as_user):
    c = as_user("c_admin")
    body = {"username": "zhang_en", "display_name": "张", "password": "first-pass-1"}
    assert c.post("/api/v1/users", json={**body, "home_node": A1}).status_code == 201
    sign_in(page, tr, "c_admin")
    page.locator("form[action='/locale'] button[value='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/audit")
    rows = page.locator("[data-audit-entry]")
    created = rows.filter(has_text="zhang_en")
    expect(created).to_contain_text("Account created")
    expect(created).to_contain_text("Created account zhang_en")
    expect(rows.filter(has_text="c_admin signed in").first).to_contain_text("Signed in")
    expect(page.locator("table")).not_to_contain_text("创建了账号")

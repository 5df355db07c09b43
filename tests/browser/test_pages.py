"""What a user checks in the real pages, in headless Chromium: signing in and out, walking the
tree, adding a building, staying inside one's own part of the tree, and using a phone.

Texts are compared through ``tr`` (what the Chinese pages show for a message: its translation, or
the English msgid while the catalogue lacks it); place names come from the ``world`` fixture.
"""

from __future__ import annotations

import re

import pytest

from core.db import db
from tests.browser.conftest import require_playwright
from tests.conftest import PASSWORD

require_playwright()  # skips this module without playwright; fails it when CI requires a browser

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"  # 永安里东社区, in 建外街道
B1 = "110105002001"  # 吉祥里社区, in 朝外街道


# --- helpers --------------------------------------------------------------------------------


def set_display_name(world, username: str, display_name: str) -> None:
    with world.app.app_context():
        world.user(username).display_name = display_name
        db.session.commit()


def sign_in(page: Page, tr, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label(tr("Username")).fill(username)
    page.get_by_label(tr("Password")).fill(password)
    page.get_by_role("button", name=tr("Sign in"), exact=True).click()
    expect(page.locator(".usermenu summary")).to_be_visible()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling).

    On a phone (``is_mobile``) Chromium widens ``window.innerWidth`` to the content when the
    content is too wide (it zooms out), so ``scrollWidth <= innerWidth`` alone would always hold;
    the layout viewport's width, ``documentElement.clientWidth``, stays the screen's.
    """
    return page.evaluate(
        """() => {
            const screen = Math.min(window.innerWidth, document.documentElement.clientWidth);
            return Math.max(0, document.scrollingElement.scrollWidth - screen);
        }"""
    )


def add_form(page: Page):
    return page.locator("section#add")


def children_rows(page: Page):
    return page.locator("main table.table tbody tr")


# --- signing in and walking the tree --------------------------------------------------------


def test_sign_in_and_walk_down_to_a_community(page: Page, tr, world):
    set_display_name(world, "d_admin", "王主任")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name=tr("Sign in"))).to_be_visible()
    expect(page.locator(".usermenu")).to_have_count(0)
    expect(page.locator("#sidebar")).to_have_count(0)

    page.get_by_label(tr("Username")).fill("d_admin")
    page.get_by_label(tr("Password")).fill(PASSWORD)
    page.get_by_role("button", name=tr("Sign in"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("header.topbar .usermenu summary")).to_have_text("王主任")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr("Welcome, %(name)s", name="王主任")
    )

    sidebar = page.get_by_role("navigation", name=tr("Navigation"))
    sidebar.get_by_role("link", name=tr("Tenant tree")).click()
    expect(page).to_have_url(re.compile(r"/tree$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Tenant tree"))
    expect(sidebar.get_by_role("link", name=tr("Tenant tree"))).to_have_attribute(
        "aria-current", "page"
    )

    page.locator("ul.places").get_by_role("link", name="朝阳区").click()
    expect(page).to_have_url(re.compile(r"/n/110105$"))
    page.get_by_role("link", name="建外街道", exact=True).click()
    expect(page).to_have_url(re.compile(r"/n/110105001$"))

    # The street lists its communities with what each contains.
    expect(page.get_by_role("heading", level=1)).to_contain_text("建外街道")
    rows = children_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["永安里东社区", A1, tr("Community"), f"{tr('Grid')} 1 {tr('Building')} 2"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["建国里社区", "110105001002", tr("Community"), f"{tr('Building')} 1"]
    )

    rows.get_by_role("link", name="永安里东社区").click()
    expect(page).to_have_url(re.compile(rf"/n/{A1}$"))
    expect(page).to_have_title(re.compile(r"^永安里东社区 · "))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("永安里东社区")
    expect(heading.locator(".badge")).to_have_text(tr("Community"))

    # Breadcrumb: 朝阳区 › 建外街道 › 永安里东社区; ancestors are links, the last is the page.
    crumbs = page.get_by_role("navigation", name=tr("You are here"))
    expect(crumbs.get_by_role("listitem")).to_have_text(["朝阳区", "建外街道", "永安里东社区"])
    expect(crumbs.get_by_role("link")).to_have_text(["朝阳区", "建外街道"])
    expect(crumbs.locator('[aria-current="page"]')).to_have_text("永安里东社区")
    separators = crumbs.get_by_role("listitem").evaluate_all(
        "items => items.map(li => getComputedStyle(li, '::before').content)"
    )
    assert separators[1:] == ['"›"', '"›"'], separators

    # Facts: the code and how many places of each kind lie beneath.
    facts = page.locator("dl.facts")
    expect(facts.locator("code")).to_have_text(A1)
    expect(facts.locator('[data-count="grid"]')).to_have_text("1")
    expect(facts.locator('[data-count="building"]')).to_have_text("2")

    # Children table, ordered by kind then code: building 2号楼 (b02), then grid 第一网格 (g1).
    table = page.locator("main table.table")
    expect(table.locator("thead th")).to_have_text(
        [tr("Name"), tr("Code"), tr("Kind"), tr("Contains")]
    )
    rows = children_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["2号楼", "b02", tr("Building"), ""])
    expect(rows.nth(1).locator("td")).to_have_text(
        ["第一网格", "g1", tr("Grid"), f"{tr('Building')} 1"]
    )
    # Buildings can be ticked to move together; grids cannot.
    expect(rows.nth(0).get_by_role("checkbox", name="2号楼")).to_be_visible()
    expect(rows.nth(1).get_by_role("checkbox")).to_have_count(0)
    expect(page.locator("main p.total")).to_have_text(tr("%(total)s in total", total=2))

    # Back up through the breadcrumb.
    crumbs.get_by_role("link", name="建外街道").click()
    expect(page).to_have_url(re.compile(r"/n/110105001$"))


def test_wrong_password_keeps_the_username(page: Page, tr):
    page.goto("/login")
    page.get_by_label(tr("Username")).fill("d_admin")
    page.get_by_label(tr("Password")).fill("not-the-password")
    page.get_by_role("button", name=tr("Sign in"), exact=True).click()

    expect(page.get_by_role("alert")).to_have_text(tr("Wrong username or password."))
    expect(page.get_by_label(tr("Username"))).to_have_value("d_admin")
    expect(page.get_by_label(tr("Password"))).to_have_value("")
    expect(page.locator(".usermenu")).to_have_count(0)


# --- adding a place -------------------------------------------------------------------------


def test_add_a_building_keeps_input_after_a_bad_code(page: Page, tr, world):
    sign_in(page, tr, "c_admin")
    page.goto(f"/n/{A1}")
    form = add_form(page)
    expect(form.get_by_role("heading")).to_have_text(tr("Add a place here"))
    kind = form.get_by_label(tr("Kind"))
    code = form.get_by_label(tr("Code"))
    name = form.get_by_label(tr("Name"))
    expect(kind).to_have_value("grid")  # the first kind allowed under a community

    # A code with a space and "!" is refused next to the field; what was typed stays.
    kind.select_option("building")
    code.fill("b 03!")
    name.fill("3号楼")
    form.get_by_role("button", name=tr("Add")).click()

    expect(page).to_have_url(re.compile(rf"/n/{A1}/children#add$"))
    form = add_form(page)
    code_field = form.locator(".field.has-error")
    expect(code_field).to_have_count(1)
    expect(code_field.locator(".field-error")).to_have_text(
        tr("Use 1–32 letters, digits, '-' or '_' (starting with a letter or digit).")
    )
    expect(form.get_by_label(tr("Code"))).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label(tr("Code"))).to_have_value("b 03!")
    expect(form.get_by_label(tr("Name"))).to_have_value("3号楼")
    expect(form.get_by_label(tr("Name"))).not_to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label(tr("Kind"))).to_have_value("building")
    expect(children_rows(page)).to_have_count(2)  # nothing was added
    expect(form).to_be_in_viewport()  # the #add anchor brings the form with its errors into view

    # A code already used in the community is refused too, still keeping the name.
    form.get_by_label(tr("Code")).fill("b02")
    form.get_by_role("button", name=tr("Add")).click()
    form = add_form(page)
    expect(form.locator(".field.has-error .field-error")).to_have_text(
        tr("Code %(code)s is already used in this community.", code="b02")
    )
    expect(form.get_by_label(tr("Name"))).to_have_value("3号楼")

    # A good code: the building is added and shows up in the table.
    form.get_by_label(tr("Code")).fill("b03")
    form.get_by_role("button", name=tr("Add")).click()

    # Back on the node page, at the message, with the kind kept for the next building.
    expect(page).to_have_url(re.compile(rf"/n/{A1}\?kind=building#main$"))
    expect(add_form(page).get_by_label(tr("Kind"))).to_have_value("building")
    expect(page.locator(".flash-success")).to_have_text(tr("%(name)s was added.", name="3号楼"))
    rows = children_rows(page)
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="3号楼").locator("td")).to_have_text(
        ["3号楼", "b03", tr("Building"), ""]
    )
    expect(page.locator('dl.facts [data-count="building"]')).to_have_text("3")
    form = add_form(page)
    expect(form.locator(".field-error")).to_have_count(0)
    expect(form.get_by_label(tr("Code"))).to_have_value("")

    rows.get_by_role("link", name="3号楼").click()
    expect(page).to_have_url(re.compile(rf"/n/{A1}-bb03$"))
    crumbs = page.get_by_role("navigation", name=tr("You are here"))
    expect(crumbs.get_by_role("listitem")).to_have_text(
        ["朝阳区", "建外街道", "永安里东社区", "3号楼"]
    )


def test_the_added_message_is_in_view_after_adding(page: Page, tr):
    sign_in(page, tr, "c_admin")
    page.goto(f"/n/{A1}")
    form = add_form(page)
    form.get_by_label(tr("Kind")).select_option("building")
    form.get_by_label(tr("Code")).fill("b03")
    form.get_by_label(tr("Name")).fill("3号楼")
    form.get_by_role("button", name=tr("Add")).click()
    flash = page.locator(".flash-success")
    expect(flash).to_have_text(tr("%(name)s was added.", name="3号楼"))
    page.wait_for_load_state("load")  # the browser scrolls to a #fragment by then
    # Checked once, not retried: a retrying check could pass before the scroll happens.
    in_view = flash.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"
    )
    assert in_view, f"the message is out of view, at {flash.bounding_box()} (page: {page.url})"


def test_rename_a_building_on_the_edit_page(page: Page, tr):
    sign_in(page, tr, "c_admin")
    page.goto(f"/n/{A1}-bb02")
    page.get_by_role("link", name=tr("Edit"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/n/{A1}-bb02/edit$"))
    name = page.get_by_label(tr("Name"))
    code = page.get_by_label(tr("Code"))
    expect(name).to_have_value("2号楼")
    expect(code).to_have_value("b02")

    # An empty name is refused; the code typed alongside is kept.
    name.fill("")
    code.fill("b22")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error .field-error")).to_be_visible()
    expect(page.get_by_label(tr("Code"))).to_have_value("b22")

    page.get_by_label(tr("Name")).fill("2号楼（东）")
    page.get_by_label(tr("Code")).fill("b02")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page).to_have_url(re.compile(rf"/n/{A1}-bb02$"))
    expect(page.locator(".flash-success")).to_have_text(tr("Saved."))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2号楼（东）")
    crumbs = page.get_by_role("navigation", name=tr("You are here"))
    expect(crumbs.locator('[aria-current="page"]')).to_have_text("2号楼（东）")

    crumbs.get_by_role("link", name="永安里东社区").click()
    expect(children_rows(page).filter(has_text="b02").locator("td").first).to_have_text(
        "2号楼（东）"
    )


def test_read_only_user_sees_no_add_form_or_edit_button(page: Page, tr):
    sign_in(page, tr, "worker")  # program worker: may look at the community, not change it
    page.goto(f"/n/{A1}")
    expect(children_rows(page)).to_have_count(2)
    expect(add_form(page)).to_have_count(0)
    expect(page.get_by_role("link", name=tr("Edit"), exact=True)).to_have_count(0)

    response = page.goto(f"/n/{A1}/edit")
    assert response is not None and response.status == 403
    expect(page.locator(".error-page h1")).to_have_text("403")
    expect(page.locator(".error-page")).to_contain_text(
        tr("You do not have permission to do this.")
    )


def test_expired_form_shows_a_friendly_page(page: Page, tr):
    """CSRF is on in the live app: a form with a stale token is refused with a readable page."""
    page.goto("/login")
    page.locator('form[method="post"]:has(#f-username) input[name="csrf_token"]').evaluate(
        "input => { input.value = 'stale'; }"
    )
    page.get_by_label(tr("Username")).fill("d_admin")
    page.get_by_label(tr("Password")).fill(PASSWORD)
    with page.expect_response(re.compile(r"/login$")) as answer:
        page.get_by_role("button", name=tr("Sign in"), exact=True).click()
    assert answer.value.status == 400
    expect(page.locator(".error-page h1")).to_have_text("400")
    expect(page.locator(".error-page")).to_contain_text(
        tr("Your form expired or came from elsewhere. Reload the page and try again.")
    )
    expect(page.locator(".usermenu")).to_have_count(0)


# --- staying inside one's part of the tree --------------------------------------------------


def test_street_admin_cannot_find_or_open_the_other_street(page: Page, tr):
    sign_in(page, tr, "s_admin")
    page.goto("/tree")
    expect(page.locator("ul.places").get_by_role("link")).to_have_text(["建外街道"])

    search = page.locator("main").get_by_label(tr("Search"))
    search.fill("吉祥里")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/tree\?q=.+"))
    expect(page.get_by_role("heading", name=tr("Search results"))).to_be_visible()
    rows = children_rows(page)
    expect(rows).to_have_count(1)
    expect(rows).to_have_text(tr("Nothing found in your part of the tree."))
    expect(page.locator("main")).not_to_contain_text("吉祥里社区")

    # The same search finds a community of the admin's own street (so the search itself works).
    search = page.locator("main").get_by_label(tr("Search"))
    search.fill("建国里")
    search.press("Enter")
    rows = children_rows(page)
    expect(rows).to_have_count(1)
    expect(rows.locator("td")).to_have_text(
        ["建国里社区", "110105001002", tr("Community"), "朝阳区 › 建外街道", tr("Show in the tree")]
    )

    # Opening the other street's community by its address: the 404 page, as for no such place.
    response = page.goto(f"/n/{B1}")
    assert response is not None and response.status == 404
    expect(page.locator(".error-page h1")).to_have_text("404")
    expect(page.locator(".error-page")).to_contain_text(
        tr("Not found, or not in your part of the tree.")
    )
    expect(page.locator("main")).not_to_contain_text("吉祥里")
    not_there = page.locator(".error-page").inner_text()

    response = page.goto("/n/110105009009")
    assert response is not None and response.status == 404
    assert page.locator(".error-page").inner_text() == not_there

    page.get_by_role("link", name=tr("Back to the start page")).click()
    expect(page).to_have_url(re.compile(r"/$"))


# --- phones ---------------------------------------------------------------------------------


def test_phone_sidebar_opens_with_the_menu_button(phone_page: Page, tr):
    page = phone_page
    sign_in(page, tr, "d_admin")
    page.goto(f"/n/{A1}")

    sidebar = page.locator("#sidebar")
    toggle = page.locator("[data-nav-toggle]")
    tree_link = sidebar.get_by_role("link", name=tr("Tenant tree"))
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sidebar).to_be_hidden()
    expect(tree_link).to_be_hidden()

    toggle.tap()
    expect(sidebar).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(tree_link).to_be_visible()
    expect(tree_link).to_be_in_viewport()

    toggle.tap()
    expect(sidebar).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.tap()
    tree_link.tap()
    expect(page).to_have_url(re.compile(r"/tree$"))
    expect(page.locator("#sidebar")).to_be_hidden()


def test_phone_pages_do_not_scroll_sideways(phone_page: Page, tr):
    page = phone_page
    page.goto("/login")
    assert horizontal_overflow(page) == 0, "login page"
    sign_in(page, tr, "c_admin")

    page.goto(f"/n/{A1}")
    expect(children_rows(page)).to_have_count(2)
    # Table rows become cards on phones: no header row, each cell says what it is.
    expect(page.locator("main table.table thead")).to_be_hidden()
    label = (
        children_rows(page)
        .first.locator("td")
        .first.evaluate("td => getComputedStyle(td, '::before').content")
    )
    assert tr("Name") in label
    assert horizontal_overflow(page) <= 1, "node page"

    # The add form with errors (long help text, error messages) still fits.
    form = add_form(page)
    form.get_by_label(tr("Code")).fill("b 03!")
    form.get_by_label(tr("Name")).fill("3号楼")
    form.get_by_role("button", name=tr("Add")).tap()
    expect(add_form(page).locator(".field-error")).to_be_visible()
    assert horizontal_overflow(page) <= 1, "node page with form errors"

    # The user menu opens inside the screen.
    page.locator(".usermenu summary").tap()
    panel = page.locator(".usermenu-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert horizontal_overflow(page) <= 1, "node page with the user menu open"

    page.goto("/tree?q=楼")  # 1号楼 (in grid g1) and 2号楼
    expect(children_rows(page)).to_have_count(2)
    assert horizontal_overflow(page) <= 1, "tree search results"


def test_phone_top_bar_fits_a_long_display_name(phone_page: Page, tr, world):
    page = phone_page
    set_display_name(world, "c_admin", "建外街道永安里东社区居委会")  # 13 characters of 64 allowed
    sign_in(page, tr, "c_admin")
    page.goto(f"/n/{A1}")
    expect(children_rows(page)).to_have_count(2)
    assert horizontal_overflow(page) <= 1


# --- signing out, language ------------------------------------------------------------------


def test_sign_out_from_the_user_menu(page: Page, tr, world):
    set_display_name(world, "worker", "李梅")
    sign_in(page, tr, "worker")
    page.goto(f"/n/{A1}")

    menu = page.locator("header .usermenu")
    sign_out = menu.get_by_role("button", name=tr("Sign out"))
    expect(sign_out).to_be_hidden()
    menu.get_by_text("李梅").click()
    expect(sign_out).to_be_visible()
    sign_out.click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash-info")).to_have_text(tr("You have signed out."))
    expect(page.get_by_label(tr("Username"))).to_be_visible()
    expect(page.locator(".usermenu")).to_have_count(0)

    page.goto(f"/n/{A1}")
    expect(page).to_have_url(re.compile(rf"/login\?next=(/|%2F)n(/|%2F){A1}$"))


def test_language_switch(page: Page, tr):
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # The choice survives signing in; switching back is one click in the top bar.
    page.get_by_label("Username").fill("c_admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"/n/{A1}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main table.table thead th").first).to_have_text("Name")
    page.get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(re.compile(rf"/n/{A1}$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main table.table thead th").first).to_have_text(tr("Name"))


# --- screenshots for a person to look at ----------------------------------------------------


def test_screenshots_of_the_node_page(page: Page, phone_page: Page, tr, shots_dir):
    """Writes PNGs of the node page (desktop and phone) for a human to judge the layout."""
    desktop = page
    sign_in(desktop, tr, "c_admin")
    desktop.goto(f"/n/{A1}")
    expect(children_rows(desktop)).to_have_count(2)
    desktop.screenshot(path=shots_dir / "node-desktop.png", full_page=True)
    desktop.locator(".usermenu summary").click()
    expect(desktop.locator(".usermenu-panel")).to_be_visible()
    desktop.screenshot(path=shots_dir / "node-desktop-usermenu.png")
    form = add_form(desktop)
    form.get_by_label(tr("Kind")).select_option("building")
    form.get_by_label(tr("Code")).fill("b 03!")
    form.get_by_label(tr("Name")).fill("3号楼")
    form.get_by_role("button", name=tr("Add")).click()
    expect(add_form(desktop).locator(".field-error")).to_be_visible()
    desktop.screenshot(path=shots_dir / "node-desktop-form-error-view.png")  # what the user sees
    desktop.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar lands mid-picture
    desktop.screenshot(path=shots_dir / "node-desktop-form-error.png", full_page=True)

    phone = phone_page
    sign_in(phone, tr, "c_admin")
    phone.goto(f"/n/{A1}")
    expect(children_rows(phone)).to_have_count(2)
    phone.screenshot(path=shots_dir / "node-phone.png", full_page=True)
    phone.locator("[data-nav-toggle]").tap()
    expect(phone.locator("#sidebar")).to_be_visible()
    phone.screenshot(path=shots_dir / "node-phone-nav-open.png")

    for name in (
        "node-desktop.png",
        "node-desktop-usermenu.png",
        "node-desktop-form-error.png",
        "node-desktop-form-error-view.png",
        "node-phone.png",
        "node-phone-nav-open.png",
    ):
        assert (shots_dir / name).stat().st_size > 1000, name

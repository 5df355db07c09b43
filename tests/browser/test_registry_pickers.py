"""The registry's reference pickers in headless Chromium: a worker registers a newborn by the
birth certificate, finds the mother by typing her name into the guardian box, saves, and sees
her on the child's page; the edit form opens with her name in the box and keeps her when saved
untouched."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.conftest import require_playwright, wait_for_pickers
from tests.plugins.registry.conftest import make_id

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

A1 = "110105001001"
REGISTRY = f"/c/{A1}/registry"
API = f"/api/v1/c/{A1}/registry"


@pytest.fixture
def mother(live_server, world, as_user) -> int:
    from core.db import db
    from tenants import modules

    with world.app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    answer = as_user("worker").post(
        f"{API}/residents", json={"name": "王丽华", "id_number": make_id(date(1992, 4, 3), 124)}
    )
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_a_worker_picks_a_newborns_guardian_by_typing_her_name(page: Page, tr, mother):
    sign_in(page, tr, "worker")
    page.goto(f"{REGISTRY}/residents/new")
    form = page.locator("form[data-ledger-form]")
    form.locator("#f-name").fill("王小宝")
    form.locator("#f-birth_certificate_number").fill("Q110123456")
    form.locator("#f-birth_date").fill("2026-01-02")
    form.get_by_label(tr("Female"), exact=True).check()
    wait_for_pickers(page)
    box = form.locator("#f-guardian_id-search")
    box.fill("王丽")
    option = page.locator("#f-guardian_id-options option")
    expect(option).to_have_count(1)
    label = option.first.get_attribute("value")
    assert label.startswith("王丽华 ") and "********" in label  # the ID masked
    box.fill(label)  # choosing the suggestion
    expect(form.locator("#f-guardian_id")).to_have_value(str(mother))
    form.locator("#f-guardian_relation").select_option("mother")
    form.get_by_role("button", name=tr("Save")).click()
    expect(page).to_have_url(re.compile(r"/residents/\d+$"))
    facts = page.locator("main")
    expect(facts).to_contain_text("王丽华")
    expect(facts).to_contain_text("Q*****3456")
    page.goto(page.url + "/edit")
    expect(page.locator("#f-guardian_id-search")).to_have_value(label)
    expect(page.locator("#f-guardian_id")).to_have_value(str(mother))
    page.get_by_role("button", name=tr("Save")).click()
    expect(page).to_have_url(re.compile(r"/residents/\d+$"))
    expect(page.locator("main")).to_contain_text("王丽华")

"""A benefit roll's objection in headless Chromium, on a desktop and on a phone (390×844): during
the publicity a worker records a resident's objection against one line, the roll cannot go to
the street while it is open; upheld with the line removed, the roll is back with the community,
the line gone, to be publicised again."""

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
FP = f"/c/{A1}/family_planning"


@pytest.fixture
def roll(live_server, world, jiedao_clock) -> int:
    """A1's 2026 奖扶 roll of 老张 and 老王 (a 农村部分计生家庭), checked and publicised on
    1 June; the clock on 15 June 2026."""
    from flask_login import login_user

    from plugins.family_planning.benefits.ledgers import programs, rolls
    from plugins.family_planning.benefits.rules import ROLL_FLOW
    from plugins.family_planning.families.ledgers import families
    from plugins.family_planning.families.models import FpFamily
    from plugins.registry import households
    from plugins.registry.residents import create_resident
    from tenants import modules
    from tests.plugins.registry.conftest import make_id

    jiedao_clock("2026-06-15T10:00:00+08:00")
    app = world.app
    with app.app_context(), app.test_request_context():
        login_user(world.user("c_admin"))
        a1 = world.node(A1)
        modules.enable(db.session, a1, "family_planning")
        home = households.create_household(
            db.session, a1, {"building": "b01", "room": "201", "head_name": "老张"}
        )
        people = (("老张", date(1960, 3, 1), "M", 301), ("老王", date(1962, 3, 1), "F", 302))
        parents = [
            create_resident(
                db.session,
                a1,
                {
                    "name": name,
                    "gender": gender,
                    "birth_date": born,
                    "household_id": home.id,
                    "id_number": make_id(born, serial),
                    "marital_status": "first_marriage",
                },
            )
            for name, born, gender, serial in people
        ]
        family = families.write_new(
            db.session,
            a1,
            {"household_id": home.id, "categories": ["rural_reward"],
             "father_id": parents[0].id, "mother_id": parents[1].id},
        )  # fmt: skip
        db.session.flush()
        db.session.get(FpFamily, family.id).status = "active"
        program = programs.write_new(
            db.session,
            a1,
            {"kind": "support", "name": "农村奖扶", "amount": 960, "min_age": 60},
        )
        db.session.flush()
        made = rolls.write_new(db.session, a1, {"program_id": program.id, "period": "2026"})
        db.session.flush()
        ROLL_FLOW.run(db.session, made, "check", {})
        ROLL_FLOW.run(db.session, made, "publicise", {"on": date(2026, 6, 1)})
        db.session.commit()
        return made.id


def _object_and_uphold(page: Page, tr, roll: int) -> None:
    page.goto(f"{FP}/rolls/{roll}")
    adding = page.locator('form[data-add="objections"]')
    adding.get_by_label(tr("Line objected to")).select_option(label="老王 2026")
    adding.get_by_label(tr("Raised by")).fill("赵大")
    adding.locator('textarea[name="content"]').fill("老王已迁往外地")
    adding.get_by_role("button", name=tr("Add")).click()
    objections = page.locator('[data-family_planning="roll_objections"]')
    expect(objections).to_contain_text(tr("Awaiting resolution"))

    page.locator('form[data-step="submit"]').get_by_role("button").click()
    expect(page.locator(".flash, [role=alert]").first).to_contain_text(
        tr("An objection raised during the publicity is not resolved yet.")
    )

    page.goto(f"{FP}/rolls/{roll}")
    page.locator('[data-family_planning="roll_objections"] a').first.click()
    page.get_by_role("link", name=tr("Edit")).click()
    page.get_by_role("radio", name=tr("Upheld"), exact=True).check()
    page.get_by_role("radio", name=tr("Removed from the roll"), exact=True).check()
    page.get_by_label(tr("How it was resolved")).fill("经核实已迁往外地，移出名册")
    page.get_by_role("button", name=tr("Save")).click()
    expect(page.locator('dd[data-field="status"]')).to_have_text(tr("Resolved"))
    expect(page.locator('dd[data-field="person"]')).to_have_text("老王")  # still about 老王

    page.goto(f"{FP}/rolls/{roll}")
    expect(page.locator('dd[data-field="status"]')).to_have_text(tr("Checked by the community"))
    lines = page.locator('[data-family_planning="roll_lines"] tr[data-record]')
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text("老张")
    expect(page.locator('li[data-event="reopen"]')).to_contain_text("经核实已迁往外地")
    expect(page.locator('form[data-step="publicise"]')).to_have_count(1)
    expect(page.locator('form[data-step="reopen"]')).to_have_count(0)


def test_an_upheld_objection_sends_the_roll_back(page: Page, tr, roll):
    sign_in(page, tr, "worker")
    _object_and_uphold(page, tr, roll)


def test_the_same_on_a_phone(phone_page: Page, tr, roll):
    sign_in(phone_page, tr, "worker")
    _object_and_uphold(phone_page, tr, roll)
    assert horizontal_overflow(phone_page) == 0

"""The onboarding wizard's grid step (grids, then buildings in them, by hand or from sheets),
the review's 上级, and the confirmation page that survives a reload with its printable sheet of
one-time passwords — shown only to the admin who confirmed, until hidden or for 30 minutes."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from core import clock
from core.db import db
from tenants.models import Node
from tenants.onboarding import PASSWORDS_SHOWN_FOR, OnboardingDraft
from tests.tenants.test_bulk_moves import parents
from tests.tenants.test_onboarding import NEW, draft_of, sheet, start_draft

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def upload(client, url: str, rows: list[list[object]]):
    return client.post(
        url,
        data={"action": "upload", "file": (io.BytesIO(sheet(rows)), "sheet.xlsx")},
        content_type="multipart/form-data",
    )


def tree(app) -> dict[str, str]:
    """ref → the parent's ref, for the new community's grids and buildings."""
    return parents(app, Node.ref.like(f"{NEW}-%"))


def onboard_with_grids(c) -> str:
    """A community with two grids and three buildings; returns the draft's base URL."""
    location = start_draft(c)
    assert location.endswith("/grids")
    base = location.rsplit("/", 1)[0]
    page = c.get(f"{base}/grids").text
    assert "e.g. 1 for 第一网格" in page or "第一网格 填 1" in page  # the help text's example
    assert c.post(f"{base}/grids", data={"code": "1", "name": "第一网格"}).status_code == 302
    assert upload(c, f"{base}/grids", [["网格编号", "名称"], ["2", "第二网格"]]).status_code == 302
    page = c.get(f"{base}/buildings").text
    assert "第一网格" in page and "第二网格" in page  # offered for each building
    r = c.post(f"{base}/buildings", data={"code": "01", "name": "1号楼", "grid": "1"})
    assert r.status_code == 302
    rows = [["楼栋编号", "名称", "所属网格"], ["02", "2号楼", "2"], ["03", "3号楼", None]]
    assert upload(c, f"{base}/buildings", rows).status_code == 302
    c.post(
        f"{base}/accounts",
        data={"username": "xh_admin", "display_name": "王芳", "role": "community_admin"},
    )
    return base


def test_grids_come_first_and_buildings_land_in_them_with_the_demos_refs(app, as_user):
    c = as_user("d_admin")
    base = onboard_with_grids(c)
    review = c.get(f"{base}/review").text
    assert "上级" in review and "父母" not in review
    assert "第一网格、第二网格" in review and "1号楼 (第一网格)" in review
    assert tree(app) == {}  # nothing in the tree before the confirmation
    assert c.post(f"{base}/review").status_code == 302
    # Typed as the help texts suggest, the refs are those of the demo's grids and buildings.
    assert tree(app) == {
        f"{NEW}-g1": NEW,
        f"{NEW}-g2": NEW,
        f"{NEW}-b01": f"{NEW}-g1",
        f"{NEW}-b02": f"{NEW}-g2",
        f"{NEW}-b03": NEW,
    }


def test_the_demo_names_its_places_as_the_help_texts_say(app, world):
    from tenants import demo

    taken = {"110105001001", "110105001002", "110105002001"}  # the test world's communities
    code = next(
        code
        for communities in demo.DEMO_STREETS.values()
        for code, _name in communities
        if code not in taken
    )
    with app.app_context():
        demo.seed_tree(db.session, {})
        refs = set(db.session.scalars(sa.select(Node.ref).where(Node.ref.like(f"{code}-%"))))
        db.session.rollback()
    assert {f"{code}-g1", f"{code}-b01"} <= refs


def test_grid_and_building_refusals_add_nothing(app, as_user):
    c = as_user("d_admin")
    base = start_draft(c).rsplit("/", 1)[0]
    c.post(f"{base}/grids", data={"code": "1", "name": "第一网格"})
    r = c.post(f"{base}/grids", data={"code": "1", "name": "又一个"})
    assert r.status_code == 422
    assert c.post(f"{base}/grids", data={"code": "网格 1", "name": "坏编号"}).status_code == 422
    r = c.post(f"{base}/buildings", data={"code": "01", "name": "1号楼", "grid": "9"})
    assert r.status_code == 422 and "9" in r.text and "has-error" in r.text
    r = upload(
        c,
        f"{base}/buildings",
        [["楼栋编号", "名称", "网格编号"], ["01", "1号楼", "1"], ["02", "2号楼", "7"]],
    )
    assert r.status_code == 422 and 'id="report"' in r.text
    assert draft_of(app).buildings == []
    c.post(f"{base}/buildings", data={"code": "01", "name": "1号楼", "grid": "1"})
    r = c.post(f"{base}/grids", data={"action": "remove", "code": "1"})
    assert r.status_code == 422 and "1号楼" in r.text
    draft = draft_of(app)
    assert [g["code"] for g in draft.grids] == ["1"]
    assert draft.buildings == [{"code": "01", "name": "1号楼", "grid": "1"}]


def test_the_templates_are_real_sheets(as_user):
    c = as_user("d_admin")
    r = c.get("/onboarding/grids-template.xlsx")
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows == [("网格编号", "名称"), ("1", "第一网格")]


def passwords_on(html: str) -> dict[str, str]:
    return dict(
        re.findall(r"<td[^>]*>(xh_\w+)</td>.*?<code class=\"password\">([^<]+)</code>", html, re.S)
    )


def test_the_confirmation_page_survives_reloads_and_prints_the_passwords(app, as_user, world):
    c = as_user("d_admin")
    base = onboard_with_grids(c)
    with clock.fixed(T0):
        c.post(f"{base}/review")
        first = c.get(f"{base}/done")
    passwords = passwords_on(first.text)
    assert list(passwords) == ["xh_admin"]
    assert "data-print" in first.text and first.headers["Cache-Control"] == "no-store"
    with clock.fixed(T0 + timedelta(minutes=5)):
        again = c.get(f"{base}/done")  # a reload
        assert again.status_code == 200 and passwords_on(again.text) == passwords
        # Kept sealed: the draft's row does not hold the password in clear.
        with app.app_context():
            raw = db.session.get(OnboardingDraft, draft_of(app).id).data
        assert passwords["xh_admin"] not in json.dumps(raw, ensure_ascii=False)
        # Another admin of the district sees the page, never the passwords.
        world.add_user("d_admin2", "district_admin", "110105")
        other = as_user("d_admin2").get(f"{base}/done")
        assert other.status_code == 200 and passwords_on(other.text) == {}
        assert 'id="passwords-gone"' in other.text
        assert as_user("d_admin2").post(f"{base}/done").status_code == 302  # hides nothing
        assert passwords_on(c.get(f"{base}/done").text) == passwords
        # Outside the district's tree changes: none of this.
        assert as_user("s_admin").get(f"{base}/done").status_code == 200  # under street A
        assert as_user("worker").get(f"{base}/done").status_code == 404
        # The confirming admin hides them: gone for good, and the row forgets them.
        r = c.post(f"{base}/done")
        assert r.status_code == 302
        assert passwords_on(c.get(f"{base}/done").text) == {}
        assert draft_of(app).data.get("passwords") is None


def test_the_passwords_are_gone_after_their_time(app, as_user):
    c = as_user("d_admin")
    base = onboard_with_grids(c)
    with clock.fixed(T0):
        c.post(f"{base}/review")
    with clock.fixed(T0 + PASSWORDS_SHOWN_FOR + timedelta(seconds=1)):
        page = c.get(f"{base}/done").text
    assert passwords_on(page) == {} and 'id="passwords-gone"' in page
    assert draft_of(app).data.get("passwords") is None
    # A draft-only URL of a confirmed draft is a 404, the confirmation page is not.
    assert c.get(f"{base}/review").status_code == 404

"""The onboarding wizard: a draft saved at every step, nothing in the tree until confirmed, then
place, buildings, accounts and modules in one transaction; and the district's onboarding state."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from core.db import db
from core.models import Assignment, AuditLog, User
from tenants.models import Node
from tenants.modules import ModuleState
from tenants.onboarding import OnboardingDraft

NEW = "110105001003"  # a new community under street A (建外街道)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Node, User, Assignment, ModuleState, AuditLog)
        }


def draft_of(app, code: str = NEW) -> OnboardingDraft | None:
    with app.app_context():
        draft = db.session.scalar(sa.select(OnboardingDraft).where(OnboardingDraft.code == code))
        if draft is not None:
            db.session.expunge(draft)
        return draft


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_preset(app, **settings) -> int:
    from tenants import presets

    with app.app_context():
        district = db.session.scalar(sa.select(Node).where(Node.ref == "110105"))
        preset = presets.create_preset(
            db.session, district, name="标准城市社区", chosen={"ledger": settings}
        )
        db.session.commit()
        return preset.id


def start_draft(client, code: str = NEW, name: str = "新华社区") -> str:
    """Steps 1 (check, then confirm); returns the URL of the next step."""
    r = client.post("/onboarding", data={"code": code, "name": name})
    assert r.status_code == 200, r.text
    r = client.post("/onboarding", data={"code": code, "name": name, "confirm": "yes"})
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def test_wizard_creates_everything_at_confirmation_only(app, as_user):
    preset_id = make_preset(app, deadline_days=10)
    c = as_user("d_admin")
    before = counts(app)

    # Step 1: the parent is read from the code and shown for confirmation.
    r = c.post("/onboarding", data={"code": NEW, "name": "新华社区"})
    assert r.status_code == 200
    assert "建外街道" in r.text and "110105001" in r.text and 'id="confirm-place"' in r.text
    assert draft_of(app) is None  # only checked, not saved
    location = start_draft(c)
    draft = draft_of(app)
    assert location.endswith(f"/onboarding/{draft.id}/grids")  # optional: skipped here
    assert draft.kind == "community"

    # Step 2: buildings by hand and from a sheet.
    base = f"/onboarding/{draft.id}"
    assert c.post(f"{base}/buildings", data={"code": "b01", "name": "1号楼"}).status_code == 302
    upload = sheet([["楼栋编号", "名称"], ["b02", "2号楼"], ["b03", "3号楼"]])
    r = c.post(
        f"{base}/buildings",
        data={"action": "upload", "file": (io.BytesIO(upload), "楼栋.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.text
    page = c.get(f"{base}/buildings").text
    assert all(name in page for name in ("1号楼", "2号楼", "3号楼"))

    # Step 3: first accounts.
    for username, role in (("xh_admin", "community_admin"), ("xh_worker", "program_worker")):
        r = c.post(
            f"{base}/accounts",
            data={
                "username": username,
                "display_name": "王芳",
                "mobile": "13800138000",
                "role": role,
            },
        )
        assert r.status_code == 302, r.text

    # Step 4: a preset plus nothing else.
    r = c.post(f"{base}/modules", data={"preset": str(preset_id)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/review")

    # Still nothing in the tree or the accounts.
    assert counts(app) == before
    review = c.get(f"{base}/review").text
    assert "3" in review and "xh_admin" in review and 'id="gaps"' not in review

    # Step 5: confirm; the confirmation page is a page of its own.
    r = c.post(f"{base}/review")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{base}/done")
    r = c.get(f"{base}/done")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    passwords = dict(
        re.findall(
            r"<td[^>]*>(xh_\w+)</td>.*?<code class=\"password\">([^<]+)</code>", r.text, re.S
        )
    )
    assert set(passwords) == {"xh_admin", "xh_worker"}

    with app.app_context():
        community = db.session.scalar(sa.select(Node).where(Node.ref == NEW))
        assert community.name == "新华社区" and community.parent.ref == "110105001"
        buildings = db.session.scalars(
            sa.select(Node.code).where(Node.parent_id == community.id).order_by(Node.code)
        ).all()
        assert buildings == ["b01", "b02", "b03"]
        admin = db.session.scalar(sa.select(User).where(User.username == "xh_admin"))
        assert admin.must_change_password and admin.home_node_id == community.id
        assert admin.check_password(passwords["xh_admin"])
        state = db.session.scalar(
            sa.select(ModuleState).where(ModuleState.community_id == community.id)
        )
        assert (state.module, state.enabled, state.settings["deadline_days"]) == (
            "ledger",
            True,
            10,
        )
        assert db.session.get(OnboardingDraft, draft.id).status == "done"
        assert db.session.scalar(
            sa.select(AuditLog.id).where(AuditLog.action == "onboarding.confirm")
        )

    # The new admin signs in with the one-time password and must change it first.
    fresh = app.test_client()
    r = fresh.post("/login", data={"username": "xh_admin", "password": passwords["xh_admin"]})
    assert r.status_code == 302
    assert "/password" in fresh.get("/tree").headers.get("Location", "")


def test_draft_survives_leaving_the_page(app, as_user):
    start_draft(as_user("d_admin"))
    draft = draft_of(app)
    c = as_user("d_admin")  # a new session
    c.post(f"/onboarding/{draft.id}/buildings", data={"code": "b07", "name": "7号楼"})
    again = as_user("d_admin")
    assert "新华社区" in again.get("/onboarding").text  # listed under drafts in progress
    assert "7号楼" in again.get(f"/onboarding/{draft.id}/buildings").text


def test_street_wizard_has_no_buildings_or_modules_step(app, as_user):
    c = as_user("d_admin")
    location = start_draft(c, "110105003", "团结湖街道")
    assert location.endswith("/accounts")
    draft = draft_of(app, "110105003")
    assert draft.kind == "street"
    assert c.get(f"/onboarding/{draft.id}/buildings").status_code == 404
    r = c.post(
        f"/onboarding/{draft.id}/accounts",
        data={"username": "tjh_admin", "display_name": "李强", "role": "street_admin"},
    )
    assert r.status_code == 302
    assert c.post(f"/onboarding/{draft.id}/review").status_code == 302
    with app.app_context():
        street = db.session.scalar(sa.select(Node).where(Node.ref == "110105003"))
        assert street.kind == "street" and street.parent.ref == "110105"


def test_bad_places_are_refused_and_nothing_saved(app, as_user):
    c = as_user("s_admin")  # street A only
    cases = {
        "12345": "9",  # neither 9 nor 12 digits
        "110105002009": "110105002",  # street B: not in their part of the tree
        "110105001001": "永安里东社区",  # taken
        "110105001000": "000",
        "110106001001": "110106001",  # a parent that does not exist
    }
    for code, expected in cases.items():
        r = c.post("/onboarding", data={"code": code, "name": "某社区", "confirm": "yes"})
        assert r.status_code == 422, code
        assert expected in r.text, (code, r.text)
    r = c.post("/onboarding", data={"code": NEW, "name": "", "confirm": "yes"})
    assert r.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OnboardingDraft)) == 0


def test_a_community_admin_cannot_onboard_and_drafts_are_scoped(app, as_user):
    r = as_user("c_admin").post(
        "/onboarding", data={"code": "110105001009", "name": "某社区", "confirm": "yes"}
    )
    assert r.status_code == 422  # the street is above them
    assert as_user("worker").get("/onboarding").status_code == 403
    start_draft(as_user("d_admin"), "110105002005", "朝外新社区")  # under street B
    draft = draft_of(app, "110105002005")
    s_admin = as_user("s_admin")  # street A
    for step in ("place", "buildings", "accounts", "modules", "review"):
        assert s_admin.get(f"/onboarding/{draft.id}/{step}").status_code == 404
    assert s_admin.post(f"/onboarding/{draft.id}/review").status_code == 404
    assert s_admin.post(f"/onboarding/{draft.id}/discard").status_code == 404
    assert "朝外新社区" not in s_admin.get("/onboarding").text
    assert draft_of(app, "110105002005").status == "draft"


def test_bad_building_sheets_add_nothing(app, as_user):
    c = as_user("s_admin")
    start_draft(c)
    draft = draft_of(app)
    base = f"/onboarding/{draft.id}/buildings"
    c.post(base, data={"code": "b01", "name": "1号楼"})

    def upload(content: bytes, filename: str):
        return c.post(
            base,
            data={"action": "upload", "file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
        )

    bad = sheet(
        [["楼栋编号", "名称"], ["b01", "重复"], ["b09", ""], ["b 9", "坏编号"], ["b10", "10号楼"]]
    )
    r = upload(bad, "b.xlsx")
    assert r.status_code == 422
    assert "b01" in r.text and "b 9" in r.text and "3" in r.text  # rows named
    assert upload(sheet([["编号", "名称"], ["b11", "x"]]), "b.xlsx").status_code == 422
    assert upload(b"\x00\x01garbage\xff\xfe", "b.xlsx").status_code == 422
    assert upload(b"", "b.csv").status_code == 422
    assert [b["code"] for b in draft_of(app).buildings] == ["b01"]

    gbk = "楼栋编号,名称\r\nb20,二十号楼\r\n".encode("gbk")
    assert upload(gbk, "b.csv").status_code == 302
    assert [b["code"] for b in draft_of(app).buildings] == ["b01", "b20"]
    assert draft_of(app).buildings[1]["name"] == "二十号楼"
    r = c.post(base, data={"code": "b20", "name": "again"})
    assert r.status_code == 422


def test_bad_accounts_are_refused(app, as_user):
    c = as_user("s_admin")
    start_draft(c)
    base = f"/onboarding/{draft_of(app).id}/accounts"
    good = {"username": "new_one", "display_name": "张三", "mobile": "", "role": "program_worker"}
    for bad in (
        {"username": "worker"},  # taken
        {"username": "x"},  # too short
        {"mobile": "12345"},
        {"role": "district_admin"},  # not a first role of a community
        {"role": "street_admin"},
        {"display_name": ""},
    ):
        r = c.post(base, data={**good, **bad})
        assert r.status_code == 422, bad
    assert c.post(base, data=good).status_code == 302
    assert c.post(base, data={**good, "username": "NEW_ONE"}).status_code == 422  # in the draft
    assert [a["username"] for a in draft_of(app).accounts] == ["new_one"]


def test_confirmation_is_all_or_nothing(app, as_user):
    c = as_user("d_admin")
    start_draft(c)
    draft = draft_of(app)
    c.post(f"/onboarding/{draft.id}/buildings", data={"code": "b01", "name": "1号楼"})
    c.post(
        f"/onboarding/{draft.id}/accounts",
        data={"username": "late_user", "display_name": "赵六", "role": "community_admin"},
    )
    # Meanwhile someone takes the username.
    with app.app_context():
        from core.accounts.services import create_user

        create_user(
            db.session,
            username="late_user",
            display_name="x",
            password="another-pass-1",
            home_node_id=db.session.scalar(sa.select(Node.id).where(Node.ref == "110105")),
        )
        db.session.commit()
    before = counts(app)
    r = c.post(f"/onboarding/{draft.id}/review")
    assert r.status_code == 409
    assert "late_user" in r.text
    assert counts(app) == before
    assert draft_of(app).status == "draft"


def test_discarded_drafts_are_kept_but_closed(app, as_user):
    c = as_user("d_admin")
    start_draft(c)
    draft = draft_of(app)
    assert c.post(f"/onboarding/{draft.id}/discard").status_code == 302
    assert draft_of(app).status == "discarded"
    assert c.get(f"/onboarding/{draft.id}/review").status_code == 404
    start_draft(c)  # the code is free for a new draft


def test_modules_step_needs_modules_manage(app, as_user):
    # A street admin may switch modules on; the wizard offers the district's presets.
    preset_id = make_preset(app)
    c = as_user("s_admin")
    start_draft(c)
    draft = draft_of(app)
    page = c.get(f"/onboarding/{draft.id}/modules").text
    assert "标准城市社区" in page
    r = c.post(
        f"/onboarding/{draft.id}/modules",
        data={"preset": str(preset_id), "module": ["ledger_extra"]},
    )
    assert r.status_code == 302
    assert set(draft_of(app).modules) == {"ledger", "ledger_extra"}
    r = c.post(f"/onboarding/{draft.id}/modules", data={"preset": "999999"})
    assert r.status_code == 422


def test_onboarding_state_of_a_district(app, as_user):
    c = as_user("d_admin")
    r = c.get("/api/v1/nodes/110105/onboarding")
    assert r.status_code == 200
    rows = {row["ref"]: row for row in r.json["items"]}
    # A1 has the community admin, the worker and the building leader (at one of its buildings).
    assert rows["110105001001"] == {
        "ref": "110105001001",
        "name": "永安里东社区",
        "street": "110105001",
        "buildings": 2,  # b01 in grid g1, and b02
        "accounts": 3,
        "has_admin": True,
        "modules": [],
        "complete": False,
    }
    assert rows["110105002001"]["accounts"] == 0 and not rows["110105002001"]["has_admin"]
    c.post("/api/v1/nodes/110105001001/modules", json={"module": "ledger", "enabled": True})
    r = c.get("/api/v1/nodes/110105/onboarding?incomplete=1")
    assert "110105001001" not in {row["ref"] for row in r.json["items"]}
    assert r.json["total"] == 2
    page = c.get("/n/110105/onboarding").text
    assert "吉祥里社区" in page and "无社区管理员" in page
    street = as_user("s_admin").get("/api/v1/nodes/110105001/onboarding").json
    assert {row["ref"] for row in street["items"]} == {"110105001001", "110105001002"}
    assert as_user("s_admin").get("/n/110105/onboarding").status_code == 404
    assert as_user("s_admin").get("/n/110105002/onboarding").status_code == 404
    assert as_user("inspector").get("/n/110105/onboarding").status_code == 403
    assert as_user("d_admin").get("/n/110105001001/onboarding").status_code == 404


def test_wizard_pages_are_in_chinese_by_default(as_user):
    page = as_user("d_admin").get("/onboarding").text
    assert "新建街道或社区" in page or "接入街道或社区" in page


def test_buildings_template_is_a_real_sheet(as_user):
    r = as_user("d_admin").get("/onboarding/buildings-template.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows == [("楼栋编号", "名称", "网格编号"), ("01", "1号楼", "1")]


def test_sheet_problems_name_the_rows_the_spreadsheet_shows(app, as_user):
    c = as_user("d_admin")
    start_draft(c)
    base = f"/onboarding/{draft_of(app).id}/buildings"
    # Row 3 is blank; the bad code sits on spreadsheet row 4.
    content = sheet([["楼栋编号", "名称"], ["b01", "1号楼"], [None, None], ["b 2", "2号楼"]])
    r = c.post(
        base,
        data={"action": "upload", "file": (io.BytesIO(content), "b.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert re.search(r'data-label="行">4</td>', r.text), r.text


@pytest.mark.parametrize("raw", ["2²", "99999999999999999999", "٣"])
def test_a_preset_typed_as_no_id_is_refused_not_a_500(app, as_user, raw):
    """Regression (issue 12, finding 7): ``"2²".isdigit()`` holds but ``int`` refuses it, and a
    number longer than an id column overflowed: the modules step and the onboarding state page
    answered 500."""
    c = as_user("d_admin")
    start_draft(c)
    draft = draft_of(app)
    assert c.post(f"/onboarding/{draft.id}/modules", data={"preset": raw}).status_code == 422
    state = c.post("/n/110105/onboarding", data={"preset": raw, "community": ["110105001001"]})
    assert state.status_code == 302  # back to the page, the refusal flashed there
    assert "请选择" in c.get(state.headers["Location"]).text

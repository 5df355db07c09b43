"""Bulk actions on accounts (disable, one-time passwords, export) and an account's sign-in
history: only within the admin's subtree, all or nothing."""

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from core.db import db
from core.models import User
from tests.conftest import login

A1, A2, B1 = "110105001001", "110105001002", "110105002001"


def account(world, username: str, home: str) -> int:
    return world.add_user(username, home=home)


def states(app, *usernames: str) -> dict[str, bool]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.username, User.active).where(User.username.in_(usernames))
        )
        return dict(rows.all())


def test_a_community_admin_disables_several_accounts_at_once(as_user, world, app):
    ids = [account(world, "zhang_b", A1), account(world, "wang_b", A1)]
    c = as_user("c_admin")
    r = c.post("/users/bulk", data={"action": "disable", "ids": ids})
    assert r.status_code == 303
    assert "已停用 2 个账号" in c.get("/users").text
    assert states(app, "zhang_b", "wang_b") == {"zhang_b": False, "wang_b": False}
    assert login(app.test_client(), "zhang_b").status_code == 403


def test_an_account_outside_the_subtree_refuses_the_whole_action(as_user, world, app):
    mine = account(world, "zhang_b", A1)
    other_community = account(world, "li_b", A2)
    other_street = account(world, "zhao_b", B1)
    c = as_user("c_admin")
    for stranger in (other_community, other_street):
        for action in ("disable", "reset_password", "export"):
            r = c.post("/users/bulk", data={"action": action, "ids": [mine, stranger]})
            assert r.status_code == 404
        api = c.post("/api/v1/users/bulk", json={"action": "disable", "ids": [mine, stranger]})
        assert api.status_code == 404
    assert states(app, "zhang_b", "li_b", "zhao_b") == {
        "zhang_b": True,
        "li_b": True,
        "zhao_b": True,
    }


def test_roles_that_cannot_do_it_are_refused(as_user, world):
    uid = account(world, "zhang_b", A1)
    for username in ("worker", "leader", "inspector"):
        c = as_user(username)
        assert c.post("/users/bulk", data={"action": "disable", "ids": [uid]}).status_code == 403
        body = {"action": "disable", "ids": [uid]}
        assert c.post("/api/v1/users/bulk", json=body).status_code == 403


def test_one_account_that_may_not_be_disabled_keeps_every_account_on(as_user, world, app):
    uid = account(world, "zhang_b", A1)
    with app.app_context():
        me = world.user("c_admin").id
    c = as_user("c_admin")
    r = c.post("/api/v1/users/bulk", json={"action": "disable", "ids": [uid, me]})
    assert r.status_code == 422
    assert "c_admin" in r.json["error"]["fields"]["ids"][0]
    assert states(app, "zhang_b", "c_admin") == {"zhang_b": True, "c_admin": True}
    # An account that also holds a role above the admin is not theirs to switch off.
    d = as_user("d_admin")
    held_above = d.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "inspector", "node": "110105"}
    )
    assert held_above.status_code == 201
    r = c.post("/users/bulk", data={"action": "disable", "ids": [uid]})
    assert r.status_code == 303 and states(app, "zhang_b") == {"zhang_b": True}
    assert "zhang_b" in c.get("/users").text


def test_bad_choices_name_the_field(as_user, world):
    c = as_user("c_admin")
    for ids in ([], ["x"], list(range(1, 502)), [2**40], [-3]):
        r = c.post("/api/v1/users/bulk", json={"action": "disable", "ids": ids})
        assert r.status_code == 422 and "ids" in r.json["error"]["fields"]
    r = c.post("/api/v1/users/bulk", json={"action": "delete", "ids": [1]})
    assert r.status_code == 422 and "action" in r.json["error"]["fields"]
    assert c.post("/users/bulk", data={"action": "disable"}).status_code == 303
    assert "请选择 1 到 500 个账号" in c.get("/users").text
    assert c.post("/users/bulk", data={"action": "export", "ids": [2**70]}).status_code == 303


def test_one_time_passwords_are_shown_once_on_a_printable_sheet(as_user, world, app):
    ids = [account(world, "zhang_b", A1), account(world, "wang_b", A1)]
    c = as_user("c_admin")
    r = c.post("/users/bulk", data={"action": "reset_password", "ids": ids})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "data-print" in r.text and "data-password-sheet" in r.text
    slips = r.text.split('data-password-for="')[1:]
    passwords = {s.split('"')[0]: s.split('class="password">')[1].split("<")[0] for s in slips}
    assert sorted(passwords) == ["wang_b", "zhang_b"]
    assert len(set(passwords.values())) == 2 and all(len(p) == 12 for p in passwords.values())
    # The old password no longer works; the new one does, and must be changed first.
    assert login(app.test_client(), "zhang_b").status_code == 401
    fresh = app.test_client()
    assert login(fresh, "zhang_b", passwords["zhang_b"]).status_code == 302
    assert fresh.get("/").headers["Location"].endswith("/account/password")
    with app.app_context():
        stored = db.session.scalar(sa.select(User).where(User.username == "wang_b"))
        assert passwords["wang_b"] not in stored.password_hash
    # The API answers the passwords once, too.
    api = c.post("/api/v1/users/bulk", json={"action": "reset_password", "ids": ids[:1]})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    assert [item["username"] for item in api.json["items"]] == ["zhang_b"]


def test_the_chosen_accounts_export_to_xlsx(as_user, world):
    ids = [account(world, "zhang_b", A1)]
    with world.app.app_context():
        ids.append(world.user("worker").id)
    c = as_user("c_admin")
    r = c.post("/users/bulk", data={"action": "export", "ids": ids})
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("用户名", "名称", "手机号码", "所属单位", "角色")
    assert [(row[0], row[3], row[5]) for row in rows[1:]] == [
        ("worker", "永安里东社区", "已启用"),
        ("zhang_b", "永安里东社区", "已启用"),
    ]
    assert "永安里东社区" in rows[1][4]


def test_an_accounts_sign_in_history(as_user, world, app):
    login(app.test_client(), "worker", "not-the-password")
    login(app.test_client(), "worker")
    with app.app_context():
        uid = world.user("worker").id
    c = as_user("c_admin")
    history = c.get(f"/api/v1/users/{uid}/sign-ins").json["items"]
    assert [item["ok"] for item in history] == [True, False]
    page = c.get(f"/users/{uid}").text.split("data-sign-ins")[1]
    assert page.count("<tr><td") == 2 and "登录成功" in page and "密码错误" in page
    # Another community's admin does not see the account, nor its history.
    with app.app_context():
        other = world.add_user("a2_admin", "community_admin", A2)
    assert other
    outsider = as_user("a2_admin")
    assert outsider.get(f"/api/v1/users/{uid}/sign-ins").status_code == 404
    assert outsider.get(f"/users/{uid}").status_code == 404


def test_the_place_picker_offers_only_places_in_scope_named_with_their_community(as_user):
    c = as_user("c_admin")
    found = c.get("/users/places", query_string={"q": "1号楼"}).json["items"]
    assert found == [
        {"id": "110105001001-bb01", "label": "1号楼 (110105001001-bb01) · 永安里东社区"}
    ]
    s = as_user("s_admin")
    labels = [i["label"] for i in s.get("/users/places", query_string={"q": "1号楼"}).json["items"]]
    assert labels == [  # the higher place first: A2's building sits right under its community
        "1号楼 (110105001002-bb01) · 建国里社区",
        "1号楼 (110105001001-bb01) · 永安里东社区",
    ]
    assert [
        i["id"] for i in s.get("/users/places", query_string={"q": "1101050020"}).json["items"]
    ] == []
    assert [i["id"] for i in c.get("/users/places", query_string={"q": "%"}).json["items"]] == []
    assert as_user("worker").get("/users/places", query_string={"q": "1号楼"}).status_code == 403
    # The inspector reads the whole district's log, so the audit filter offers every street.
    inspector = as_user("inspector")
    streets = inspector.get("/audit/places", query_string={"q": "街道"}).json["items"]
    assert [i["id"] for i in streets] == ["110105001", "110105002"]
    # A refused place code comes back as typed, never with another place's name.
    page = c.get("/audit", query_string={"place": B1}).text
    assert "吉祥里社区" not in page and f'value="{B1}"' in page

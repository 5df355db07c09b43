"""User import and export: accounts with one-time passwords, roles only where the importer may
grant them, every bad row reported with nothing written, re-import is a no-op, round trip."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from core.db import db
from core.testing import login
from tenants import imports
from tests.tenants.test_imports import counts, csv_text, scope_of, upload, xlsx

HEADERS = ["用户名", "姓名", "手机号", "角色", "节点代码"]
ROWS = [
    ["zhangsan", "张三", "13800138000", "community_admin", "110105001001"],
    ["zhangsan", "张三", "", "社区专干", "110105001002"],  # second role, by its Chinese label
    ["lisi", "李四", "13900139000", "program_worker", "110105001001"],
]


def run(world, content, username="s_admin", filename="users.xlsx", dry_run=False):
    with world.app.app_context():
        result = imports.import_users(
            db.session,
            filename,
            content,
            scope=scope_of(world, username),
            dry_run=dry_run,
            actor=world.user(username),
        )
        if result.ok and not dry_run:
            db.session.commit()
        else:
            db.session.rollback()
        return result


def test_import_creates_accounts_that_must_change_password(app, world):
    result = run(world, xlsx(ROWS, HEADERS))
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.assignments_added == 3
    passwords = {a.username: a.password for a in result.new_accounts}
    assert set(passwords) == {"zhangsan", "lisi"}
    with app.app_context():
        user = world.user("zhangsan")
        assert user.must_change_password and user.mobile == "13800138000"
        assert user.password_hash != passwords["zhangsan"]
        assert user.check_password(passwords["zhangsan"])
        places = {(a.role.key, a.node_id) for a in user.assignments}
        assert places == {
            ("community_admin", world.node("110105001001").id),
            ("program_worker", world.node("110105001002").id),
        }
        assert user.home_node_id == world.node("110105001001").id
    # The first sign-in goes to the password change page.
    client = app.test_client()
    response = login(client, "zhangsan", passwords["zhangsan"])
    assert response.status_code == 302
    assert "/account/password" in client.get("/").headers.get("Location", "")


def test_reimport_is_a_no_op_and_changes_are_updates(world):
    content = xlsx(ROWS, HEADERS)
    run(world, content)
    with world.app.app_context():
        before = counts()
    again = run(world, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.new_accounts == []
    with world.app.app_context():
        assert counts() == before
    changed = [list(r) for r in ROWS] + [["lisi", "", "", "inspector", "110105001"]]
    changed[2][1] = "李四四"
    result = run(world, xlsx(changed, HEADERS))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    with world.app.app_context():
        lisi = world.user("lisi")
        assert lisi.display_name == "李四四" and len(lisi.assignments) == 2


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (["a", "短名", "", "program_worker", "110105001001"], "用户名", "3"),
        (["wangwu", "王五", "1380013800", "program_worker", "110105001001"], "手机号", "11"),
        (["wangwu", "王五", "", "no_such_role", "110105001001"], "角色", "no_such_role"),
        (["wangwu", "王五", "", "program_worker", "110105009009"], "节点代码", "110105009009"),
        (["wangwu", "王五", "", "program_worker", "110105002001"], "节点代码", "110105002001"),
        (["wangwu", "王五", "", "district_admin", "110105001"], "角色", ""),
        (["wangwu", "", "", "program_worker", "110105001001"], "姓名", ""),
        (["d_admin", "冒名", "", "program_worker", "110105001001"], "用户名", "d_admin"),
        (["wangwu", "王五", "", "community_admin", "110105001"], "节点代码", "只能在社区授予"),
    ],
    ids=["username", "mobile", "role", "node", "other-street", "grant", "name", "taken", "kind"],
)
def test_each_bad_row_is_reported_and_nothing_written(world, row, column, fragment):
    with world.app.app_context():
        before = counts()
    result = run(world, xlsx([ROWS[2], row], HEADERS))
    assert not result.ok
    assert any(
        e["row"] == 3 and e["column"] == column and fragment in e["reason"] for e in result.errors
    ), result.errors
    assert all(e["row"] == 3 for e in result.errors)
    with world.app.app_context():
        assert counts() == before


def test_duplicates_and_disagreements_in_the_file(world):
    rows = [ROWS[2], ROWS[2], ["lisi", "李老四", "", "community_admin", "110105001001"]]
    result = run(world, xlsx(rows, HEADERS))
    reasons = {(e["row"], e["column"]) for e in result.errors}
    assert (3, "角色") in reasons and (4, "姓名") in reasons


def test_wrong_headers_and_encodings(world):
    assert (
        run(world, xlsx(ROWS, ["账号", "姓名", "手机号", "角色", "节点代码"])).errors[0]["row"] == 1
    )
    gbk = csv_text(ROWS, HEADERS).encode("gbk")
    assert run(world, gbk, filename="users.csv", dry_run=True).created == 2
    latin = (
        "username,display_name,role,node\nfrancois,François Müller,program_worker,110105001001\n"
    )
    bad = run(world, latin.encode("latin-1"), filename="users.csv")
    assert not bad.ok and bad.errors[0]["row"] == 0


def test_export_then_import_round_trip(world):
    run(world, xlsx(ROWS, HEADERS))
    with world.app.app_context():
        content = imports.export_users(db.session, scope_of(world, "s_admin"))
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:5] == HEADERS
    names = [v[0] for v in values[1:]]
    assert "zhangsan" in names and "s_admin" in names and "d_admin" not in names
    assert [
        "zhangsan",
        "张三",
        "13800138000",
        "社区管理员",
        "110105001001",
        "永安里东社区",
    ] in values
    again = run(world, content)
    assert again.ok and (again.created, again.updated) == (0, 0), again.errors


def test_web_user_import_shows_passwords_once(as_user, world):
    c = as_user("s_admin")
    checked = upload(c, "/imports/users", "users.xlsx", xlsx(ROWS, HEADERS))
    assert checked.status_code == 200 and 'data-count="created">2<' in checked.text
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    done = c.post("/imports/users", data={"token": token})
    assert done.status_code == 200 and "data-new-accounts" in done.text
    assert done.headers["Cache-Control"] == "no-store"
    assert re.search(r"<td>zhangsan</td><td>张三</td><td><code>\w{12}</code>", done.text)
    export = c.get("/exports/users.xlsx")
    assert export.status_code == 200
    assert as_user("c_admin").get("/exports/users.xlsx?node=110105001").status_code == 404
    assert as_user("worker").get("/imports/users").status_code == 403


def test_api_user_import_returns_passwords_once(as_user, world):
    c = as_user("s_admin")
    r = upload(c, "/api/v1/imports/users", "u.csv", ("\ufeff" + csv_text(ROWS, HEADERS)).encode())
    assert r.status_code == 200, r.json
    assert {a["username"] for a in r.json["new_accounts"]} == {"zhangsan", "lisi"}
    again = upload(
        c, "/api/v1/imports/users", "u.csv", ("\ufeff" + csv_text(ROWS, HEADERS)).encode()
    )
    assert again.json["unchanged"] == 2 and again.json["new_accounts"] == []
    worker = as_user("worker")
    assert worker.post("/api/v1/imports/users").status_code == 403
    assert worker.get("/api/v1/exports/users").status_code == 403
    assert c.get("/api/v1/exports/users?node=110105002").status_code == 404
    exported = c.get("/api/v1/exports/users").data
    names = {r[0].value for r in load_workbook(io.BytesIO(exported)).active.iter_rows(min_row=2)}
    assert "zhangsan" in names and "d_admin" not in names


def test_cli_users_import_prints_passwords(world, tmp_path, app, monkeypatch):
    from click.testing import CliRunner

    from core import cli as cli_module
    from tenants.cli import register

    monkeypatch.setattr(cli_module, "_app", app)
    if "users" not in cli_module.cli.commands:
        register(cli_module.cli)
    path = tmp_path / "users.xlsx"
    path.write_bytes(xlsx(ROWS, HEADERS))
    runner = CliRunner()
    dry = runner.invoke(cli_module.cli, ["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "zhangsan" not in dry.output
    done = runner.invoke(cli_module.cli, ["users", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert re.search(r"zhangsan\t张三\t\w{12}", done.output)
    out = tmp_path / "out.xlsx"
    exported = runner.invoke(cli_module.cli, ["users", "export", "-o", str(out)])
    assert exported.exit_code == 0 and out.stat().st_size > 0

"""Tree import and export: real xlsx and CSV files (UTF-8, BOM, GBK), every class of bad input
reported with nothing written, idempotent re-import, round trip, scope, web pages, API and CLI."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from core.db import db
from core.models import Assignment, AuditLog, User
from core.permissions import load_scope
from tenants import imports, services
from tenants.models import Node

HEADERS = ["类型", "代码", "名称", "上级代码", "所属网格"]
NEW_ROWS = [
    ["社区", "110105001003", "光华里社区", "", ""],  # parent inferred from the code
    ["网格", "g1", "第一网格", "110105001003", ""],
    ["楼栋", "01", "1号楼", "110105001003", "g1"],
    ["楼栋", "02", "2号楼", "110105001003", ""],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, headers=HEADERS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Node, User, Assignment, AuditLog)
    }


def scope_of(world, username):
    return load_scope(db.session, world.user(username).id)


def run(world, filename, content, username="d_admin", dry_run=False, **kwargs):
    result = imports.import_tree(
        db.session,
        filename,
        content,
        scope=scope_of(world, username),
        dry_run=dry_run,
        actor=world.user(username),
        **kwargs,
    )
    if result.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def node(world, ref):
    return world.node(ref)


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("tree.xlsx", lambda: xlsx(NEW_ROWS)),
        ("tree.csv", lambda: csv_text(NEW_ROWS).encode("utf-8")),
        ("tree.csv", lambda: ("\ufeff" + csv_text(NEW_ROWS)).encode("utf-8")),
        ("tree.csv", lambda: csv_text(NEW_ROWS).encode("gbk")),
    ],
    ids=["xlsx", "utf8", "utf8-bom", "gbk"],
)
def test_import_creates_the_tree_from_every_format(world, filename, make):
    with world.app.app_context():
        before = counts()
        result = run(world, filename, make())
        assert result.errors == []
        assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
        community = node(world, "110105001003")
        assert community.parent.ref == "110105001" and community.name == "光华里社区"
        grid = node(world, "110105001003-gg1")
        building = node(world, "110105001003-b01")
        assert building.parent_id == grid.id and grid.parent_id == community.id
        assert node(world, "110105001003-b02").parent_id == community.id
        # Path and keys as create_node would set them.
        assert building.path == f"{grid.path}{building.id}/" and building.depth == 4
        assert building.community_id == community.id
        assert building.street_id == community.street_id == node(world, "110105001").id
        after = counts()
        assert after["Node"] == before["Node"] + 4
        # One entry per node plus one for the import.
        assert after["AuditLog"] == before["AuditLog"] + 5
        summary = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "tree.import"))
        assert summary.details["created"] == 4 and summary.details["file"] == filename
        assert summary.username == "d_admin"


def test_reimport_changes_nothing_and_renames_are_updates(world):
    content = xlsx(NEW_ROWS)
    with world.app.app_context():
        run(world, "tree.xlsx", content)
        before = counts()
        again = run(world, "tree.xlsx", content)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        assert counts() == before
        renamed = [list(r) for r in NEW_ROWS]
        renamed[3][2] = "二号楼"
        result = run(world, "tree.xlsx", xlsx(renamed))
        assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
        assert node(world, "110105001003-b02").name == "二号楼"


def test_dry_run_writes_nothing_but_counts(world):
    with world.app.app_context():
        before = counts()
        result = run(world, "tree.xlsx", xlsx(NEW_ROWS), dry_run=True)
        assert result.ok and result.created == 4
        assert counts() == before


def test_parent_later_in_the_file_is_fine(world):
    rows = list(reversed(NEW_ROWS))
    with world.app.app_context():
        result = run(world, "tree.xlsx", xlsx(rows))
        assert result.ok and result.created == 4


def assert_refused(world, filename, content, expected, username="d_admin"):
    """The import reports each expected (row, column, reason fragment) and writes nothing."""
    with world.app.app_context():
        before = counts()
        result = run(world, filename, content, username=username)
        assert not result.ok
        assert counts() == before
        for row, column, fragment in expected:
            assert any(
                e["row"] == row and e["column"] == column and fragment in e["reason"]
                for e in result.errors
            ), (row, column, fragment, result.errors)
        return result


def test_wrong_headers(world):
    content = xlsx(NEW_ROWS, headers=["种类", "代码", "名字", "上级代码", "所属网格"])
    result = assert_refused(
        world,
        "tree.xlsx",
        content,
        [(1, "种类", "无法识别"), (1, "类型", "缺少"), (1, "名称", "缺少")],
    )
    assert {e["row"] for e in result.errors} == {1}


def test_unreadable_files(world):
    assert_refused(world, "tree.xlsx", b"PK\x03\x04 not really a zip", [(0, "", "无法读取")])
    assert_refused(world, "tree.csv", bytes(range(256)) * 8, [(0, "", "无法读取")])
    assert_refused(world, "tree.xls", xlsx(NEW_ROWS), [(0, "", ".xlsx")])


@pytest.mark.parametrize("encoding", ["shift_jis", "latin-1"])
def test_wrong_encoding(world, encoding):
    text = "kind,code,name,parent\ncommunity,110105001003,{},\n".format(
        "東京都のコミュニティ" if encoding == "shift_jis" else "Communauté Élysée àéèü"
    )
    assert_refused(world, "tree.csv", text.encode(encoding), [(0, "", "无法读取")])


def test_bad_codes_and_fields(world):
    rows = [
        ["社区", "11010500100", "短代码社区", "", ""],  # 11 digits
        ["社区", "110105002003", "错街道社区", "110105001", ""],  # not under that street
        ["楼栋", "3 号", "三号楼", "110105001001", ""],  # not a local code
        ["楼栋", "b09", "", "110105001001", ""],  # no name
        ["楼栋", "b10", "楼" * 101, "110105001001", ""],  # too long
        ["城堡", "c1", "城堡", "110105001001", ""],  # unknown kind
        ["网格", "g7", "网格七", "110105001", ""],  # a grid under a street
        ["楼栋", "b11", "十一号楼", "", ""],  # no community
    ]
    assert_refused(
        world,
        "tree.xlsx",
        xlsx(rows),
        [
            (2, "代码", "12"),
            (3, "代码", "110105001"),
            (4, "代码", "字母"),
            (5, "名称", "必填"),
            (6, "名称", "100"),
            (7, "类型", "未知"),
            (8, "类型", "网格"),
            (9, "上级代码", "社区"),
        ],
    )


def test_missing_parent(world):
    rows = [["楼栋", "b01", "1号楼", "110105001009", ""]]
    assert_refused(world, "tree.xlsx", xlsx(rows), [(2, "上级代码", "110105001009")])


def test_duplicates_in_the_file_and_against_the_database(world):
    rows = [
        ["楼栋", "b05", "5号楼", "110105001001", ""],
        ["楼栋", "b05", "五号楼", "110105001001", ""],  # same code twice
        ["楼栋", "b06", "5号楼", "110105001001", ""],  # same name twice
        ["楼栋", "b07", "2号楼", "110105001001", ""],  # 2号楼 exists as b02
    ]
    assert_refused(
        world,
        "tree.xlsx",
        xlsx(rows),
        [(3, "代码", "第2行"), (4, "名称", "第2行"), (5, "名称", "b02")],
    )


def test_moving_is_refused(world):
    # b02 sits directly in the community; naming grid g1 would move it.
    rows = [["楼栋", "b02", "2号楼", "110105001001", "g1"]]
    assert_refused(world, "tree.xlsx", xlsx(rows), [(2, "上级代码", "移动")])


def test_street_admin_cannot_import_into_another_street(world):
    rows = [
        ["楼栋", "b09", "9号楼", "110105002001", ""],
        ["社区", "110105002009", "新社区", "", ""],
        ["社区", "110105001009", "自己的社区", "", ""],
    ]
    result = assert_refused(
        world,
        "tree.xlsx",
        xlsx(rows),
        [(2, "上级代码", "110105002001"), (3, "上级代码", "110105002")],
        username="s_admin",
    )
    assert [e["row"] for e in result.errors] == [2, 3]
    with world.app.app_context():
        assert run(world, "tree.xlsx", xlsx(rows[2:]), username="s_admin").created == 1


def test_under_places_parentless_buildings(world):
    rows = [["楼栋", "b03", "3号楼", "", ""], ["楼栋", "b04", "4号楼", "", "g1"]]
    with world.app.app_context():
        community = node(world, "110105001001")
        result = run(world, "tree.xlsx", xlsx(rows), username="c_admin", under=community)
        assert result.ok, result.errors
        assert node(world, "110105001001-bb03").parent_id == community.id
        assert node(world, "110105001001-bb04").parent.ref == "110105001001-gg1"


def test_export_then_import_round_trip(world):
    with world.app.app_context():
        street = node(world, "110105001")
        content = imports.export_tree(db.session, street)
        sheet = load_workbook(io.BytesIO(content)).active
        values = [[c.value for c in r] for r in sheet.iter_rows()]
        assert values[0] == HEADERS
        assert values[1][:3] == ["街道", "110105001", "建外街道"]
        assert ["楼栋", "b01", "1号楼", "110105001001", "g1"] in values
        # Unchanged as exported; an edit is an update, a new row a creation.
        again = run(world, "export.xlsx", content, username="s_admin")
        assert (again.created, again.updated) == (0, 0) and again.unchanged == len(values) - 1
        values[1][2] = "建外街道办事处"
        values.append(["楼栋", "b03", "3号楼", "110105001002", None])
        edited = run(world, "export.xlsx", xlsx(values[1:], headers=values[0]), username="s_admin")
        assert (edited.created, edited.updated) == (1, 1), edited.errors
        assert node(world, "110105001").name == "建外街道办事处"


def test_template_has_chinese_headers_and_imports_as_example(world):
    sheet = load_workbook(io.BytesIO(imports.tree_template_xlsx())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == HEADERS and len(rows) >= 2
    with world.app.app_context():
        assert run(world, "template.xlsx", imports.tree_template_xlsx(), dry_run=True).ok


def test_english_keys_and_kinds_are_accepted(world):
    text = "kind,code,name,parent\ncommunity,110105001003,光华里社区,\nbuilding,01,1号楼,110105001003\n"
    with world.app.app_context():
        result = run(world, "tree.csv", text.encode())
        assert result.ok and result.created == 2


def test_blank_rows_keep_spreadsheet_row_numbers(world):
    rows = [
        ["楼栋", "b05", "5号楼", "110105001001", ""],
        [None] * 5,
        ["楼栋", "b06", "", "110105001001", ""],
    ]
    result = assert_refused(world, "tree.xlsx", xlsx(rows), [(4, "名称", "必填")])
    assert [e["row"] for e in result.errors] == [4]


def test_created_nodes_reach_the_plugins_hook(world, monkeypatch):
    seen = []
    with world.app.app_context():
        plugins = world.app.extensions["jiedao.plugins"]
        original = plugins.call

        def spy(hook, **kwargs):
            if hook == "jiedao_node_created":
                seen.append(kwargs["node"].ref)
            return original(hook, **kwargs)

        monkeypatch.setattr(plugins, "call", spy)
        run(world, "tree.xlsx", xlsx(NEW_ROWS))
    assert sorted(seen) == sorted(
        ["110105001003", "110105001003-gg1", "110105001003-b01", "110105001003-b02"]
    )


class _WithoutNodeCreated:
    """A plugin manager's hooks as if no plugin implemented ``jiedao_node_created``."""

    jiedao_node_created = SimpleNamespace(get_hookimpls=lambda: [])

    def __init__(self, hook):
        self._hook = hook

    def __getattr__(self, name):
        return getattr(self._hook, name)


def test_the_hook_is_not_called_per_node_when_no_plugin_implements_it(world, monkeypatch):
    calls = []
    with world.app.app_context():
        plugins = world.app.extensions["jiedao.plugins"]
        original = plugins.call

        def spy(hook, **kwargs):
            calls.append(hook)
            return original(hook, **kwargs)

        monkeypatch.setattr(plugins, "call", spy)
        monkeypatch.setattr(plugins.manager, "hook", _WithoutNodeCreated(plugins.manager.hook))
        assert run(world, "tree.xlsx", xlsx(NEW_ROWS)).created == 4
    assert "jiedao_node_created" not in calls


def created_entries(ids):
    stmt = (
        sa.select(AuditLog)
        .where(AuditLog.action == "node.create", AuditLog.node_id.in_(ids))
        .order_by(AuditLog.id)
    )
    return db.session.scalars(stmt).all()


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", "Created Building 100%% tall (110105001003-b01)"),
        ("zh_Hans_CN", "新建了楼栋100%% tall（110105001003-b01）"),
    ],
)
def test_each_created_node_has_its_entry_in_the_importers_words(world, locale, words):
    rows = [list(r) for r in NEW_ROWS]
    rows[2][2] = "100% tall"  # a name with a per cent sign is written as it is
    with world.app.app_context(), force_locale(locale):
        before = db.session.scalar(sa.select(sa.func.max(Node.id)))
        assert run(world, "tree.xlsx", xlsx(rows)).ok
        made = db.session.scalars(sa.select(Node).where(Node.id > before).order_by(Node.id)).all()
        entries = created_entries([n.id for n in made])
        # One per node, in the order the nodes were created (parents first).
        assert [e.node_id for e in entries] == [n.id for n in made]
        assert [n.kind for n in made] == ["community", "grid", "building", "building"]
        actor = world.user("d_admin")
        for entry, made_node in zip(entries, made, strict=True):
            assert (entry.node_path, entry.object_type, entry.object_id) == (
                made_node.path,
                "node",
                made_node.ref,
            )
            assert (entry.user_id, entry.username, entry.ip) == (actor.id, "d_admin", None)
            assert entry.message is None and entry.params is None and entry.details is None
        assert entries[2].summary == words.replace("%%", "%")
        label = "Community" if locale == "en" else "社区"
        assert entries[0].summary.startswith(("Created " if locale == "en" else "新建了") + label)


def test_new_ids_follow_the_existing_rows_and_the_next_insert_gets_a_free_one(world):
    with world.app.app_context():
        before = db.session.scalar(sa.select(sa.func.max(Node.id)))
        assert run(world, "tree.xlsx", xlsx(NEW_ROWS)).ok
        made = db.session.scalars(sa.select(Node).where(Node.id > before).order_by(Node.id)).all()
        assert len(made) == 4 and made[0].id > before
        for made_node in made:  # every path ends in the node's own id, under its parent's
            assert made_node.path == f"{made_node.parent.path}{made_node.id}/"
            assert made_node.depth == made_node.parent.depth + 1
        # The database's own id assignment (a sequence on PostgreSQL, the rowid on SQLite)
        # goes on after the import's ids: the next node created one by one does not clash.
        later = services.create_node(
            db.session, parent=node(world, "110105001003"), kind="building", code="03", name="3号楼"
        )
        db.session.commit()
        assert later.id > made[-1].id
        # The highest row deleted, then another import: its ids are free again (SQLite) or
        # further on (PostgreSQL), never one in use.
        db.session.execute(sa.delete(AuditLog).where(AuditLog.node_id == later.id))
        db.session.execute(sa.delete(Node).where(Node.id == later.id))
        db.session.commit()
        more = run(
            world, "tree.csv", csv_text([["楼栋", "04", "4号楼", "110105001003", ""]]).encode()
        )
        assert more.ok and more.created == 1
        added = node(world, "110105001003-b04")
        assert added.id > made[-1].id and added.path.endswith(f"/{added.id}/")


def test_reserved_ids_are_taken_by_no_other_connection(world):
    """While an import's transaction holds its ids, another connection's insert cannot take
    one: on PostgreSQL it draws later values of the sequence, on SQLite it waits for the lock."""
    with world.app.app_context():
        parent_id = node(world, "110105001001").id
        reserved = imports._new_ids(db.session, 3)
        assert reserved == sorted(reserved) and len(set(reserved)) == 3
        other = sa.create_engine(
            db.engine.url, connect_args={"timeout": 0} if db.engine.dialect.name == "sqlite" else {}
        )
        insert = sa.insert(Node).values(
            parent_id=parent_id,
            kind="building",
            code="b99",
            ref="110105001001-b99",
            name="x",
            path="",
            depth=3,
        )
        try:
            if db.engine.dialect.name == "sqlite":
                with pytest.raises(sa.exc.OperationalError, match="locked"), other.begin() as conn:
                    conn.execute(insert)
            else:
                with other.begin() as conn:
                    taken = conn.execute(insert.returning(Node.id)).scalar_one()
                    assert taken not in reserved
                    conn.rollback()
        finally:
            other.dispose()
            db.session.rollback()


# --- web pages -----------------------------------------------------------------------------


def upload(client, url, filename, content, **data):
    return client.post(
        url,
        data={"file": (io.BytesIO(content), filename), **data},
        content_type="multipart/form-data",
    )


def test_web_import_checks_then_confirms(as_user, world):
    c = as_user("s_admin")
    assert c.get("/imports/tree").status_code == 200
    with world.app.app_context():
        before = counts()
    checked = upload(c, "/imports/tree", "tree.xlsx", xlsx(NEW_ROWS))
    assert checked.status_code == 200
    assert 'data-count="created">4<' in checked.text
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    with world.app.app_context():
        assert counts() == before  # the check wrote nothing
    done = c.post("/imports/tree", data={"token": token})
    assert done.status_code == 200 and 'data-count="created">4<' in done.text
    with world.app.app_context():
        assert counts()["Node"] == before["Node"] + 4
    # The token is spent; the same file again has nothing to change.
    assert c.post("/imports/tree", data={"token": token}).status_code == 422
    again = upload(c, "/imports/tree", "tree.xlsx", xlsx(NEW_ROWS))
    assert 'data-count="unchanged">4<' in again.text and 'name="token"' not in again.text


def test_web_import_reports_problems_and_writes_nothing(as_user, world):
    c = as_user("s_admin")
    with world.app.app_context():
        before = counts()
    rows = [["楼栋", "b09", "9号楼", "110105002001", ""]]
    r = upload(c, "/imports/tree", "tree.xlsx", xlsx(rows))
    assert r.status_code == 422
    assert "data-import-errors" in r.text and "110105002001" in r.text
    assert "未写入任何数据" in r.text and 'name="token"' not in r.text
    assert c.post("/imports/tree", data={}).status_code == 422
    with world.app.app_context():
        assert counts() == before


def test_web_import_under_a_node_and_its_permissions(as_user, world):
    rows = [["楼栋", "b03", "3号楼", "", ""]]
    c = as_user("c_admin")
    r = upload(c, "/imports/tree?node=110105001001", "b.xlsx", xlsx(rows))
    assert r.status_code == 200, r.text
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    assert c.post("/imports/tree?node=110105001001", data={"token": token}).status_code == 200
    with world.app.app_context():
        assert node(world, "110105001001-bb03") is not None
    assert c.get("/imports/tree?node=110105002001").status_code == 404  # not in scope
    assert as_user("s_admin").get("/imports/tree?node=110105002001").status_code == 404
    assert as_user("worker").get("/imports/tree").status_code == 403
    assert as_user("inspector").get("/imports/tree").status_code == 403
    # A token is its owner's: another admin cannot spend it.
    r = upload(c, "/imports/tree?node=110105001001", "b.xlsx", xlsx([["楼栋", "b04", "4号楼"]]))
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    assert as_user("s_admin").post("/imports/tree", data={"token": token}).status_code == 422


def test_templates_and_exports_download(as_user):
    c = as_user("s_admin")
    r = c.get("/imports/tree/template.xlsx")
    assert r.status_code == 200 and r.mimetype == imports_views_xlsx()
    assert [c.value for c in load_workbook(io.BytesIO(r.data)).active[1]] == HEADERS
    r = c.get("/exports/tree.xlsx")
    values = [
        [c.value for c in row] for row in load_workbook(io.BytesIO(r.data)).active.iter_rows()
    ]
    refs = {row[1] for row in values[1:]}
    assert "110105001" in refs and "110105002" not in refs and "110105002001" not in refs
    assert c.get("/exports/tree.xlsx?node=110105002").status_code == 404
    assert as_user("worker").get("/exports/tree.xlsx?node=110105001001").status_code == 200
    assert as_user("worker").get("/imports/tree/template.xlsx").status_code == 403


def imports_views_xlsx():
    from tenants.import_views import XLSX

    return XLSX


def test_pages_link_to_import_and_export(as_user):
    page = as_user("s_admin").get("/tree").text
    assert 'href="/imports/tree"' in page and 'href="/imports/users"' in page
    node_page = as_user("c_admin").get("/n/110105001001").text
    assert 'href="/imports/tree?node=110105001001"' in node_page
    assert 'href="/imports/tree' not in as_user("worker").get("/tree").text


# --- API -----------------------------------------------------------------------------------


def test_api_import_dry_run_then_real(as_user, world):
    c = as_user("s_admin")
    with world.app.app_context():
        before = counts()
    r = upload(c, "/api/v1/imports/tree?dry_run=1", "tree.csv", csv_text(NEW_ROWS).encode("gbk"))
    assert r.status_code == 200 and r.json["created"] == 4 and r.json["dry_run"] is True
    with world.app.app_context():
        assert counts() == before
    r = upload(c, "/api/v1/imports/tree", "tree.csv", csv_text(NEW_ROWS).encode("gbk"))
    assert r.status_code == 200 and r.json["created"] == 4
    bad = upload(
        c,
        "/api/v1/imports/tree",
        "t.csv",
        csv_text([["楼栋", "x y", "楼", "110105001001"]]).encode(),
    )
    assert bad.status_code == 422 and bad.json["error"]["rows"][0]["row"] == 2
    assert c.post("/api/v1/imports/tree").status_code == 422
    assert as_user("worker").post("/api/v1/imports/tree").status_code == 403
    content = xlsx([["楼栋", "b09", "9号楼", "", ""]])
    assert upload(c, "/api/v1/imports/tree?node=110105002001", "b.xlsx", content).status_code == 404
    assert (
        upload(as_user("inspector"), "/api/v1/imports/tree", "b.xlsx", content).status_code == 403
    )
    exported = c.get("/api/v1/exports/tree?node=110105001003")
    assert exported.status_code == 200 and exported.mimetype == imports_views_xlsx()
    assert c.get("/api/v1/exports/tree?node=110105002").status_code == 404


def test_api_is_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/imports/tree"] and "post" in paths["/api/v1/imports/users"]
    assert "get" in paths["/api/v1/exports/tree"] and "get" in paths["/api/v1/exports/users"]


# --- CLI -----------------------------------------------------------------------------------


@pytest.fixture
def cli(app, monkeypatch):
    from core import cli as cli_module
    from tenants.cli import register

    monkeypatch.setattr(cli_module, "_app", app)
    if "tenants" not in cli_module.cli.commands:
        register(cli_module.cli)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_module.cli, list(args))


def test_cli_import_dry_run_import_and_export(cli, world, tmp_path):
    path = tmp_path / "tree.xlsx"
    path.write_bytes(xlsx(NEW_ROWS))
    dry = cli("tenants", "import", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "4" in dry.output
    with world.app.app_context():
        assert node(world, "110105001003") is None
    done = cli("tenants", "import", str(path), "--as", "s_admin")
    assert done.exit_code == 0, done.output
    with world.app.app_context():
        assert node(world, "110105001003-b01").name == "1号楼"
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "tree.import"))
        assert entry.username == "s_admin"
    out = tmp_path / "export.xlsx"
    exported = cli("tenants", "export", "--node", "110105001003", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert len(list(load_workbook(out).active.iter_rows())) == 5


def test_cli_reports_rows_and_exits_1(cli, world, tmp_path):
    path = tmp_path / "tree.csv"
    path.write_bytes(csv_text([["楼栋", "b09", "9号楼", "110105002001", ""]]).encode("gbk"))
    with world.app.app_context():
        before = counts()
    result = cli("tenants", "import", str(path), "--as", "s_admin")
    assert result.exit_code == 1
    assert "110105002001" in result.output and "2" in result.output
    with world.app.app_context():
        assert counts() == before
    assert cli("tenants", "import", str(path), "--as", "nobody").exit_code != 0


def test_cli_progress_bar_on_large_files(cli, world, tmp_path):
    rows = [["楼栋", f"{i:04d}", f"新{i}号楼", "110105001001", ""] for i in range(1200)]
    path = tmp_path / "big.xlsx"
    path.write_bytes(xlsx(rows))
    result = cli("tenants", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1200" in result.output


def test_an_upload_over_the_limit_is_refused_with_413(app, as_user, world):
    c = as_user("d_admin")
    with app.app_context():
        before = counts()
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        big = csv_text(NEW_ROWS).encode("utf-8") + b"," * 4096
        r = upload(c, "/api/v1/imports/tree", "tree.csv", big)
        page = upload(c, "/imports/tree", "tree.csv", big)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert r.status_code == 413
    assert r.json["error"]["message"] == "上传的文件过大。"
    assert page.status_code == 413 and "上传的文件过大" in page.text
    with app.app_context():
        assert counts() == before

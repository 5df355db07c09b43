"""Modules per community: switching with dependencies and history, settings, and the module
switch enforced on every route of a plugin."""

import re

import pytest
import sqlalchemy as sa

from core.db import db
from tenants.modules import ModuleEvent, ModuleState
from tests.fixture_plugins import ledger
from tests.fixture_plugins.ledger.models import LedgerRow

A1, A2, B1 = "110105001001", "110105001002", "110105002001"


def switch(client, ref, module, enabled, **extra):
    return client.post(
        f"/api/v1/nodes/{ref}/modules", json={"module": module, "enabled": enabled, **extra}
    )


def states(app) -> dict[tuple[str, str], bool]:
    from tenants.models import Node

    with app.app_context():
        rows = db.session.execute(
            sa.select(Node.ref, ModuleState.module, ModuleState.enabled).join(
                Node, Node.id == ModuleState.community_id
            )
        )
        return {(ref, module): enabled for ref, module, enabled in rows}


def test_enabling_enables_dependencies_and_says_so(as_user, app):
    ledger.EVENTS.clear()
    c = as_user("s_admin")  # modules are chosen by street and district admins
    r = switch(c, A1, "ledger_extra", True)
    assert r.status_code == 200, r.json
    assert r.json["also"] == ["ledger"] and r.json["changed"] == [A1]
    assert "测试台账" in r.json["messages"][0] or "Test ledger" in r.json["messages"][0]
    assert states(app) == {(A1, "ledger"): True, (A1, "ledger_extra"): True}
    assert ("enabled", "ledger", A1) in ledger.EVENTS
    # Switching ledger off while ledger_extra needs it is refused, naming the reason.
    r = switch(c, A1, "ledger", False)
    assert r.status_code == 422 and r.json["error"]["fields"]["module"]
    assert switch(c, A1, "ledger_extra", False).status_code == 200
    assert switch(c, A1, "ledger", False).status_code == 200
    assert ("disabled", "ledger", A1) in ledger.EVENTS
    with app.app_context():
        history = db.session.scalars(sa.select(ModuleEvent.action).order_by(ModuleEvent.id)).all()
        users = set(db.session.scalars(sa.select(ModuleEvent.username)))
    assert history == ["enabled", "enabled", "disabled", "disabled"]
    assert users == {"s_admin"}


@pytest.mark.parametrize(
    ("module", "message"),
    [("nonexistent", "nonexistent"), ("future", ">=99"), ("needs_broken", "future")],
)
def test_unknown_or_broken_modules_are_refused(as_user, app, module, message):
    r = switch(as_user("s_admin"), A1, module, True)
    assert r.status_code == 422
    assert message in r.json["error"]["message"]
    assert states(app) == {}


def test_a_street_switches_all_its_communities_and_nobody_else(as_user, app, world):
    s = as_user("s_admin")
    r = switch(s, "110105001", "ledger", True)
    assert r.status_code == 200 and sorted(r.json["changed"]) == [A1, A2]
    assert states(app) == {(A1, "ledger"): True, (A2, "ledger"): True}
    assert switch(s, B1, "ledger", True).status_code == 404  # another street
    assert switch(s, "110105", "ledger", True).status_code == 404  # above their street
    assert switch(as_user("worker"), A1, "ledger", True).status_code == 403
    page = s.get("/n/110105001/modules").text
    assert page.count("state-on") == 2


def test_settings_are_validated_by_the_plugin(as_user, app):
    c = as_user("s_admin")
    switch(c, A1, "ledger", True)
    assert c.get(f"/api/v1/nodes/{A1}/modules/ledger/settings").json == {
        "deadline_days": 30,
        "mode": "simple",
        "notify": False,
    }
    r = c.put(
        f"/api/v1/nodes/{A1}/modules/ledger/settings", json={"deadline_days": 0, "mode": "odd"}
    )
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"deadline_days", "mode"}
    r = c.put(f"/api/v1/nodes/{A1}/modules/ledger/settings", json={"deadline_days": 14})
    assert r.status_code == 200 and r.json["deadline_days"] == 14 and r.json["mode"] == "simple"
    form = c.post(
        f"/n/{A1}/modules/ledger/settings", data={"deadline_days": "abc", "mode": "strict"}
    )
    assert (
        form.status_code == 422
        and 'value="abc"' in form.text
        and 'class="field-error"' in form.text
    )
    ok = c.post(
        f"/n/{A1}/modules/ledger/settings",
        data={"deadline_days": "7", "mode": "strict", "notify": "true"},
    )
    assert ok.status_code == 302
    assert c.get(f"/api/v1/nodes/{A1}/modules/ledger/settings").json == {
        "deadline_days": 7,
        "mode": "strict",
        "notify": True,
    }
    assert switch(c, A1, "ledger", True, settings={"deadline_days": 999}).status_code == 422


def _plugin_urls(app, community: str):
    """Every URL rule of the ledger plugin (enumerated, not hand-picked), filled in."""
    values = {"community": community, "node": "110105001", "row_id": 1}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in {"ledger", "ledger_api", "ledger_rollup"}:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def test_a_disabled_module_refuses_every_route_and_keeps_its_data(as_user, app, world):
    c = as_user("s_admin")
    switch(c, A1, "ledger", True)
    assert c.post(f"/c/{A1}/ledger/", data={"title": "第一条"}).status_code == 302
    assert c.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": "第二条"}).status_code == 201
    switch(c, A1, "ledger", False)
    checked = 0
    for rule, method, url in _plugin_urls(app, A1):
        r = c.open(
            url,
            method=method,
            data={"title": "x"} if not url.startswith("/api/") else None,
            json={"title": "x"} if url.startswith("/api/") else None,
        )
        if rule.endpoint.startswith("ledger_rollup"):
            # A roll-up reads across the street, but only communities where the module is on.
            assert r.status_code == 200 and r.json == {"items": []}, url
        else:
            assert r.status_code == 404, (method, url, r.status_code)
            if url.startswith("/api/"):
                assert (
                    "未启用" in r.json["error"]["message"]
                    or "not enabled" in r.json["error"]["message"]
                )
            else:
                assert "未启用" in r.text or "not enabled" in r.text
        checked += 1
    assert checked >= 6
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerRow)) == 2
    switch(c, A1, "ledger", True)  # the data comes back
    assert c.get(f"/api/v1/c/{A1}/ledger/rows").json["items"][0]["title"] == "第一条"
    assert "第二条" in c.get(f"/c/{A1}/ledger/").text


def test_plugin_routes_respect_scope_and_permissions(as_user, app, world):
    d = as_user("d_admin")
    switch(d, "110105", "ledger", True)
    worker = as_user("worker")  # program worker of A1
    assert worker.get(f"/c/{A1}/ledger/").status_code == 200
    assert worker.get(f"/c/{A2}/ledger/").status_code == 404  # another community
    assert worker.get(f"/c/{B1}/ledger/").status_code == 404
    leader = as_user("leader")  # building leader: no ledger permission at all
    assert leader.get(f"/c/{A1}/ledger/").status_code == 404
    inspector = as_user("inspector")  # reads, never writes
    assert inspector.get(f"/c/{B1}/ledger/").status_code == 200
    assert inspector.post(f"/c/{B1}/ledger/", data={"title": "x"}).status_code == 403
    assert as_user("s_admin").get("/r/110105002/ledger/rows").status_code == 404
    assert as_user("s_admin").post("/r/110105001/ledger/rows").status_code in (403, 405)


def test_rollups_cover_only_enabled_communities_in_scope(as_user, app, world):
    d = as_user("d_admin")
    switch(d, "110105", "ledger", True)
    for ref, title in [(A1, "a1"), (A2, "a2"), (B1, "b1")]:
        d.post(f"/api/v1/c/{ref}/ledger/rows", json={"title": title})
    switch(d, A2, "ledger", False)
    assert d.get("/r/110105/ledger/rows").json["items"] == ["a1", "b1"]
    assert as_user("s_admin").get("/r/110105001/ledger/rows").json["items"] == ["a1"]
    figures = d.get("/api/v1/nodes/110105/indicators?year=2026").json["items"]
    assert {f["name"]: f["value"] for f in figures if f["module"] == "ledger"} == {"ledger.rows": 2}
    street = as_user("s_admin").get("/api/v1/nodes/110105001/indicators").json["items"]
    assert [f["value"] for f in street if f["module"] == "ledger"] == [1]
    assert d.get("/api/v1/nodes/110105/indicators?year=abc").status_code == 422


def test_a_compartments_figure_is_withheld_at_a_community_from_outsiders(
    as_user, app, world, monkeypatch
):
    """A figure declared with ``community_permission`` counts the compartment's records: the
    community's staff without that permission read no value there, its holders do, and at the
    street it is a count like any other."""
    from dataclasses import replace

    from tenants import modules

    d = as_user("d_admin")
    switch(d, "110105", "ledger", True)
    for title in ("a", "b"):
        d.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": title})
    every = modules.indicators

    def with_a_compartment() -> dict:
        found = every()
        closed = replace(
            found["ledger.rows"], name="ledger.closed_rows", community_permission="ledger.edit"
        )
        return {**found, closed.name: closed}

    monkeypatch.setattr(modules, "indicators", with_a_compartment)

    def values(username: str, ref: str) -> dict:
        items = as_user(username).get(f"/api/v1/nodes/{ref}/indicators").json["items"]
        return {f["name"]: (f["value"], f["suppressed"]) for f in items if f["module"] == "ledger"}

    assert values("inspector", A1) == {  # reads the ledger, does not hold ledger.edit
        "ledger.rows": (2, False),
        "ledger.closed_rows": (None, True),
    }
    assert values("worker", A1)["ledger.closed_rows"] == (2, False)
    assert values("inspector", "110105001")["ledger.closed_rows"] == (2, False)


def test_navigation_shows_enabled_modules_only(as_user, world):
    worker = as_user("worker")
    assert f"/c/{A1}/ledger/" not in worker.get("/").text
    assert switch(as_user("c_admin"), A1, "ledger", True).status_code == 403  # not theirs to choose
    switch(as_user("s_admin"), A1, "ledger", True)
    assert f'href="/c/{A1}/ledger/"' in worker.get("/").text
    assert f'href="/c/{A1}/ledger/"' in as_user("c_admin").get(f"/n/{A1}").text


def test_exports_apply_scope_and_are_audited(as_user, app, world):
    from io import BytesIO

    from openpyxl import load_workbook

    from core.models import AuditLog

    d = as_user("d_admin")
    switch(d, "110105", "ledger", True)
    for ref, title in [(A1, "a1"), (A2, "a2"), (B1, "b1")]:
        d.post(f"/api/v1/c/{ref}/ledger/rows", json={"title": title})
    s = as_user("s_admin")
    r = s.get("/n/110105001/exports/ledger.rows.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.data)).worksheets[0]
    titles = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["a1", "a2"]
    csv = s.get("/n/110105001/exports/ledger.rows.csv")
    assert csv.data.startswith("\ufeff".encode()) and "a1" in csv.data.decode("utf-8-sig")
    assert s.get("/n/110105002/exports/ledger.rows.xlsx").status_code == 404
    assert as_user("leader").get(f"/n/{A1}-bb01/exports/ledger.rows.xlsx").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "export")) == 2


def test_calendar_and_installed_pages(as_user):
    d = as_user("d_admin")
    items = d.get("/api/v1/calendar").json["items"]
    # Sorted by date; other plugins (safety: 5.12 …) may come before the ledger's 12.4.
    assert any({"month": 12, "day": 4, "module": "ledger"}.items() <= i.items() for i in items)
    assert items == sorted(items, key=lambda i: (i["month"], i["day"]))
    installed = {p["name"]: p for p in d.get("/api/v1/modules").json["items"]}
    assert installed["ledger_extra"]["requires"] == ["ledger"]
    assert installed["unprefixed"]["status"] == "broken"
    assert as_user("worker").get("/modules").status_code == 403


def test_modules_cli(app, world, monkeypatch):
    from click.testing import CliRunner

    from core import cli as cli_module
    from tenants.cli import register

    monkeypatch.setattr(cli_module, "_app", app)
    if "modules" not in cli_module.cli.commands:
        register(cli_module.cli)
    runner = CliRunner()
    result = runner.invoke(
        cli_module.cli, ["modules", "enable", "ledger_extra", "--node", "110105001"]
    )
    assert result.exit_code == 0, result.output
    assert states(app)[(A2, "ledger")] is True
    bad = runner.invoke(cli_module.cli, ["modules", "enable", "future", "--node", A1])
    assert bad.exit_code != 0 and ">=99" in bad.output


def test_plugins_hear_about_new_nodes(as_user):
    ledger.EVENTS.clear()
    r = as_user("c_admin").post(
        "/api/v1/nodes", json={"parent": A1, "kind": "building", "code": "b09", "name": "9号楼"}
    )
    assert r.status_code == 201
    assert ("node_created", "building", f"{A1}-bb09") in ledger.EVENTS


def test_an_archived_community_is_read_only_for_plugins(as_user, app, world):
    s = as_user("s_admin")
    switch(s, A1, "ledger", True)
    with app.app_context():
        world.node(A1).status = "archived"
        db.session.commit()
    assert s.get(f"/c/{A1}/ledger/").status_code == 200
    r = s.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": "x"})
    assert r.status_code == 403 and r.json["error"]["message"]
    assert switch(s, A1, "ledger", False).status_code == 422


def _xlsx(rows):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, content, filename, dry_run=False):
    from io import BytesIO

    url = f"/api/v1/nodes/{A1}/imports/ledger.rows" + ("?dry_run=1" if dry_run else "")
    return client.post(
        url, data={"file": (BytesIO(content), filename)}, content_type="multipart/form-data"
    )


def _row_count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(LedgerRow))


def test_imports_xlsx_and_csv_in_utf8_and_gbk(as_user, app, world):
    switch(as_user("s_admin"), A1, "ledger", True)
    worker = as_user("worker")
    r = _upload(worker, _xlsx([["标题", "数量"], ["第一条", 3], ["第二条", 4.0]]), "rows.xlsx")
    assert r.status_code == 200, r.json
    assert r.json == {"created": 2}
    csv_text = "标题,数量\n第三条,5\n"
    assert _upload(worker, csv_text.encode("gbk"), "rows.csv").json == {"created": 1}
    assert _upload(worker, ("\ufeff" + csv_text).encode("utf-8"), "rows.csv").json == {"created": 1}
    assert _upload(worker, csv_text.encode("utf-8"), "rows.csv", dry_run=True).json == {
        "dry_run": True,
        "rows": 1,
    }
    assert _row_count(app) == 4


def test_a_bad_import_reports_every_problem_and_writes_nothing(as_user, app, world):
    switch(as_user("s_admin"), A1, "ledger", True)
    worker = as_user("worker")
    r = _upload(
        worker, _xlsx([["标题", "数量"], ["好的", 1], ["", 2], ["x" * 60, -1]]), "rows.xlsx"
    )
    assert r.status_code == 422
    problems = {(p["row"], p["column"]) for p in r.json["error"]["rows"]}
    assert problems == {(3, "标题"), (4, "标题"), (4, "数量")}
    assert _row_count(app) == 0
    wrong_header = _upload(worker, "名字\n张三\n".encode(), "rows.csv")
    assert wrong_header.status_code == 422
    assert {p["column"] for p in wrong_header.json["error"]["rows"]} == {"标题", "名字"}
    unreadable = _upload(worker, b"PK\x03\x04 not really a workbook", "rows.xlsx")
    assert unreadable.status_code == 422 and "file" in unreadable.json["error"]["fields"]
    assert _upload(worker, b"\xff\xfe\x00garbage\x81", "rows.csv").status_code == 422
    assert _row_count(app) == 0
    assert _upload(as_user("inspector"), "标题\n甲\n".encode(), "rows.csv").status_code == 403
    switch(as_user("s_admin"), A1, "ledger", False)
    assert _upload(worker, "标题\n甲\n".encode(), "rows.csv").status_code == 422
    assert _row_count(app) == 0

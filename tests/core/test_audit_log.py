"""The audit log: summaries in the reader's language, labelled actions, filters and links that
never reach outside the reader's subtree, export, retention."""

import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from core import audit
from core.db import db
from core.models import AuditLog
from plugins.registry.validators import id_check_character
from tests.conftest import login

A1 = "110105001001"


def test_a_lazy_summary_is_kept_as_its_message_and_shown_in_each_readers_language(app, world):
    with app.test_request_context():
        role = _l("Street admin")
        entry = audit.record(
            "assignment.create",
            node=world.node(A1).as_ref(),
            summary=_l(
                "Gave %(user)s the role %(role)s at %(place)s",
                user="li",
                role=role,
                place="永安里东社区",
            ),
        )
        db.session.commit()
        assert entry.message == "Gave %(user)s the role %(role)s at %(place)s"
        assert entry.params == {
            "user": "li",
            "role": {"msgid": "Street admin"},
            "place": "永安里东社区",
        }
        with force_locale("en"):
            assert audit.summary_of(entry) == "Gave li the role Street admin at 永安里东社区"
        with force_locale("zh_Hans_CN"):
            assert audit.summary_of(entry) == entry.summary
            assert "街道管理员" in audit.summary_of(entry)


def test_an_entry_with_plain_text_keeps_its_text_in_every_language(app, world):
    with app.test_request_context():
        entry = audit.record("node.update", node=world.node(A1).as_ref(), summary="修改了楼栋")
        db.session.commit()
        assert entry.message is None
        with force_locale("en"):
            assert audit.summary_of(entry) == "修改了楼栋"
        # An old row whose message lost a parameter shows its text, never an error.
        stored = db.session.scalar(sa.select(AuditLog).where(AuditLog.id == entry.id))
        stored.message, stored.params = "Created account %(name)s", {}
        with force_locale("en"):
            assert audit.summary_of(stored) == "修改了楼栋"


# --- labels, filters, scope, links -------------------------------------------------------------

DISTRICT, STREET_A, A2, B1 = "110105", "110105001", "110105001002", "110105002001"
DAY_1 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
DAY_2 = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # 01:00 on 4 March in Beijing


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def new_account(c, username: str, home: str) -> int:
    body = {"username": username, "display_name": username, "password": "first-pass-1"}
    r = c.post("/api/v1/users", json={**body, "home_node": home})
    assert r.status_code == 201, r.json
    return r.json["id"]


def entries(c, **args) -> list[dict]:
    r = c.get("/api/v1/audit", query_string={"per_page": 200, **args})
    assert r.status_code == 200, r.json
    return r.json["items"]


def test_actions_are_shown_by_the_labels_core_and_the_modules_declare(as_user):
    c = as_user("c_admin")
    labels = {i["action"]: i["label"] for i in c.get("/api/v1/audit/actions").json["items"]}
    assert labels["user.login"] == "登录成功"
    assert labels["user.login_failed"] == "登录失败"
    assert labels["node.move"] == "移动地点"
    # Declared by the registry and safety modules through jiedao_audit_actions …
    assert labels["registry.resident.transfer_out"] == "居民转出"
    assert labels["safety.assignment.create"] == "分派企业和场所包片"
    # … and named from a ledger's label and its workflow's steps.
    assert labels["safety.hazard.create"] == "隐患：登记"
    assert labels["registry.resident.delete"] == "居民：删除"
    page = c.get("/audit").text
    assert "登录成功" in visible(page) and "user.login" not in visible(page)
    assert '<option value="user.login_failed">登录失败</option>' in page
    assert entries(c)[0]["action_label"] == "登录成功"


def test_filters_by_action_actor_dates_and_place(as_user, app, world, jiedao_clock):
    jiedao_clock(DAY_1)
    c = as_user("c_admin")
    new_account(c, "zhang_a1", A1)
    jiedao_clock(DAY_2)
    s = as_user("s_admin")
    new_account(s, "li_a2", A2)
    login(app.test_client(), "li_a2", "wrong-password")

    def names(**args) -> list[str]:
        return [e["object_id"] for e in entries(s, **args)]

    with app.app_context():
        zhang, li = world.user("zhang_a1").id, world.user("li_a2").id
    # The test world's accounts were created today, long after March.
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    assert names(action="user.create", **march) == [str(li), str(zhang)]
    assert names(action="user.create", user="C_ADMIN") == [str(zhang)]
    assert names(action="user.create", **{**march, "from": "2026-03-04"}) == [str(li)]
    assert names(action="user.create", **{**march, "to": "2026-03-03"}) == [str(zhang)]
    assert names(action="user.create", **{"from": "2026-03-03", "to": "2026-03-03"}) == []
    assert names(action="user.create", place=A2) == [str(li)]
    assert names(action="user.login_failed") == [str(li)]
    page = s.get("/audit", query_string={"action": "user.login_failed"}).text
    assert '<option value="user.login_failed" selected>' in page
    assert "登录失败记录" in page  # the shortcut to failed sign-ins
    assert page.count("data-audit-entry=") == 1


def test_bad_filters_are_refused_naming_the_argument(as_user):
    c = as_user("c_admin")
    for args, field in (
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "to"),
        ({"place": "nowhere"}, "place"),
    ):
        r = c.get("/api/v1/audit", query_string=args)
        assert r.status_code == 422 and list(r.json["error"]["fields"]) == [field], args
        page = c.get("/audit", query_string=args)
        assert page.status_code == 422 and 'class="field-error"' in page.text


def test_nothing_outside_the_readers_subtree_through_filters_or_links(as_user, app, world):
    d = as_user("d_admin")
    in_b1 = new_account(d, "zhao_b1", B1)
    in_a2 = new_account(d, "wang_a2", A2)
    d.patch(f"/api/v1/users/{in_b1}", json={"display_name": "赵"})
    c = as_user("c_admin")
    mine = new_account(c, "zhang_a1", A1)
    # Another street's or community's place is refused like one that does not exist.
    for place in (B1, A2, STREET_A):
        r = c.get("/api/v1/audit", query_string={"place": place})
        assert r.status_code == 422
        assert r.json["error"]["fields"]["place"] == [f"您的管辖范围内没有编码为{place}的地点。"]
    everything = entries(c) + entries(c, user="d_admin") + entries(c, action="user.create")
    assert str(mine) in {e["object_id"] for e in everything}
    assert all(e["place"].startswith(A1) for e in everything)
    assert not [e for e in everything if e["object_id"] in (str(in_b1), str(in_a2))]
    # The street admin sees A2's entry and its link; a link goes only where they may go.
    s = as_user("s_admin")
    by_id = {e["object_id"]: e for e in entries(s, action="user.create")}
    assert by_id[str(in_a2)]["url"] == f"/users/{in_a2}"
    assert str(in_b1) not in by_id
    # The inspector reads the log but manages no accounts: no link to them.
    assert all(e["url"] is None for e in entries(as_user("inspector"), action="user.create"))


def test_an_entry_links_to_its_record_while_the_reader_may_open_it(as_user, app, world):
    from tenants import modules

    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "registry")
        db.session.commit()
    s = as_user("s_admin")
    body = "110105195005041242"[:17]
    resident = {"name": "王秀兰", "id_number": body + id_check_character(body)}
    created = s.post(f"/api/v1/c/{A1}/registry/residents", json=resident)
    assert created.status_code == 201, created.json
    rid = created.json["id"]
    c = as_user("c_admin")
    entry = entries(c, action="registry.resident.create")[0]
    assert entry["url"] == f"/c/{A1}/registry/residents/{rid}"
    assert entry["action_label"] == "居民：登记"
    page = c.get("/audit", query_string={"action": "registry.resident.create"}).text
    assert f'href="/c/{A1}/registry/residents/{rid}" data-record-link' in page
    assert c.get(entry["url"]).status_code == 200
    # Transferred to A2: A1's admin keeps the entries of A1, without a link to A2's record.
    moved = s.post(f"/api/v1/c/{A1}/registry/residents/{rid}/transfer", json={"community": A2})
    assert moved.status_code == 200, moved.json
    kept = entries(c, action="registry.resident.create") + entries(
        c, action="registry.resident.transfer_out"
    )
    assert len(kept) == 2 and all(e["url"] is None for e in kept)
    assert entries(c, action="registry.resident.transfer_out")[0]["action_label"] == "居民转出"
    assert entries(s, action="registry.resident.create")[0]["url"] == (
        f"/c/{A2}/registry/residents/{rid}"
    )
    # Switched off at A2, the record cannot be opened there, so no link either.
    with app.app_context():
        modules.disable(db.session, world.node(A2), "registry")
        db.session.commit()
    assert entries(s, action="registry.resident.create")[0]["url"] is None


def test_the_english_log_shows_new_entries_in_english(as_user, app, world):
    with app.test_request_context():
        audit.record("node.update", node=world.node(A1).as_ref(), summary="修改了楼栋名称")
        db.session.commit()
    c = as_user("c_admin")
    new_account(c, "zhang_en", A1)
    c.post("/locale", data={"locale": "en"})
    text = visible(c.get("/audit").text)
    assert "Created account zhang_en" in text and "Account created" in text
    assert "c_admin signed in" in text
    assert "修改了楼栋名称" in text  # an entry written as text keeps its text
    assert "创建" not in text
    body = entries(c, action="user.create")[0]
    assert (
        body["summary"] == "Created account zhang_en" and body["action_label"] == "Account created"
    )


def test_the_filtered_log_exports_to_xlsx_and_the_export_is_audited(as_user, app, world):
    d = as_user("d_admin")
    new_account(d, "zhao_b1", B1)
    c = as_user("c_admin")
    new_account(c, "zhang_a1", A1)
    r = c.get("/audit.xlsx", query_string={"action": "user.create", "user": "c_admin"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户", "操作", "地点", "摘要")
    assert [(row[1], row[2], row[3], row[4]) for row in rows[1:]] == [
        ("c_admin", "创建账号", "永安里东社区", "创建了账号zhang_a1")
    ]
    assert entries(c, action="audit.export")[0]["username"] == "c_admin"
    assert c.get("/audit.xlsx", query_string={"place": B1}).status_code == 422
    assert as_user("worker").get("/audit.xlsx").status_code == 403


# --- retention ---------------------------------------------------------------------------------


def test_the_purge_deletes_only_entries_older_than_the_retention(
    app, world, jiedao_clock, monkeypatch
):
    from click.testing import CliRunner

    from core import cli as cli_module

    def run(*args: str) -> str:
        monkeypatch.setattr(cli_module, "_app", app)
        result = CliRunner().invoke(cli_module.cli, ["audit", "purge", *args])
        assert result.exit_code == 0, result.output
        return result.output

    def add(at: datetime, summary: str) -> None:
        jiedao_clock(at)
        with app.test_request_context():
            audit.record("node.update", node=world.node(A1).as_ref(), summary=summary)
            db.session.commit()

    add(datetime(2025, 1, 10, tzinfo=UTC), "old")
    add(datetime(2025, 6, 1, tzinfo=UTC), "kept")
    jiedao_clock(datetime(2025, 12, 1, tzinfo=UTC))
    assert "keeps every entry" in run()
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 200)
    assert run("--dry-run").startswith("1 audit entries older than 200 days would be deleted")
    assert run().startswith("1 audit entries older than 200 days deleted")
    with app.app_context():
        left = db.session.scalars(
            sa.select(AuditLog.summary).where(AuditLog.action == "node.update")
        )
        assert list(left) == ["kept"]
    assert run().startswith("0 audit entries")


def test_the_retention_is_for_ever_or_at_least_six_months():
    from core.config import ConfigError, load_config

    assert load_config({"JIEDAO_ENV": "testing"})["AUDIT_RETENTION_DAYS"] == 0
    assert (
        load_config({"JIEDAO_ENV": "testing", "JIEDAO_AUDIT_RETENTION_DAYS": "365"})[
            "AUDIT_RETENTION_DAYS"
        ]
        == 365
    )
    for bad in ("30", "-1", "a year"):
        with pytest.raises(ConfigError, match="JIEDAO_AUDIT_RETENTION_DAYS"):
            load_config({"JIEDAO_ENV": "testing", "JIEDAO_AUDIT_RETENTION_DAYS": bad})


def test_a_record_of_a_table_several_modules_share_links_to_its_own_modules_page(
    as_user, app, world
):
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        db.session.commit()
    worker = as_user("worker")
    made = worker.post(
        f"/api/v1/c/{A1}/safety/activities", json={"title": "消防演练", "held_on": "2026-06-01"}
    )
    assert made.status_code == 201, made.json
    c = as_user("c_admin")
    entry = next(e for e in entries(c) if e["object_id"] == str(made.json["id"]))
    assert entry["object_type"] == "core_activity"
    assert entry["url"] == f"/c/{A1}/safety/activities/{made.json['id']}"
    assert c.get(entry["url"]).status_code == 200


def test_records_of_a_shared_table_are_looked_up_in_each_ledger_until_found():
    from core.audit_log import _any_of

    asked: list[set[str]] = []

    def ledger(urls: dict[str, str]):
        def resolve(_session, _scope, ids):
            asked.append(set(ids))
            return {i: urls[i] for i in ids if i in urls}

        return resolve

    both = _any_of([ledger({"1": "/a/1"}), ledger({"1": "/b/1", "2": "/b/2"})])
    assert both(None, None, {"1", "2", "3"}) == {"1": "/a/1", "2": "/b/2"}
    assert asked == [{"1", "2", "3"}, {"2", "3"}]


def test_summaries_written_by_the_tenants_admin_pages_follow_the_reader(as_user):
    """Preset, switch and export summaries were rendered in the writer's language: an English
    reader saw 创建了模块方案…; they are kept as message ids like core's own."""
    d = as_user("d_admin")
    payload = {"name": "城市社区", "description": "", "modules": {"ledger": {}}}
    assert d.post("/api/v1/nodes/110105/presets", json=payload).status_code == 201
    chinese = entries(d, action="preset.create")[0]["summary"]
    d.post("/locale", data={"locale": "en"})
    assert entries(d, action="preset.create")[0]["summary"] == "Created the module preset 城市社区"
    assert chinese != "Created the module preset 城市社区" and "城市社区" in chinese

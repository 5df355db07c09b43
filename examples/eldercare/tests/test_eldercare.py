"""The eldercare plugin against the real platform, with the ``jiedao_*`` fixtures of
``core.testing``. Install the package (``pip install -e .``), then run ``pytest``.

What the plugin declares (its rules, its month overview, its roll-up) and what the ledger SDK
gives it (list filters, forms, history, soft delete and restore, masked exports, imports) are
tested the same way: through the pages and the API, as a user would."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from core.sdk import Period, db, enabled_communities, today
from core.testing import catalogue_gaps, schema_differences

import jiedao_eldercare

A1 = "110105001001"  # 永安里东社区: eldercare is switched on here
A2 = "110105001002"  # 建国里社区, same street: it stays off
STREET = "110105001"
PAGE = f"/c/{A1}/eldercare/"
LIST = f"/c/{A1}/eldercare/visits"
NEW = f"{LIST}/new"
API = f"/api/v1/c/{A1}/eldercare/visits"
SUMMARY = f"/api/v1/r/{STREET}/eldercare/summary"
EXPORT = f"/n/{A1}/exports/eldercare.visits"
PHONE = "13812345678"


def visit(elder: str, day: date | None = None, **more: str) -> dict[str, str]:
    data = {"elder_name": elder, "visit_date": (day or today()).isoformat(), "visitor": "小王"}
    return {**data, **more}


def first_of_month() -> date:
    """A day of this month that is not in the future."""
    return today().replace(day=1)


def field_value(html: str, name: str) -> str | None:
    """The value a form's input ``name`` starts with."""
    found = re.search(rf'<input[^>]* name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


def record(client, elder: str, day: date | None = None, **more: str) -> int:
    response = client.post(API, json=visit(elder, day, **more))
    assert response.status_code == 201, response.json
    return response.json["id"]


def exported(client, query: str = "") -> list[list]:
    response = client.get(f"{EXPORT}.xlsx{query}")
    assert response.status_code == 200, response.text[:300]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def audited(client, action: str) -> list[str]:
    """Who did ``action``, from the audit log as a district admin reads it."""
    entries = client.get("/api/v1/audit", query_string={"per_page": 200}).json["items"]
    return [e["username"] for e in entries if e["action"] == action]


# --- the plugin --------------------------------------------------------------------------------


def test_the_plugin_is_installed_and_active(jiedao_app):
    info = jiedao_app.extensions["jiedao.plugins"].plugins["eldercare"]
    assert info.status == "active", info.reason
    assert info.distribution == "jiedao-eldercare"
    assert info.manifest.version == jiedao_eldercare.__version__


def test_the_migrations_match_the_model(jiedao_app, jiedao_database_url):
    assert schema_differences(jiedao_database_url, "eldercare_") == []


def test_default_grants_and_settings(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    admin = jiedao_client_for("d_admin")
    roles = {r["key"]: set(r["permissions"]) for r in admin.get("/api/v1/roles").json["items"]}
    every = {"eldercare.view", "eldercare.edit", "eldercare.restore", "eldercare.sensitive.view"}
    assert {"eldercare.view", "eldercare.edit"} <= roles["program_worker"]
    assert not {"eldercare.restore", "eldercare.sensitive.view"} & roles["program_worker"]
    assert every <= roles["community_admin"]
    assert "eldercare.view" in roles["inspector"]
    assert "eldercare.edit" not in roles["inspector"]
    assert not any(p.startswith("eldercare.") for p in roles["building_leader"])
    settings = admin.get(f"/api/v1/nodes/{A1}/modules/eldercare/settings")
    assert settings.json == {"visits_per_month": 2}


# --- recording ---------------------------------------------------------------------------------


def test_record_a_visit_on_the_page(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    form = worker.get(NEW)
    assert form.status_code == 200
    assert "走访记录" in form.text
    assert field_value(form.text, "visit_date") == today().isoformat()  # a new visit is today's…
    assert field_value(form.text, "visitor") == "worker"  # …by the worker recording it
    assert 'value="home" checked' in form.text  # a home visit unless said otherwise
    response = worker.post(NEW, data=visit("张桂兰", first_of_month(), needs="助餐"))
    assert response.status_code == 302
    detail = worker.get(response.headers["Location"]).text
    assert "张桂兰" in detail and "助餐" in detail and "入户走访" in detail
    page = worker.get(PAGE).text
    assert "目标：每位老人每月走访2次。" in page
    assert 'data-elder="张桂兰"' in page and "未达标" in page  # one visit this month, two wanted


def test_the_monthly_target_is_a_community_setting(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", settings={"visits_per_month": 1})
    worker = jiedao_client_for("worker")
    record(worker, "李秀英", first_of_month())
    page = worker.get(PAGE).text
    assert "目标：每位老人每月走访1次。" in page
    assert 'data-elder="李秀英"' in page and "未达标" not in page


def test_the_form_refuses_a_visit_in_the_future(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    tomorrow = today() + timedelta(days=1)
    response = jiedao_client_for("worker").post(NEW, data=visit("王建国", tomorrow))
    assert response.status_code == 422
    assert "走访日期不能晚于今天。" in response.text
    assert 'value="王建国"' in response.text  # what was typed is kept


def test_a_visit_is_recorded_once(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    record(worker, "赵淑珍", first_of_month())
    twice = worker.post(API, json=visit("赵淑珍", first_of_month()))
    assert twice.status_code == 409
    assert "已登记过" in twice.json["error"]["message"]
    assert "visit_date" in twice.json["error"]["fields"]
    # A phone call the same day is another visit.
    record(worker, "赵淑珍", first_of_month(), kind="phone")
    assert worker.post(NEW, data=visit("赵淑珍", first_of_month())).status_code == 409


def test_the_api_records_and_validates(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    created = worker.post(API, json=visit("赵淑珍", needs="就医陪同", kind="电话问候"))
    assert created.status_code == 201
    body = created.json
    assert (body["elder_name"], body["needs"], body["kind"]) == ("赵淑珍", "就医陪同", "phone")
    refused = worker.post(API, json={"elder_name": " ", "visit_date": "not a date", "kind": "x"})
    assert refused.status_code == 422
    assert {"elder_name", "visit_date", "visitor", "kind"} <= set(refused.json["error"]["fields"])
    bad_phone = worker.post(API, json=visit("孙志强", phone="call me"))
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json["error"]["fields"]


# --- what the ledger SDK gives it --------------------------------------------------------------


def test_the_list_filters_by_elder_kind_and_year(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    year = today().year
    record(worker, "周老伯", date(year, 1, 2))
    record(worker, "周老伯", date(year, 1, 3), kind="phone")
    record(worker, "吴阿姨", date(year - 1, 12, 31))

    def elders(query: dict) -> list[tuple[str, str]]:
        items = worker.get(API, query_string=query).json["items"]
        return [(i["elder_name"], i["visit_date"]) for i in items]

    assert elders({}) == [  # latest first
        ("周老伯", f"{year}-01-03"),
        ("周老伯", f"{year}-01-02"),
        ("吴阿姨", f"{year - 1}-12-31"),
    ]
    assert elders({"kind": "phone"}) == [("周老伯", f"{year}-01-03")]
    assert elders({"year": year - 1}) == [("吴阿姨", f"{year - 1}-12-31")]
    assert elders({"q": "周", "sort": "visit_date"})[0] == ("周老伯", f"{year}-01-02")
    bad = worker.get(API, query_string={"year": "soon"})
    assert bad.status_code == 422 and "year" in bad.json["error"]["fields"]
    page = worker.get(LIST, query_string={"kind": "phone"}).text
    assert page.count("<tr data-record=") == 1 and "电话问候" in page
    assert "吴阿姨" not in page


def test_edits_are_kept_in_the_history_with_the_phone_masked(
    jiedao_enable_module, jiedao_client_for
):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    vid = record(worker, "冯奶奶", first_of_month(), phone=PHONE)
    edit = f"{LIST}/{vid}/edit"
    assert field_value(worker.get(edit).text, "elder_name") == "冯奶奶"
    changed = worker.post(
        edit,
        data={**visit("冯奶奶", first_of_month(), needs="助浴"), "phone": "13900001111"},
    )
    assert changed.status_code == 302
    history = worker.get(f"{API}/{vid}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert {h["username"] for h in history} == {"worker"}
    assert history[0]["changes"]["needs"] == ["", "助浴"]
    assert history[0]["changes"]["phone"] == ["138****5678", "139****1111"]
    detail = worker.get(f"{LIST}/{vid}").text
    assert 'data-eldercare="timeline"' in detail and "助浴" in detail
    assert "13900001111" not in detail and "139****1111" in detail


def test_a_deleted_visit_leaves_the_lists_and_an_admin_restores_it(
    jiedao_enable_module, jiedao_client_for, jiedao_app
):
    jiedao_enable_module("eldercare")
    worker, c_admin = jiedao_client_for("worker"), jiedao_client_for("c_admin")
    vid = record(worker, "钱大妈", first_of_month())
    record(worker, "孙大爷", first_of_month())
    asks = worker.get(f"{LIST}/{vid}/delete")
    assert asks.status_code == 200 and "data-confirm-button" in asks.text
    assert worker.get(API).json["total"] == 2  # asking deleted nothing
    assert worker.post(f"{LIST}/{vid}/delete").status_code == 302
    assert [i["elder_name"] for i in worker.get(API).json["items"]] == ["孙大爷"]
    assert worker.get(f"{LIST}/{vid}").status_code == 404
    assert 'data-elder="钱大妈"' not in worker.get(PAGE).text
    indicators = jiedao_eldercare.jiedao_indicators()
    with jiedao_app.app_context():
        communities, year = enabled_communities("eldercare"), Period.year(today().year)
        counted = [i.compute(db.session, communities, year) for i in indicators]
    assert counted == [1, 1]  # visits, elders visited: the deleted visit counts for neither
    # Restoring is an admin's: a worker may not even list what was deleted.
    assert worker.get(API, query_string={"deleted": 1}).status_code == 403
    assert worker.post(f"{LIST}/{vid}/restore").status_code == 403
    deleted = c_admin.get(LIST, query_string={"deleted": 1}).text
    assert "钱大妈" in deleted and "孙大爷" not in deleted
    assert c_admin.post(f"{LIST}/{vid}/restore").status_code == 302
    assert worker.get(API).json["total"] == 2
    actions = [h["action"] for h in worker.get(f"{API}/{vid}/history").json["items"]]
    assert actions == ["restore", "delete", "create"]


def test_exports_mask_the_phone_unless_a_holder_asks(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", STREET)
    worker, c_admin = jiedao_client_for("worker"), jiedao_client_for("c_admin")
    record(worker, "冯奶奶", phone=PHONE, needs="助浴")
    jiedao_client_for("s_admin").post(
        f"/api/v1/c/{A2}/eldercare/visits", json=visit("郑大爷", kind="phone")
    )
    table = exported(worker, "?unmask=1")  # asked, but not allowed: masked all the same
    assert table[0][:5] == ["社区", "老人", "老人电话", "走访方式", "走访日期"]
    assert table[1][:4] == ["永安里东社区", "冯奶奶", "138****5678", "入户走访"]
    assert table[1][4].date() == today()  # a date cell, not text
    assert len(table) == 2  # the worker's community only
    assert exported(c_admin)[1][2] == "138****5678"
    assert exported(c_admin, "?unmask=1")[1][2] == PHONE
    d_admin = jiedao_client_for("d_admin")
    assert audited(d_admin, "eldercare.export.unmasked") == ["c_admin"]
    assert worker.get(f"/n/{A2}/exports/eldercare.visits.xlsx").status_code == 404


def test_the_street_export_follows_the_list_filters(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", STREET)
    s_admin = jiedao_client_for("s_admin")
    s_admin.post(API, json=visit("冯奶奶"))
    s_admin.post(f"/api/v1/c/{A2}/eldercare/visits", json=visit("郑大爷", kind="phone"))
    response = s_admin.get(f"/n/{STREET}/exports/eldercare.visits.csv?kind=phone")
    assert response.status_code == 200
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("建国里社区,郑大爷")


def test_a_spreadsheet_imports_all_rows_or_none(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    good = "老人,走访方式,走访日期,走访人\n张桂兰,入户走访,2026-01-05,小王\n李秀英,电话问候,2026-01-06,小王\n"

    def upload(text: str):
        data = {"file": (io.BytesIO(text.encode("gbk")), "走访.csv")}
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/eldercare.visits",
            data=data,
            content_type="multipart/form-data",
        )

    refused = upload(good + "王建国,上门,2026-01-07,小王\n")
    assert refused.status_code == 422
    assert {(p["row"], p["column"]) for p in refused.json["error"]["rows"]} == {(4, "走访方式")}
    assert worker.get(API).json["total"] == 0
    assert upload(good).json == {"created": 2}
    assert [i["kind"] for i in worker.get(API).json["items"]] == ["phone", "home"]
    assert upload(good).status_code == 409  # the same visits again: nothing more is written
    assert worker.get(API).json["total"] == 2


# --- who sees what -----------------------------------------------------------------------------


def test_readers_read_and_others_find_nothing(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    vid = record(jiedao_client_for("worker"), "钱多多")
    inspector = jiedao_client_for("inspector")
    assert inspector.get(PAGE).status_code == 200
    assert "登记走访" not in inspector.get(PAGE).text
    assert inspector.get(f"{LIST}/{vid}").status_code == 200
    assert inspector.get(NEW).status_code == 403
    assert inspector.post(API, json=visit("钱多多")).status_code == 403
    assert inspector.post(f"{LIST}/{vid}/delete").status_code == 403
    assert inspector.patch(f"{API}/{vid}", json={"needs": "x"}).status_code == 403
    assert inspector.get(f"{API}/{vid}?unmask=1").status_code == 403
    leader = jiedao_client_for("leader")  # no eldercare permission
    assert leader.get(PAGE).status_code == 404
    assert leader.get(f"{API}/{vid}").status_code == 404


def test_where_the_module_is_off_there_is_nothing(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", A1)
    street_admin = jiedao_client_for("s_admin")
    assert street_admin.get(PAGE).status_code == 200
    assert street_admin.get(f"/c/{A2}/eldercare/").status_code == 404
    assert street_admin.get(f"/c/{A2}/eldercare/visits").status_code == 404
    assert street_admin.get(f"/api/v1/c/{A2}/eldercare/visits").status_code == 404


# --- figures -----------------------------------------------------------------------------------


def test_the_indicators_count_visits_in_the_period(
    jiedao_app, jiedao_enable_module, jiedao_client_for
):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    year = today().year
    record(worker, "周老伯", date(year, 1, 1))
    record(worker, "周老伯", date(year, 1, 2))
    record(worker, "吴阿姨", date(year - 1, 12, 31))  # the year before
    indicators = {i.name: i for i in jiedao_eldercare.jiedao_indicators()}
    with jiedao_app.app_context():
        communities = enabled_communities("eldercare")

        def figure(name: str, in_year: int) -> int:
            return indicators[name].compute(db.session, communities, Period.year(in_year))

        found = (
            figure("eldercare.visits", year),
            figure("eldercare.elders_visited", year),
            figure("eldercare.visits", year - 1),
        )
    assert found == (2, 1, 1)


def test_the_street_sees_the_roll_up(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", STREET)  # both communities of street A
    worker = jiedao_client_for("worker")  # works in A1 only
    record(worker, "郑大爷")
    record(worker, "郑大爷", kind="phone")
    s_admin = jiedao_client_for("s_admin")
    summary = s_admin.get(SUMMARY).json
    assert summary["visits"] == 2
    assert summary["items"] == [{"community": A1, "name": "永安里东社区", "visits": 2, "elders": 1}]
    refused = s_admin.get(SUMMARY + "?year=abc")
    assert refused.status_code == 422 and "year" in refused.json["error"]["fields"]
    # A community worker holds eldercare only in A1: the street's roll-up is not theirs.
    assert worker.get(SUMMARY).status_code == 404


def test_the_api_is_documented(jiedao_app, jiedao_client_for):
    spec = jiedao_client_for("worker").get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/c/{community}/eldercare/visits"])
    assert "/api/v1/c/{community}/eldercare/{plural}/{record_id}/history" in paths
    summary = paths["/api/v1/r/{node}/eldercare/summary"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"node", "year"}


def test_the_calendar_has_the_day_of_older_persons():
    (entry,) = jiedao_eldercare.jiedao_calendar()
    assert (entry.month, entry.day, entry.module) == (10, 1, "eldercare")


# --- the migration of existing visits ----------------------------------------------------------


def test_visits_recorded_before_0002_keep_who_recorded_them(
    jiedao_app, jiedao_database_url, jiedao_world, jiedao_enable_module, jiedao_client_for
):
    """eldercare_0002 moves ``recorded_by_id`` into the history; the downgrade brings it back."""
    from core import migrate

    jiedao_enable_module("eldercare")
    with jiedao_app.app_context():
        worker_id = jiedao_world.user("worker").id
        community_id = jiedao_world.node(A1).id
        db.session.remove()
    jiedao_app.extensions["jiedao.engine"].dispose()
    engine = sa.create_engine(jiedao_database_url)
    row = {
        "elder_name": "王秀兰",
        "visit_date": date(2026, 3, 5),
        "visitor": "刘芳",
        "needs": "助餐",
        "notes": "",
        "recorded_by_id": worker_id,
        "node_id": community_id,
        "community_id": community_id,
        "created_at": sa.func.current_timestamp(),
        "updated_at": sa.func.current_timestamp(),
    }
    visits = sa.table("eldercare_visit", *(sa.column(k) for k in ("id", *row)))
    try:
        migrate.downgrade(jiedao_database_url, "eldercare_0001")
        with engine.begin() as conn:
            conn.execute(visits.insert().values(**row))
        migrate.upgrade(jiedao_database_url)
        worker = jiedao_client_for("worker")
        (item,) = worker.get(API).json["items"]
        assert (item["elder_name"], item["kind"], item["phone"]) == ("王秀兰", "home", None)
        (created,) = worker.get(f"{API}/{item['id']}/history").json["items"]
        assert (created["action"], created["username"]) == ("create", "worker")
        assert created["changes"]["needs"] == [None, "助餐"]
        migrate.downgrade(jiedao_database_url, "eldercare_0001")
        with engine.connect() as conn:
            recorder = conn.execute(sa.text("SELECT recorded_by_id FROM eldercare_visit")).all()
        assert recorder == [(worker_id,)]
    finally:
        engine.dispose()
        migrate.upgrade(jiedao_database_url)


def test_every_message_is_translated():
    package_dir = Path(jiedao_eldercare.__file__).parent
    assert catalogue_gaps(package_dir, "zh_Hans_CN") == []
    assert catalogue_gaps(package_dir, "en") == []

"""The eldercare plugin against the real platform, with the ``jiedao_*`` fixtures of
``core.testing``. Install the package (``pip install -e .``), then run ``pytest``."""

from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from core.db import db
from core.reports import Period
from core.testing import catalogue_gaps, schema_differences

import jiedao_eldercare
from jiedao_eldercare import services

A1 = "110105001001"  # 永安里东社区: eldercare is switched on here
A2 = "110105001002"  # 建国里社区, same street: it stays off
STREET = "110105001"
PAGE = f"/c/{A1}/eldercare/"
NEW = f"/c/{A1}/eldercare/visits/new"
API = f"/api/v1/c/{A1}/eldercare/visits"
SUMMARY = f"/api/v1/r/{STREET}/eldercare/summary"


def visit(elder: str, day: date | None = None, **more: str) -> dict[str, str]:
    data = {"elder_name": elder, "visit_date": (day or date.today()).isoformat(), "visitor": "小王"}
    return {**data, **more}


def this_month_day() -> date:
    """A day of this month that is not in the future (the 1st)."""
    return services.today().replace(day=1)


def test_the_plugin_is_installed_and_active(jiedao_app):
    info = jiedao_app.extensions["jiedao.plugins"].plugins["eldercare"]
    assert info.status == "active", info.reason
    assert info.distribution == "jiedao-eldercare"
    assert info.manifest.version == jiedao_eldercare.__version__


def test_the_migration_matches_the_model(jiedao_app, jiedao_database_url):
    assert schema_differences(jiedao_database_url, "eldercare_") == []


def test_default_grants_and_settings(jiedao_app, jiedao_world, jiedao_enable_module):
    from core.models import Role
    from tenants.modules import module_settings

    jiedao_enable_module("eldercare")
    with jiedao_app.app_context():
        grants = {r.key: set(r.patterns) for r in db.session.scalars(sa.select(Role))}
        settings = module_settings(db.session, jiedao_world.node(A1).id, "eldercare")
    assert {"eldercare.view", "eldercare.edit"} <= grants["program_worker"]
    assert {"eldercare.view", "eldercare.edit"} <= grants["community_admin"]
    assert "eldercare.view" in grants["inspector"]
    assert "eldercare.edit" not in grants["inspector"]
    assert not any(p.startswith("eldercare.") for p in grants["building_leader"])
    assert settings == {"visits_per_month": 2}


def test_record_a_visit_on_the_page(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    form = worker.get(NEW)
    assert form.status_code == 200
    assert "登记走访" in form.text and services.today().isoformat() in form.text
    response = worker.post(NEW, data=visit("张桂兰", this_month_day(), needs="助餐"))
    assert response.status_code == 302
    page = worker.get(PAGE).text
    assert "已登记对张桂兰的走访。" in page
    assert "张桂兰" in page and "助餐" in page
    assert "目标：每位老人每月走访2次。" in page
    assert "未达标" in page  # one visit this month, two wanted


def test_the_monthly_target_is_a_community_setting(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", settings={"visits_per_month": 1})
    worker = jiedao_client_for("worker")
    assert worker.post(API, json=visit("李秀英", this_month_day())).status_code == 201
    page = worker.get(PAGE).text
    assert "目标：每位老人每月走访1次。" in page
    assert "未达标" not in page


def test_the_form_refuses_a_visit_in_the_future(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    tomorrow = services.today() + timedelta(days=1)
    response = jiedao_client_for("worker").post(NEW, data=visit("王建国", tomorrow))
    assert response.status_code == 422
    assert "走访日期不能晚于今天。" in response.text
    assert 'value="王建国"' in response.text  # what was typed is kept


def test_the_api_records_lists_and_validates(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    created = worker.post(API, json=visit("赵淑珍", needs="就医陪同"))
    assert created.status_code == 201
    assert created.json["elder_name"] == "赵淑珍" and created.json["needs"] == "就医陪同"
    worker.post(API, json=visit("孙志强"))
    assert worker.get(API).json["total"] == 2
    only = worker.get(API, query_string={"elder": "赵淑珍"}).json
    assert [v["elder_name"] for v in only["items"]] == ["赵淑珍"]
    refused = worker.post(API, json={"elder_name": " ", "visit_date": "not a date"})
    assert refused.status_code == 422
    assert {"elder_name", "visit_date", "visitor"} <= set(refused.json["error"]["fields"])


def test_readers_read_and_others_find_nothing(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    inspector = jiedao_client_for("inspector")
    assert inspector.get(PAGE).status_code == 200
    assert "登记走访" not in inspector.get(PAGE).text
    assert inspector.get(NEW).status_code == 403
    assert inspector.post(API, json=visit("钱多多")).status_code == 403
    assert jiedao_client_for("leader").get(PAGE).status_code == 404  # no eldercare permission


def test_where_the_module_is_off_there_is_nothing(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", A1)
    street_admin = jiedao_client_for("s_admin")
    assert street_admin.get(PAGE).status_code == 200
    assert street_admin.get(f"/c/{A2}/eldercare/").status_code == 404
    assert street_admin.get(f"/api/v1/c/{A2}/eldercare/visits").status_code == 404


def test_the_indicator_counts_visits_in_the_period(
    jiedao_app, jiedao_enable_module, jiedao_client_for
):
    from tenants.modules import enabled_communities

    jiedao_enable_module("eldercare")
    worker = jiedao_client_for("worker")
    year = services.today().year
    worker.post(API, json=visit("周老伯", date(year, 1, 1)))
    worker.post(API, json=visit("周老伯", date(year, 1, 2)))
    worker.post(API, json=visit("吴阿姨", date(year - 1, 12, 31)))  # the year before
    indicators = {i.name: i for i in jiedao_eldercare.jiedao_indicators()}
    with jiedao_app.app_context():
        communities = enabled_communities("eldercare")
        visits = indicators["eldercare.visits"].compute(db.session, communities, Period.year(year))
        elders = indicators["eldercare.elders_visited"].compute(
            db.session, communities, Period.year(year)
        )
        last_year = indicators["eldercare.visits"].compute(
            db.session, communities, Period.year(year - 1)
        )
    assert (visits, elders, last_year) == (2, 1, 1)


def test_the_street_sees_the_roll_up(jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare", STREET)  # both communities of street A
    worker = jiedao_client_for("worker")  # works in A1 only
    worker.post(API, json=visit("郑大爷"))
    worker.post(API, json=visit("郑大爷"))
    summary = jiedao_client_for("s_admin").get(SUMMARY).json
    assert summary["visits"] == 2
    assert summary["items"] == [{"community": A1, "name": "永安里东社区", "visits": 2, "elders": 1}]
    assert jiedao_client_for("s_admin").get(SUMMARY + "?year=abc").status_code == 422
    # A community worker holds eldercare only in A1: the street's roll-up is not theirs.
    assert worker.get(SUMMARY).status_code == 404


def test_the_export_rows_follow_the_scope(jiedao_app, jiedao_enable_module, jiedao_client_for):
    jiedao_enable_module("eldercare")
    jiedao_client_for("worker").post(API, json=visit("冯奶奶", needs="助浴"))
    (export,) = jiedao_eldercare.jiedao_exports()
    with jiedao_app.app_context():
        rows = list(export.rows(db.session, lambda model: sa.true(), {}))
        nothing = list(export.rows(db.session, lambda model: sa.false(), {}))
    assert [(r["community"], r["elder_name"], r["needs"]) for r in rows] == [
        ("永安里东社区", "冯奶奶", "助浴")
    ]
    assert nothing == []


def test_the_calendar_has_the_day_of_older_persons():
    (entry,) = jiedao_eldercare.jiedao_calendar()
    assert (entry.month, entry.day, entry.module) == (10, 1, "eldercare")


def test_every_message_is_translated():
    package_dir = Path(jiedao_eldercare.__file__).parent
    assert catalogue_gaps(package_dir, "zh_Hans_CN") == []
    assert catalogue_gaps(package_dir, "en") == []

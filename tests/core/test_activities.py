"""Activity records (core.activities): declared by a module, listed, counted and shown in every
module an activity counts for, with named attendance, materials, photos and a sign-in sheet."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.activities import Activity, ActivityAttendee, count_held
from core.db import db

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
NOW = "2026-06-15T10:00:00+08:00"


def api(module: str = "outreach", ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/{module}"


def page(module: str = "outreach", ref: str = A1) -> str:
    return f"/c/{ref}/{module}"


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    """The test app with one more module, ``outreach`` (tests/fixture_plugins/outreach): nothing
    but an activity ledger. It has no tables of its own, so the tests' database serves."""
    from tests.conftest import TEST_PLUGINS, _ep, make_app

    plugins = [*TEST_PLUGINS, _ep("outreach", "tests.fixture_plugins.outreach")]
    return make_app(database_url, tmp_path_factory.mktemp("instance"), plugins)


@pytest.fixture
def ready(app, world, jiedao_clock):
    """Outreach and safety on in A1 and A2 (not B1); the clock on 2026-06-15."""
    from tenants import modules

    jiedao_clock(NOW)
    with app.app_context():
        for ref in (A1, A2):
            for module in ("outreach", "safety"):
                modules.enable(db.session, world.node(ref), module, None)
        db.session.commit()


@pytest.fixture
def made(app, world):
    """``made(module, ref=A1, counts_for=(), **fields)`` records an activity; its id."""

    def make(module: str, ref: str = A1, counts_for=(), **fields) -> int:
        from plugins.safety.activities.ledgers import activities as safety
        from tests.fixture_plugins.outreach.views import activities as outreach

        ledger = {"safety": safety, "outreach": outreach}[module]
        data = {"kind": "other", "title": f"{module}活动", "held_on": date(2026, 6, 10)}
        with app.app_context():
            obj = ledger.write_new(
                db.session, world.node(ref), data | fields | {"counts_for": list(counts_for)}
            )
            db.session.commit()
            return obj.id

    return make


@pytest.fixture
def count(app):
    """``count(Model)`` → its rows in the database now, soft-deleted ones too."""

    def rows(model) -> int:
        with app.app_context():
            stmt = sa.select(sa.func.count()).select_from(model)
            return db.session.scalar(stmt.execution_options(include_deleted=True))

    return rows


def titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.json
    return sorted(item["title"] for item in response.json["items"])


JOINT = {
    "kind": "lecture",
    "title": "法治安全进社区联合宣传",
    "held_on": "2026-06-12",
    "start_time": "09:30",
    "end_time": "11:00",
    "place": "社区文化广场",
    "organiser": "社区居委会",
    "partners": "派出所、消防站",
    "target_groups": ["youth", "elderly"],
    "headcount": 120,
    "summary": "发放宣传资料、现场答疑",
    "counts_for": ["safety"],
}


def test_record_with_attendance_and_materials_through_the_api(ready, as_user):
    worker = as_user("worker")
    created = worker.post(api() + "/activities", json=JOINT)
    assert created.status_code == 201, created.json
    aid = created.json["id"]
    assert created.json["module"] == "outreach" and created.json["counts_for"] == ["safety"]
    assert created.json["start_time"] == "09:30" and created.json["target_groups"] == [
        "youth",
        "elderly",
    ]
    for person in (
        {"name": "张三", "phone": "13812345678", "role": "volunteer"},
        {"name": "李四", "role": "lecturer", "unit": "区司法所", "resident_id": 77},
    ):
        added = worker.post(api() + f"/activities/{aid}/attendees", json=person)
        assert added.status_code == 201, added.json
    material = worker.post(
        api() + f"/activities/{aid}/materials", json={"kind": "宣传折页", "quantity": 300}
    )
    assert material.status_code == 201, material.json
    one = worker.get(api() + f"/activities/{aid}").json
    assert [(a["name"], a["role"]) for a in one["attendees"]] == [
        ("张三", "volunteer"),
        ("李四", "lecturer"),
    ]
    assert one["attendee_count"] == 2 and one["attendees"][1]["resident_id"] == 77
    assert [(m["kind"], m["quantity"]) for m in one["materials"]] == [("宣传折页", 300)]
    assert one["photos"] == []
    listed = worker.get(api() + f"/activities/{aid}/attendees").json["items"]
    assert [a["name"] for a in listed] == ["张三", "李四"]


def test_the_phone_is_s2_masked_unless_unmasked(ready, as_user, made):
    aid = made("outreach")
    worker = as_user("worker")
    worker.post(
        api() + f"/activities/{aid}/attendees", json={"name": "张三", "phone": "13812345678"}
    )
    shown = worker.get(api() + f"/activities/{aid}").json["attendees"][0]
    assert shown["phone"] != "13812345678" and shown["phone"].startswith("138")
    assert "13812345678" not in worker.get(page() + f"/activities/{aid}").text
    assert "13812345678" not in worker.get(page() + f"/activities/{aid}/sign-in-sheet").text
    assert worker.get(api() + f"/activities/{aid}?unmask=1").status_code == 403
    admin = as_user("c_admin")
    aids = admin.get(api() + "/activity_attendees?unmask=1").json["items"]
    assert aids[0]["phone"] != "13812345678"  # lists never unmask
    attendee = aids[0]["id"]
    full = admin.get(api() + f"/activity_attendees/{attendee}?unmask=1").json
    assert full["phone"] == "13812345678"


def test_record_on_the_pages_with_attendance_added_on_its_page(ready, as_user, count):
    worker = as_user("worker")
    form = worker.get(page() + "/activities/new")
    assert form.status_code == 200
    for label in ("活动类型", "活动主题", "活动时间", "活动地点", "参加对象", "同时计入"):
        assert label in form.text, label
    created = worker.post(
        page() + "/activities/new",
        data={
            "kind": "stall",
            "title": "防范电信诈骗咨询",
            "held_on": "2026-06-14",
            "start_time": "14:00",
            "place": "社区广场",
            "target_groups": ["elderly"],
            "counts_for": ["safety"],
            "headcount": "60",
        },
    )
    assert created.status_code == 302, created.text
    aid = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    added = worker.post(
        page() + f"/activities/{aid}/attendees",
        data={"name": "王五", "role": "participant", "phone": "13900001111"},
    )
    assert added.status_code == 302
    refused = worker.post(page() + f"/activities/{aid}/attendees", data={"name": ""})
    assert refused.status_code == 422 and "王五" in refused.text  # the page again, with the form
    worker.post(
        page() + f"/activities/{aid}/materials",
        data={"kind": "宣传海报", "quantity": "20", "count_unit": "张"},
    )
    shown = worker.get(page() + f"/activities/{aid}")
    text = shown.text
    assert shown.status_code == 200
    assert 'data-part="attendees"' in text and "王五" in text
    assert 'data-part="materials"' in text and "宣传海报" in text
    assert "老年人" in text and "14:00" in text
    assert 'data-add="attendees"' in text  # the form to add one, on the activity's page
    assert f"/activities/{aid}/sign-in-sheet" in text
    assert count(ActivityAttendee) == 1


def test_an_activity_counts_for_each_of_its_modules_and_no_other(ready, app, world, as_user, made):
    joint = made("outreach", counts_for=["safety"], title="联合宣传")
    made("outreach", title="只属外联")
    safety_only = made("safety", title="只属安全")
    worker = as_user("worker")
    assert titles(worker, api() + "/activities") == ["只属外联", "联合宣传"]
    assert titles(worker, api("safety") + "/activities") == ["只属安全", "联合宣传"]
    assert worker.get(api("safety") + f"/activities/{joint}").status_code == 200
    assert worker.get(page("safety") + f"/activities/{joint}").status_code == 200
    assert worker.get(page() + f"/activities/{safety_only}").status_code == 404
    assert worker.get(api() + f"/activities/{safety_only}").status_code == 404
    assert (
        worker.patch(api() + f"/activities/{safety_only}", json={"headcount": 1}).status_code == 404
    )
    assert (
        worker.post(api() + f"/activities/{safety_only}/attendees", json={"name": "x"}).status_code
        == 404
    )
    assert titles(worker, api() + "/activities?own=0") == []  # none kept by another module
    assert titles(worker, api() + "/activities?own=1") == ["只属外联", "联合宣传"]
    assert titles(worker, api("safety") + "/activities?own=0") == ["联合宣传"]
    with app.app_context():
        here = sa.select(sa.literal(world.node(A1).id))
        window = (date(2026, 6, 1), date(2026, 6, 30))
        assert count_held(db.session, "outreach", here, *window) == 2
        assert count_held(db.session, "safety", here, *window) == 2
        assert count_held(db.session, "ledger", here, *window) == 0  # a third module
        assert count_held(db.session, "outreach", here, *window, kinds=["lecture"]) == 0
        from core.reports import Period
        from plugins.safety.activities.ledgers import activities as safety

        held = safety.indicator("safety.activities_held", "宣传活动场次")
        assert held.compute(db.session, here, Period.year(2026)) == 2
        assert held.compute(db.session, here, Period.year(2025)) == 0
    csv = worker.get(f"/n/{A1}/exports/safety.activities.csv").data.decode("utf-8-sig")
    assert "联合宣传" in csv and "只属安全" in csv and "只属外联" not in csv
    csv = worker.get(f"/n/{A1}/exports/outreach.activities.csv").data.decode("utf-8-sig")
    assert "联合宣传" in csv and "只属外联" in csv and "只属安全" not in csv


def test_only_the_module_that_keeps_an_activity_changes_it(ready, as_user, made, count):
    joint = made("outreach", counts_for=["safety"], title="联合宣传")
    worker = as_user("worker")
    here = worker.post(api() + f"/activities/{joint}/attendees", json={"name": "张三"})
    assert here.status_code == 201
    attendee = here.json["id"]
    there = api("safety") + f"/activities/{joint}"
    for answer in (
        worker.patch(there, json={"counts_for": []}),
        worker.delete(there),
        worker.post(there + "/attendees", json={"name": "李四"}),
        worker.delete(api("safety") + f"/activity_attendees/{attendee}"),
        worker.patch(api("safety") + f"/activity_attendees/{attendee}", json={"name": "王五"}),
    ):
        assert answer.status_code == 409, answer.json
        assert (
            "外联" in answer.json["error"]["message"]
            or "Outreach" in answer.json["error"]["message"]
        )
    assert worker.post(page("safety") + f"/activities/{joint}/delete").status_code == 302
    assert worker.get(there).json["title"] == "联合宣传" and not worker.get(there).json["deleted"]
    assert count(ActivityAttendee) == 1
    shown = worker.get(page("safety") + f"/activities/{joint}").text
    assert 'data-field="module"' in shown and "Outreach" in shown
    assert f"/activities/{joint}/edit" not in shown and 'data-add="attendees"' not in shown
    assert "data-sign-in-sheet" in shown
    own = worker.get(page() + f"/activities/{joint}").text
    assert f"/activities/{joint}/edit" in own and 'data-add="attendees"' in own
    assert 'data-field="module"' not in own


def test_an_attendee_cannot_be_added_to_another_modules_or_communitys_activity(
    ready, as_user, made, count
):
    safety_only = made("safety")
    theirs = made("outreach", ref=A2)
    worker = as_user("worker")
    for activity in (safety_only, theirs):
        refused = worker.post(
            api() + "/activity_attendees", json={"name": "张三", "activity_id": activity}
        )
        assert refused.status_code == 422 and "activity_id" in refused.json["error"]["fields"]
    assert count(ActivityAttendee) == 0


def _statuses(client, ref: str = A1) -> dict[str, str]:
    html = client.get(f"/n/{ref}/calendar?year=2026").get_data(as_text=True)
    rows = re.findall(
        r'<tr data-day="([^"]+)"[^>]*>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]+)</td>.*?'
        r'data-status="([a-z]+)"',
        html,
        re.S,
    )
    return {f"{day} {label.strip()}": status for day, label, status in rows}


def test_the_calendar_sees_an_activity_that_counts_for_the_module(ready, as_user, made):
    worker = as_user("worker")
    assert _statuses(worker)["2026-03-15 消费者权益日"] == "missing"
    made("safety", held_on=date(2026, 3, 14), counts_for=["outreach"])
    assert _statuses(worker)["2026-03-15 消费者权益日"] == "held"
    street = as_user("s_admin")
    assert _statuses(street, A2)["2026-03-15 消费者权益日"] == "missing"


def test_denials(ready, app, world, as_user, made):
    mine = made("outreach")
    theirs = made("outreach", ref=A2)
    worker = as_user("worker")
    for url in (f"/activities/{theirs}", f"/activities/{theirs}/sign-in-sheet"):
        assert worker.get(page() + url).status_code == 404
    assert worker.get(api() + f"/activities/{theirs}").status_code == 404
    assert (
        worker.post(
            api() + f"/activities/{theirs}/materials", json={"kind": "x", "quantity": 1}
        ).status_code
        == 404
    )
    assert worker.get(page(ref=B1) + "/activities").status_code == 404  # module off there
    reader = as_user("inspector")
    assert reader.get(page() + f"/activities/{mine}/sign-in-sheet").status_code == 200
    assert reader.post(api() + "/activities", json=JOINT).status_code == 403
    assert (
        reader.post(api() + f"/activities/{mine}/attendees", json={"name": "x"}).status_code == 403
    )
    assert (
        reader.post(page() + f"/activities/{mine}/attendees", data={"name": "x"}).status_code == 403
    )
    assert reader.patch(api() + f"/activities/{mine}", json={"headcount": 3}).status_code == 403

    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "outreach")
        db.session.commit()
    assert worker.get(api() + f"/activities/{mine}").status_code == 404
    assert worker.get(page() + f"/activities/{mine}/sign-in-sheet").status_code == 404
    assert worker.get(page() + "/activities").status_code == 404


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"held_on": "2027-12-01"}, "held_on"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"start_time": "25:00"}, "start_time"),
        ({"ends_on": "2026-06-01"}, "ends_on"),
        ({"start_time": "10:00", "end_time": "09:00"}, "end_time"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"counts_for": ["nonexistent"]}, "counts_for"),
        ({"counts_for": "safety"}, None),  # a text is read as a list: accepted
        ({"observance": "13-45"}, "observance"),
        ({"headcount": -1}, "headcount"),
        ({"forms": ["parade"]}, "forms"),
        ({"laws": "法" * 301}, "laws"),
    ],
)
def test_bad_activities_are_refused_by_field(ready, as_user, count, fields, field):
    answer = as_user("worker").post(
        api() + "/activities", json={"title": "讲座", "held_on": "2026-06-10", **fields}
    )
    if field is None:
        assert answer.status_code == 201
        return
    assert answer.status_code == 422 and field in answer.json["error"]["fields"], answer.json
    assert count(Activity) == 0


@pytest.mark.parametrize(
    "part, body, field",
    [
        ("attendees", {"name": ""}, "name"),
        ("attendees", {"name": "张三", "phone": "abc"}, "phone"),
        ("attendees", {"name": "张三", "role": "king"}, "role"),
        ("materials", {"kind": "折页", "quantity": 0}, "quantity"),
        ("materials", {"quantity": 5}, "kind"),
    ],
)
def test_bad_parts_are_refused_by_field(ready, as_user, made, part, body, field):
    aid = made("outreach")
    answer = as_user("worker").post(api() + f"/activities/{aid}/{part}", json=body)
    assert answer.status_code == 422 and field in answer.json["error"]["fields"], answer.json


def test_the_observance_is_one_of_the_modules_calendar(ready, as_user):
    worker = as_user("worker")
    made = worker.post(
        api() + "/activities",
        json={"title": "3·15宣传", "held_on": "2026-03-15", "observance": "03-15"},
    )
    assert made.status_code == 201 and made.json["observance"] == "03-15"
    shown = worker.get(page() + f"/activities/{made.json['id']}").text
    assert "消费者权益日" in shown


def test_the_sign_in_sheet(ready, as_user, made):
    aid = made(
        "outreach",
        title="垃圾分类讲座",
        held_on=date(2026, 6, 12),
        place="社区活动室",
        organiser="社区居委会",
    )
    worker = as_user("worker")
    for name in ("张三", "李四"):
        worker.post(api() + f"/activities/{aid}/attendees", json={"name": name})
    sheet = worker.get(page() + f"/activities/{aid}/sign-in-sheet")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    for expected in ("签到表", "垃圾分类讲座", "2026-06-12", "社区活动室", "社区居委会", "签名"):
        assert expected in text, expected
    named = re.findall(r'<tr data-attendee><td class="no">(\d+)</td><td>([^<]*)</td>', text)
    assert named == [("1", "张三"), ("2", "李四")]
    blanks = re.findall(r'<tr data-blank><td class="no">(\d+)</td>', text)
    assert blanks[0] == "3" and len(blanks) >= 5
    assert "@media print" in text


def test_the_history_of_an_edit(ready, as_user, made):
    aid = made("outreach", title="讲座")
    worker = as_user("worker")
    changed = worker.patch(
        api() + f"/activities/{aid}",
        json={"title": "法治讲座", "counts_for": ["safety"], "start_time": "09:00"},
    )
    assert changed.status_code == 200 and changed.json["counts_for"] == ["safety"]
    history = worker.get(api() + f"/activities/{aid}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["changes"]["title"] == ["讲座", "法治讲座"]
    assert history[0]["changes"]["counts_for"] == [[], ["safety"]]
    assert history[0]["changes"]["start_time"] == [None, "09:00"]
    # one history, whichever module's page shows it
    assert worker.get(api("safety") + f"/activities/{aid}/history").json["items"] == history
    shown = worker.get(page() + f"/activities/{aid}").text
    assert "法治讲座" in shown and "同时计入" in shown


def image() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "orange").save(out, "PNG")
    return out.getvalue()


def test_photos_show_in_every_module_the_activity_counts_for(ready, as_user, made):
    joint = made("outreach", counts_for=["safety"])
    worker = as_user("worker")
    uploaded = worker.post(
        api() + f"/activities/{joint}/photos",
        data={"photo": (io.BytesIO(image()), "a.png")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    listed = worker.get(api("safety") + f"/activities/{joint}/photos").json["items"]
    assert [p["id"] for p in listed] == [uploaded.json["id"]]
    assert worker.get(listed[0]["url"]).status_code == 200  # served at safety's address
    assert "/safety/" in listed[0]["url"]
    assert (
        worker.get(api("safety") + f"/activities/{joint}").json["photos"][0]["id"]
        == listed[0]["id"]
    )
    only_outreach = made("outreach")
    assert worker.get(api("safety") + f"/activities/{only_outreach}/photos").status_code == 404


def test_the_forms_and_laws_of_a_module_that_keeps_them(ready, as_user):
    """Outreach keeps the forms an activity takes (形式) and the laws it covered; safety keeps
    neither, and its activities show neither, even one counting for outreach."""
    worker = as_user("worker")
    made = worker.post(
        api() + "/activities",
        json={
            **JOINT,
            "forms": ["lecture", "exhibition"],
            "laws": "宪法、民法典",
        },
    )
    assert made.status_code == 201, made.json
    assert (made.json["forms"], made.json["laws"]) == (["lecture", "exhibition"], "宪法、民法典")
    html = worker.get(page() + f"/activities/{made.json['id']}").get_data(as_text=True)
    assert "活动形式" in html and "图片展览" in html and "宪法、民法典" in html
    form = worker.get(page() + "/activities/new").get_data(as_text=True)
    assert 'name="forms"' in form and "宪法、民法典" in form  # the laws suggested as its help
    sheet = worker.get(f"/n/{A1}/exports/outreach.activities.xlsx")
    assert sheet.status_code == 200
    cells = str(
        list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    )
    assert "宣传的法律法规" in cells and "宪法、民法典" in cells
    edited = worker.patch(api() + f"/activities/{made.json['id']}", json={"forms": ["lecture"]})
    assert edited.status_code == 200 and edited.json["forms"] == ["lecture"]
    history = worker.get(api() + f"/activities/{made.json['id']}/history").json["items"]
    assert "forms" in str(history[0])
    shared = worker.get(api("safety") + f"/activities/{made.json['id']}").json
    assert "forms" not in shared and "laws" not in shared
    own = worker.post(
        api("safety") + "/activities", json={"title": "消防演练", "held_on": "2026-06-10"}
    )
    assert own.status_code == 201 and "forms" not in own.json

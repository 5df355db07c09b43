"""关爱对象台账: the ages and records a child in care must respect (translated 422s naming the
field), entry from a lead confirmed by the community admin, exit with its reason, the lead's
assessment deadline and the exit at 18 on the workbench on a fixed clock, the 民政 list import
(all or nothing, the bad row named) and history on every edit."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.youth_care.models import YouthCareChild

from .conftest import A1, B1, api, page
from .helpers import upload, work_items


def post_child(client, resident_id: int, **fields):
    return client.post(api() + "/children", json={"resident_id": resident_id, **fields})


@pytest.mark.parametrize(
    ("born", "fields", "field"),
    [
        (date(2008, 6, 15), {}, "resident_id"),  # 18 today
        (date(2008, 6, 16), {"categories": ["left_behind"]}, "categories"),  # 17: not under 16
        (date(2000, 6, 15), {"categories": ["student"]}, "categories"),  # 26
        (date(2015, 1, 1), {"categories": ["nonsense"]}, "categories"),
        (date(2015, 1, 1), {"level": "very"}, "level"),
        (date(2015, 1, 1), {"guardian_phone": "12345"}, "guardian_phone"),
        (date(2015, 1, 1), {"found_on": "2026-06-16"}, "found_on"),
    ],
)
def test_entries_are_refused_naming_the_field(ready, as_user, resident, count, born, fields, field):
    refused = post_child(as_user("worker"), resident(born), **fields)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert count(YouthCareChild) == 0


def test_the_age_limits_let_in_who_they_should(ready, as_user, resident):
    worker = as_user("worker")
    assert post_child(worker, resident(date(2008, 6, 16))).status_code == 201  # 17
    student = post_child(worker, resident(date(2001, 6, 16)), categories=["student"])  # 25
    assert student.status_code == 201, student.json
    left = post_child(worker, resident(date(2010, 6, 16)), categories=["left_behind"])  # 15
    assert left.status_code == 201, left.json


def test_the_records_it_names_must_be_of_the_community(ready, as_user, resident, unit):
    worker = as_user("worker")
    elsewhere = post_child(worker, resident(date(2015, 1, 1), ref=B1))
    assert elsewhere.status_code == 422 and "resident_id" in elsewhere.json["error"]["fields"]
    assert "本社区" in elsewhere.json["error"]["message"]
    child_id = resident(date(2015, 1, 1))
    own = post_child(worker, child_id, guardian_id=child_id)
    assert own.status_code == 422 and "guardian_id" in own.json["error"]["fields"]
    shop = post_child(worker, child_id, school_id=unit("shop"))
    assert shop.status_code == 422 and "school_id" in shop.json["error"]["fields"]
    school = unit("school", name="永安里小学")
    made = post_child(worker, child_id, school_id=school, guardian_id=resident(date(1980, 1, 1)))
    assert made.status_code == 201, made.json
    twice = post_child(worker, child_id)
    assert twice.status_code == 409 and "resident_id" in twice.json["error"]["fields"]


def test_a_lead_is_confirmed_by_the_admin_and_exits_with_a_reason(ready, as_user, resident):
    worker, admin = as_user("worker"), as_user("c_admin")
    made = post_child(worker, resident(date(2015, 1, 1)), level="urgent")
    child = made.json
    assert (child["status"], child["deadline"]) == ("lead", "2026-06-16")  # 紧急: 24 hours
    url = api() + f"/children/{child['id']}"
    denied = worker.post(url + "/confirm", json={})
    assert denied.status_code == 403 and "社区管理员" in denied.json["error"]["message"]
    confirmed = admin.post(url + "/confirm", json={"on": "2026-06-15"})
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["status"], confirmed.json["entered_on"]) == ("active", "2026-06-15")
    assert confirmed.json["deadline"] is None
    again = admin.post(url + "/confirm", json={})
    assert again.status_code == 409
    no_reason = worker.post(url + "/exit", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["error"]["fields"]
    left = worker.post(url + "/exit", json={"reason": "moved", "comment": "随父母迁往外省"})
    assert left.status_code == 200 and left.json["exit_reason"] == "moved"
    events = worker.get(url + "/events").json["items"]
    assert [e["action"] for e in events] == ["confirm", "exit"]


def test_an_overdue_lead_and_a_child_turning_18_show_on_the_workbench(
    ready, as_user, resident, child, clock
):
    worker = as_user("worker")
    lead = post_child(worker, resident(date(2015, 1, 1)), found_on="2026-06-01").json
    assert lead["deadline"] == "2026-06-08"
    child(born=date(2008, 6, 20))  # 18 on 20 June
    child(born=date(2008, 6, 20), categories=["student"])  # a student stays to 25
    assert work_items(worker) == {
        ("youth_care.children_overdue", A1): (1, f"/c/{A1}/youth_care/children?overdue=1"),
        # The two in care were never visited: overdue for their visit too.
        ("youth_care.visit_overdue", A1): (2, f"/c/{A1}/youth_care/visits/due?status=overdue"),
    }
    assert worker.get(api() + "/children?adult=1").json["total"] == 0
    clock("2026-06-20T09:00:00+08:00")
    items = work_items(worker)
    assert items[("youth_care.children_adult", A1)] == (1, f"/c/{A1}/youth_care/children?adult=1")
    listed = worker.get(api() + "/children?adult=1").json
    assert listed["total"] == 1 and listed["items"][0]["age"] == 18
    assert worker.get(page() + "/children?adult=1").status_code == 200


def test_the_civil_affairs_list_import_is_all_or_nothing(ready, as_user, app, world, count):
    from tests.plugins.registry.conftest import make_id

    from .conftest import A1 as HERE

    worker = as_user("worker")
    ids = []
    for n, born in enumerate((date(2014, 3, 1), date(2016, 9, 9))):
        number = make_id(born, 300 + n)
        made = worker.post(
            f"/api/v1/c/{HERE}/registry/residents",
            json={"name": f"儿童{n}", "id_number": number, "birth_date": born.isoformat()},
        )
        assert made.status_code == 201, made.json
        ids.append(number)
    header = ["身份证号", "关爱类别", "关注等级", "监护人", "监护人电话"]
    rows = [
        header,
        [ids[0], "留守儿童", "重点", "王奶奶", "13800138000"],
        [make_id(date(2015, 1, 1), 999), "流动儿童", "一般", "", ""],  # nobody here has it
        [ids[1], "单亲/重组家庭子女", "一般", "", ""],
    ]
    refused = upload(worker, "youth_care.children", rows)
    assert refused.status_code == 422, refused.json
    assert [p["row"] for p in refused.json["error"]["rows"]] == [3]
    assert count(YouthCareChild) == 0
    del rows[2]
    done = upload(worker, "youth_care.children", rows)
    assert done.status_code == 200 and done.json == {"created": 2}, done.json
    admin = as_user("c_admin")
    listed = admin.get(api() + "/children").json["items"]
    assert {c["source"] for c in listed} == {"civil_affairs"}
    shown = [admin.get(api() + f"/children/{c['id']}?unmask=1").json for c in listed]
    assert sorted(c["categories"][0] for c in shown) == ["left_behind", "single_parent"]


def test_every_edit_keeps_history(ready, as_user, child):
    child_id = child(level="general")
    worker = as_user("worker")
    changed = worker.patch(api() + f"/children/{child_id}", json={"level": "key"})
    assert changed.status_code == 200, changed.json
    history = worker.get(api() + f"/children/{child_id}/history").json["items"]
    assert history[0]["changes"]["level"] == ["general", "key"]
    assert "重点" in worker.get(page() + f"/children/{child_id}").text
    assert worker.get(page() + f"/children/{child_id}").status_code == 200


def test_a_lead_taken_into_care_paired_visited_overdue_and_proposed_for_exit_at_18(
    ready, as_user, resident, app, world, clock
):
    """The whole path on a fixed clock: a lead of 15 June (17, 18 on 1 July) is confirmed,
    paired monthly and visited that day; on 20 July its visit is overdue (due 15 July) and it
    is proposed for exit at 18 on the workbench; the exit names its reason."""
    from .records import volunteer_in

    worker, admin = as_user("worker"), as_user("c_admin")
    lead = post_child(worker, resident(date(2008, 7, 1)), categories=["poor_family"]).json
    assert lead["status"] == "lead" and lead["deadline"] == "2026-06-22"
    assert admin.post(api() + f"/children/{lead['id']}/confirm", json={}).status_code == 200
    pairing = worker.post(api() + "/pairings", json={
        "child_id": lead["id"], "volunteer_id": volunteer_in(app, world),
        "starts_on": "2026-06-15", "frequency": "monthly"}).json  # fmt: skip
    assert admin.post(api() + f"/pairings/{pairing['id']}/approve", json={}).status_code == 200
    with app.app_context():
        from core.db import db

        resident_id = db.session.get(YouthCareChild, lead["id"]).resident_id
    visit = worker.post(api() + "/visits", json={
        "subject_kind": "resident", "subject_id": resident_id, "visited_on": "2026-06-15",
        "mode": "home"})  # fmt: skip
    assert visit.status_code == 201, visit.json
    assert work_items(worker) == {}  # visited, paired, not 18 yet
    clock("2026-07-20T09:00:00+08:00")
    worker = as_user("worker")
    items = work_items(worker)
    assert items[("youth_care.visit_overdue", A1)][0] == 1
    assert items[("youth_care.children_adult", A1)][0] == 1
    left = worker.post(api() + f"/children/{lead['id']}/exit", json={"reason": "adult"})
    assert left.status_code == 200 and left.json["exit_reason"] == "adult"
    assert work_items(as_user("worker")) == {}  # out of care: no visit due, no exit proposed

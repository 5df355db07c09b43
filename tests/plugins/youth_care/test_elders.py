"""A 五老 volunteer records visits to the children paired with them and sees no other child:
the community admin links the volunteer of the register to the account the volunteer signs in
with; the volunteer's visit counts for the child's quota; every other child, ledger and
community is refused."""

from __future__ import annotations

from datetime import date

import pytest

from tests.plugins.youth_care.records import volunteer_in

from .conftest import A1, A2, api, page

VISIT = {"visited_on": "2026-06-14", "mode": "home", "findings": "学习有进步"}


@pytest.fixture
def elder(ready, app, world, as_user, child):
    """李老师 (a 老教师) signs in as ``lilaoshi``; paired with 甲 (in progress), not with 乙; 丙 is
    paired with another volunteer. Returns the children's ids."""
    user_id = world.add_user("lilaoshi", "youth_care_elder", A1)
    admin = as_user("c_admin")
    li = volunteer_in(app, world, A1, "李老师")
    other = volunteer_in(app, world, A1, "王老师")
    ids = {name: child(name=name, born=date(2014, 1, 1)) for name in ("甲", "乙", "丙")}
    linked = admin.post(f"{api()}/elder_accounts", json={"volunteer_id": li, "user_id": user_id})
    assert linked.status_code == 201, linked.json
    for name, volunteer in (("甲", li), ("丙", other)):
        body = {"child_id": ids[name], "volunteer_id": volunteer, "starts_on": "2026-06-01"}
        pairing = admin.post(f"{api()}/pairings", json=body).json["id"]
        approved = admin.post(f"{api()}/pairings/{pairing}/approve", json={})
        assert approved.status_code == 200, approved.json
    return ids | {"lilaoshi": li, "li_user": user_id}


def test_the_volunteer_sees_and_visits_only_the_children_paired_with_them(elder, as_user):
    li = as_user("lilaoshi")
    assert [c["name"] for c in li.get(f"{api()}/my-children").json["items"]] == ["甲"]
    html = li.get(f"{page()}/my-children").text
    assert "甲" in html and "乙" not in html and "丙" not in html
    answer = li.post(f"{api()}/my-children/{elder['甲']}/visits", json=VISIT)
    assert answer.status_code == 201, answer.json
    visits = as_user("c_admin").get(f"{api()}/visits").json["items"]
    assert [(v["subject_name"], v["visitor_names"]) for v in visits] == [("甲", "lilaoshi")]
    due = as_user("worker").get(f"{api()}/visits/due", query_string={"status": "overdue"})
    assert "甲" not in [row["name"] for row in due.json["items"]]  # the quota counts it


def test_the_volunteer_is_refused_everything_else(elder, as_user, switch_on, app, world):
    li = as_user("lilaoshi")
    for other in ("乙", "丙"):  # not paired, or paired with another volunteer
        assert li.post(f"{api()}/my-children/{elder[other]}/visits", json=VISIT).status_code == 404
    assert li.post(f"{api()}/my-children/{elder['甲']}/visits", json={}).status_code == 422
    for url in ("/children", "/visits", "/pairings", "/visits/due", "/campaigns"):
        assert li.get(api() + url).status_code == 403, url
    assert li.post(f"{api()}/visits", json=VISIT).status_code == 403
    assert li.get(f"{api(A2)}/my-children").status_code == 404  # no role in A2
    world.add_user("a2elder", "youth_care_elder", A2)  # a volunteer of A2: A1's child is none
    a2 = as_user("a2elder")
    assert a2.get(f"{api(A2)}/my-children").json["items"] == []
    assert a2.post(f"{api(A2)}/my-children/{elder['甲']}/visits", json=VISIT).status_code == 404
    assert a2.post(f"{api()}/my-children/{elder['甲']}/visits", json=VISIT).status_code == 404
    worker = as_user("worker")  # keeps the ledgers, is no volunteer
    assert worker.get(f"{api()}/my-children").status_code == 403
    assert worker.post(f"{api()}/my-children/{elder['甲']}/visits", json=VISIT).status_code == 403
    assert worker.post(f"{api()}/elder_accounts", json={}).status_code == 403  # the admin's
    from core.db import db
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "youth_care")
        db.session.commit()
    assert li.get(f"{api()}/my-children").status_code == 404


def test_an_account_names_a_volunteer_of_the_community_and_a_volunteer_user(
    elder, as_user, app, world
):
    admin = as_user("c_admin")
    stranger = volunteer_in(app, world, A2, "赵老师")
    for body, field in (
        ({"volunteer_id": stranger, "user_id": elder["li_user"]}, "volunteer_id"),
        ({"volunteer_id": elder["lilaoshi"], "user_id": elder["li_user"]}, "volunteer_id"),  # taken
    ):
        answer = admin.post(f"{api()}/elder_accounts", json=body)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], answer.json
    third = volunteer_in(app, world, A1, "孙老师")
    with app.app_context():
        worker_id = world.user("worker").id
    answer = admin.post(
        f"{api()}/elder_accounts", json={"volunteer_id": third, "user_id": worker_id}
    )
    assert answer.status_code == 422 and "user_id" in answer.json["error"]["fields"]


def test_the_volunteer_finds_their_page_and_records_a_visit_on_it(elder, as_user):
    li = as_user("lilaoshi")
    assert li.get(page() + "/").status_code == 403  # the module's overview is the ledgers' readers'
    sidebar = li.get("/", query_string={"node": A1}).text
    assert f'href="{page()}/my-children"' in sidebar and f'href="{page()}/"' not in sidebar
    refused = li.post(f"{page()}/my-children/{elder['甲']}/visits", data={"mode": "home"})
    assert refused.status_code == 422 and 'data-child="' in refused.text
    saved = li.post(
        f"{page()}/my-children/{elder['甲']}/visits",
        data={"visited_on": "2026-06-15", "mode": "phone", "findings": "电话问候"},
    )
    assert saved.status_code == 302
    visits = as_user("c_admin").get(f"{api()}/visits").json["items"]
    assert [(v["subject_name"], v["mode"]) for v in visits] == [("甲", "phone")]
    assert li.post(f"{page()}/my-children/{elder['乙']}/visits", data={}).status_code == 404

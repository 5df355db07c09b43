"""志愿者与队伍 in core: the register and its kinds, teams and members, service hours (manual
and from a source record), the indicators, masking, denials, history and export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.clock import today
from core.db import db
from core.errors import DomainError
from core.hookspecs import hookimpl
from core.tree import node_ref
from core.volunteers.models import ServiceRecord, Volunteer
from core.volunteers.services import (
    hours_by_volunteer,
    record_service,
    team_count,
    volunteer_count,
    volunteer_share,
)

A1 = "110105001001"
A2 = "110105001002"
API = f"/api/v1/c/{A1}"
PAGE = f"/c/{A1}"

WANG = {
    "name": "王秀兰",
    "gender": "female",
    "birth_year": 1952,
    "phone": "13812345678",
    "kinds": ["five_elders", "mediator"],
    "elder_kind": "teacher",
    "since": "2020-01-01",
}


def add(client, data=None, ref=A1, plural="volunteers"):
    return client.post(f"/api/v1/c/{ref}/{plural}", json=data if data is not None else WANG)


def test_register_kinds_and_the_list_page(as_user):
    worker = as_user("worker")
    made = add(worker)
    assert made.status_code == 201, made.json
    assert made.json["kinds"] == ["five_elders", "mediator"]
    assert made.json["elder_kind"] == "teacher"
    assert add(worker, {"name": "张桂芳", "kinds": ["green_keeper"]}).status_code == 201
    by_kind = worker.get(f"{API}/volunteers?kind=five_elders").json
    assert [v["name"] for v in by_kind["items"]] == ["王秀兰"]
    listing = worker.get(f"{PAGE}/volunteers")
    assert listing.status_code == 200
    assert "志愿者" in listing.text and "王秀兰" in listing.text and "五老" in listing.text
    # Leaving the register needs a reason.
    url = f"{API}/volunteers/{made.json['id']}"
    no_reason = worker.patch(url, json={"status": "left"})
    assert no_reason.status_code == 422 and "left_reason" in no_reason.json["error"]["fields"]
    left = worker.patch(url, json={"status": "left", "left_reason": "搬离本社区"})
    assert left.status_code == 200 and left.json["status"] == "left"
    assert worker.get(f"{API}/volunteers?status=active").json["total"] == 1


def test_bad_input_is_refused_naming_the_field(as_user):
    worker = as_user("worker")
    unknown = add(worker, {"name": "李四", "kinds": ["astronaut"]})
    assert unknown.status_code == 422 and "kinds" in unknown.json["error"]["fields"]
    no_name = add(worker, {"kinds": ["other"]})
    assert no_name.status_code == 422 and "name" in no_name.json["error"]["fields"]
    elder = add(worker, {"name": "李四", "kinds": ["mediator"], "elder_kind": "teacher"})
    assert elder.status_code == 422 and "elder_kind" in elder.json["error"]["fields"]
    team = add(worker, {"name": "无名队", "kind": "spaceflight"}, plural="volunteer_teams")
    assert team.status_code == 422 and "kind" in team.json["error"]["fields"]
    vid = add(worker).json["id"]
    for hours in ("0", "-1", "24.5", "abc"):
        r = worker.post(f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": hours})
        assert r.status_code == 422 and "hours" in r.json["error"]["fields"], hours
    # A day holds at most 24 hours in all.
    ok = worker.post(f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": "20"})
    assert ok.status_code == 201
    over = worker.post(f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": "5"})
    assert over.status_code == 422 and "hours" in over.json["error"]["fields"]
    # A correction is held to the same day's total.
    three = worker.post(f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": "3"})
    assert three.status_code == 201
    url = f"{API}/service_hours/{three.json['id']}"
    corrected = worker.patch(url, json={"hours": "10"})
    assert corrected.status_code == 422 and "hours" in corrected.json["error"]["fields"]
    moved = worker.patch(url, json={"day": "2026-11-02", "hours": "10"})  # another day: room
    assert moved.status_code == 200 and moved.json["hours"] == "10.0"
    back = worker.patch(url, json={"day": "2026-11-01"})  # 20 + 10 on the first again
    assert back.status_code == 422 and "hours" in back.json["error"]["fields"]


def test_teams_and_memberships(as_user):
    worker = as_user("worker")
    leader = add(worker).json["id"]
    member = add(worker, {"name": "张桂芳", "kinds": ["green_keeper"]}).json["id"]
    other = add(as_user("s_admin"), {"name": "外社区", "kinds": ["other"]}, ref=A2).json["id"]
    team = add(
        worker,
        {
            "name": "护绿队",
            "kind": "green_keeping",
            "leader_id": leader,
            "founded_on": "2018-04-01",
        },
        plural="volunteer_teams",
    )
    assert team.status_code == 201 and team.json["leader"] == "王秀兰"
    foreign_leader = add(worker, {"name": "X队", "leader_id": other}, plural="volunteer_teams")
    assert (
        foreign_leader.status_code == 422 and "leader_id" in foreign_leader.json["error"]["fields"]
    )
    members_url = f"{API}/volunteer_teams/{team.json['id']}/members"
    for vid, role in ((leader, "leader"), (member, "member")):
        r = worker.post(
            members_url, json={"volunteer_id": vid, "role": role, "since": "2018-04-01"}
        )
        assert r.status_code == 201, r.json
    foreign = worker.post(members_url, json={"volunteer_id": other})
    assert foreign.status_code == 422 and "volunteer_id" in foreign.json["error"]["fields"]
    backwards = worker.post(
        members_url, json={"volunteer_id": member, "since": "2020-01-01", "until": "2019-01-01"}
    )
    assert backwards.status_code == 422 and "until" in backwards.json["error"]["fields"]
    detail = worker.get(f"{API}/volunteer_teams/{team.json['id']}").json
    assert detail["members"] == 2
    assert sorted((m["volunteer"], m["role"]) for m in detail["items"]) == [
        ("张桂芳", "member"),
        ("王秀兰", "leader"),
    ]
    html = worker.get(f"{PAGE}/volunteer_teams/{team.json['id']}").text
    assert "队长" in html and "队员" in html and "张桂芳" in html


def test_hours_sum_manual_and_sourced_records(as_user, app):
    worker = as_user("worker")
    vid = add(worker).json["id"]
    other = add(worker, {"name": "张桂芳", "kinds": ["green_keeper"]}).json["id"]
    manual = worker.post(
        f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": "2.5", "note": "巡逻"}
    )
    assert manual.status_code == 201 and manual.json["source_kind"] == "manual"
    with app.app_context():
        record_service(db.session, vid, date(2026, 11, 2), 3, "activity", 41)
        record_service(db.session, vid, date(2026, 11, 2), 4, "activity", 41)  # corrected, once
        record_service(db.session, vid, date(2026, 11, 3), Decimal("1.5"), "visit", 7)
        record_service(db.session, other, date(2026, 11, 3), 2, "activity", 41)
        with pytest.raises(DomainError) as refused:
            record_service(db.session, vid, date(2026, 11, 3), 25, "visit", 8)
        assert "hours" in refused.value.fields
        with pytest.raises(DomainError) as no_source:
            record_service(db.session, vid, date(2026, 11, 3), 1, "visit", None)
        assert "source_id" in no_source.value.fields
        db.session.commit()
        community = node_ref(db.session, ref=A1)
        totals = hours_by_volunteer(db.session, [community.id])
        assert totals == {vid: Decimal("8.0"), other: Decimal("2.0")}  # 2.5 + 4 + 1.5
        november_2 = hours_by_volunteer(
            db.session, [community.id], date(2026, 11, 2), date(2026, 11, 2)
        )
        assert november_2 == {vid: Decimal("4.0")}
        rows = db.session.scalars(
            sa.select(ServiceRecord.source_kind)
            .where(ServiceRecord.volunteer_id == vid)
            .order_by(ServiceRecord.day, ServiceRecord.id)
        ).all()
        assert rows == ["manual", "activity", "visit"]
    detail = worker.get(f"{API}/volunteers/{vid}").json
    assert detail["service_hours"] == "8.0"
    listed = worker.get(f"{API}/volunteers/{vid}/hours").json["items"]
    assert sorted(r["hours"] for r in listed) == ["1.5", "2.5", "4.0"]
    page = worker.get(f"{PAGE}/volunteers/{vid}").text
    assert "服务时长" in page and "巡逻" in page


def test_share_and_team_indicators_against_a_count_by_hand(as_user, app):
    worker = as_user("worker")
    for i in range(3):
        add(worker, {"name": f"志愿者{i}", "kinds": ["other"]})
    gone = add(worker, {"name": "退出者", "kinds": ["other"]}).json["id"]
    worker.patch(f"{API}/volunteers/{gone}", json={"status": "left", "left_reason": "身体原因"})
    deleted = add(worker, {"name": "删除者", "kinds": ["other"]}).json["id"]
    assert worker.delete(f"{API}/volunteers/{deleted}").status_code in (200, 204)
    for name in ("甲队", "乙队"):
        add(worker, {"name": name}, plural="volunteer_teams")
    with app.app_context():
        community = node_ref(db.session, ref=A1)
        on_register = db.session.scalar(
            sa.select(sa.func.count()).where(
                Volunteer.community_id == community.id,
                Volunteer.status == "active",
                Volunteer.deleted_at.is_(None),
            )
        )
        assert on_register == 3
        assert volunteer_count(db.session, [community.id]) == 3
        assert volunteer_count(db.session, [community.id], "other") == 3
        assert team_count(db.session, [community.id]) == 2
        assert volunteer_share(db.session, [community.id], 30) == 10.0  # 3 of 30 residents
        assert volunteer_share(db.session, [community.id], 0) == 0.0
    figures = {
        f["name"]: f["value"]
        for f in as_user("c_admin").get(f"/api/v1/nodes/{A1}/indicators").json["items"]
    }
    assert figures["volunteers.volunteers"] == 3 and figures["volunteers.teams"] == 2


def test_denials(as_user):
    worker = as_user("worker")
    vid = add(worker).json["id"]
    # Another community's register is not there for a worker of A1.
    assert worker.get(f"/c/{A2}/volunteers").status_code == 404
    assert worker.get(f"/api/v1/c/{A2}/volunteers/{vid}").status_code == 404
    a2_admin = as_user("s_admin")
    assert a2_admin.get(f"/api/v1/c/{A2}/volunteers/{vid}").status_code == 404
    # The inspector reads but never writes; the building leader has no volunteer permission.
    inspector = as_user("inspector")
    assert inspector.get(f"{API}/volunteers").status_code == 200
    assert add(inspector).status_code == 403
    assert (
        inspector.post(
            f"{API}/volunteers/{vid}/hours", json={"day": "2026-11-01", "hours": "1"}
        ).status_code
        == 403
    )
    assert as_user("leader").get(f"{PAGE}/volunteers").status_code == 404


def test_phone_is_masked_s2(as_user):
    worker = as_user("worker")
    vid = add(worker).json["id"]
    shown = worker.get(f"{API}/volunteers/{vid}").json
    assert shown["phone"] == "138****5678" and shown["masked"] is True
    assert "13812345678" not in worker.get(f"{PAGE}/volunteers").text
    inspector = as_user("inspector")
    assert inspector.get(f"{API}/volunteers/{vid}").json["phone"] == "138****5678"
    assert inspector.get(f"{API}/volunteers/{vid}?unmask=1").status_code == 403
    assert worker.get(f"{API}/volunteers/{vid}?unmask=1").json["phone"] == "13812345678"


def test_history_of_an_edit(as_user):
    worker = as_user("worker")
    vid = add(worker).json["id"]
    url = f"{API}/volunteers/{vid}"
    assert (
        worker.patch(url, json={"skills": "辅导功课", "kinds": ["five_elders"]}).status_code == 200
    )
    history = worker.get(f"{url}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["changes"]["skills"] == [None, "辅导功课"] or history[0]["changes"][
        "skills"
    ] == ["", "辅导功课"]
    assert history[0]["changes"]["kinds"] == [["five_elders", "mediator"], ["five_elders"]]


def test_export_and_street_rollup(as_user):
    worker = as_user("worker")
    add(worker)
    add(as_user("s_admin"), {"name": "建国里志愿者", "kinds": ["grid_worker"]}, ref=A2)
    sheet = worker.get(f"/n/{A1}/exports/volunteers.volunteers.csv")
    assert sheet.status_code == 200
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert "姓名" in rows[0] and any("王秀兰" in row for row in rows[1:])
    assert not any("13812345678" in cell for row in rows for cell in row)
    street = as_user("s_admin").get("/api/v1/r/110105001/volunteers").json
    assert sorted(v["name"] for v in street["items"]) == ["建国里志愿者", "王秀兰"]
    assert as_user("s_admin").get("/r/110105001/volunteers").status_code == 200
    assert worker.get("/r/110105001/volunteers").status_code == 404


def test_since_cannot_be_in_the_future(as_user):
    worker = as_user("worker")
    later = (today() + timedelta(days=3)).isoformat()
    r = add(worker, {"name": "未来", "kinds": ["other"], "since": later})
    assert r.status_code == 422 and "since" in r.json["error"]["fields"]


def test_the_demo_seeds_volunteers_and_four_teams_once(as_user, app):
    from core.volunteers import demo

    with app.app_context():
        demo.seed(db.session, {})
        demo.seed(db.session, {})  # seeding twice adds nothing
        db.session.commit()
    worker = as_user("worker")
    assert worker.get(f"{API}/volunteers").json["total"] == len(demo.DEMO_VOLUNTEERS)
    teams = worker.get(f"{API}/volunteer_teams").json["items"]
    assert len(teams) >= 4 and all(t["leader"] for t in teams)
    figures = {
        f["name"]: f["value"]
        for f in as_user("c_admin").get(f"/api/v1/nodes/{A1}/indicators").json["items"]
    }
    assert figures["volunteers.teams"] == 4


def test_pages_enter_a_volunteer_and_manual_hours_and_show_the_menu(as_user):
    worker = as_user("worker")
    form = worker.get(f"{PAGE}/volunteers/new").text
    assert "志愿者类别" in form and "五老" in form and "老教师" in form and "加入时间" in form
    made = worker.post(
        f"{PAGE}/volunteers/new",
        data={"name": "李国强", "kinds": ["five_elders", "mediator"], "elder_kind": "cadre"},
    )
    assert made.status_code == 302, made.text
    (volunteer,) = worker.get(f"{API}/volunteers").json["items"]
    assert volunteer["kinds"] == ["five_elders", "mediator"]
    url = f"{PAGE}/volunteers/{volunteer['id']}/hours"
    refused = worker.post(url, data={"day": "2026-11-05", "hours": "30"})
    assert refused.status_code == 422 and "24" in refused.text
    assert (
        worker.post(url, data={"day": "2026-11-05", "hours": "2", "note": "调解"}).status_code
        == 302
    )
    assert worker.get(f"{API}/volunteers/{volunteer['id']}").json["service_hours"] == "2.0"
    # The community's menu links the register; the street's links the roll-up.
    home = worker.get(f"{PAGE}/volunteers").text
    assert f'href="/c/{A1}/volunteer_teams"' in home
    street = as_user("s_admin").get("/r/110105001/volunteers")
    assert street.status_code == 200 and 'href="/r/110105001/volunteer_teams"' in street.text


class PatrolModule:
    """A module that adds a volunteer kind and a team kind through the hooks."""

    @hookimpl
    def jiedao_volunteer_kinds(self):
        return {"patrol": "巡逻队员", "mediator": "改名的调解员"}

    @hookimpl
    def jiedao_team_kinds(self):
        return {"night_patrol": "夜间巡逻队"}


def test_a_module_adds_kinds(app, as_user):
    manager = app.extensions["jiedao.plugins"].manager
    manager.register(PatrolModule(), name="patrol_kinds")
    try:
        worker = as_user("worker")
        made = add(worker, {"name": "巡逻员", "kinds": ["patrol"]})
        assert made.status_code == 201, made.json
        team = add(worker, {"name": "夜巡队", "kind": "night_patrol"}, plural="volunteer_teams")
        assert team.status_code == 201, team.json
        with app.test_request_context():
            from core.volunteers.services import volunteer_kinds

            assert str(volunteer_kinds()["mediator"]) == "调解员"  # core's label stays
    finally:
        manager.unregister(name="patrol_kinds")
    refused = add(as_user("worker"), {"name": "巡逻员2", "kinds": ["patrol"]})
    assert refused.status_code == 422 and "kinds" in refused.json["error"]["fields"]


def test_import_takes_kinds_by_their_labels(as_user):
    worker = as_user("worker")

    def upload(text: str):
        data = {"file": (io.BytesIO(text.encode("utf-8")), "志愿者.csv")}
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/volunteers.volunteers",
            data=data,
            content_type="multipart/form-data",
        )

    bad = upload("姓名,志愿者类别,五老类别\n王秀兰,五老、宇航员,老教师\n")
    assert bad.status_code == 422, bad.json
    assert {p["column"] for p in bad.json["error"].get("rows", [])} == {"志愿者类别"}, bad.json
    done = upload("姓名,志愿者类别,五老类别,加入时间\n王秀兰,五老、调解员,老教师,2020-01-01\n")
    assert done.status_code == 200 and done.json == {"created": 1}
    (row,) = worker.get(f"{API}/volunteers").json["items"]
    assert row["kinds"] == ["five_elders", "mediator"] and row["elder_kind"] == "teacher"
    sheet = worker.get(f"/n/{A1}/exports/volunteers.service_hours.csv")
    assert sheet.status_code == 200


def test_volunteering_at_an_activity_adds_its_hours(as_user, app, world):
    """A volunteer of the register who signs in to a safety activity as a volunteer gets the
    activity's 09:00–11:30 as 2.5 service hours; a participant, someone not on the register
    and an activity without times add none."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "safety", None)
        db.session.commit()
    worker = as_user("worker")
    vid = add(worker, {**WANG, "resident_id": 42}).json["id"]
    timed = {"title": "消防安全进社区", "kind": "fire_day", "held_on": "2026-11-09"}
    made = worker.post(
        f"{API}/safety/activities", json={**timed, "start_time": "09:00", "end_time": "11:30"}
    )
    assert made.status_code == 201, made.json
    untimed = worker.post(f"{API}/safety/activities", json=timed).json["id"]

    def sign(activity_id: int, **attendee) -> None:
        answer = worker.post(
            f"{API}/safety/activities/{activity_id}/attendees", json={"name": "王秀兰", **attendee}
        )
        assert answer.status_code == 201, answer.json

    sign(made.json["id"], role="volunteer", resident_id=42)
    sign(made.json["id"], role="participant", resident_id=43)
    sign(made.json["id"], role="volunteer", resident_id=44)  # not on the register
    sign(untimed, role="volunteer", resident_id=42)
    with app.app_context():
        community = node_ref(db.session, ref=A1)
        assert hours_by_volunteer(db.session, [community.id]) == {vid: Decimal("2.5")}
        sources = db.session.execute(
            sa.select(ServiceRecord.source_kind, ServiceRecord.source_id)
        ).all()
    assert sources == [("activity", made.json["id"])]

"""Visits with quotas (走访) and assignments (包片), as core gives them to every module; the
safety module's enterprise visits are the module under test (重点企业 monthly, 一般 quarterly).
The clock is stopped on 2026-06-15 (Beijing); "due soon" is within 7 days."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from tests.plugins.safety.conftest import (  # noqa: F401 - fixtures
    A1,
    A2,
    B1,
    STREET_A,
    clock,
    enable,
    enterprise,
    unit,
)

TODAY = "2026-06-15T10:00:00+08:00"
API = f"/api/v1/c/{A1}/safety"

# name → (risk level, visits as (date, follow-up)); today is 2026-06-15.
ENTERPRISES = {
    "甲重点未访": ("major", []),  # never visited: overdue
    "乙重点将到": ("larger", [("2026-05-20", None)]),  # due 06-20: due soon
    "丙重点逾期": ("major", [("2026-04-01", None), ("2026-05-01", None)]),  # due 06-01: overdue
    "丁一般正常": ("low", [("2026-04-01", None)]),  # due 07-01: neither
    "戊一般逾期": ("general", [("2026-03-10", None)]),  # due 06-10: overdue
    "己一般回访": ("general", [("2026-05-01", "2026-06-18")]),  # follow-up 06-18: due soon
}


@pytest.fixture
def subjects(app, world, enable, clock, enterprise, as_user):  # noqa: F811
    """The enterprises above at A1 (name → unit id), one overdue at A2 and one at B1, with their
    visits written through the API by the worker."""
    from plugins.safety.models import SafetyEnterprise

    clock(TODAY)
    enable(A1, A2, B1)
    for name, (risk, _visits) in ENTERPRISES.items():
        enterprise(A1, name=name, risk_level=risk)
    enterprise(A2, name="建国里企业", risk_level="major")
    enterprise(B1, name="吉祥里企业", risk_level="major")
    with app.app_context():
        units = dict(
            db.session.execute(sa.select(SafetyEnterprise.name, SafetyEnterprise.unit_id)).all()
        )
    worker = as_user("worker")
    for name, (_risk, visits) in ENTERPRISES.items():
        for day, follow_up in visits:
            body = {"subject_kind": "unit", "subject_id": units[name], "visited_on": day}
            body |= {"mode": "home", "findings": "正常", "next_due": follow_up}
            answer = worker.post(f"{API}/visits", json=body)
            assert answer.status_code == 201, answer.json
    return units


def due(client, ref: str = A1, **args) -> list[tuple[str, str]]:
    answer = client.get(f"/api/v1/c/{ref}/safety/visits/due", query_string=args)
    assert answer.status_code == 200, answer.json
    return [(row["name"], row["status"]) for row in answer.json["items"]]


def test_quotas_list_the_overdue_and_the_due_soon_longest_overdue_first(subjects, as_user):
    worker = as_user("worker")
    assert due(worker, status="overdue") == [
        ("甲重点未访", "overdue"),
        ("丙重点逾期", "overdue"),
        ("戊一般逾期", "overdue"),
    ]
    assert due(worker, status="due") == [("己一般回访", "due"), ("乙重点将到", "due")]
    assert len(due(worker)) == 5  # both lists, not 丁 (due 07-01) nor other communities
    row = worker.get(f"{API}/visits/due", query_string={"category": "key"}).json["items"][1]
    assert row["last_visit"] == "2026-05-01" and row["next_due"] == "2026-06-01"
    assert row["category_label"]


def test_a_visit_clears_an_overdue_subject_and_a_deleted_one_brings_it_back(subjects, as_user):
    worker = as_user("worker")
    body = {
        "subject_kind": "unit",
        "subject_id": subjects["戊一般逾期"],
        "visited_on": "2026-06-15",
    }
    answer = worker.post(f"{API}/visits", json={**body, "mode": "phone", "needs": "资金困难"})
    assert answer.status_code == 201
    visit = answer.json
    assert visit["subject_name"] == "戊一般逾期" and visit["visitor_names"] == "worker"
    assert ("戊一般逾期", "overdue") not in due(worker)
    assert worker.delete(f"{API}/visits/{visit['id']}").status_code == 204
    assert ("戊一般逾期", "overdue") in due(worker)
    history = as_user("c_admin").get(f"{API}/visits/{visit['id']}/history").json
    assert [h["action"] for h in history["items"]] == ["delete", "create"]


def test_the_visit_ledger_lists_the_modules_visits_with_their_filters(subjects, as_user):
    worker = as_user("worker")
    listed = worker.get(f"{API}/visits", query_string={"subject": subjects["丙重点逾期"]}).json
    assert [v["visited_on"] for v in listed["items"]] == ["2026-05-01", "2026-04-01"]
    page = worker.get(f"/c/{A1}/safety/visits")
    assert page.status_code == 200 and "丙重点逾期" in page.get_data(as_text=True)
    html = worker.get(f"/c/{A1}/safety/visits/due").get_data(as_text=True)
    assert "甲重点未访" in html and "丁一般正常" not in html


@pytest.fixture
def areas(app, world, subjects, as_user):
    """The grid g1 (holding 甲's building) to a new worker 张三; 丙 to the worker, by c_admin."""
    from plugins.safety.models import SafetyEnterprise

    zhang = world.add_user("zhang", "program_worker", A1)
    with app.app_context():
        building = world.node(f"{A1}-bb01")
        grid = world.node(f"{A1}-gg1")
        db.session.execute(
            sa.update(SafetyEnterprise)
            .where(SafetyEnterprise.name == "甲重点未访")
            .values(node_id=building.id)
        )
        db.session.commit()
        grid_id = grid.id
        worker_id = world.user("worker").id
    admin = as_user("c_admin")
    answer = admin.post(f"{API}/assignments", json={"user_id": zhang, "node_id": grid_id})
    assert answer.status_code == 201, answer.json
    body = {"user_id": worker_id, "subject_kind": "unit", "subject_id": subjects["丙重点逾期"]}
    answer = admin.post(f"{API}/assignments", json=body)
    assert answer.status_code == 201, answer.json
    assert answer.json["subject_name"] == "丙重点逾期"
    return {"zhang": zhang, "worker": worker_id, "grid": grid_id}


def test_per_worker_lists_follow_assignments(areas, as_user):
    assert due(as_user("worker"), mine=1) == [("丙重点逾期", "overdue")]
    assert due(as_user("zhang"), mine=1) == [("甲重点未访", "overdue")]
    assert due(as_user("c_admin"), worker=areas["zhang"]) == [("甲重点未访", "overdue")]
    html = as_user("c_admin").get(f"/c/{A1}/safety/visits/due").get_data(as_text=True)
    assert f'data-worker="{areas["zhang"]}"' in html


def test_an_ended_assignment_leaves_my_area(areas, as_user):
    admin = as_user("c_admin")
    rows = admin.get(f"{API}/assignments").json["items"]
    grid = next(r for r in rows if r["node"])
    assert admin.delete(f"{API}/assignments/{grid['id']}").status_code == 204
    assert due(as_user("zhang"), mine=1) == []


def test_my_area_filters_a_ledger(areas, as_user):
    names = lambda client: [  # noqa: E731
        e["name"] for e in client.get(f"{API}/enterprises", query_string={"mine": 1}).json["items"]
    ]
    assert names(as_user("worker")) == ["丙重点逾期"]
    assert names(as_user("zhang")) == ["甲重点未访"]
    assert len(as_user("worker").get(f"{API}/enterprises").json["items"]) == len(ENTERPRISES)


def test_denials(areas, as_user, world):
    worker = as_user("worker")
    assert worker.get(f"/api/v1/c/{B1}/safety/visits/due").status_code == 404  # other community
    assert as_user("d_admin").get(f"/api/v1/c/{A2}/safety/visits/due").status_code == 200
    inspector = as_user("inspector")  # reads, writes nothing
    assert inspector.get(f"{API}/visits/due").status_code == 200
    body = {"subject_kind": "unit", "subject_id": 1, "visited_on": "2026-06-10", "mode": "home"}
    assert inspector.post(f"{API}/visits", json=body).status_code == 403  # no permission
    body = {"user_id": areas["zhang"], "node_id": areas["grid"]}
    assert worker.post(f"{API}/assignments", json=body).status_code == 403  # may not assign
    stranger = world.add_user("stranger", "program_worker", B1)
    answer = as_user("c_admin").post(f"{API}/assignments", json={**body, "user_id": stranger})
    assert answer.status_code == 422 and "user_id" in answer.json["error"]["fields"]


def test_module_off_is_not_found(app, world, as_user, clock):  # noqa: F811
    clock(TODAY)
    assert as_user("worker").get(f"{API}/visits/due").status_code == 404
    assert as_user("worker").get(f"/c/{A1}/safety/assignments").status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"mode": "fax"}, "mode"),
        ({"visited_on": "2026-06-16"}, "visited_on"),
        ({"visited_on": "16.06.2026"}, "visited_on"),
        ({"subject_id": "other"}, "subject_id"),
        ({"next_due": "2026-06-01"}, "next_due"),
        ({"visitor_ids": ["stranger"]}, "visitor_ids"),
    ],
)
def test_bad_visits_are_refused_naming_the_field(subjects, as_user, world, body, field):
    good = {"subject_kind": "unit", "subject_id": subjects["甲重点未访"], "mode": "home"}
    good["visited_on"] = "2026-06-10"
    if body.get("subject_id") == "other":  # an enterprise of another community
        from plugins.safety.models import SafetyEnterprise

        with world.app.app_context():
            body = {
                "subject_id": db.session.scalar(
                    sa.select(SafetyEnterprise.unit_id).where(SafetyEnterprise.name == "吉祥里企业")
                )
            }
    if body.get("visitor_ids") == ["stranger"]:
        body = {"visitor_ids": [world.add_user("stranger", "program_worker", B1)]}
    answer = as_user("worker").post(f"{API}/visits", json={**good, **body})
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "node_id"),
        ({"node_id": "b1"}, "node_id"),
        ({"subject_id": 5}, "subject_kind"),
        ({"node_id": "grid", "since": "2026-06-10", "until": "2026-06-01"}, "until"),
        ({"node_id": "grid", "since": "soon"}, "since"),
    ],
)
def test_bad_assignments_are_refused_naming_the_field(areas, as_user, world, body, field):
    if body.get("node_id") == "grid":
        body["node_id"] = areas["grid"]
    if body.get("node_id") == "b1":  # a building of another community
        with world.app.app_context():
            body["node_id"] = world.node(f"{B1}-bb01").id
    answer = as_user("c_admin").post(f"{API}/assignments", json={"user_id": areas["zhang"], **body})
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]
    bad = as_user("worker").get(f"{API}/visits/due", query_string={"status": "late"})
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]


def test_workbench_counts_what_a_hand_count_finds(subjects, app, world):
    from core.workbench import count, sources

    hand = {A1: (3, 2), A2: (1, 0), STREET_A: (4, 2)}
    with app.app_context():
        mine = [s for s in sources() if s.key.startswith("safety.visit")]
        nodes = [world.node(ref).as_ref() for ref in hand]
        found = {s.key: count(db.session, s, nodes, date(2026, 6, 15)) for s in mine}
    assert found["safety.visit_overdue"] == [o for o, _d in hand.values()]
    assert found["safety.visit_due"] == [d for _o, d in hand.values()]


def test_the_street_rolls_up_its_communities_and_nothing_outside(subjects, as_user):
    html = as_user("s_admin").get(f"/r/{STREET_A}/safety/visits/due").get_data(as_text=True)
    assert "永安里东社区" in html and "建国里社区" in html and "吉祥里社区" not in html
    assert "<td>4</td><td>2</td>" in html.replace("\n", "")


def test_overdue_visits_are_reminded_once(subjects, app, world):
    from core import reminders
    from core.reminders import Notification

    with app.app_context():
        reminders.run(db.session, date(2026, 6, 15))
        reminders.run(db.session, date(2026, 6, 15))
        db.session.commit()
        worker = world.user("worker").id
        titles = db.session.scalars(
            sa.select(Notification.title)
            .where(Notification.user_id == worker, Notification.key.like("safety.visit:%"))
            .order_by(Notification.title)
        ).all()
    assert len([t for t in titles if "甲重点未访" in t]) == 1
    assert not any("丁一般正常" in t for t in titles)


def test_the_pages_record_a_visit_and_assign_a_worker(areas, subjects, as_user, world, app):
    worker = as_user("worker")
    first = subjects["甲重点未访"]
    form = worker.get(
        f"/c/{A1}/safety/visits/new",
        query_string={"subject_kind": "unit", "subject_id": first},
    )
    assert form.status_code == 200 and "走访方式" in form.get_data(as_text=True)
    with app.app_context():
        worker_id = world.user("worker").id
    posted = worker.post(
        f"/c/{A1}/safety/visits/new",
        data={
            "subject_kind": "unit",
            "subject_id": str(first),
            "visited_on": "2026-06-15",
            "mode": "online",
            "visitor_ids": [str(worker_id)],
        },
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)
    assert ("甲重点未访", "overdue") not in due(worker)
    admin = as_user("c_admin")
    page = admin.get(f"/c/{A1}/safety/assignments")
    assert page.status_code == 200 and "包片人" in page.get_data(as_text=True)
    stranger = world.add_user("stranger", "program_worker", B1)
    refused = admin.post(
        f"/c/{A1}/safety/assignments", data={"user_id": str(stranger), "node_id": ""}
    )
    assert refused.status_code == 422
    assert "该用户在本社区没有任何角色" in refused.get_data(as_text=True)


def test_findings_follow_the_modules_sensitivity(app):
    """A module that declares its visits S3 (family planning, youth care) gets findings and needs
    withheld from lists and exports unless unmasked; S1 shows them."""
    from core.records.sensitivity import protect
    from core.visits.declare import visit_schema

    record = {"findings": "家庭矛盾", "needs": "申请救助", "mode": "home"}
    with app.test_request_context():
        hidden = protect(visit_schema(("resident",), "S3")(), dict(record))
        shown = protect(visit_schema(("resident",), "S1")(), dict(record))
    assert hidden["findings"] != "家庭矛盾" and hidden["needs"] != "申请救助"
    assert hidden["mode"] == "home"
    assert shown == record
    with pytest.raises(ValueError):
        visit_schema(("resident",), "S4")


def test_the_home_page_links_each_count_to_the_rows_counted(subjects, as_user):
    from tests.plugins.safety.test_workbench import items

    for user in ("worker", "s_admin"):
        client = as_user(user)
        found = {k: v for k, v in items(client).items() if k[0].startswith("safety.visit")}
        assert found, user
        for (_key, _node), (count, link) in found.items():
            api = link.replace("/c/", "/api/v1/c/", 1)
            if "/r/" in link:  # the street's roll-up page shows counts per community
                assert as_user(user).get(link).status_code == 200
                continue
            assert client.get(api).json["total"] == count, (user, link)
    worker = items(as_user("worker"))
    assert worker[("safety.visit_overdue", A1)] == (
        3,
        f"/c/{A1}/safety/visits/due?status=overdue",
    )


def test_a_visit_is_corrected_with_its_history_and_keeps_its_subject(subjects, as_user, world):
    worker = as_user("worker")
    listed = worker.get(f"{API}/visits", query_string={"subject": subjects["乙重点将到"]}).json
    visit_id = listed["items"][0]["id"]
    zhang = world.add_user("zhang", "program_worker", A1)
    with world.app.app_context():
        worker_id = world.user("worker").id
    body = {"mode": "interview", "visitor_ids": [worker_id, zhang], "companions": "楼长王某"}
    changed = worker.patch(f"{API}/visits/{visit_id}", json=body)
    assert changed.status_code == 200, changed.json
    assert changed.json["visitor_names"] == "worker、zhang"
    assert changed.json["mode"] == "interview"
    history = worker.get(f"{API}/visits/{visit_id}/history").json["items"]
    assert history[0]["action"] == "update" and "mode" in history[0]["changes"]
    moved = worker.patch(f"{API}/visits/{visit_id}", json={"subject_id": subjects["甲重点未访"]})
    assert moved.status_code == 422 and "subject_id" in moved.json["error"]["fields"]
    listed = worker.get(f"{API}/visits", query_string={"visitor": zhang}).json["items"]
    assert [v["id"] for v in listed] == [visit_id]


def test_assignments_are_in_the_communitys_audit_log(areas, as_user, app, world):
    from core.models import AuditLog

    admin = as_user("c_admin")
    grid = next(r for r in admin.get(f"{API}/assignments").json["items"] if r["node"])
    assert admin.delete(f"{API}/assignments/{grid['id']}").status_code == 204
    assert admin.delete(f"{API}/assignments/{grid['id']}").status_code == 404  # ended already
    with app.app_context():
        community = world.node(A1).id
        entries = db.session.execute(
            sa.select(AuditLog.action, AuditLog.summary)
            .where(AuditLog.node_id == community, AuditLog.action.like("safety.assignment.%"))
            .order_by(AuditLog.id)
        ).all()
    assert [a for a, _s in entries] == [
        "safety.assignment.create",
        "safety.assignment.create",
        "safety.assignment.end",
    ]
    assert "第一网格" in entries[0][1] and "zhang" in entries[0][1]


def test_my_area_of_the_visit_ledger_follows_the_subjects_assigned(areas, as_user):
    mine = as_user("worker").get(f"{API}/visits", query_string={"mine": 1}).json["items"]
    assert {v["subject_name"] for v in mine} == {"丙重点逾期"}
    assert len(mine) == 2


def test_the_due_lists_record_a_visit_link_starts_the_form_with_its_subject(subjects, as_user):
    worker = as_user("worker")
    due_page = worker.get(f"/c/{A1}/safety/visits/due").get_data(as_text=True)
    unit_id = subjects["甲重点未访"]
    link = f"/c/{A1}/safety/visits/new?subject_kind=unit&amp;subject_id={unit_id}"
    assert link in due_page
    form = worker.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'name="subject_id" type="text" value="{unit_id}"' in form
    assert '<option value="unit" selected>' in form
    odd = worker.get(f"/c/{A1}/safety/visits/new?subject_kind=case&subject_id=１２").text
    assert 'name="subject_id" type="text" value=""' in odd  # not an id: the form starts empty

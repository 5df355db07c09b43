"""The youth-care indicators against a fixture counted by hand, at a community, its street and
the district, rates from their summed parts; counts of a care category under 3 withheld.

Today is 2026-06-15; the period 2026Q2 (stock figures on 15 June).

    A1 永安里东: 小一 key [left_behind]          confirmed, paired (approved), visited 6-12, 6-14
                 小二 urgent [prisoner_parent, single_parent]   confirmed, never visited
                 小三 general [single_parent]      confirmed, visited 6-13
                 小四 lead [migrant]               not confirmed: not in care
                 小五 general [single_parent]      confirmed, then exited: not in care
                 two households each with a parent and a child under 18; one parent at the
                 parents' school lecture (May, 32 people); a survey in March (38) is Q1;
                 a summer programme with sessions of 15 and 18 children, an after-school
                 one with 12 (not a holiday); assistance 500 issued to 小一, 300 only reviewed
                 for 小二; a 五老 who served 2 hours in June and another volunteer; one deed
    A2 建国里:   小六 key [single_parent]          confirmed, pairing only proposed
    B1 吉祥里:   小七 general [migrant]            confirmed, visited 6-11
"""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db

from .conftest import A1, A2, B1, DISTRICT, STREET_A, api
from .records import signed_receipt, volunteer_in


@pytest.fixture
def counted(ready, app, world, as_user, child, resident):
    from core.volunteers.models import Volunteer
    from core.volunteers.services import record_service

    worker, admin = as_user("worker"), as_user("c_admin")
    d_admin = as_user("d_admin")
    kids = {
        "一": child(name="小一", level="key", categories=["left_behind"]),
        "二": child(name="小二", level="urgent", categories=["prisoner_parent", "single_parent"]),
        "三": child(name="小三", categories=["single_parent"]),
        "四": child(name="小四", categories=["migrant"], confirm=False),
        "五": child(name="小五", categories=["single_parent"]),
        "六": child(name="小六", ref=A2, level="key", categories=["single_parent"]),
        "七": child(name="小七", ref=B1, categories=["migrant"]),
    }
    exited = d_admin.post(api() + f"/children/{kids['五']}/exit", json={"reason": "improved"})
    assert exited.status_code == 200
    teacher = volunteer_in(app, world, A1, "李老师")
    for key, ref in (("一", A1), ("六", A2)):
        body = {"child_id": kids[key], "volunteer_id": volunteer_in(app, world, ref, "王阿姨"),
                "starts_on": "2026-04-01"}  # fmt: skip
        made = d_admin.post(api(ref) + "/pairings", json=body)
        assert made.status_code == 201, made.json
        if key == "一":
            approved = admin.post(api() + f"/pairings/{made.json['id']}/approve", json={})
            assert approved.status_code == 200, approved.json
    with app.app_context():
        from plugins.youth_care.models import YouthCareChild

        resident_of = {k: db.session.get(YouthCareChild, v).resident_id for k, v in kids.items()}
    for key, day, ref in (("一", "2026-06-12", A1), ("一", "2026-06-14", A1),
                          ("三", "2026-06-13", A1), ("七", "2026-06-11", B1)):  # fmt: skip
        visit = {"subject_kind": "resident", "subject_id": resident_of[key], "visited_on": day,
                 "mode": "home"}  # fmt: skip
        made = d_admin.post(api(ref) + "/visits", json=visit)
        assert made.status_code == 201, made.json
    # Two households with a parent and a child; one parent at the lecture.
    parents = []
    for room in ("101", "102"):
        household = worker.post(
            f"/api/v1/c/{A1}/registry/households",
            json={"building": "1号楼", "room": room, "head_name": f"家长{room}"},
        ).json["id"]
        for name, born in ((f"家长{room}", date(1985, 1, 1)), (f"孩子{room}", date(2016, 1, 1))):
            made = resident(born, A1, name)
            patched = worker.patch(
                f"/api/v1/c/{A1}/registry/residents/{made}", json={"household_id": household}
            )
            assert patched.status_code == 200, patched.json
            if name.startswith("家长"):
                parents.append(made)
    lecture = worker.post(
        api() + "/activities",
        json={
            "held_on": "2026-05-20",
            "kind": "ps_lecture",
            "title": "家庭教育讲座",
            "headcount": 32,
        },
    )
    attended = worker.post(
        api() + f"/activities/{lecture.json['id']}/attendees",
        json={"name": "家长101", "resident_id": parents[0]},
    )
    assert attended.status_code == 201, attended.json
    worker.post(
        api() + "/activities",
        json={
            "held_on": "2026-03-10",
            "kind": "ps_survey",
            "title": "家庭教育调查",
            "headcount": 38,
        },
    )
    worker.post(
        api() + "/activities",
        json={"held_on": "2026-06-01", "kind": "deed", "title": "为困难学童送书包", "headcount": 5},
    )
    for kind, days in (
        ("summer", ((date(2026, 6, 8), 15), (date(2026, 6, 9), 18))),
        ("after_school", ((date(2026, 6, 8), 12),)),
    ):
        programme = worker.post(
            api() + "/programmes",
            json={"kind": kind, "name": kind, "starts_on": "2026-06-01", "ends_on": "2026-08-31"},
        )
        for day, attendance in days:
            made = worker.post(
                api() + f"/programmes/{programme.json['id']}/sessions",
                json={"held_on": day.isoformat(), "attendance": attendance},
            )
            assert made.status_code == 201, made.json
    for key, amount, review in (("一", "500", True), ("二", "300", False)):
        made = worker.post(
            api() + "/assistance",
            json={
                "child_id": kids[key],
                "given_on": "2026-06-05",
                "kind": "gift",
                "amount": amount,
            },
        )
        admin.post(api() + f"/assistance/{made.json['id']}/review", json={})
        if review:
            assert signed_receipt(worker, made.json["id"]).status_code == 201
            issued = worker.post(api() + f"/assistance/{made.json['id']}/issue", json={})
            assert issued.status_code == 200, issued.json
    with app.app_context():
        db.session.add(Volunteer(node_id=world.node(A1).id, name="赵同学", kinds=["other"]))
        record_service(db.session, teacher, date(2026, 6, 3), 2, "manual", None)
        db.session.commit()
    return kids  # fmt: skip


def values(client, ref: str, period: str = "2026Q2") -> dict[str, dict]:
    answer = client.get(f"/api/v1/nodes/{ref}/indicators?period={period}")
    assert answer.status_code == 200, answer.json
    return {i["name"].removeprefix("youth_care."): i for i in answer.json["items"]
            if i["name"].startswith("youth_care.")}  # fmt: skip


def test_a_community_counted_by_hand(counted, as_user):
    here = values(as_user("c_admin"), A1)
    expected = {
        "in_care": 3, "key_children": 2, "key_paired": 1, "pairings": 1, "visits": 3,
        "visited": 2, "overdue_visits": 1, "volunteers": 3, "five_elders": 2,
        "active_volunteers": 1, "ps_sessions": 1, "ps_attendance": 32, "ps_families": 1,
        "families_with_minors": 2, "holiday_days": 2, "holiday_attendance": 33,
        "assistance_amount": 500.0, "assisted": 1, "deeds": 1, "in_care_left_behind": None,
        "in_care_single_parent": None, "in_care_migrant": 0,
        # 小一 to 小五 (born 2015) and the two children of the households: 7 minors
        "minors": 7,
    }  # fmt: skip
    assert {k: here[k]["value"] for k in expected} == expected
    assert here["in_care_single_parent"]["suppressed"] is True  # 2 children: withheld
    assert here["pairing_coverage"]["value"] == 50.0
    assert here["visit_coverage_q"]["value"] == 66.7
    assert here["ps_coverage"]["value"] == 50.0


def test_the_street_and_the_district_add_up(counted, as_user):
    street = values(as_user("s_admin"), STREET_A)
    assert street["in_care"]["value"] == 4
    single = street["in_care_single_parent"]
    assert (single["value"], single["suppressed"]) == (3, False)  # 小二, 小三, 小六
    coverage = street["pairing_coverage"]
    assert (coverage["value"], coverage["numerator"], coverage["denominator"]) == (33.3, 1, 3)
    visited = street["visit_coverage_q"]
    assert (visited["value"], visited["numerator"], visited["denominator"]) == (50.0, 2, 4)
    assert street["overdue_visits"]["value"] == 2  # 小二 and 小六, never visited
    district = values(as_user("d_admin"), DISTRICT)
    assert district["in_care"]["value"] == 5 and district["visits"]["value"] == 4
    assert district["in_care_migrant"]["suppressed"] is True  # 小七 alone (小四 is a lead)
    # The year counts the March survey too.
    year = values(as_user("c_admin"), A1, "2026")
    assert (year["ps_sessions"]["value"], year["ps_attendance"]["value"]) == (2, 70)


def test_spring_festival_and_childrens_day_visits_counted_by_hand(ready, child, as_user, app):
    """春节 2026 is 17 February (its week either side: 10–24 February), 六一 is 25 May – 8 June.
    甲 is visited on 12 February and 30 May, 乙 on 20 March and 9 June: one child each time."""
    from plugins.youth_care.children.models import YouthCareChild

    worker = as_user("worker")
    kids = {name: child(name=name) for name in ("甲", "乙")}
    with app.app_context():
        residents = {k: db.session.get(YouthCareChild, v).resident_id for k, v in kids.items()}
    for name, day in (("甲", "2026-02-12"), ("甲", "2026-05-30"), ("乙", "2026-03-20"),
                      ("乙", "2026-06-09")):  # fmt: skip
        made = worker.post(api() + "/visits", json={
            "subject_kind": "resident", "subject_id": residents[name], "visited_on": day,
            "mode": "home"})  # fmt: skip
        assert made.status_code == 201, made.json
    year = values(as_user("c_admin"), A1, "2026")
    counted = {k: year[k]["value"] for k in (
        "in_care", "spring_visited", "spring_coverage", "june_first_visited",
        "june_first_coverage")}  # fmt: skip
    assert counted == {"in_care": 2, "spring_visited": 1, "spring_coverage": 50.0,
                       "june_first_visited": 1, "june_first_coverage": 50.0}  # fmt: skip
    quarter = values(as_user("c_admin"), A1, "2026Q2")
    assert (quarter["spring_visited"]["value"], quarter["june_first_visited"]["value"]) == (0, 1)

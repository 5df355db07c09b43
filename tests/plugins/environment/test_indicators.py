"""Every environment indicator against a hand-counted fixture (June 2026), at a community and
rolled up to its street and district: rates are summed numerators over summed denominators."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, DISTRICT, STREET_A, api
from .test_inspections import scores


def post(client, ref: str, path: str, body: dict) -> dict:
    r = client.post(api(ref) + path, json=body)
    assert r.status_code in (200, 201), (path, r.json)
    return r.json


def inspect(client, ref: str, area_id: int, day: str, kind: str, **lost: float) -> dict:
    body = {
        "done_on": day,
        "kind": kind,
        "area_id": area_id,
        "results": scores(client, ref, **lost),
    }
    return post(client, ref, "/inspections", body)


def complaint(client, ref: str, ticket: str, **fields) -> dict:
    body = {"ticket": ticket, "received_at": "2026-06-10 08:00", "category": "garbage"} | fields
    return post(client, ref, "/complaints", body)


@pytest.fixture
def june(app, world, enable, clock, as_user, shop):
    clock("2026-06-30T12:00:00+08:00")
    enable(A1, A2, B1)
    world.add_user("worker_a2", "program_worker", A2)
    world.add_user("worker_b1", "program_worker", B1)
    a1, a2, b1 = as_user("worker"), as_user("worker_a2"), as_user("worker_b1")

    # A1: 4 areas scored (2 weekly self-check days, 1 monthly joint check); 6 failed items
    stairs = post(a1, A1, "/areas", {"name": "1号楼楼道"})["id"]
    front = post(a1, A1, "/areas", {"name": "沿街门前", "kind": "frontage"})["id"]
    inspect(a1, A1, stairs, "2026-06-05", "weekly")  # 100
    inspect(a1, A1, front, "2026-06-05", "weekly", i0=0, i4=5)  # 80: 堆物, 分类
    inspect(a1, A1, stairs, "2026-06-12", "weekly", i2=0)  # 90: 地面
    inspect(a1, A1, stairs, "2026-06-20", "monthly", i3=0, i5=0, i6=5)  # 70: 垃圾, 积水, 绿化
    inspect(a1, A1, stairs, "2026-05-20", "weekly", i1=0)  # May: not in June's figures
    issues = {
        i["category"]: i["id"] for i in a1.get(api(A1) + "/issues?since=2026-06-01").json["items"]
    }
    assert sorted(issues) == ["greenery", "other", "overflow", "piling", "sorting", "water"]
    for category in ("piling", "other"):
        for step in ("start", "submit", "pass"):
            post(a1, A1, f"/issues/{issues[category]}/{step}", {"on": "2026-06-25"})
    post(a1, A1, f"/issues/{issues['greenery']}/refer", {"on": "2026-06-25", "comment": "园林"})

    # A1: 3 street-front shops, one letter in force, one expired, one shop in the back
    admin = as_user("c_admin")
    shops = [shop(A1, name=f"店{n}") for n in range(3)]
    shop(A1, name="后院仓库", street_front=False)
    post(
        admin, A1, "/letters", {"unit_id": shops[0], "status": "signed", "signed_on": "2026-01-08"}
    )
    post(
        admin, A1, "/letters", {"unit_id": shops[1], "status": "signed", "signed_on": "2025-01-08"}
    )

    # sorting: A1 60 of 100 households, 15 of 20 right; A2 45 of 50, 10 of 10
    for body in ({"covered": 40, "participating": 30, "checked": 10, "passed": 8},
                 {"covered": 60, "participating": 30, "checked": 10, "passed": 7}):  # fmt: skip
        station = post(a1, A1, "/areas", {"name": f"桶站{body['covered']}", "kind": "station"})
        post(a1, A1, "/sorting", {"month": "2026-06-01", "area_id": station["id"]} | body)
    post(a1, A1, "/sorting", {"month": "2026-05-01", "covered": 10, "participating": 1})
    post(a2, A2, "/sorting", {"month": "2026-06-01", "covered": 50, "participating": 45,
                              "checked": 10, "passed": 10})  # fmt: skip

    # complaints: A1 three (one in time, solved, satisfied; one urgent contacted after 3 h,
    # partly solved, not satisfied; one not yet contacted); A2 one in time, solved, satisfied
    complaint(
        a1,
        A1,
        "A1-1",
        contacted_at="2026-06-10 12:00",
        resolved_at="2026-06-12 12:00",
        result="solved",
        followed_up_at="2026-06-13 09:00",
        satisfaction="satisfied",
    )
    complaint(
        a1,
        A1,
        "A1-2",
        urgent=True,
        contacted_at="2026-06-10 11:00",
        resolved_at="2026-06-15 12:00",
        result="partly",
        followed_up_at="2026-06-16 09:00",
        satisfaction="unsatisfied",
    )
    complaint(a1, A1, "A1-3")
    complaint(a1, A1, "A1-May", received_at="2026-05-10 08:00")
    complaint(a2, A2, "A2-1", contacted_at="2026-06-10 09:00", resolved_at="2026-06-11 09:00",
              result="solved", followed_up_at="2026-06-12 09:00", satisfaction="fairly")  # fmt: skip

    # water tanks of A1: one cleaned in March (due in September), one overdue since 15 May
    post(a1, A1, "/tanks", {"facility": "1号楼水箱", "cleaned_on": "2026-03-01"})
    post(a1, A1, "/tanks", {"facility": "2号楼水箱", "cleaned_on": "2025-11-15"})

    # activities and green families of A1
    post(a1, A1, "/activities", {"held_on": "2026-06-05", "kind": "publicity", "title": "6.5宣传",
                                 "headcount": 80})  # fmt: skip
    post(a1, A1, "/activities", {"held_on": "2026-06-20", "kind": "cleanup", "title": "大扫除",
                                 "headcount": 40})  # fmt: skip
    for nominee, result in (("王家", "selected"), ("李家", "selected"), ("赵家", "nominated")):
        post(a1, A1, "/selections", {"year": 2026, "nominee": nominee, "result": result})

    # A2: one area at 100; B1 (another street): one at 65 (10 + 10 + 10 + 5 lost)
    s2 = post(a2, A2, "/areas", {"name": "A2楼道"})["id"]
    inspect(a2, A2, s2, "2026-06-05", "weekly")
    s3 = post(b1, B1, "/areas", {"name": "B1楼道"})["id"]
    inspect(b1, B1, s3, "2026-06-05", "weekly", i0=0, i1=0, i2=0, i3=10)
    return as_user("d_admin")


def figures(client, ref: str, period: str = "2026-06") -> dict[str, dict]:
    r = client.get(f"/api/v1/nodes/{ref}/indicators?period={period}")
    assert r.status_code == 200, r.json
    return {i["name"].split(".", 1)[1]: i for i in r.json["items"] if i["module"] == "environment"}


def values(found: dict[str, dict], *names: str) -> tuple:
    return tuple(found[n]["value"] for n in names)


def test_a_community_s_figures_counted_by_hand(june):
    f = figures(june, A1)
    assert values(f, "self_checks", "joint_checks", "scored", "score_total", "avg_score") == (
        2,
        1,
        4,
        340.0,
        85.0,
    )
    assert values(f, "passed", "pass_rate", "frontage_scored", "frontage_passed") == (2, 50.0, 1, 0)
    # overdue is a stock: May's open 小广告 issue is still overdue at the end of June
    assert values(f, "issues_found", "issues_closed", "issues_referred", "issues_overdue") == (
        6,
        2,
        1,
        4,
    )
    assert (f["rectification_rate"]["numerator"], f["rectification_rate"]["value"]) == (2, 33.3)
    assert values(f, "street_front_units", "letters_valid", "letters_rate") == (3, 1, 33.3)
    assert values(f, "sorting_participation", "sorting_accuracy") == (60.0, 75.0)
    assert values(f, "complaints", "response_rate", "resolution_rate", "satisfaction_rate") == (
        3,
        33.3,
        50.0,
        50.0,
    )
    assert values(f, "tanks", "tanks_on_time", "tank_on_time") == (2, 1, 50.0)
    assert values(f, "campaign_activities", "campaign_participants") == (2, 120)
    assert f["green_families"]["value"] == 2  # the year's selected families, as of June
    assert figures(june, A1, "2026")["green_families"]["value"] == 2


def test_the_street_and_district_roll_up_numerators_and_denominators(june):
    street = figures(june, STREET_A)
    assert values(street, "self_checks", "scored", "passed", "pass_rate", "avg_score") == (
        3,
        5,
        3,
        60.0,
        88.0,
    )
    # 60 + 45 of 100 + 50 households: 70 %, not the 75 % a mean of 60 % and 90 % would give
    part = street["sorting_participation"]
    assert (part["numerator"], part["denominator"], part["value"]) == (105, 150, 70.0)
    assert street["sorting_accuracy"]["value"] == 83.3
    assert values(street, "complaints", "response_rate", "satisfaction_rate") == (4, 50.0, 66.7)
    district = figures(june, DISTRICT)
    assert values(district, "self_checks", "scored", "passed", "pass_rate", "avg_score") == (
        4,
        6,
        3,
        50.0,
        84.2,
    )
    assert figures(june, "110105002")["avg_score"]["value"] == 65.0


def test_the_overdue_issues_open_onto_their_records(june):
    r = june.get(f"/api/v1/nodes/{A1}/figures/environment.issues_overdue/records?period=2026-06")
    assert r.status_code == 200, r.json
    assert sorted(i["category"] for i in r.json["items"]) == [
        "adverts",
        "overflow",
        "sorting",
        "water",
    ]

"""The module's indicators against a hand-counted fixture, at a community, a street and the
district; rates by their numerators and denominators, never a mean of rates.

    永安里东 (A1): 4 cases accepted in March — 1 written agreement, 2 failed, 1 still running
                  (overdue on 15 April); 2 screenings; 1 board renewed on time, 1 overdue
    建国里 (A2):   2 cases accepted — 1 oral, 1 written agreement; 1 screening
    吉祥里 (B1):   1 case accepted — failed; no screening
"""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, DISTRICT, STREET_A, api

CASE = {"parties": "甲、乙", "summary": "纠纷", "mediators": "王秀梅", "amount": "1000.00"}


def case(client, ref: str, outcome: str | None) -> None:
    made = client.post(f"{api(ref)}/disputes", json={**CASE, "registered_on": "2026-03-02"})
    cid = made.json["id"]
    base = f"{api(ref)}/disputes/{cid}"
    assert client.post(f"{base}/accept", json={"on": "2026-03-02"}).status_code == 200
    if outcome is None:
        return
    client.post(f"{base}/sessions", json={"held_on": "2026-03-05"})
    if outcome == "failed":
        done = client.post(f"{base}/fail", json={"on": "2026-03-10", "failed_route": "lawsuit"})
    else:
        data = {"on": "2026-03-10", "outcome": outcome, "agreement_text": "赔偿1000元"}
        done = client.post(f"{base}/succeed", json=data)
    assert done.status_code == 200, done.json


@pytest.fixture
def fixture(enable, as_user, clock):
    clock("2026-04-15T10:00:00+08:00")
    enable(A1, A2, B1)
    admin = as_user("d_admin")
    for ref, outcomes in {
        A1: ["written", "failed", "failed", None],
        A2: ["oral", "written"],
        B1: ["failed"],
    }.items():
        for outcome in outcomes:
            case(admin, ref, outcome)
    for ref, days in {A1: ["2026-03-01", "2026-03-16"], A2: ["2026-03-01"]}.items():
        for day in days:
            assert admin.post(f"{api(ref)}/screenings", json={"held_on": day}).status_code == 201
    fresh = admin.post(f"{api(A1)}/boards", json={"name": "东门", "set_up_on": "2026-04-01"}).json
    stale = admin.post(f"{api(A1)}/boards", json={"name": "西门", "set_up_on": "2026-01-01"}).json
    assert fresh["overdue"] is False and stale["overdue"] is True
    return admin


def figures(client, ref: str) -> dict:
    items = client.get(f"/api/v1/nodes/{ref}/indicators", query_string={"period": "2026Q1"})
    assert items.status_code == 200, items.json
    return {i["name"].removeprefix("legal_publicity."): i for i in items.json["items"]}


def test_counts_roll_up_from_communities_to_the_street_and_the_district(fixture):
    a1, street, district = (figures(fixture, ref) for ref in (A1, STREET_A, DISTRICT))
    assert [a1[k]["value"] for k in ("accepted", "concluded", "resolved", "written", "oral")] == [
        4,
        3,
        1,
        1,
        0,
    ]
    assert [
        street[k]["value"] for k in ("accepted", "concluded", "resolved", "written", "oral")
    ] == [6, 5, 3, 2, 1]
    assert [district[k]["value"] for k in ("accepted", "concluded", "resolved")] == [7, 6, 3]
    assert (
        a1["screenings"]["value"],
        street["screenings"]["value"],
        district["screenings"]["value"],
    ) == (2, 3, 3)
    assert street["amount"]["value"] == 6000.0


def test_the_success_rate_is_summed_numerators_over_summed_denominators(fixture):
    a1, a2, street, district = (figures(fixture, ref) for ref in (A1, A2, STREET_A, DISTRICT))
    assert (a1["success_rate"]["numerator"], a1["success_rate"]["denominator"]) == (1, 3)
    assert a2["success_rate"]["value"] == 100.0
    # 3 of 5, not the 66.7 % a mean of 33.3 % and 100 % would give.
    assert (street["success_rate"]["value"], street["success_rate"]["denominator"]) == (60.0, 5)
    assert district["success_rate"]["value"] == 50.0  # 3 of 6


def test_overdue_and_boards_are_taken_on_the_day(fixture):
    a1 = figures(fixture, A1)
    # Accepted 2 March, due 1 April: not overdue on 31 March, overdue on 15 April (today).
    assert a1["overdue"]["value"] == 0
    # Taken on the quarter's last day (31 March): the fresh board did not exist yet.
    assert (a1["boards"]["value"], a1["boards_on_time"]["value"]) == (1, 0)
    april = fixture.get(f"/api/v1/nodes/{A1}/indicators", query_string={"period": "2026-04"})
    by_name = {i["name"]: i for i in april.json["items"]}
    assert by_name["legal_publicity.overdue"]["value"] == 1
    rate = by_name["legal_publicity.board_on_time"]
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (1, 2, 50.0)

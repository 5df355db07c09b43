"""三项岗位人员名册: the roster behind 持证上岗率 — who is on duty at which enterprise with which
certificate; the rate at a street and the drill-down to exactly the people it counts."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, STREET_A, api, page


@pytest.fixture
def ready(enable, clock):
    enable(A1, A2, B1)
    clock("2026-06-15T10:00:00+08:00")


def test_the_roster_and_the_rate(ready, as_user, enterprise):
    worker = as_user("worker")
    here = enterprise(A1)
    people = [
        {"name": "王安全", "post": "safety_manager", "certificate_number": "AQ001",
         "certificate_expires_on": "2027-03-01"},
        {"name": "李主任", "post": "principal", "certificate_number": "AQ002",
         "certificate_expires_on": "2026-05-31"},  # expired
        {"name": "赵电工", "post": "special_operator"},  # no certificate
        {"name": "钱离岗", "post": "principal", "on_duty": False, "certificate_number": "AQ004",
         "certificate_expires_on": "2027-03-01"},
    ]  # fmt: skip
    ids = []
    for person in people:
        created = worker.post(api() + "/key_posts", json={"enterprise_id": here, **person})
        assert created.status_code == 201, created.json
        ids.append(created.json["id"])
    listed = worker.get(api() + "/key_posts?on_duty=1").json
    assert listed["total"] == 3
    assert {p["name"]: p["certified"] for p in listed["items"]} == {
        "王安全": True,
        "李主任": False,
        "赵电工": False,
    }
    assert worker.get(page() + "/key_posts").status_code == 200
    board = as_user("s_admin").get(f"/api/v1/nodes/{STREET_A}/indicators?period=2026").json
    values = {i["name"]: i for i in board["items"]}
    assert values["safety.key_posts"]["value"] == 3
    rate = values["safety.certified_rate"]
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (33.3, 1, 3)
    # The drill-down lists exactly the one counted as certified.
    drill = as_user("s_admin").get(
        f"/api/v1/nodes/{STREET_A}/figures/safety.key_posts_certified/records?period=2026"
    )
    assert [p["name"] for p in drill.json["items"]] == ["王安全"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "甲", "post": "principal"}, "enterprise_id"),
        ({"name": "甲", "post": "cook", "enterprise_id": "HERE"}, "post"),
        ({"post": "principal", "enterprise_id": "HERE"}, "name"),
        ({"name": "甲", "post": "principal", "enterprise_id": "HERE", "certificate_number": "X"},
         "certificate_expires_on"),
        ({"name": "甲", "post": "principal", "enterprise_id": "ELSEWHERE"}, "enterprise_id"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_naming_the_field(ready, as_user, enterprise, body, field):
    places = {"HERE": enterprise(A1), "ELSEWHERE": enterprise(B1)}
    body = {k: places.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    refused = as_user("worker").post(api() + "/key_posts", json=body)
    assert refused.status_code == 422 and field in refused.json["error"]["fields"]


def test_denials(ready, as_user, enterprise):
    here = enterprise(A1)
    body = {"name": "甲", "post": "principal", "enterprise_id": here}
    assert as_user("inspector").post(api() + "/key_posts", json=body).status_code == 403
    # Another community and a building leader: out of scope, not found.
    assert as_user("worker").get(api(A2) + "/key_posts").status_code == 404
    assert as_user("leader").get(api() + "/key_posts").status_code == 404

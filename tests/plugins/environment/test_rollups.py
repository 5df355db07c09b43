"""What the street and the district see of their communities' complaints: every community's,
none of another street's, those past a deadline first and marked, the flag listing only them."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, STREET_A, api


@pytest.fixture
def complaints(enable, clock, world, as_user):
    """At 2026-06-15 10:00: in A1 one resolved late (contacted, unresolved after 7 days) and one
    received this morning; in A2 one not contacted after 30 hours; in B1 (street B) one not
    contacted either."""
    clock("2026-06-15T10:00:00+08:00")
    enable(A1, A2, B1)
    world.add_user("worker_a2", "program_worker", A2)
    world.add_user("worker_b", "program_worker", B1)

    def made(user: str, ref: str, ticket: str, received: str, **moments) -> None:
        body = {"ticket": ticket, "received_at": received, "category": "garbage", **moments}
        answer = as_user(user).post(api(ref) + "/complaints", json=body)
        assert answer.status_code == 201, answer.json

    made("worker", A1, "A1-fresh", "2026-06-15 08:00")
    made("worker", A1, "A1-late", "2026-06-05 09:00", contacted_at="2026-06-05 11:00")
    made("worker_a2", A2, "A2-late", "2026-06-14 04:00")
    made("worker_b", B1, "B1-late", "2026-06-13 09:00")


def _listed(client, node: str, query: str = "") -> list[tuple[str, bool]]:
    answer = client.get(f"/api/v1/r/{node}/environment/complaints{query}")
    assert answer.status_code == 200, answer.json
    return [(c["ticket"], c["overdue"]) for c in answer.json["items"]]


def test_the_street_lists_its_communities_complaints_overdue_first(complaints, as_user):
    listed = _listed(as_user("s_admin"), STREET_A)
    assert listed == [("A2-late", True), ("A1-late", True), ("A1-fresh", False)]
    assert _listed(as_user("s_admin"), STREET_A, "?overdue=1") == listed[:2]
    page = as_user("s_admin").get(f"/r/{STREET_A}/environment/complaints").text
    assert page.index("A2-late") < page.index("A1-late") < page.index("A1-fresh")
    assert "B1-late" not in page


def test_the_district_sees_every_street_and_the_community_its_own(complaints, as_user):
    listed = _listed(as_user("d_admin"), "110105")
    assert [t for t, _o in listed] == ["A2-late", "B1-late", "A1-late", "A1-fresh"]
    own = as_user("worker").get(api(A1) + "/complaints").json["items"]
    assert [c["ticket"] for c in own] == ["A1-late", "A1-fresh"]


def test_a_complaint_leaves_the_overdue_list_once_contacted_and_resolved(complaints, as_user):
    worker = as_user("worker_a2")
    found = worker.get(api(A2) + "/complaints").json["items"][0]
    assert found["overdue"] is True
    step = worker.post(api(A2) + f"/complaints/{found['id']}/contact", json={})
    assert step.status_code == 200, step.json
    assert _listed(as_user("s_admin"), STREET_A, "?overdue=1") == [("A1-late", True)]


def test_the_street_list_masks_the_complainant_and_the_linked_resident(complaints, as_user):
    from datetime import date

    from tests.plugins.registry.conftest import make_id

    worker = as_user("worker")
    person = {"name": "李秀英", "id_number": make_id(date(1960, 5, 1), 124),
              "mobile": "13912345678"}  # fmt: skip
    assert worker.post(f"/api/v1/c/{A1}/registry/residents", json=person).status_code == 201
    made = worker.post(api(A1) + "/complaints", json={
        "ticket": "A1-linked", "received_at": "2026-06-15 09:00", "category": "noise",
        "complainant": "李秀英", "phone": "13912345678"})  # fmt: skip
    assert made.status_code == 201, made.json
    for account in ("s_admin", "d_admin"):
        client = as_user(account)
        node = STREET_A if account == "s_admin" else "110105"
        listed = client.get(f"/api/v1/r/{node}/environment/complaints").json["items"]
        linked = next(c for c in listed if c["ticket"] == "A1-linked")
        assert (linked["phone"], linked["complainant"], linked["resident_id"]) == (
            "139****5678", "李**", None)  # fmt: skip
        page = client.get(f"/r/{node}/environment/complaints").text
        assert "A1-linked" in page and "13912345678" not in page and "李秀英" not in page


def test_the_complaint_ledger_export_stays_in_order_of_receipt(complaints, as_user):
    text = as_user("s_admin").get("/n/110105001/exports/environment.complaints.csv")
    assert text.status_code == 200
    body = text.data.decode("utf-8-sig")
    assert body.index("A1-late") < body.index("A2-late") < body.index("A1-fresh")

"""Visit campaigns (走访慰问) as core gives them to every module; the module under test is youth
care, whose visit log names children in care. The clock is stopped on 2026-06-15 (Beijing).

A1 has three children in care — 甲 (single parent), 乙 (disabled), 丙 (single parent) — and A2
one. The 六一 campaign ran 25 May – 5 June in three phases: 甲 was visited on 27 May (in the
first phase), 乙 on 10 June (after the end: late), 丙 not at all."""

from __future__ import annotations

from datetime import date

import pytest

from tests.plugins.youth_care.conftest import (  # noqa: F401 - fixtures
    A1,
    A2,
    STREET_A,
    api,
    child,
    clock,
    ready,
    resident,
    switch_on,
)
from tests.plugins.youth_care.helpers import work_items

PHASES = [
    {"name": "摸底", "ends_on": "2026-05-28"},
    {"name": "走访", "ends_on": "2026-06-03"},
    {"name": "总结", "ends_on": "2026-06-05"},
]
CHILDREN_DAY = {
    "kind": "childrens_day",
    "title": "2026年六一走访慰问",
    "starts_on": "2026-05-25",
    "ends_on": "2026-06-05",
    "phases": PHASES,
}


@pytest.fixture
def children(ready, child, app, world):  # noqa: F811
    """name → resident id of A1's three children in care (and A2's one), confirmed on 1 May."""
    from core.db import db
    from plugins.youth_care.children.models import YouthCareChild

    made = {
        "甲": child(name="甲", categories=["single_parent"]),
        "乙": child(name="乙", categories=["disabled"]),
        "丙": child(name="丙", categories=["single_parent"]),
        "丁": child(name="丁", ref=A2),
    }
    with app.app_context():
        rows = db.session.query(YouthCareChild).filter(YouthCareChild.id.in_(made.values()))
        for row in rows:
            row.entered_on = date(2026, 5, 1)
        db.session.commit()
        return {name: db.session.get(YouthCareChild, cid).resident_id for name, cid in made.items()}


def visit(client, resident_id: int, day: str, ref: str = A1) -> None:
    body = {"subject_kind": "resident", "subject_id": resident_id, "visited_on": day}
    answer = client.post(f"{api(ref)}/visits", json=body | {"mode": "home"})
    assert answer.status_code == 201, answer.json


@pytest.fixture
def campaign(children, as_user):
    worker = as_user("worker")
    visit(worker, children["甲"], "2026-05-27")
    visit(worker, children["乙"], "2026-06-10")
    visit(worker, children["丙"], "2026-05-20")  # before the campaign: does not count
    answer = worker.post(f"{api()}/campaigns", json=CHILDREN_DAY)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_progress_counts_in_time_late_and_pending_per_phase(campaign, as_user):
    progress = as_user("worker").get(f"{api()}/campaigns/{campaign}/progress").json
    assert (progress["members"], progress["in_time"], progress["late"]) == (3, 1, 1)
    assert [p["name"] for p in progress["pending"]] == ["丙"]
    assert [(p["name"], p["starts_on"], p["reached"]) for p in progress["phases"]] == [
        ("摸底", "2026-05-25", 1),
        ("走访", "2026-05-29", 1),
        ("总结", "2026-06-04", 1),
    ]
    assert progress["status"] == "ended"
    html = as_user("worker").get(f"/c/{A1}/youth_care/campaigns/{campaign}").get_data(as_text=True)
    assert "data-campaign-progress" in html and "丙" in html and "走访" in html


def test_an_ended_campaigns_missed_are_overdue_until_visited(campaign, children, as_user):
    worker = as_user("worker")
    items = work_items(worker)
    link = f"/c/{A1}/youth_care/campaigns/pending?status=overdue"
    assert items[("youth_care.campaign_overdue", A1)] == (1, link)
    assert ("youth_care.campaign_due", A1) not in items
    listed = worker.get(f"{api()}/campaigns/pending", query_string={"status": "overdue"}).json
    assert [(r["name"], r["status"]) for r in listed["items"]] == [("丙", "overdue")]
    assert "丙" in worker.get(link).get_data(as_text=True)
    visit(worker, children["丙"], "2026-06-15")  # late, but reached: nothing overdue
    assert ("youth_care.campaign_overdue", A1) not in work_items(worker)
    progress = worker.get(f"{api()}/campaigns/{campaign}/progress").json
    assert (progress["in_time"], progress["late"], progress["pending"]) == (1, 2, [])


def test_a_running_campaign_of_a_category_waits_for_its_members(children, as_user):
    worker = as_user("worker")
    visit(worker, children["甲"], "2026-06-01")  # before the start: not reached
    body = {"kind": "other", "title": "暑期走访", "starts_on": "2026-06-10",
            "ends_on": "2026-06-30", "audience": ["single_parent"]}  # fmt: skip
    campaign = worker.post(f"{api()}/campaigns", json=body).json["id"]
    admin = as_user("c_admin")  # the categories are S3: the admin's list names the children
    link = f"/c/{A1}/youth_care/campaigns/pending?status=due"
    assert work_items(admin)[("youth_care.campaign_due_named", A1)] == (2, link)  # not 乙
    assert "youth_care.campaign_due_named" not in str(work_items(worker))  # a list it cannot see
    pending = admin.get(f"{api()}/campaigns/pending").json["items"]
    assert sorted(r["name"] for r in pending) == sorted(["甲", "丙"])
    visit(worker, children["甲"], "2026-06-12")
    assert work_items(admin)[("youth_care.campaign_due_named", A1)][0] == 1
    progress = admin.get(f"{api()}/campaigns/{campaign}/progress").json
    assert (progress["members"], progress["in_time"], progress["phases"]) == (2, 1, [])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-05-01"}, "ends_on"),
        (
            {
                "phases": [
                    {"name": "甲", "ends_on": "2026-06-01"},
                    {"name": "乙", "ends_on": "2026-05-30"},
                ]
            },
            "phases",
        ),
        ({"phases": [{"name": "甲", "ends_on": "2026-06-01"}]}, "phases"),  # ends before the end
        ({"phases": [{"name": "甲", "ends_on": "6月1日"}]}, "phases"),
        ({"kind": "new_year"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_a_campaign_is_refused_naming_the_field(children, as_user, change, field):
    answer = as_user("worker").post(f"{api()}/campaigns", json=CHILDREN_DAY | change)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]


def test_the_street_reads_progress_per_community_as_counts(campaign, children, as_user):
    street = as_user("s_admin")
    answer = street.post(f"{api(A2)}/campaigns", json=CHILDREN_DAY)  # A2 runs its own
    assert answer.status_code == 201, answer.json
    url = f"/api/v1/r/{STREET_A}/youth_care/campaigns/progress"
    rows = street.get(url).json["items"]
    assert sorted((r["community"], r["members"], r["in_time"]) for r in rows) == [
        ("建国里社区", 1, 0),
        ("永安里东社区", 3, 1),
    ]
    one_kind = street.get(
        f"/api/v1/r/{STREET_A}/youth_care/campaigns/progress",
        query_string={"kind": "spring_festival"},
    ).json["items"]
    assert one_kind == []
    html = street.get(f"/r/{STREET_A}/youth_care/campaigns/progress").get_data(as_text=True)
    assert "data-campaign-rollup" in html and "丙" not in html  # counts, never names
    assert (
        street.get(
            f"/api/v1/r/{STREET_A}/youth_care/campaigns/progress", query_string={"kind": "x"}
        ).status_code
        == 422
    )


def test_a_campaign_is_read_only_elsewhere_and_gone_with_the_module(campaign, app, world, as_user):
    world.add_user("a2_admin", "community_admin", A2)
    assert as_user("a2_admin").get(f"{api(A2)}/campaigns/{campaign}/progress").status_code == 404
    inspector = as_user("inspector")
    assert inspector.get(f"{api()}/campaigns/{campaign}/progress").status_code == 200
    assert inspector.post(f"{api()}/campaigns", json=CHILDREN_DAY).status_code == 403
    from core.db import db
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "youth_care")
        db.session.commit()
    assert as_user("worker").get(f"{api()}/campaigns/pending").status_code == 404

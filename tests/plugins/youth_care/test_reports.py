"""The upward reports through core's report engine — the quarterly 关工委工作季报 and the monthly
困境儿童变动月报 — filled from the ledgers, checked (the children in care add up by level; the
exits add up by reason), due on their days; and the module's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from .conftest import A1, STREET_A, api

QUARTERLY, MONTHLY = "youth_care.quarterly", "youth_care.difficulty_changes"


def url(ref: str, report: str, period: str, step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/{report}/{period}"
    return f"{base}/{step}" if step else base


def fields(body: dict) -> dict[str, dict]:
    return {f["key"]: f for f in body["fields"]}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def children(ready, child, as_user):
    """In A1: two children in difficulty and one of key attention (one of the two), one in
    difficulty who left in June (situation improved), and a migrant child of general attention."""
    made = {
        "poor": child(name="甲", categories=["poor_family"], level="key"),
        "disabled": child(name="乙", categories=["disabled"]),
        "left": child(name="丙", categories=["no_guardian"]),
        "migrant": child(name="丁", categories=["migrant"]),
    }
    left = as_user("d_admin").post(
        api() + f"/children/{made['left']}/exit", json={"reason": "improved"}
    )
    assert left.status_code == 200
    return made


def test_the_quarterly_report_fills_itself_and_is_filed_upward(children, as_user, clock):
    clock("2026-07-02T09:00:00+08:00")
    community, street = as_user("c_admin"), as_user("s_admin")
    body = ok(community.get(url(A1, QUARTERLY, "2026Q2")))
    assert body["due"] == "2026-07-10"
    figures = fields(body)
    auto = {k: figures[k]["value"] for k in (
        "in_care", "key_children", "general_children", "difficulty", "pairings")}  # fmt: skip
    assert auto == {"in_care": 3, "key_children": 1, "general_children": 2, "difficulty": 2,
                    "pairings": 0}  # fmt: skip
    changed = community.patch(url(A1, QUARTERLY, "2026Q2"), json={"values": {"in_care": 4}})
    assert changed.status_code == 422 and "in_care" in changed.json["error"]["fields"]
    ok(community.patch(url(A1, QUARTERLY, "2026Q2"), json={
        "values": {"in_care": 4}, "reasons": {"in_care": "一名儿童待录入"}}))  # fmt: skip
    # 4 ≠ 1 + 2: the sum check refuses the submission, naming the fields.
    refused = community.post(url(A1, QUARTERLY, "2026Q2", "submit"), json={})
    assert refused.status_code == 422, refused.json
    assert "in_care" in refused.json["error"]["fields"]
    ok(community.patch(url(A1, QUARTERLY, "2026Q2"), json={
        "values": {"in_care": 3}}))  # fmt: skip
    ok(community.post(url(A1, QUARTERLY, "2026Q2", "submit"), json={}))
    assert community.post(url(A1, QUARTERLY, "2026Q2", "approve"), json={}).status_code == 403
    approved = ok(street.post(url(A1, QUARTERLY, "2026Q2", "approve"), json={}))
    assert approved["status"] == "approved"
    totals = ok(street.get(url(STREET_A, QUARTERLY, "2026Q2")))["consolidation"]["totals"]
    assert (totals["in_care"], totals["venue_checks"]) == (3, 0)


def test_the_monthly_changes_of_children_in_difficulty(children, as_user, clock):
    clock("2026-07-03T09:00:00+08:00")
    community = as_user("c_admin")
    body = ok(community.get(url(A1, MONTHLY, "2026-06")))
    assert body["due"] == "2026-07-05"
    figures = {k: f["value"] for k, f in fields(body).items()}
    assert figures["difficulty"] == 2  # 甲 and 乙; 丙 left
    assert (figures["difficulty_new"], figures["difficulty_exited"]) == (3, 1)
    assert figures["difficulty_exited_improved"] == 1 and figures["difficulty_exited_adult"] == 0
    ok(community.patch(url(A1, MONTHLY, "2026-06"), json={
        "values": {"difficulty_exited_moved": 1}, "reasons": {"difficulty_exited_moved": "补录"},
    }))  # fmt: skip
    refused = community.post(url(A1, MONTHLY, "2026-06", "submit"), json={})
    assert refused.status_code == 422 and "difficulty_exited" in refused.json["error"]["fields"]


def test_the_calendar_of_the_committee(ready, as_user):
    items = as_user("worker").get("/api/v1/calendar?year=2026").json["items"]
    ours = {i["label"]: i["date"] for i in items if i["module"] == "youth_care"}
    assert ours["春节走访慰问困境儿童"] == "2026-02-17"  # lunar 1/1
    assert ours["五四青年节"] == "2026-05-04" and ours["六一儿童节"] == "2026-06-01"
    assert ours["12.4青少年法治教育日"] == "2026-12-04"
    assert ours["重阳节（老少同乐）"] == date(2026, 10, 18).isoformat()  # lunar 9/9
    assert ours["清明节（缅怀先烈）"] == "2026-04-05"


HALF, ANNUAL = "youth_care.half_year", "youth_care.annual"


def test_the_half_year_summary_is_of_the_first_half_only_and_filed_by_10_july(
    children, as_user, clock, app, world
):
    from core.db import db
    from plugins.youth_care.children.models import YouthCareChild

    from .records import volunteer_in

    community, street = as_user("c_admin"), as_user("s_admin")
    with app.app_context():
        poor = db.session.get(YouthCareChild, children["poor"]).resident_id
    ok(community.post(api() + "/visits", json={
        "subject_kind": "resident", "subject_id": poor, "visited_on": "2026-06-10",
        "mode": "home"}), 201)  # fmt: skip
    pairing = ok(community.post(api() + "/pairings", json={
        "child_id": children["poor"], "volunteer_id": volunteer_in(app, world),
        "starts_on": "2026-06-01"}), 201)  # fmt: skip
    ok(community.post(api() + f"/pairings/{pairing['id']}/approve", json={"on": "2026-06-01"}))
    clock("2026-07-02T09:00:00+08:00")
    community, street = as_user("c_admin"), as_user("s_admin")  # signed in on the new day
    body = ok(community.get(url(A1, HALF, "2026H1")))
    assert body["due"] == "2026-07-10"
    figures = {k: f["value"] for k, f in fields(body).items()}
    assert (figures["in_care"], figures["key_children"], figures["key_paired"]) == (3, 1, 1)
    assert (figures["visits"], figures["visited"]) == (1, 1)
    assert figures["pairing_coverage"] == 100 and round(figures["visit_coverage"], 1) == 33.3
    assert figures["work_done"] is None  # typed in by the community
    # The second half is the annual summary's: no such period of the half-year summary.
    second = community.get(url(A1, HALF, "2026H2"))
    assert second.status_code == 422 and "period" in second.json["error"]["fields"]
    ok(community.patch(url(A1, HALF, "2026H1"), json={"values": {
        "work_done": "开展七彩夏日筹备、结对帮扶1对", "problems": "志愿者年龄偏大",
        "next_steps": "暑期防溺水宣传"}}))  # fmt: skip
    ok(community.post(url(A1, HALF, "2026H1", "submit"), json={}))
    assert ok(street.post(url(A1, HALF, "2026H1", "approve"), json={}))["status"] == "approved"
    totals = ok(street.get(url(STREET_A, HALF, "2026H1")))["consolidation"]["totals"]
    assert (totals["in_care"], totals["key_paired"], totals["key_children"]) == (3, 1, 1)


def test_the_annual_summary_is_due_by_10_january_and_no_second_half_year_is_asked_for(
    children, as_user, clock
):
    clock("2027-01-05T09:00:00+08:00")
    community = as_user("c_admin")
    body = ok(community.get(url(A1, ANNUAL, "2026")))
    assert body["due"] == "2027-01-10"
    assert {k: f["value"] for k, f in fields(body).items()}["in_care"] == 3
    listed = ok(community.get(f"/api/v1/nodes/{A1}/reports"))
    periods = {r["report"]: [p["period"] for p in r["periods"]] for r in listed["items"]}
    assert periods[ANNUAL][0] == "2026" and periods[HALF][:2] == ["2026H1", "2025H1"]
    home = community.get("/").get_data(as_text=True)
    assert f'data-work="filing.{ANNUAL}.due" data-node="{A1}"' in home
    # The half-year summary's second half is no period of it: what stays open is the first
    # half, unfiled since 10 July.
    assert f'data-work="filing.{HALF}.late" data-node="{A1}"' in home
    assert f'data-work="filing.{HALF}.due"' not in home and "2026年下半年" not in home

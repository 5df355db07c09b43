"""The monthly reports filed upward: auto-filled from the ledgers' figures, typed fields, a sum
that must add up, due by the 5th of the next month and late after it; the street's
consolidation of its communities' approved reports."""

from __future__ import annotations

from .conftest import A1, STREET_A
from .test_indicators import june  # noqa: F401 - the hand-counted June fixture


def url(ref: str, report: str, period: str = "2026-06", step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/environment.{report}/{period}"
    return f"{base}/{step}" if step else base


def fields(response) -> dict[str, dict]:
    assert response.status_code == 200, response.get_json()
    return {f["key"]: f for f in response.get_json()["fields"]}


def test_the_inspection_report_fills_itself(june, as_user):  # noqa: F811
    admin = as_user("c_admin")
    body = admin.get(url(A1, "inspections")).get_json()
    assert body["due"] == "2026-07-05" and body["status"] == "draft"
    f = fields(admin.get(url(A1, "inspections")))
    assert (f["self_checks"]["value"], f["joint_checks"]["value"], f["scored"]["value"]) == (
        2,
        1,
        4,
    )
    assert (f["pass_rate"]["value"], f["issues_found"]["value"]) == (50.0, 6)
    assert (f["issues_closed"]["value"], f["issues_referred"]["value"]) == (2, 1)
    r = admin.patch(url(A1, "inspections"), json={"values": {"lowest_areas": "沿街门前（80分）"}})
    assert r.status_code == 200
    submitted = admin.post(url(A1, "inspections", step="submit"), json={})
    assert submitted.get_json()["status"] == "submitted"
    approved = as_user("s_admin").post(url(A1, "inspections", step="approve"), json={})
    assert approved.get_json()["status"] == "approved"
    street = as_user("s_admin").get(url(STREET_A, "inspections")).get_json()
    children = {c["ref"]: c["status"] for c in street["consolidation"]["children"]}
    assert children[A1] == "approved"


def test_the_sorting_and_complaint_reports_compute_their_rates(june, as_user):  # noqa: F811
    admin = as_user("c_admin")
    s = fields(admin.get(url(A1, "sorting")))
    assert (s["sorting_covered"]["value"], s["sorting_participating"]["value"]) == (100, 60)
    assert (s["participation"]["value"], s["accuracy"]["value"]) == (60.0, 75.0)
    c = fields(admin.get(url(A1, "complaints")))
    assert (c["complaints"]["value"], c["response_rate"]["value"]) == (3, 33.3)
    assert (c["resolution_rate"]["value"], c["satisfaction_rate"]["value"]) == (50.0, 50.0)
    bad = admin.patch(url(A1, "sorting"), json={"values": {"stations": -1}})
    assert bad.status_code == 422 and "stations" in bad.get_json()["error"]["fields"]


def test_the_letters_report_must_add_up(june, as_user):  # noqa: F811
    admin = as_user("c_admin")
    f = fields(admin.get(url(A1, "letters", "2026Q2")))
    assert (f["street_front_units"]["value"], f["letters_valid"]["value"]) == (3, 1)
    admin.patch(url(A1, "letters", "2026Q2"),
                json={"values": {"letters_new": 3, "letters_first": 1, "letters_renewed": 1}})  # fmt: skip
    refused = admin.post(url(A1, "letters", "2026Q2", step="submit"), json={})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {
        "letters_new", "letters_first", "letters_renewed"
    }  # fmt: skip
    admin.patch(url(A1, "letters", "2026Q2"), json={"values": {"letters_renewed": 2}})
    assert admin.post(url(A1, "letters", "2026Q2", step="submit"), json={}).status_code == 200


def test_a_report_not_filed_by_the_5th_is_late(june, as_user, clock):  # noqa: F811
    clock("2026-07-06T09:00:00+08:00")
    html = as_user("c_admin").get("/").get_data(as_text=True)
    assert 'data-work="filing.environment.inspections.late"' in html


def test_the_calendar_has_the_module_s_days(enable, as_user):
    enable(A1)
    items = as_user("worker").get("/api/v1/calendar?year=2026").get_json()["items"]
    ours = {(i["date"], i["label"]) for i in items if i["module"] == "environment"}
    assert ("2026-03-12", "植树节") in ours and ("2026-06-05", "世界环境日") in ours
    assert ("2026-04-01", "爱国卫生月") in ours and ("2026-04-22", "世界地球日") in ours
    assert ("2026-01-01", "门前三包责任书续签") in ours
    # the last Friday of every month (001 l.945) and 物业考核 in June and December
    cleaner_days = sorted(d for d, label in ours if label == "做一天环卫工")
    assert len(cleaner_days) == 12 and cleaner_days[0] == "2026-01-30"
    assert {d for d, label in ours if label == "物业服务考核"} == {"2026-06-20", "2026-12-20"}

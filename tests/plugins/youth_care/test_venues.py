"""网吧巡查: a check of a registry venue of kind 网吧/娱乐场所 on core's scored checklist; a failed
item is to be referred (移交文化市场执法) within 2 working days, shown on the workbench until it
is; the checks and their problems counted for the quarterly report."""

from __future__ import annotations

from .conftest import A1, B1, api, page
from .helpers import work_items

FAILED = [
    {"item": "未接纳未成年人", "result": "fail", "note": "发现3名未成年人上网"},
    {"item": "张贴未成年人禁入标志", "result": "ok"},
    {"item": "落实实名登记", "result": "ok"},
    {"item": "遵守营业时间", "result": "ok"},
]


def test_a_failed_check_is_referred_within_two_working_days(ready, as_user, unit, clock):
    worker = as_user("worker")
    cafe = unit("entertainment", name="极速网咖")
    assert worker.get(page() + "/venue_checks/new").status_code == 200
    made = worker.post(
        api() + "/venue_checks",
        json={
            "unit_id": cafe,
            "done_on": "2026-06-12",
            "checklist": FAILED,
            "checkers": "五老监督员",
        },
    )
    assert made.status_code == 201, made.json  # fmt: skip
    check = made.json
    assert check["venue"] == "极速网咖" and check["refer_by"] == "2026-06-16"  # Fri → Tue
    passed = worker.post(api() + "/venue_checks", json={
        "unit_id": cafe, "done_on": "2026-06-15",
        "checklist": [dict(row, result="ok") for row in FAILED]})  # fmt: skip
    assert passed.status_code == 201 and passed.json["refer_by"] is None
    assert ("youth_care.venues_unreferred", A1) not in work_items(worker)
    clock("2026-06-17T09:00:00+08:00")
    worker = as_user("worker")
    assert work_items(worker)[("youth_care.venues_unreferred", A1)][0] == 1
    referred = worker.post(api() + f"/referrals/inspections/{check['id']}", json={
        "authority": "区文化市场综合执法大队", "reference": "移交〔2026〕3号",
        "referred_on": "2026-06-17"})  # fmt: skip
    assert referred.status_code == 201, referred.json
    assert ("youth_care.venues_unreferred", A1) not in work_items(worker)
    figures = as_user("c_admin").get(f"/api/v1/nodes/{A1}/indicators?period=2026Q2").json
    value = {i["name"]: i["value"] for i in figures["items"]}
    assert (value["youth_care.venue_checks"], value["youth_care.venue_problems"]) == (2, 1)


def test_only_venues_of_the_community_are_checked(ready, as_user, unit, count):
    from plugins.youth_care.models import YouthCareVenueCheck

    worker = as_user("worker")
    for unit_id in (unit("shop"), unit("entertainment", ref=B1)):
        refused = worker.post(api() + "/venue_checks", json={
            "unit_id": unit_id, "done_on": "2026-06-12", "checklist": FAILED})  # fmt: skip
        assert refused.status_code == 422 and "unit_id" in refused.json["error"]["fields"]
    future = worker.post(api() + "/venue_checks", json={
        "unit_id": unit("entertainment"), "done_on": "2026-06-16"})  # fmt: skip
    assert future.status_code == 422 and "done_on" in future.json["error"]["fields"]
    assert count(YouthCareVenueCheck) == 0

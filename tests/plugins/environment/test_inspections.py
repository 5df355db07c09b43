"""Scored inspections on the default 100-point 楼道/院落 sheet: a score below an item's points
fails it and makes an issue (24 h for 垃圾日产日清, 3 days otherwise), the issue's workflow to
its re-check or referral with photos before and after, rounds ranked, the 通报 printable."""

from __future__ import annotations

import io

import pytest

from plugins.environment.models import EnvironmentIssue

from .conftest import A1, api, page

NOW = "2026-06-15T10:00:00+08:00"


@pytest.fixture
def ready(enable, clock):
    clock(NOW)
    enable(A1)


def sheet(client, ref: str = A1) -> dict:
    templates = client.get(api(ref) + "/checklists").json["items"]
    area = next(t for t in templates if t["target_kind"] == "area")
    return client.get(api(ref) + f"/checklists/{area['id']}").json


def scores(client, ref: str = A1, **lost: float) -> list[dict]:
    """Full marks but for the items named by their position (``i3=5``: the fourth item 5)."""
    items = sheet(client, ref)["items"]
    rows = [{"item": i["text"], "score": i["max_points"]} for i in items]
    for key, score in lost.items():
        rows[int(key[1:])]["score"] = score
    return rows


def score(client, area_id: int, round_id: int | None = None, **lost: float) -> dict:
    body = {
        "done_on": "2026-06-15",
        "kind": "monthly",
        "area_id": area_id,
        "results": scores(client, **lost),
        "inspectors": "小王",
        "round_id": round_id,
    }
    r = client.post(api() + "/inspections", json={k: v for k, v in body.items() if v is not None})
    assert r.status_code == 201, r.json
    return r.json


def test_the_default_sheet_is_the_spec_s_100_point_list(ready, as_user):
    template = sheet(as_user("worker"))
    assert template["pass_mark"] == 85 and template["max_score"] == 100
    assert [(i["text"], i["max_points"]) for i in template["items"]] == [
        ("无堆物", 10), ("无小广告", 10), ("地面整洁", 10), ("垃圾日产日清", 15),
        ("桶站整洁分类规范", 15), ("无积水", 10), ("绿化完好无种菜养畜", 10), ("无违建", 10),
        ("病媒防制设施完好", 10),
    ]  # fmt: skip


def test_a_failed_item_becomes_an_issue_with_its_deadline(ready, as_user, area):
    worker = as_user("worker")
    stairs = area(A1, "3号楼楼道")
    made = score(worker, stairs, i0=6, i3=5)  # 堆物 and 垃圾未日产日清
    assert made["total_score"] == 86.0 and made["passed"] == "合格"
    issues = worker.get(api() + f"/issues?inspection={made['id']}").json["items"]
    by_category = {i["category"]: i for i in issues}
    assert set(by_category) == {"piling", "overflow"}
    assert by_category["overflow"]["deadline_at"].startswith("2026-06-16T10:00")
    assert by_category["piling"]["deadline_at"].startswith("2026-06-18T10:00")
    assert all(i["area"] == "3号楼楼道" and i["status"] == "found" for i in issues)
    # editing the inspection does not make the same issues twice
    worker.patch(api() + f"/inspections/{made['id']}", json={"findings": "复核"})
    assert len(worker.get(api() + f"/issues?inspection={made['id']}").json["items"]) == 2
    html = worker.get(page() + f"/inspections/{made['id']}").text
    assert html.count("data-failed") == 2 and "3号楼楼道" in html


def test_a_score_above_the_item_s_points_is_refused(ready, as_user, area, count):
    worker = as_user("worker")
    r = worker.post(api() + "/inspections", json={"done_on": "2026-06-15", "area_id": area(A1),
                    "results": scores(worker, i3=16)})  # fmt: skip
    assert r.status_code == 422 and "results" in r.json["error"]["fields"]
    r = worker.post(api() + "/inspections", json={"done_on": "2026-06-16", "area_id": area(A1)})
    assert r.json["error"]["fields"]["done_on"]
    r = worker.post(api() + "/inspections", json={"done_on": "2026-06-15", "area_id": 999})
    assert r.json["error"]["fields"]["area_id"] == ["没有这个责任区。"]
    assert count(EnvironmentIssue) == 0


def test_the_issue_workflow_to_its_re_check(ready, as_user, area, clock):
    worker = as_user("worker")
    made = score(worker, area(A1), i1=0)  # 小广告
    issue = worker.get(api() + f"/issues?inspection={made['id']}").json["items"][0]
    base = api() + f"/issues/{issue['id']}"
    assert worker.post(base + "/submit", json={}).status_code == 409
    for step in ("notify", "start", "submit"):
        assert worker.post(base + f"/{step}", json={}).status_code == 200, step
    failed = worker.post(base + "/fail", json={})
    assert failed.status_code == 422 and failed.json["error"]["fields"]["comment"]
    assert worker.post(base + "/fail", json={"comment": "仍有残留"}).json["status"] == "rectifying"
    worker.post(base + "/submit", json={})
    done = worker.post(base + "/pass", json={})
    assert done.json["status"] == "done" and done.json["closed_on"] == "2026-06-15"
    events = [e["action"] for e in worker.get(base + "/events").json["items"]]
    assert events == ["found", "notify", "start", "submit", "fail", "submit", "pass"]


def test_an_overdue_issue_is_listed_and_a_structure_is_referred(ready, as_user, area, clock):
    worker = as_user("worker")
    made = score(worker, area(A1), i3=0, i7=0)  # 垃圾 (24 h) and 违建
    issues = {i["category"]: i for i in worker.get(api() + "/issues").json["items"]}
    clock("2026-06-16T10:01:00+08:00")
    worker = as_user("worker")
    overdue = worker.get(api() + "/issues?overdue=1").json["items"]
    assert [i["category"] for i in overdue] == ["overflow"]
    referred = worker.post(api() + f"/issues/{issues['structure']['id']}/refer",
                           json={"comment": "移交城管执法队"})  # fmt: skip
    assert referred.json["status"] == "referred"
    r = worker.post(api() + f"/referrals/issues/{issues['structure']['id']}",
                    json={"authority": "区城管执法局", "reference": "城执〔2026〕18号",
                          "referred_on": "2026-06-16"})  # fmt: skip
    assert r.status_code == 201, r.json
    assert made["passed"] == "不合格"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(out, "PNG")
    return out.getvalue()


def test_photos_before_and_after_on_an_issue(ready, as_user, area):
    worker = as_user("worker")
    made = score(worker, area(A1), i0=0)
    issue = worker.get(api() + f"/issues?inspection={made['id']}").json["items"][0]
    for kind in ("before", "after"):
        r = worker.post(api() + f"/issues/{issue['id']}/photos",
                        data={"photo": (io.BytesIO(_png()), f"{kind}.png"), "kind": kind},
                        content_type="multipart/form-data")  # fmt: skip
        assert r.status_code == 201, r.json
    kinds = [p["kind"] for p in worker.get(api() + f"/issues/{issue['id']}/photos").json["items"]]
    assert sorted(kinds) == ["after", "before"]
    assert "整改前后照片" in worker.get(page() + f"/issues/{issue['id']}").text


def test_a_round_is_ranked_and_its_bulletin_prints(ready, as_user, area):
    worker = as_user("worker")
    round_id = worker.post(api() + "/inspection-rounds", json={"name": "6月大检查"}).json["id"]
    for name, lost in (("1号楼楼道", {}), ("2号楼楼道", {"i2": 5}), ("中心院落", {"i2": 5}),
                       ("东侧街巷", {"i0": 0, "i4": 5})):  # fmt: skip
        score(worker, area(A1, name), round_id, **lost)
    ranking = worker.get(api() + f"/inspection-rounds/{round_id}").json["ranking"]
    assert [(r["rank"], r["total_score"]) for r in ranking] == [
        (1, 100.0),
        (2, 95.0),
        (2, 95.0),
        (4, 80.0),
    ]
    assert "东侧街巷" in ranking[3]["target"]
    bulletin = worker.get(page() + f"/inspection-rounds/{round_id}/bulletin")
    assert (
        bulletin.status_code == 200 and "6月大检查" in bulletin.text and "东侧街巷" in bulletin.text
    )


def test_overdue_issues_and_late_first_contacts_are_on_the_workbench(ready, as_user, area, clock):
    worker = as_user("worker")
    score(worker, area(A1), i3=0)  # 垃圾满溢: due in 24 hours
    worker.post(api() + "/complaints", json={"ticket": "W-1", "received_at": "2026-06-15 09:00",
                                            "urgent": True})  # fmt: skip
    html = worker.get("/").text
    assert 'data-work="environment.issues_overdue"' not in html
    assert 'data-work="environment.complaints_contact"' not in html
    clock("2026-06-16T10:30:00+08:00")
    worker = as_user("worker")
    html = worker.get("/").text
    assert f'data-work="environment.issues_overdue" data-node="{A1}"' in html
    assert f'data-work="environment.complaints_contact" data-node="{A1}"' in html
    assert 'data-work="environment.issues_overdue"' not in as_user("leader").get("/").text

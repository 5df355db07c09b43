"""The special family's confirmation (申报 → 街道审核 → 区认定 → 在册 → 退出, each level its own
permission), a population school session recorded and counted, and the module's observances
on the platform's calendar."""

from __future__ import annotations

from .conftest import A1, api


def _household(client) -> int:
    body = {"building": f"{A1}-bb01", "room": "301", "head_name": "赵大爷"}
    created = client.post(f"/api/v1/c/{A1}/registry/households", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"]


def test_a_special_family_is_confirmed_level_by_level(enable, as_user):
    enable()
    worker, street, district = as_user("worker"), as_user("s_admin"), as_user("d_admin")
    household = _household(as_user("c_admin"))
    declared = worker.post(
        f"{api()}/families",
        json={"household_id": household, "categories": ["disabled_child"]},
    )
    assert declared.status_code == 422 and "disability_grade" in declared.json["error"]["fields"]
    declared = worker.post(
        f"{api()}/families",
        json={"household_id": household, "categories": ["disabled_child"], "disability_grade": "2"},
    )
    assert declared.status_code == 201, declared.json
    family = declared.json["id"]
    # Ten working days from Monday 15 June, the Dragon Boat holiday (19 June) not counted.
    assert declared.json["status"] == "declared" and declared.json["deadline"] == "2026-06-30"
    assert worker.post(f"{api()}/families/{family}/street_check", json={}).status_code == 403
    assert street.post(f"{api()}/families/{family}/street_check", json={}).status_code == 200
    assert street.post(f"{api()}/families/{family}/recognise", json={}).status_code == 403
    no_ref = district.post(f"{api()}/families/{family}/recognise", json={})
    assert no_ref.status_code == 422 and "recognition_ref" in no_ref.json["error"]["fields"]
    done = district.post(
        f"{api()}/families/{family}/recognise", json={"recognition_ref": "朝卫发〔2026〕12号"}
    )
    assert done.json["status"] == "recognised"
    assert worker.post(f"{api()}/families/{family}/enter", json={}).json["status"] == "active"
    # A worker sees that it is a special family only as hidden: 伤残 is S3.
    seen = worker.get(f"{api()}/families/{family}").json
    assert seen["categories"] == ["***"] and seen["disability_grade"] == "***"
    events = [e["action"] for e in worker.get(f"{api()}/families/{family}/events").json["items"]]
    assert events == ["street_check", "recognise", "enter"]


def test_a_population_school_session_is_recorded_and_counted(enable, as_user):
    enable()
    worker = as_user("worker")
    held = worker.post(
        f"{api()}/activities",
        json={"kind": "school", "title": "优生优育讲座", "held_on": "2026-05-29", "headcount": 35},
    )
    assert held.status_code == 201, held.json
    figures = as_user("d_admin").get(f"/api/v1/nodes/{A1}/indicators?period=2026Q2").json["items"]
    value = {i["name"]: i["value"] for i in figures}
    assert value["family_planning.school_sessions"] == 1


def test_the_observances_are_on_the_calendar(enable, as_user):
    enable()
    items = as_user("worker").get("/api/v1/calendar?year=2026").json["items"]
    ours = {(i["date"], i["label"]) for i in items if i["module"] == "family_planning"}
    assert ("2026-07-11", "世界人口日") in ours
    assert ("2026-05-01", "计划生育宣传月") in ours
    assert ("2026-09-25", "中秋节走访计生特殊家庭") in ours  # 八月十五 in 2026

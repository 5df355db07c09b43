"""Publicity activities and the safety calendar."""

from __future__ import annotations

import pytest

from core.activities import Activity as SafetyActivity  # safety's activities are core's
from core.db import db

from .conftest import A1, A2, B1, api, page

NOW = "2026-06-15T10:00:00+08:00"


@pytest.fixture
def ready(enable, clock):
    enable(A1, A2, B1)
    clock(NOW)


def activity_in(app, world, ref: str = A1, **fields) -> int:
    from datetime import date

    from plugins.safety.activities.ledgers import activities

    with app.app_context():
        made = activities.write_new(
            db.session,
            world.node(ref),
            {"kind": "safety_month", "title": "安全生产月咨询日", "held_on": date(2026, 6, 16)}
            | fields,
        )
        db.session.commit()
        return made.id


def test_record_list_change_and_delete(ready, app, world, as_user, count):
    worker = as_user("worker")
    made = worker.post(
        api() + "/activities",
        json={
            "kind": "fire_day",
            "title": "11.9消防宣传",
            "held_on": "2025-11-09",
            "headcount": 120,
            "organiser": "社区居委会",
        },
    )
    assert made.status_code == 201, made.json
    aid = made.json["id"]
    activity_in(app, world)
    assert worker.get(api() + "/activities?year=2025").json["total"] == 1
    assert worker.get(api() + "/activities?kind=safety_month").json["total"] == 1
    assert worker.get(api() + "/activities?kind=nonsense").status_code == 422
    changed = worker.patch(api() + f"/activities/{aid}", json={"headcount": 150})
    assert changed.json["headcount"] == 150
    assert worker.get(api() + f"/activities/{aid}").json["photos"] == []
    assert worker.delete(api() + f"/activities/{aid}").status_code == 204
    assert worker.get(api() + "/activities").json["total"] == 1
    assert count(SafetyActivity) == 2


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"held_on": "2027-06-20"}, "held_on"),
        ({"headcount": -5}, "headcount"),
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_activities_are_refused(ready, as_user, count, fields, field):
    refused = as_user("worker").post(
        api() + "/activities", json={"title": "演练", "held_on": "2026-06-01", **fields}
    )
    assert refused.status_code == 422 and field in refused.json["error"]["fields"]
    assert count(SafetyActivity) == 0


def test_pages_and_forms(ready, app, world, as_user, count):
    aid = activity_in(app, world)
    worker = as_user("worker")
    listing = worker.get(page() + "/activities")
    assert listing.status_code == 200 and "安全生产月咨询日" in listing.text
    shown = worker.get(page() + f"/activities/{aid}")
    assert shown.status_code == 200 and 'data-safety="photos"' in shown.text
    assert worker.get(page() + "/activities/new").status_code == 200
    assert worker.post(page() + "/activities/new", data={"title": ""}).status_code == 422
    made = worker.post(
        page() + "/activities/new",
        data={"kind": "drill", "title": "消防疏散演练", "held_on": "2026-06-10", "headcount": "80"},
    )
    assert made.status_code == 302 and count(SafetyActivity) == 2
    assert worker.get(page() + f"/activities/{aid}/edit").status_code == 200
    edited = worker.post(
        page() + f"/activities/{aid}/edit",
        data={"kind": "safety_month", "title": "咨询日", "held_on": "2026-06-16"},
    )
    assert edited.status_code == 302
    assert worker.post(page() + f"/activities/{aid}/delete").status_code == 302
    assert worker.get(page() + f"/activities/{aid}").status_code == 404
    csv = worker.get(f"/n/{A1}/exports/safety.activities.csv").data.decode("utf-8-sig")
    assert "消防疏散演练" in csv and "2026-06-10" in csv and "咨询日" not in csv


def test_tenant_isolation_of_every_activity_route(ready, app, world, as_user):
    mine = activity_in(app, world, A1)
    other = activity_in(app, world, A2)
    worker = as_user("worker")
    for url in (f"/activities/{other}", f"/activities/{other}/edit"):
        assert worker.get(page() + url).status_code == 404
    assert worker.post(page() + f"/activities/{other}/delete").status_code == 404
    assert worker.get(api() + f"/activities/{other}").status_code == 404
    assert worker.patch(api() + f"/activities/{other}", json={"headcount": 1}).status_code == 404
    assert worker.delete(api() + f"/activities/{other}").status_code == 404
    assert worker.get(api(B1) + "/activities").status_code == 404
    assert worker.get(page(B1) + "/activities").status_code == 404
    reader = as_user("inspector")
    assert reader.get(page() + f"/activities/{mine}").status_code == 200
    assert (
        reader.post(api() + "/activities", json={"title": "x", "held_on": "2026-01-01"}).status_code
        == 403
    )
    assert reader.delete(api() + f"/activities/{mine}").status_code == 403
    assert reader.post(page() + f"/activities/{mine}/delete").status_code == 403

    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "safety")
        db.session.commit()
    assert worker.get(api() + f"/activities/{mine}").status_code == 404
    assert worker.get(page() + "/activities").status_code == 404


def test_the_safety_calendar(ready, as_user):
    items = as_user("worker").get("/api/v1/calendar").json["items"]
    safety = {(i["month"], i["day"]): i for i in items if i["module"] == "safety"}
    assert set(safety) == {(5, 12), (6, 1), (6, 16), (11, 9), (12, 2)}
    assert (safety[(6, 1)]["end_month"], safety[(6, 1)]["end_day"]) == (6, 30)


def test_training_export_is_one_row_per_trainee(ready, app, world, as_user):
    from datetime import date

    from plugins.safety.training import services
    from plugins.safety.training.ledgers import trainings

    with app.app_context():
        training = trainings.write_new(
            db.session, world.node(A1), {"title": "安全管理人员培训", "held_on": date(2026, 3, 2)}
        )
        for name in ("甲", "乙"):
            services.add_trainee(db.session, training, {"name": name, "post": "safety_manager"})
        trainings.write_new(
            db.session, world.node(A1), {"title": "空培训", "held_on": date(2026, 3, 3)}
        )
        db.session.commit()
    csv = as_user("worker").get(f"/n/{A1}/exports/safety.trainings.csv").data.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 4  # header, two trainees, the session without trainees
    assert "2026-03-02" in lines[1] and "甲" in lines[1] and "乙" in lines[2]

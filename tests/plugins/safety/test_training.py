"""Training of the three key posts: sessions, trainees, certificate checks, the yearly target
and the certificates about to expire; every refusal writes nothing; tenant isolation."""

from __future__ import annotations

import pytest

from core.db import db
from plugins.safety.models import SafetyTrainee, SafetyTraining

from .conftest import A1, A2, B1, STREET_A, api, page

NOW = "2026-06-15T10:00:00+08:00"


@pytest.fixture
def ready(enable, clock):
    enable(A1, A2, B1)
    clock(NOW)


def session_in(app, world, ref: str = A1, **fields) -> int:
    from plugins.safety.training.ledgers import trainings

    with app.app_context():
        created = trainings.write_new(
            db.session,
            world.node(ref),
            {"title": "三项岗位培训", "held_on": fields.pop("held_on", None) or _day("2026-05-10")}
            | fields,
        )
        db.session.commit()
        return created.id


def trainee_in(app, training_id: int, **fields) -> int:
    from plugins.safety.training import services

    with app.app_context():
        training = db.session.get(SafetyTraining, training_id)
        created = services.add_trainee(
            db.session, training, {"name": fields.pop("name", "张三")} | fields
        )
        db.session.commit()
        return created.id


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_sessions_and_trainees_through_the_api(ready, as_user, enterprise, count):
    worker = as_user("worker")
    firm = enterprise(A1)
    created = worker.post(
        api() + "/trainings",
        json={
            "title": "主要负责人培训",
            "category": "three_posts",
            "held_on": "2026-05-20",
            "hours": "8",
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["category"] == "three_posts"
    tid = created.json["id"]
    added = worker.post(
        api() + f"/trainings/{tid}/trainees",
        json={
            "name": "李四",
            "enterprise_id": firm,
            "post": "principal",
            "certificate_number": "AQ-2026-001",
            "certificate_issued_on": "2026-05-21",
            "certificate_expires_on": "2029-05-20",
        },
    )
    assert added.status_code == 201, added.json
    assert added.json["three_posts"] is True
    detail = worker.get(api() + f"/trainings/{tid}").json
    assert detail["trainees"] == 1 and detail["items"][0]["name"] == "李四"
    changed = worker.patch(api() + f"/trainees/{added.json['id']}", json={"passed": False})
    assert changed.status_code == 200 and changed.json["passed"] is False
    listed = worker.get(api() + "/trainings?year=2026&post=principal").json
    assert [t["id"] for t in listed["items"]] == [tid]
    assert worker.get(api() + "/trainings?post=frontline").json["total"] == 0
    assert worker.get(api() + "/trainings?year=abc").status_code == 422
    assert count(SafetyTrainee) == 1


@pytest.mark.parametrize(
    "fields, field",
    [
        (
            {"certificate_issued_on": "2026-05-01", "certificate_expires_on": "2026-04-30"},
            "certificate_expires_on",
        ),
        ({"post": "special_operator", "certificate_number": "T-1"}, "certificate_expires_on"),
        ({"post": "principal", "certificate_issued_on": "2026-07-01"}, "certificate_issued_on"),
    ],
)
def test_bad_certificates_are_refused_and_nothing_is_written(
    ready, app, world, as_user, count, fields, field
):
    tid = session_in(app, world)
    before = count(SafetyTrainee)
    refused = as_user("worker").post(
        api() + f"/trainings/{tid}/trainees", json={"name": "王五", **fields}
    )
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert count(SafetyTrainee) == before


def test_a_certificate_outside_the_three_posts_needs_no_expiry(ready, app, world, as_user):
    tid = session_in(app, world)
    made = as_user("worker").post(
        api() + f"/trainings/{tid}/trainees",
        json={"name": "赵六", "post": "frontline", "certificate_number": "X-1"},
    )
    assert made.status_code == 201, made.json


def test_a_trainee_edit_is_checked_against_what_is_stored(ready, app, world, as_user, count):
    tid = session_in(app, world)
    sid = trainee_in(
        app,
        tid,
        post="principal",
        certificate_number="A-1",
        certificate_issued_on=_day("2026-01-01"),
        certificate_expires_on=_day("2029-01-01"),
    )
    worker = as_user("worker")
    refused = worker.patch(
        api() + f"/trainees/{sid}", json={"certificate_expires_on": "2025-12-31"}
    )
    assert refused.status_code == 422
    refused = worker.patch(api() + f"/trainees/{sid}", json={"certificate_expires_on": None})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(SafetyTrainee, sid).certificate_expires_on == _day("2029-01-01")


def test_a_session_more_than_a_year_ahead_is_refused(ready, as_user, count):
    worker = as_user("worker")
    refused = worker.post(api() + "/trainings", json={"title": "远期培训", "held_on": "2027-06-16"})
    assert refused.status_code == 422 and "held_on" in refused.json["error"]["fields"]
    assert count(SafetyTraining) == 0
    assert (
        worker.post(
            api() + "/trainings", json={"title": "计划培训", "held_on": "2027-06-15"}
        ).status_code
        == 201
    )
    form = worker.post(page() + "/trainings/new", data={"title": "远期", "held_on": "2028-01-01"})
    assert form.status_code == 422
    assert count(SafetyTraining) == 1


def test_a_trainee_of_an_enterprise_elsewhere_is_refused(
    ready, app, world, as_user, enterprise, count
):
    tid = session_in(app, world)
    elsewhere = enterprise(B1)
    refused = as_user("worker").post(
        api() + f"/trainings/{tid}/trainees", json={"name": "钱七", "enterprise_id": elsewhere}
    )
    assert refused.status_code == 422 and "enterprise_id" in refused.json["error"]["fields"]
    assert count(SafetyTrainee) == 0


def test_progress_against_the_communitys_share_of_the_street_target(ready, app, world, as_user):
    this_year = session_in(app, world)
    for name, post in [("甲", "principal"), ("乙", "safety_manager"), ("丙", "special_operator")]:
        trainee_in(app, this_year, name=name, post=post)
    trainee_in(app, this_year, name="甲", post="principal")  # the same person again
    trainee_in(app, this_year, name="丁", post="frontline")  # not a three-key post
    trainee_in(app, this_year, name="戊", post="principal", passed=False)
    gone = trainee_in(app, this_year, name="己", post="principal")
    last_year = session_in(app, world, held_on=_day("2025-12-31"))
    trainee_in(app, last_year, name="庚", post="principal")
    deleted = session_in(app, world)
    trainee_in(app, deleted, name="辛", post="principal")
    worker = as_user("worker")
    assert worker.delete(api() + f"/trainees/{gone}").status_code == 204
    assert worker.delete(api() + f"/trainings/{deleted}").status_code == 204
    assert worker.delete(api() + f"/trainings/{deleted}").status_code == 404

    progress = worker.get(api() + "/trainings/progress").json
    # No share of the street's target yet: no target, no rate (never a default per community).
    assert progress == {"year": 2026, "trained": 3, "target": None, "rate": None}
    assert worker.get(api() + "/trainings/progress?year=2025").json["trained"] == 1
    street = as_user("s_admin")
    split = street.put(
        f"/api/v1/nodes/{STREET_A}/targets/safety.trained?period=2026",
        json={"value": 60, "shares": {A1: 60}},
    )
    assert split.status_code == 200, split.json
    assert worker.get(api() + "/trainings/progress").json == {
        "year": 2026,
        "trained": 3,
        "target": 60,
        "rate": 5.0,
    }
    listing = worker.get(page() + "/trainings")
    assert listing.status_code == 200 and "3" in listing.text and "60" in listing.text
    (item,) = [i for i in split.json["items"] if i["indicator"] == "safety.trained"]
    assert item["target"] == 60 and item["value"] == 3 and item["split_total"] == 60


def test_certificates_expiring_with_a_fixed_clock(ready, app, world, as_user, enable):
    tid = session_in(app, world)

    def cert(name: str, expires: str) -> int:
        return trainee_in(
            app,
            tid,
            name=name,
            post="special_operator",
            certificate_number=f"C-{name}",
            certificate_issued_on=_day("2020-01-01"),
            certificate_expires_on=_day(expires),
        )

    soon = cert("快到期", "2026-07-20")  # 35 days
    expired = cert("已过期", "2026-06-14")
    cert("还早", "2026-09-30")  # 107 days
    worker = as_user("worker")
    found = worker.get(api() + "/certificates/expiring").json
    assert found["days"] == 60 and found["today"] == "2026-06-15"
    assert [(i["id"], i["expired"]) for i in found["items"]] == [(expired, True), (soon, False)]
    assert found["items"][1]["days_left"] == 35
    shown = worker.get(page() + "/certificates")
    assert shown.status_code == 200 and "快到期" in shown.text and "data-expired" in shown.text
    assert "还早" not in shown.text
    enable(A1, settings={"certificate_warning_days": 120})
    assert len(worker.get(api() + "/certificates/expiring").json["items"]) == 3


def test_pages_forms_and_soft_delete(ready, app, world, as_user, count):
    worker = as_user("worker")
    assert worker.get(page() + "/trainings").status_code == 200
    assert worker.get(page() + "/trainings/new").status_code == 200
    made = worker.post(
        page() + "/trainings/new",
        data={"title": "特种作业人员培训", "category": "three_posts", "held_on": "2026-06-01"},
    )
    assert made.status_code == 302
    tid = int(made.headers["Location"].rstrip("/").split("/")[-1])
    assert worker.get(page() + f"/trainings/{tid}").status_code == 200
    refused = worker.post(
        page() + f"/trainings/{tid}/trainees",
        data={"name": "周八", "post": "principal", "certificate_number": "Z-1", "passed": "true"},
    )
    assert refused.status_code == 422 and count(SafetyTrainee) == 0
    added = worker.post(
        page() + f"/trainings/{tid}/trainees",
        data={"name": "周八", "post": "frontline", "passed": "true"},
    )
    assert added.status_code == 302 and count(SafetyTrainee) == 1
    with app.app_context():
        sid = db.session.scalar(__import__("sqlalchemy").select(SafetyTrainee.id))
    assert worker.get(page() + f"/trainees/{sid}/edit").status_code == 200
    edited = worker.post(
        page() + f"/trainees/{sid}/edit", data={"name": "周八", "post": "frontline"}
    )
    assert edited.status_code == 302
    with app.app_context():
        assert db.session.get(SafetyTrainee, sid).passed is False  # the box was left unticked
    assert worker.get(page() + f"/trainings/{tid}/edit").status_code == 200
    assert worker.post(page() + f"/trainees/{sid}/delete").status_code == 302
    assert worker.post(page() + f"/trainings/{tid}/delete").status_code == 302
    assert worker.get(page() + f"/trainings/{tid}").status_code == 404
    assert count(SafetyTraining) == 1 and count(SafetyTrainee) == 1  # soft


def test_tenant_isolation_of_every_training_route(ready, app, world, as_user, enable):
    mine = session_in(app, world, A1)
    other = session_in(app, world, A2)
    other_trainee = trainee_in(app, other)
    worker = as_user("worker")
    for url in (
        f"/trainings/{other}",
        f"/trainings/{other}/edit",
        f"/trainees/{other_trainee}/edit",
    ):
        assert worker.get(page() + url).status_code == 404, url
    for url in (
        f"/trainings/{other}",
        f"/trainings/{other}/trainees",
        f"/trainees/{other_trainee}",
    ):
        assert worker.get(api() + url).status_code == 404, url
    assert worker.patch(api() + f"/trainees/{other_trainee}", json={"name": "x"}).status_code == 404
    assert worker.delete(api() + f"/trainings/{other}").status_code == 404
    assert worker.post(page() + f"/trainings/{other}/delete").status_code == 404
    for url in ("/trainings", "/certificates/expiring", "/trainings/progress"):
        assert worker.get(api(B1) + url).status_code == 404, url
    assert worker.get(page(B1) + "/trainings").status_code == 404
    assert worker.get(page(B1) + "/certificates").status_code == 404

    reader = as_user("inspector")  # safety.view only
    assert reader.get(api() + "/trainings").status_code == 200
    assert reader.get(page() + f"/trainings/{mine}").status_code == 200
    assert (
        reader.post(api() + "/trainings", json={"title": "x", "held_on": "2026-01-01"}).status_code
        == 403
    )
    assert reader.post(api() + f"/trainings/{mine}/trainees", json={"name": "x"}).status_code == 403
    assert reader.delete(api() + f"/trainings/{mine}").status_code == 403
    assert reader.get(page() + "/trainings/new").status_code == 403
    assert (
        reader.post(page() + f"/trainings/{mine}/trainees", data={"name": "x"}).status_code == 403
    )

    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "safety")
        db.session.commit()
    assert worker.get(api() + "/trainings").status_code == 404
    assert worker.get(page() + f"/trainings/{mine}").status_code == 404
    assert worker.get(page() + "/certificates").status_code == 404

"""The hidden-danger workflow: found → notice → rectifying → re-inspection → closed or re-opened;
deadlines, overdue (in Beijing time, whatever the server's zone), refusals and permissions."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from core.errors import Conflict, DomainError, NotPermitted
from core.permissions import load_scope
from plugins.safety.hazards import workflow
from plugins.safety.hazards.ledgers import hazards as hazard_ledger
from plugins.safety.models import SafetyHazard, SafetyHazardEvent

from .conftest import A1, B1, beijing


@pytest.fixture
def hazards(app, world, enable, clock):
    """Services on community A1 with safety on, the clock at 2026-06-15 10:00 in Beijing."""
    enable(A1, B1)
    clock(beijing("2026-06-15 10:00"))

    class Helper:
        def community(self, ref: str = A1):
            return world.node(ref)

        def create(self, ref: str = A1, **data):
            data.setdefault("description", "配电箱未上锁，电线裸露")
            data.setdefault("found_on", date(2026, 6, 1))
            hazard = workflow.create_hazard(db.session, world.node(ref), data)
            db.session.commit()
            return hazard

        def step(self, hazard, action, user="s_admin", **data):
            who = world.user(user)
            workflow.hazard_transition(
                db.session, hazard, action, data, who, scope=load_scope(db.session, who.id)
            )
            db.session.commit()
            return hazard

    with app.app_context():
        yield Helper()


def test_the_whole_workflow_with_a_failed_reinspection(hazards, count):
    hazard = hazards.create(location="3号楼地下室")
    assert hazard.number == "YH2026-0001"
    assert hazard.status == "found"
    assert hazard.deadline == date(2026, 6, 16)  # 15 days (the default setting)
    hazards.step(hazard, "notify", on=date(2026, 6, 2), responsible_person="李建国")
    assert (hazard.status, hazard.notice_number) == ("notified", "ZG2026-0001")
    hazards.step(hazard, "start", on=date(2026, 6, 3))
    hazards.step(hazard, "submit", on=date(2026, 6, 10), comment="已更换配电箱并上锁")
    hazards.step(
        hazard, "reopen", on=date(2026, 6, 11), comment="线路仍未穿管", deadline=date(2026, 6, 20)
    )
    assert (hazard.status, hazard.reopened, hazard.deadline) == ("rectifying", 1, date(2026, 6, 20))
    hazards.step(hazard, "submit", on=date(2026, 6, 14))
    hazards.step(hazard, "close", on=date(2026, 6, 15), comment="复查合格")
    assert (hazard.status, hazard.closed_on) == ("closed", date(2026, 6, 15))
    steps = workflow.hazard_timeline(db.session, hazard)
    assert [(s.action, s.from_status, s.to_status) for s in steps] == [
        ("found", "", "found"),
        ("notify", "found", "notified"),
        ("start", "notified", "rectifying"),
        ("submit", "rectifying", "submitted"),
        ("reopen", "submitted", "rectifying"),
        ("submit", "rectifying", "submitted"),
        ("close", "submitted", "closed"),
    ]
    assert steps[4].comment == "线路仍未穿管" and steps[4].username == "s_admin"
    assert count(SafetyHazardEvent) == 7


@pytest.mark.parametrize("status_steps", [[], ["notify"], ["notify", "start"]])
def test_closing_a_hazard_never_reinspected_is_refused(hazards, status_steps):
    hazard = hazards.create()
    for action in status_steps:
        hazards.step(hazard, action, on=date(2026, 6, 2), responsible_person="李建国")
    before = hazard.status
    with pytest.raises(Conflict) as refused:
        hazards.step(hazard, "close")
    db.session.rollback()
    assert "复查" in refused.value.message or "re-inspected" in refused.value.message
    assert db.session.get(SafetyHazard, hazard.id).status == before


def test_a_major_hazard_needs_the_street_to_close_it(hazards):
    hazard = hazards.create(severity="major")
    assert hazard.deadline == date(2026, 7, 31)  # 60 days for a major hazard
    for action in ("notify", "start", "submit"):
        hazards.step(hazard, action, user="worker", on=date(2026, 6, 5), responsible_person="王强")
    with pytest.raises(NotPermitted):
        hazards.step(hazard, "close", user="c_admin")
    db.session.rollback()
    assert db.session.get(SafetyHazard, hazard.id).status == "submitted"
    hazards.step(hazard, "close", user="s_admin")
    assert hazard.status == "closed"


def test_refused_input_writes_nothing(hazards, count, enterprise):
    other = enterprise(B1)
    hazard_count, event_count = count(SafetyHazard), count(SafetyHazardEvent)
    cases = [
        ({"deadline": date(2026, 5, 31)}, "deadline"),  # before the finding
        ({"found_on": date(2026, 6, 16)}, "found_on"),  # tomorrow in Beijing
        ({"enterprise_id": other}, "enterprise_id"),  # another community's enterprise
    ]
    for data, field in cases:
        with pytest.raises(DomainError) as refused:
            hazards.create(**data)
        db.session.rollback()
        assert field in refused.value.fields
    assert (count(SafetyHazard), count(SafetyHazardEvent)) == (hazard_count, event_count)


def test_a_notice_deadline_before_the_finding_or_the_notice_is_refused(hazards):
    hazard = hazards.create()
    for deadline in (date(2026, 5, 30), date(2026, 6, 1)):
        with pytest.raises(DomainError) as refused:
            hazards.step(
                hazard,
                "notify",
                on=date(2026, 6, 3),
                deadline=deadline,
                responsible_person="李建国",
            )
        db.session.rollback()
        assert "deadline" in refused.value.fields
    assert db.session.get(SafetyHazard, hazard.id).status == "found"


def test_reopening_needs_a_reason(hazards):
    hazard = hazards.create()
    for action in ("notify", "submit"):
        hazards.step(hazard, action, on=date(2026, 6, 5), responsible_person="李建国")
    with pytest.raises(DomainError) as refused:
        hazards.step(hazard, "reopen")
    assert "comment" in refused.value.fields


@pytest.mark.parametrize(
    ("instant", "overdue"),
    [
        ("2026-06-16 23:59", False),  # the deadline day itself, in Beijing
        ("2026-06-17 00:01", True),  # a minute into the next day in Beijing (16:01 UTC the 16th)
    ],
)
def test_overdue_follows_the_date_in_beijing(hazards, clock, instant, overdue):
    hazard = hazards.create()  # deadline 2026-06-16
    clock(beijing(instant))
    assert workflow.is_overdue(hazard) is overdue
    found = db.session.scalars(
        hazard_ledger.filtered(
            db.session, SafetyHazard.community_id == hazard.community_id, {"overdue": True}
        )
    ).all()
    assert (hazard in found) is overdue


def test_an_utc_server_clock_just_after_midnight_in_beijing(hazards, clock):
    """16:30 UTC on the 16th is already the 17th in Beijing: overdue, though UTC says the 16th."""
    hazard = hazards.create()
    clock("2026-06-16T16:30:00+00:00")
    assert workflow.today() == date(2026, 6, 17)
    assert workflow.is_overdue(hazard)
    assert workflow.days_overdue(hazard) == 1


def test_closed_and_deleted_hazards_are_never_overdue(hazards, clock):
    closed, deleted = hazards.create(), hazards.create()
    for action in ("notify", "submit", "close"):
        hazards.step(closed, action, on=date(2026, 6, 5), responsible_person="李建国")
    hazard_ledger.delete(db.session, deleted)
    db.session.commit()
    clock(beijing("2026-07-01 09:00"))
    assert not workflow.is_overdue(closed) and not workflow.is_overdue(deleted)


def test_deadlines_default_from_the_community_settings(app, world, enable, clock):
    enable(A1, settings={"general_deadline_days": 7, "major_deadline_days": 30})
    clock(beijing("2026-06-15 10:00"))
    with app.app_context():
        hazard = workflow.create_hazard(
            db.session,
            world.node(A1),
            {"description": "消防通道堵塞", "found_on": date(2026, 6, 1)},
        )
        assert hazard.deadline == date(2026, 6, 8)


def test_an_id_too_large_for_the_database_is_refused_on_its_field(as_user, enable):
    """Regression (issue 12, finding 7, found by fuzzing): a hazard naming inspection
    88568025872592205269686026240 answered 500 (the number overflows the database's integer);
    so did every id field of a record that was a bare whole number. Each is a 422 on the field."""
    from .conftest import api

    enable()
    worker = as_user("worker")
    huge = 2**63
    for path, body, name in (
        ("hazards", {"description": "配电箱未上锁", "found_on": "2026-06-01"}, "inspection_id"),
        ("hazards", {"description": "配电箱未上锁", "found_on": "2026-06-01"}, "enterprise_id"),
        ("accidents", {"occurred_on": "2026-06-01"}, "enterprise_id"),
        ("trainees", {"name": "李四"}, "training_id"),
    ):
        response = worker.post(f"{api()}/{path}", json={**body, name: huge})
        assert response.status_code == 422, (path, name, response.status_code)
        assert name in response.json["error"]["fields"], (path, name)

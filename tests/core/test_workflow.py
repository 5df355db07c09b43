"""``core.workflow``: a declared state machine takes a step or refuses it before anything is
written, keeps a timeline with an audit entry per step, and gives a ledger its step routes and
its timeline API. Declared here over the safety hazard's table, with steps of its own."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
import pytest
import sqlalchemy as sa

from core.db import db
from core.errors import Conflict, DomainError, NotPermitted
from core.models import AuditLog
from core.permissions import load_scope
from core.workflow import Transition, Workflow
from plugins.safety.hazards import workflow as hazards
from plugins.safety.models import SafetyHazard, SafetyHazardEvent

A1 = "110105001001"


def _stamp(session, hazard, data, on):
    hazard.measures = data.get("measures") or "stamped"
    return {"measures": ["", hazard.measures]}


FLOW = Workflow(
    object_type="test.case",
    states={"found": "Open", "notified": "Told", "closed": "Done"},
    transitions=(
        Transition("tell", ("found",), "notified", "Told them", apply=_stamp, deadline=4),
        Transition(
            "finish",
            ("notified",),
            "closed",
            "Finished",
            permission=lambda h: "tenants.manage" if h.severity == "major" else None,
            denied="Only a district admin finishes a major case.",
            comment="Say how it ended.",
        ),
    ),
    event_model=SafetyHazardEvent,
    key="hazard_id",
    summary=lambda h, label: f"{label}: {h.number}",
    labels={"found": "Opened"},
    earliest=("found_on", "Not before the case was opened."),
)


@pytest.fixture
def case(app, world, jiedao_clock):
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "safety", None)
        db.session.commit()
    jiedao_clock("2026-06-15T10:00:00+08:00")
    with app.app_context():

        def make(severity: str = "general") -> SafetyHazard:
            found = hazards.create_hazard(
                db.session,
                world.node(A1),
                {"description": "楼道堆物", "found_on": date(2026, 6, 1), "severity": severity},
            )
            db.session.commit()
            return found

        yield make


def _events(hazard) -> list[tuple[str, str, str]]:
    stmt = (
        sa.select(SafetyHazardEvent)
        .where(SafetyHazardEvent.hazard_id == hazard.id)
        .order_by(SafetyHazardEvent.id)
    )
    return [(e.action, e.from_status, e.to_status) for e in db.session.scalars(stmt)]


def test_steps_follow_the_declaration_and_keep_a_timeline_with_audit(case, world):
    hazard = case()
    assert FLOW.next_steps(hazard) == ["tell"]
    FLOW.run(db.session, hazard, "tell", {"on": date(2026, 6, 2)}, world.user("worker"))
    db.session.commit()
    assert (hazard.status, hazard.measures) == ("notified", "stamped")
    assert FLOW.next_steps(hazard) == ["finish"]
    last = FLOW.timeline(db.session, hazard)[-1]
    assert (last.action, last.from_status, last.to_status, last.on) == (
        "tell",
        "found",
        "notified",
        date(2026, 6, 2),
    )
    assert last.username == "worker"
    assert last.changes == {"measures": ["", "stamped"], "deadline": ["2026-06-16", "2026-06-08"]}
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "test.case.tell")).one()
    assert entry.summary == f"Told them: {hazard.number}"
    assert FLOW.dump_event(last)["from"] == "found"


@pytest.mark.parametrize(
    ("step", "data", "error", "field"),
    [
        ("finish", {}, Conflict, "status"),  # the state does not allow it
        ("jump", {}, DomainError, "action"),  # no such step
        ("tell", {"on": date(2026, 6, 16)}, DomainError, "on"),  # in the future
        ("tell", {"on": date(2026, 5, 31)}, DomainError, "on"),  # before the case was opened
    ],
)
def test_a_refused_step_names_its_field_and_writes_nothing(case, step, data, error, field):
    hazard = case()
    before = _events(hazard)
    with pytest.raises(error) as refused:
        FLOW.run(db.session, hazard, step, data)
    assert field in refused.value.fields
    db.session.rollback()
    assert hazard.status == "found" and _events(hazard) == before


def test_a_step_that_needs_a_permission_or_a_comment(case, world):
    major = case("major")
    FLOW.run(db.session, major, "tell", {})
    db.session.commit()
    worker = world.user("worker")
    with pytest.raises(NotPermitted) as denied:
        FLOW.run(
            db.session,
            major,
            "finish",
            {"comment": "已清理"},
            worker,
            scope=load_scope(db.session, worker.id),
        )
    assert denied.value.message == "Only a district admin finishes a major case."
    db.session.rollback()
    admin = world.user("d_admin")
    scope = load_scope(db.session, admin.id)
    with pytest.raises(DomainError) as silent:
        FLOW.run(db.session, major, "finish", {}, admin, scope=scope)
    assert silent.value.fields == {"comment": ["Say how it ended."]}
    db.session.rollback()
    FLOW.run(db.session, major, "finish", {"comment": "已清理"}, admin, scope=scope)
    db.session.commit()
    assert major.status == "closed" and _events(major)[-1] == ("finish", "notified", "closed")


def test_the_ledger_gives_the_timeline_api_of_its_workflow(case, as_user):
    hazard = case()
    worker = as_user("worker")
    base = f"/api/v1/c/{A1}/safety/hazards/{hazard.id}"
    assert worker.post(f"{base}/notify", json={"responsible_person": "李建国"}).status_code == 200
    items = worker.get(f"{base}/events").json["items"]
    assert [(e["action"], e["from"], e["to"]) for e in items] == [
        ("found", "", "found"),
        ("notify", "found", "notified"),
    ]
    refused = worker.post(f"{base}/close", json={})
    assert refused.status_code == 409 and "status" in refused.json["error"]["fields"]
    assert len(worker.get(f"{base}/events").json["items"]) == 2


def test_a_step_sets_a_deadline_in_working_days_across_a_holiday(case):
    hazard = case()
    FLOW.run(db.session, hazard, "tell", {"on": date(2026, 6, 15)})
    db.session.commit()
    # 6/16, 6/17, 6/18, (端午 6/19–6/21 off), 6/22.
    assert hazard.deadline == date(2026, 6, 22)
    assert FLOW.timeline(db.session, hazard)[-1].changes["deadline"][1] == "2026-06-22"
    other = case()
    FLOW.run(db.session, other, "tell", {"on": date(2026, 6, 15), "deadline": date(2026, 7, 1)})
    # A deadline given with the step is the step's own to set (here: left as it was).
    assert other.deadline == date(2026, 6, 16)


class _Row(ma.Schema):
    item = ma.fields.String(required=True)
    score = ma.fields.Float(required=True)


class _SheetStep(ma.Schema):
    comment = ma.fields.String(load_default="")
    results = ma.fields.List(ma.fields.Nested(_Row), load_default=None)


def test_a_step_page_reads_a_table_from_its_cells(app, world, case):
    """A step taking a table (a scoring sheet) is posted from a page one input per cell
    (``item-1``, ``score-1`` …), as a record's own form is: the rows reach the step in order,
    empty rows left out."""
    import dataclasses

    from flask import g
    from flask_login import login_user

    from core.permissions import reset_scope
    from core.records.ledger import Steps, step_page
    from plugins.safety.hazards.ledgers import hazards

    hazard = case()
    taken: list[dict] = []
    ledger = dataclasses.replace(
        hazards,
        steps=Steps(("sheet",), _SheetStep, lambda _s, _obj, _step, data: taken.append(data)),
    )
    form = {"item-2": "地面整洁", "score-2": "8", "item-1": "无堆物", "score-1": "10",
            "item-3": "", "score-3": "", "comment": "复核"}  # fmt: skip
    with app.test_request_context(method="POST", data=form):
        login_user(world.user("worker"))
        reset_scope()
        g.community = g.place = world.node(A1)
        g.module = "safety"
        answer = step_page(ledger, hazard.id, "sheet")
    assert answer.status_code == 302
    assert taken == [
        {"comment": "复核", "results": [{"item": "无堆物", "score": 10.0},
                                        {"item": "地面整洁", "score": 8.0}]}
    ]  # fmt: skip

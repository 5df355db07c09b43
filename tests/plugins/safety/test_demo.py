"""The demo data: every hazard status with a consistent timeline, overdue ones, certificates
expiring soon, one accident, the calendar's campaigns; deterministic and idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import sqlalchemy as sa

from core.activities import Activity as SafetyActivity  # safety's activities are core's
from core.db import db
from plugins.safety import common
from plugins.safety.hazards import workflow
from plugins.safety.inspections import rules as inspection_rules
from plugins.safety.models import (
    SafetyAccident,
    SafetyEnterprise,
    SafetyHazard,
    SafetyHazardEvent,
    SafetyHazardSource,
    SafetyInspection,
    SafetyKeyPost,
    SafetyTrainee,
)
from plugins.safety.training.services import THREE_POSTS
from tenants import modules

from .conftest import A1, B1, beijing


def seed(app) -> None:
    """The demo over the test world, B1 standing in for the demo's village (registry setting
    ``rural``, as the 农村社区 preset sets it): only there chemicals and fireworks."""
    from plugins.registry import demo as registry_demo
    from plugins.safety import demo
    from tenants.services import find_by_ref

    with app.test_request_context():
        village = find_by_ref(db.session, B1)
        if not modules.is_enabled(db.session, village.id, "registry"):
            modules.enable(db.session, village, "registry", settings={"rural": True})
        registry_demo.seed(db.session, {})  # the registry's demo runs first (a dependency)
        demo.seed(db.session, {})
        db.session.commit()


def test_the_demo_covers_every_state_and_is_idempotent(app, world, clock):
    clock(beijing("2026-11-20 09:00"))
    seed(app)
    today = date(2026, 11, 20)
    with app.app_context():
        s = db.session
        for ref in (A1, B1):
            assert modules.is_enabled(s, world.node(ref).id, "safety")
        statuses = set(s.scalars(sa.select(SafetyHazard.status).distinct()))
        assert statuses == set(workflow.HAZARD_STATUSES)
        overdue = s.scalar(
            sa.select(sa.func.count())
            .select_from(SafetyHazard)
            .where(workflow.overdue_clause(common.today()))
        )
        assert overdue >= 3
        for hazard in s.scalars(sa.select(SafetyHazard)):
            steps = workflow.hazard_timeline(s, hazard)
            assert steps[0].action == "found" and steps[-1].to_status == hazard.status
            assert all(a.to_status == b.from_status for a, b in pairwise(steps))
            assert (hazard.closed_on is not None) == (hazard.status == "closed")
            assert hazard.deadline >= hazard.found_on <= today
            assert hazard.community_id == hazard.enterprise.community_id
        sectors = set(s.scalars(sa.select(SafetyEnterprise.sector).distinct()))
        assert {"hazardous_chemicals", "fireworks", "crowded_place", "gas"} <= sectors
        village = world.node(B1).id
        dangerous = s.scalars(
            sa.select(SafetyEnterprise.community_id).where(
                SafetyEnterprise.sector.in_(("hazardous_chemicals", "fireworks"))
            )
        ).all()
        assert dangerous and set(dangerous) == {village}  # only in the village
        assert s.scalar(
            sa.select(sa.func.count()).where(SafetyEnterprise.demonstration.is_(True))
        ) == s.scalar(sa.select(sa.func.count(sa.distinct(SafetyEnterprise.community_id))))
        sources = s.scalars(sa.select(SafetyHazardSource.community_id)).all()
        assert len(sources) == 2 and set(sources) == {village}  # the 液氨 and the LPG depot
        kinds = set(s.scalars(sa.select(SafetyInspection.kind).distinct()))
        assert kinds == set(inspection_rules.INSPECTION_KINDS)
        checklist = s.scalar(sa.select(SafetyInspection.checklist).limit(1))
        assert {i["result"] for i in checklist} <= set(inspection_rules.CHECK_RESULTS)
        expiring = s.scalar(
            sa.select(sa.func.count()).where(
                SafetyTrainee.post.in_(THREE_POSTS),
                SafetyTrainee.certificate_expires_on.between(today, today + timedelta(days=60)),
            )
        )
        assert expiring >= 1
        accidents = s.scalars(sa.select(SafetyAccident)).all()
        assert len(accidents) == 1 and accidents[0].meeting_held
        fire_days = s.scalars(
            sa.select(SafetyActivity.held_on).where(SafetyActivity.kind == "fire_day")
        ).all()
        assert fire_days and all(d == date(2026, 11, 9) for d in fire_days)
        before = {
            m.__tablename__: s.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (SafetyEnterprise, SafetyHazard, SafetyHazardEvent, SafetyInspection)
        }
    seed(app)  # a second run adds nothing
    with app.app_context():
        after = {
            name: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in before
        }
    assert after == before


def test_the_demo_is_deterministic(app, world, clock):
    clock(beijing("2026-06-15 10:00"))
    seed(app)

    def snapshot():
        with app.app_context():
            return db.session.execute(
                sa.select(
                    SafetyHazard.number,
                    SafetyHazard.status,
                    SafetyHazard.found_on,
                    SafetyHazard.deadline,
                    SafetyHazard.description,
                ).order_by(SafetyHazard.community_id, SafetyHazard.number)
            ).all()

    first = snapshot()
    with app.app_context():
        for model in (SafetyHazardEvent, SafetyHazard):
            db.session.execute(sa.delete(model))
        for model in (SafetyTrainee, SafetyAccident, SafetyActivity, SafetyHazardSource,
                      SafetyKeyPost):  # fmt: skip
            db.session.execute(sa.delete(model))
        db.session.execute(sa.text("DELETE FROM safety_training"))
        db.session.execute(sa.delete(SafetyInspection))
        db.session.execute(sa.delete(SafetyEnterprise))
        db.session.commit()
    seed(app)
    assert snapshot() == first and len(first) > 20


def test_the_demo_ledgers_export(app, world, clock, as_user):
    from .test_exports import table

    clock(beijing("2026-11-20 09:00"))
    seed(app)
    with app.app_context():
        overdue = db.session.scalar(
            sa.select(sa.func.count()).where(workflow.overdue_clause(common.today()))
        )
    d_admin = as_user("d_admin")
    assert len(table(d_admin, "110105", "safety.hazards", "?overdue=1")) - 1 == overdue
    for name in ("safety.enterprises", "safety.inspections"):
        assert len(table(d_admin, "110105", name)) > 3
    assert len(table(d_admin, "110105", "safety.hazard_sources")) - 1 == 2  # the village's


def test_the_demo_visits_enterprises_leaving_some_overdue(app, world, clock, as_user):
    """The due list of a demo community has enterprises visited in time and some overdue, each
    visit an enterprise of its own community."""
    from core.visits.models import Visit

    clock(beijing("2026-11-20 09:00"))
    seed(app)
    with app.app_context():
        visits = db.session.scalars(sa.select(Visit).order_by(Visit.id)).all()
        units = {e.unit_id: e.community_id for e in db.session.scalars(sa.select(SafetyEnterprise))}
        assert visits and all(units[v.subject_id] == v.community_id for v in visits)
    due = as_user("c_admin").get(f"/api/v1/c/{A1}/safety/visits/due").get_json()
    statuses = {item["status"] for item in due["items"]}
    assert "overdue" in statuses, statuses


def test_the_demo_street_holds_its_targets_and_the_roster_is_not_all_certified(
    app, world, clock, as_user
):
    """建外街道 holds 95 trained for the year, split to its communities in the order of their
    codes (30, 25 … — this test tree has two), and the rectification and certification rates;
    the roster has an expired certificate and an operator without one."""
    clock(beijing("2026-11-20 09:00"))
    seed(app)
    seed(app)  # run again: the targets are not added twice
    answer = as_user("s_admin").get("/api/v1/nodes/110105001/targets?period=2026").get_json()
    targets = {i["indicator"]: i for i in answer["items"]}
    assert set(targets) >= {"safety.trained", "safety.rectification_rate", "safety.certified_rate"}
    trained = targets["safety.trained"]
    assert trained["target"] == 95
    assert [(c["ref"], c["target"]) for c in trained["children"]] == [
        (A1, 30),
        ("110105001002", 25),
    ]
    rate = targets["safety.certified_rate"]
    assert rate["target"] == 90 and rate["value"] is not None and 50 < rate["value"] < 100

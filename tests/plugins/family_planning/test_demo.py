"""The demo data over the test world: cards from the registry's married women (some left as
candidates), registrations in every state with consistent timelines, births linked to them,
quarterly rolls paid and one drafted, a 失独 family; and a second run adds nothing."""

from __future__ import annotations

from itertools import pairwise

import sqlalchemy as sa

from core.db import db

from .conftest import A1, api


def _seed(app) -> None:
    from plugins.family_planning import demo
    from plugins.registry import demo as registry_demo

    with app.test_request_context():
        registry_demo.seed(db.session, {})
        demo.seed(db.session, {})
        db.session.commit()


def _counts(app) -> dict[str, int]:
    from plugins.family_planning import models

    with app.app_context():
        return {
            name: db.session.scalar(sa.select(sa.func.count()).select_from(getattr(models, name)))
            for name in models.__all__
        }


def test_the_demo_is_coherent_and_idempotent(app, world, jiedao_clock, as_user):
    from plugins.family_planning.benefits.models import FpRollObjection
    from plugins.family_planning.benefits.rules import ROLL_FLOW
    from plugins.family_planning.births.models import FpBirthReg, FpChild
    from plugins.family_planning.births.workflow import REG_FLOW, REG_STATUSES
    from plugins.family_planning.families.models import FpFamily

    jiedao_clock("2026-11-20T09:00:00+08:00")
    _seed(app)
    first = _counts(app)
    _seed(app)
    assert _counts(app) == first  # nothing added the second time
    assert first["FpWoman"] > 10 and first["FpRollLine"] > 0
    with app.app_context():
        s = db.session
        assert set(s.scalars(sa.select(FpBirthReg.status).distinct())) == set(REG_STATUSES)
        for reg in s.scalars(sa.select(FpBirthReg)):
            steps = REG_FLOW.timeline(s, reg)
            if steps:
                assert steps[-1].to_status == reg.status
                assert all(a.to_status == b.from_status for a, b in pairwise(steps))
        for child in s.scalars(sa.select(FpChild)):
            assert child.birth_reg.status == "born" and child.woman_id == child.birth_reg.woman_id
            assert child.born_on > child.woman.resident.birth_date
        assert any("lost_only_child" in f.categories for f in s.scalars(sa.select(FpFamily)))
        for objection in s.scalars(sa.select(FpRollObjection)):  # raised during the publicity
            events = {e.action: e.on for e in ROLL_FLOW.timeline(s, objection.roll)}
            assert events["publicise"] <= objection.raised_on <= objection.resolved_on
            assert objection.line.roll_id == objection.roll_id and objection.status == "resolved"
        assert first["FpRollObjection"] >= 1
    worker = as_user("worker")
    assert len(worker.get(f"{api()}/candidates").json["candidates"]) >= 1  # 应建未建 left
    assert worker.get(f"{api()}/rolls", query_string={"status": "draft"}).json["total"] >= 1
    assert worker.get(f"/c/{A1}/family_planning/").status_code == 200

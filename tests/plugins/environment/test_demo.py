"""The demo data per community follows the spec's figures: 30 issues (27 closed, 2 open, 1
overdue), 15 complaints at 100 / 86.7 / 93.3 %, joint checks averaging 89 with two below 85,
letters 5 in force of 6, sorting participation rising; deterministic and idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from plugins.environment.models import EnvironmentArea, EnvironmentInspection

from .conftest import A1, B1


def seed(app) -> None:
    from plugins.environment import demo
    from plugins.registry import demo as registry_demo
    from tenants import modules
    from tenants.services import find_by_ref

    with app.test_request_context():
        village = find_by_ref(db.session, B1)
        if not modules.is_enabled(db.session, village.id, "registry"):
            modules.enable(db.session, village, "registry", settings={"rural": True})
        registry_demo.seed(db.session, {})
        demo.seed(db.session, {})
        db.session.commit()


def test_the_demo_shows_the_spec_s_figures(app, world, clock, as_user):
    clock("2026-11-20T09:00:00+08:00")
    seed(app)
    admin = as_user("d_admin")
    found = admin.get(f"/api/v1/nodes/{A1}/indicators?from=2025-11-21&to=2026-11-20").json
    f = {i["name"].split(".", 1)[1]: i for i in found["items"] if i["module"] == "environment"}
    assert f["self_checks"]["value"] == 52 and f["joint_checks"]["value"] == 12
    assert f["issues_found"]["value"] == 30 and f["issues_overdue"]["value"] == 1
    assert f["issues_closed"]["value"] == 26 and f["issues_referred"]["value"] == 1
    assert (f["response_rate"]["value"], f["resolution_rate"]["value"]) == (100.0, 86.7)
    assert f["satisfaction_rate"]["value"] == 93.3
    assert (
        f["tanks"]["value"] - f["tanks_on_time"]["value"] == 1
    )  # a tank a building (≤ 4), one overdue
    assert f["green_families"]["value"] == 5
    with app.app_context():
        joint = db.session.scalars(
            sa.select(EnvironmentInspection.total_score).where(
                EnvironmentInspection.kind == "monthly",
                EnvironmentInspection.community_id == world.node(A1).id,
            )
        ).all()
        assert sum(joint) / len(joint) == 89 and sum(1 for s in joint if s < 85) == 2
        assert min(joint) >= 78 and max(joint) <= 97
        # the village (rural) does not run the module
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(EnvironmentArea.community_id == world.node(B1).id)
            )
            == 0
        )
        before = db.session.scalar(sa.select(sa.func.count()).select_from(EnvironmentArea))
    seed(app)  # idempotent
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(EnvironmentArea))
    assert after == before
    monthly = admin.get(f"/api/v1/nodes/{A1}/indicators?period=2026-11").json["items"]
    part = next(i for i in monthly if i["name"] == "environment.sorting_participation")
    first = admin.get(f"/api/v1/nodes/{A1}/indicators?period=2025-12").json["items"]
    early = next(i for i in first if i["name"] == "environment.sorting_participation")
    # 62 % → 84 % of each station's households, rounded to whole households
    assert 61 <= early["value"] <= 63 and 83 <= part["value"] <= 85

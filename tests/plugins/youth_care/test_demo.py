"""The demo data: six children in care per community by the spec's mix (left-behind children in
the rural community only), five 五老 with four pairings, a year of visits with one overdue, the
parents' school's three steps, the holiday programmes' days; deterministic and idempotent, and
its figures what the spec describes."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from plugins.youth_care.models import YouthCareChild, YouthCarePairing, YouthCareSession
from tenants import modules

from .conftest import A1, B1, DISTRICT


def seed(app) -> None:
    """The demo over the test world, B1 standing in for the demo's 农村社区."""
    from plugins.registry import demo as registry_demo
    from plugins.youth_care import demo
    from tenants.services import find_by_ref

    with app.test_request_context():
        village = find_by_ref(db.session, B1)
        if not modules.is_enabled(db.session, village.id, "registry"):
            modules.enable(db.session, village, "registry", settings={"rural": True})
        registry_demo.seed(db.session, {})
        demo.seed(db.session, {})
        db.session.commit()


def categories_of(app, world, ref: str) -> list[list[str]]:
    with app.app_context():
        stmt = sa.select(YouthCareChild.categories).where(
            YouthCareChild.community_id == world.node(ref).id
        )
        return list(db.session.scalars(stmt.order_by(YouthCareChild.id)))


def test_the_demo_follows_the_spec_and_is_idempotent(app, world, clock, count, as_user):
    clock("2026-11-20T09:00:00+08:00")
    seed(app)
    children, pairings, sessions = (
        count(YouthCareChild),
        count(YouthCarePairing),
        count(YouthCareSession),
    )
    seed(app)  # a second run adds nothing
    assert (count(YouthCareChild), count(YouthCarePairing), count(YouthCareSession)) == (
        children,
        pairings,
        sessions,
    )
    town = {tuple(c) for c in categories_of(app, world, A1)}
    assert ("left_behind",) not in town and ("migrant",) in town and ("disabled",) in town
    assert ("left_behind",) in {tuple(c) for c in categories_of(app, world, B1)}
    figures = as_user("d_admin").get(f"/api/v1/nodes/{A1}/indicators?period=2026").json
    value = {i["name"]: i["value"] for i in figures["items"]}
    assert value["youth_care.in_care"] == 6 and value["youth_care.pairings"] == 4
    assert value["youth_care.five_elders"] >= 5
    assert 30 <= value["youth_care.visits"] <= 45
    assert value["youth_care.ps_sessions"] == 3 and value["youth_care.ps_attendance"] == 88
    assert value["youth_care.holiday_days"] == 30  # 10 winter days and 20 summer weekdays
    assert value["youth_care.overdue_visits"] >= 1
    assert value["youth_care.minors"] > 0
    campaigns = as_user("c_admin").get(f"/api/v1/c/{A1}/youth_care/campaigns").json["items"]
    assert [(c["kind"], c["starts_on"], c["ends_on"]) for c in campaigns] == [
        ("childrens_day", "2026-05-25", "2026-06-05"),
        ("spring_festival", "2026-02-03", "2026-02-24"),  # 春节 2026 is 17 February
    ]
    progress = (
        as_user("c_admin")
        .get(f"/api/v1/c/{A1}/youth_care/campaigns/{campaigns[0]['id']}/progress")
        .json
    )
    assert progress["members"] == 6 and len(progress["phases"]) == 3
    district = as_user("d_admin").get(f"/api/v1/nodes/{DISTRICT}/indicators?period=2026").json
    total = {i["name"]: i["value"] for i in district["items"]}
    assert total["youth_care.in_care"] == children

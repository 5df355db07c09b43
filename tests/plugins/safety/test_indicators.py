"""The safety indicators against hand-counted rows, with the clock stopped on 2026-06-15.

Rows are inserted directly with the models (the workflow is tested elsewhere); every figure is
checked at a community, rolled up to the street and the district, and only where the module is on.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from core.reports import Period

from .conftest import A1, A2, B1, DISTRICT, STREET_A

TODAY = "2026-06-15T10:00:00+08:00"
Y2026 = Period.year(2026)
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
Y2025 = Period.year(2025)


def d(text: str) -> date:
    return date.fromisoformat(text)


# (found_on, status, deadline, closed_on, severity, deleted)
A1_HAZARDS = [
    ("2026-01-10", "closed", "2026-01-25", "2026-01-20", "general", False),  # found+closed Q1
    ("2026-02-01", "closed", "2026-02-16", "2026-04-10", "general", False),  # closed in Q2
    ("2026-03-05", "rectifying", "2026-03-20", None, "major", False),  # overdue, major open
    ("2026-05-20", "notified", "2026-07-01", None, "general", False),  # open, not yet due
    ("2025-11-01", "found", "2025-11-16", None, "general", False),  # from last year, overdue
    ("2026-02-10", "found", "2026-02-25", None, "general", True),  # deleted: never counts
    ("2025-12-01", "closed", "2026-03-01", "2026-01-05", "major", False),  # closed in 2026
]
A2_HAZARDS = [
    ("2026-04-01", "closed", "2026-04-16", "2026-04-10", "general", False),
    ("2026-04-02", "submitted", "2026-06-30", None, "major", False),
]
B1_HAZARDS = [("2026-01-15", "found", "2026-01-30", None, "general", False)]


@pytest.fixture
def rows(app, world, enable, clock):
    """Hazards, inspections, trainings and enterprises in A1, A2 and B1 (all with safety on)."""
    from plugins.registry.models import RegistryUnit
    from plugins.safety.models import (
        SafetyEnterprise,
        SafetyHazard,
        SafetyInspection,
        SafetyKeyPost,
        SafetyTrainee,
        SafetyTraining,
    )
    from tests.plugins.registry.conftest import make_code

    clock(TODAY)
    enable(A1, A2, B1, settings=None)

    def add(ref: str, hazards: list[tuple], inspections: list[str], trainees, enterprises):
        node = world.node(ref)
        for i, (found, status, deadline, closed, severity, deleted) in enumerate(hazards):
            db.session.add(
                SafetyHazard(
                    node_id=node.id,
                    number=f"H{i:03d}",
                    description="隐患",
                    found_on=d(found),
                    status=status,
                    deadline=d(deadline),
                    closed_on=d(closed) if closed else None,
                    severity=severity,
                    deleted_at=clock_now() if deleted else None,
                )
            )
        for done in inspections:
            db.session.add(SafetyInspection(node_id=node.id, done_on=d(done) if done else None))
        for held, people, deleted in trainees:
            training = SafetyTraining(
                node_id=node.id,
                title="三项岗位培训",
                held_on=d(held),
                deleted_at=clock_now() if deleted else None,
            )
            db.session.add(training)
            db.session.flush()
            for n, (post, passed) in enumerate(people):
                db.session.add(
                    SafetyTrainee(
                        node_id=node.id, training_id=training.id, name=f"张{held}{n}", post=post,
                        passed=passed,
                    )
                )  # fmt: skip
        for n, (standard, deleted) in enumerate(enterprises):
            unit = RegistryUnit(
                node_id=node.id, name=f"企业{ref}{n}", credit_code=make_code(f"MA0{n}{ref[-3:]}X5"),
                kind="enterprise",
            )  # fmt: skip
            db.session.add(unit)
            db.session.flush()
            db.session.add(
                SafetyEnterprise(
                    node_id=node.id, unit_id=unit.id, name=unit.name, standardisation=standard,
                    deleted_at=clock_now() if deleted else None,
                )
            )  # fmt: skip

    def clock_now():
        from core.db import utcnow

        return utcnow()

    with app.app_context():
        add(
            A1,
            A1_HAZARDS,
            ["2026-01-05", "2026-03-31", "2026-04-01", "2025-12-31", None],
            [
                # held in Q1: 2 three-post passed, 1 failed, 1 front-line
                ("2026-02-20", [("principal", True), ("safety_manager", True),
                                ("special_operator", False), ("frontline", True)], False),
                ("2026-05-10", [("special_operator", True)], False),  # Q2
                ("2026-03-01", [("principal", True)], True),  # deleted session
            ],
            [("compliant", False), ("creating", False), ("compliant", True)],
        )  # fmt: skip
        add(A2, A2_HAZARDS, ["2026-04-20"], [("2026-04-20", [("principal", True)], False)],
            [("compliant", False)])  # fmt: skip
        add(B1, B1_HAZARDS, ["2026-02-02", "2026-02-03"], [], [("not_started", False)])
        # 三项岗位人员名册 (on duty, certificate number, expires, deleted): in A1 three on duty,
        # one certified all year, one until 1 May, one without a certificate; one off duty and
        # one deleted never count. In A2 one, certified.
        for ref, people in (
            (A1, [(True, "AQ1", "2027-01-01", False), (True, "AQ2", "2026-05-01", False),
                  (True, "", None, False), (False, "AQ4", "2027-01-01", False),
                  (True, "AQ5", "2027-01-01", True)]),
            (A2, [(True, "AQ6", "2026-12-31", False)]),
        ):  # fmt: skip
            enterprise = db.session.scalars(
                sa.select(SafetyEnterprise).where(
                    SafetyEnterprise.community_id == world.node(ref).id
                )
            ).first()
            for n, (on_duty, number, expires, deleted) in enumerate(people):
                db.session.add(
                    SafetyKeyPost(
                        node_id=enterprise.node_id, enterprise_id=enterprise.id, name=f"岗{n}",
                        post="safety_manager", on_duty=on_duty, certificate_number=number,
                        certificate_expires_on=d(expires) if expires else None,
                        deleted_at=clock_now() if deleted else None,
                    )
                )  # fmt: skip
        from core.targets.models import NodeTarget

        # 全年三项岗位培训: 60 held at the street, split 20 to A1 and 40 to A2 (seed 004 l.6)
        for ref, value in ((STREET_A, 60), (A1, 20), (A2, 40)):
            db.session.add(
                NodeTarget(
                    node_id=world.node(ref).id, indicator="safety.trained", period="2026",
                    value=value,
                )
            )  # fmt: skip
        db.session.commit()


def figures(app, world, ref: str, period: Period) -> dict:
    from tenants.modules import indicator_communities, indicators

    with app.app_context():
        found = {n: i for n, i in indicators().items() if n.startswith("safety.")}
        communities = indicator_communities(world.node(ref).as_ref(), "safety")
        return {
            n.removeprefix("safety."): i.compute(db.session, communities, period)
            for n, i in found.items()
        }


A1_2026 = {
    "hazards_found": 4,  # Jan 10, Feb 1, Mar 5, May 20 (the deleted one not)
    "hazards_closed": 3,  # Jan 20, Apr 10, Jan 5
    "hazards_overdue": 2,  # the Mar 5 one and last year's Nov 1 one (as of today, Jun 15)
    "rectification_rate": 50.0,  # 2 of the 4 found in 2026 closed by Dec 31
    "hazards_rectified": 2,
    "major_open": 1,
    "inspections_done": 3,
    "trained": 3,  # 2 in Feb + 1 in May
    "key_posts": 3,
    "key_posts_certified": 1,  # on 15 June: AQ2 expired on 1 May
    "certified_rate": 33.3,
    "enterprises": 2,
    "enterprises_standardised": 1,
    # No accidents in these rows (counted in test_accidents.py).
    "accidents": 0,
    "accident_deaths": 0,
    "accident_injuries": 0,
    "accident_loss": 0.0,
}


def test_a_community_counted_by_hand(app, world, rows):
    assert figures(app, world, A1, Y2026) == A1_2026


def test_a_past_quarter_is_taken_at_its_end(app, world, rows):
    assert figures(app, world, A1, Q1) == {
        **A1_2026,
        "hazards_found": 3,  # Jan 10, Feb 1, Mar 5
        "hazards_closed": 2,  # Jan 20, Jan 5
        # on Mar 31: Feb 1 (deadline Feb 16, closed only Apr 10), Mar 5 (Mar 20), Nov 1
        "hazards_overdue": 3,
        "rectification_rate": 33.3,  # Jan 10 only, of 3
        "hazards_rectified": 1,
        "major_open": 1,
        "inspections_done": 2,
        "trained": 2,
        "key_posts_certified": 2,  # on 31 March AQ2 was still valid
        "certified_rate": 66.7,
    }


def test_a_period_without_hazards_has_no_rate(app, world, rows):
    values = figures(app, world, A1, Period.year(2024))
    assert values["hazards_found"] == 0 and values["rectification_rate"] is None


def test_last_year_on_its_last_day(app, world, rows):
    values = figures(app, world, A1, Y2025)
    # Nov 1 (due Nov 16) open on Dec 31; Dec 1 (due Mar 1) open but not due.
    assert values["hazards_found"] == 2 and values["hazards_overdue"] == 1
    assert values["major_open"] == 1 and values["rectification_rate"] == 0.0


def test_rolled_up_to_the_street_and_the_district(app, world, rows):
    street = figures(app, world, STREET_A, Y2026)
    assert street["hazards_found"] == 6 and street["hazards_closed"] == 4
    assert street["hazards_overdue"] == 2 and street["major_open"] == 2
    assert street["rectification_rate"] == 50.0  # 3 of 6
    assert street["trained"] == 4
    # 持证上岗率 from the summed counts: 2 of 4, not the mean of 33.3 % and 100 %.
    assert (street["key_posts"], street["key_posts_certified"]) == (4, 2)
    assert street["certified_rate"] == 50.0
    assert street["enterprises"] == 3 and street["enterprises_standardised"] == 2
    district = figures(app, world, DISTRICT, Y2026)
    assert district["hazards_found"] == 7 and district["hazards_overdue"] == 3
    assert district["inspections_done"] == 3 + 1 + 2


def test_community_figures_add_up_to_the_indicators(app, world, rows):
    from plugins.safety.dashboard import figures as safety_figures
    from tenants.modules import indicator_communities

    with app.app_context():
        communities = indicator_communities(world.node(DISTRICT).as_ref(), "safety")
        per = safety_figures.SAFETY.per_community(db.session, communities, Y2026)
        assert per[world.node(A1).id] == A1_2026
        total = safety_figures.SAFETY.totals(per)
    assert total == figures(app, world, DISTRICT, Y2026)


def test_switching_the_module_off_and_on(app, world, rows):
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    street = figures(app, world, STREET_A, Y2026)
    assert street == {**A1_2026}
    with app.app_context():
        modules.enable(db.session, world.node(A2), "safety")
        db.session.commit()
    assert figures(app, world, STREET_A, Y2026)["hazards_found"] == 6


def test_indicator_api_rolls_up_for_the_inspector(app, world, rows, as_user):
    answer = as_user("inspector").get(f"/api/v1/nodes/{STREET_A}/indicators?year=2026").get_json()
    values = {i["name"]: i["value"] for i in answer["items"] if i["module"] == "safety"}
    assert values["safety.hazards_found"] == 6 and values["safety.rectification_rate"] == 50.0

"""今日待办 on the home page: safety's work items counted in each user's scope against rows
counted by hand, each linking to a list that shows exactly the rows counted, nothing from outside
the user's places or where the module is off. The clock is stopped on 2026-06-15."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db, utcnow

from .conftest import A1, A2, B1, DISTRICT, STREET_A

TODAY = "2026-06-15T10:00:00+08:00"

# (deadline, status, severity, deleted) per community; today is 2026-06-15.
HAZARDS = {
    A1: [
        ("2026-06-01", "notified", "general", False),  # overdue
        ("2026-06-14", "rectifying", "major", False),  # overdue
        ("2026-06-10", "closed", "general", False),  # closed: nothing to do
        ("2026-06-02", "found", "general", True),  # deleted: never counts
        ("2026-06-16", "found", "general", True),  # deleted, though due soon: never counts
        ("2026-06-15", "notified", "general", False),  # due today
        ("2026-06-22", "found", "general", False),  # due in 7 days
        ("2026-06-23", "found", "general", False),  # due in 8 days: not yet
        ("2026-07-30", "submitted", "major", False),  # a major one awaiting sign-off
    ],
    A2: [("2026-05-01", "found", "general", False)],  # overdue
    B1: [("2026-05-01", "found", "general", False), ("2026-06-01", "found", "general", False)],
}
# (name, certificate expires on): two expired, one still valid.
CERTIFICATES = [("甲", "2026-06-14"), ("乙", "2026-07-01"), ("丙", "2025-01-01")]


@pytest.fixture
def work(app, world, enable, clock):
    from plugins.safety.models import SafetyHazard, SafetyTrainee, SafetyTraining

    clock(TODAY)
    enable(A1, A2, B1)
    with app.app_context():
        for ref, hazards in HAZARDS.items():
            node = world.node(ref)
            for i, (deadline, status, severity, deleted) in enumerate(hazards):
                db.session.add(
                    SafetyHazard(
                        node_id=node.id,
                        number=f"T{i:03d}",
                        description="隐患",
                        found_on=date(2026, 4, 1),
                        status=status,
                        deadline=date.fromisoformat(deadline),
                        severity=severity,
                        closed_on=date(2026, 6, 10) if status == "closed" else None,
                        deleted_at=utcnow() if deleted else None,
                    )
                )
        node = world.node(A1)
        training = SafetyTraining(node_id=node.id, title="三项岗位培训", held_on=date(2024, 5, 1))
        db.session.add(training)
        db.session.flush()
        for name, expires in CERTIFICATES:
            db.session.add(
                SafetyTrainee(
                    node_id=node.id,
                    training_id=training.id,
                    name=name,
                    post="principal",
                    certificate_number="Z-1",
                    certificate_expires_on=date.fromisoformat(expires),
                )
            )
        db.session.commit()


def items(client) -> dict[tuple[str, str], tuple[int, str | None]]:
    """(work key, place ref) → (count, link) as the home page shows them."""
    html = client.get("/").get_data(as_text=True)
    found = {}
    for key, node, body in re.findall(
        r'<li class="work-\w+" data-work="([^"]+)" data-node="([^"]+)">(.*?)</li>', html, re.S
    ):
        count = int(re.search(r'<strong class="count">(\d+)</strong>', body).group(1))
        link = re.search(r'<a href="([^"]+)"', body)
        found[(key, node)] = (count, link.group(1).replace("&amp;", "&") if link else None)
    return found


def test_a_worker_sees_the_communitys_work_and_nothing_else(work, as_user):
    assert items(as_user("worker")) == {
        ("safety.hazards_overdue", A1): (2, f"/c/{A1}/safety/hazards?overdue=1"),
        ("safety.hazards_due", A1): (2, f"/c/{A1}/safety/hazards?due=1"),
        ("safety.certificates_expired", A1): (2, f"/c/{A1}/safety/certificates"),
    }


def test_each_hazard_link_lists_exactly_the_rows_counted(work, as_user):
    for user in ("worker", "s_admin", "inspector"):
        client = as_user(user)
        for (key, _node), (count, link) in items(client).items():
            if key.startswith("safety.hazards"):
                api = link.replace("/c/", "/api/v1/c/", 1).replace("/r/", "/api/v1/r/", 1)
                assert client.get(api).json["total"] == count, (user, link)


def test_a_street_admin_counts_the_street_and_is_asked_to_sign_off(work, as_user, app, world):
    from tenants import modules

    admin = as_user("s_admin")
    seen = items(admin)
    # A1's two and A2's one; another street's hazards never count.
    assert seen[("safety.hazards_overdue", STREET_A)] == (
        3,
        f"/r/{STREET_A}/safety/hazards?overdue=1",
    )
    assert seen[("safety.hazards_sign_off", STREET_A)][0] == 1
    assert {node for _key, node in seen} == {STREET_A}
    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    assert items(admin)[("safety.hazards_overdue", STREET_A)][0] == 2


def test_the_district_reader_counts_every_street(work, as_user):
    seen = items(as_user("inspector"))
    assert seen[("safety.hazards_overdue", DISTRICT)][0] == 5  # A1 2, A2 1, B1 2
    assert ("safety.hazards_sign_off", DISTRICT) not in seen  # a reader signs nothing off


def test_no_work_without_the_permission_or_with_the_module_off(work, as_user, app, world):
    from tenants import modules

    leader = as_user("leader")
    assert items(leader) == {}
    assert "暂无待办事项" in leader.get("/").get_data(as_text=True)
    with app.app_context():
        modules.disable(db.session, world.node(A1), "safety")
        db.session.commit()
    assert items(as_user("worker")) == {}


def test_one_query_per_source_whatever_the_rows(work, app, world):
    from core.filing.services import reports
    from core.permissions import load_scope
    from core.workbench import sources, work_items

    with app.app_context():
        statements: list[str] = []
        engine = db.engine

        def counted(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        scope = load_scope(db.session, world.user("d_admin").id)
        sa.event.listen(engine, "before_cursor_execute", counted)
        try:
            with app.test_request_context():
                work_items(db.session, scope, date(2026, 6, 15))
                # Each report to file is a source, and each with a review day one more (the
                # reviews overdue).
                found = len(sources()) + sum(1 + bool(r.due.review) for r in reports().values())
        finally:
            sa.event.remove(engine, "before_cursor_execute", counted)
    assert len([s for s in statements if "count" in s.lower() or "sum" in s.lower()]) == found

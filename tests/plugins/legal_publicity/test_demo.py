"""The demo data per community, as the spec describes it, deterministic and idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from core.activities.models import Activity
from core.db import db
from plugins.legal_publicity.models import (
    LpBoard,
    LpConsult,
    LpDispute,
    LpResettled,
    LpScreening,
)
from plugins.legal_publicity.publicity.rules import board_due_on, board_overdue

from .conftest import A1, api


def seed(app, accounts: list | None = None) -> None:
    from plugins.legal_publicity import demo

    options = {
        "scale": "demo",
        "password": "jiedao-demo",
        "accounts": [] if accounts is None else accounts,
    }
    with app.test_request_context():
        demo.seed(db.session, options)
        db.session.commit()


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


def test_each_community_gets_a_year_of_legal_work(app, world, clock, as_user):
    clock("2026-12-20T10:00:00+08:00")
    seed(app)
    seed(app)  # idempotent: the second run adds nothing
    with app.app_context():
        a1 = world.node(A1).id
        here = lambda model: model.community_id == a1  # noqa: E731
        assert count(Activity, here(Activity), Activity.module == "legal_publicity") == 17
        monthly = count(Activity, here(Activity), Activity.kind == "monthly_law")
        assert monthly == 12
        lectures = db.session.scalars(
            sa.select(Activity.forms).where(here(Activity), Activity.kind == "monthly_law")
        ).all()
        assert all("lecture" in forms for forms in lectures)
        constitution = db.session.scalar(
            sa.select(Activity.laws).where(here(Activity), Activity.kind == "constitution")
        )
        assert constitution == "宪法"
        boards = db.session.scalars(sa.select(LpBoard).where(here(LpBoard))).all()
        late = [b for b in boards if board_overdue(b)]
        assert len(boards) == 3 and [b.kind for b in late] == ["blackboard"]
        assert (today_of(app) - board_due_on(late[0])).days == 12
        assert count(LpConsult, here(LpConsult)) == 20
        assert count(LpConsult, here(LpConsult), LpConsult.referral != "none") == 5
        assert count(LpScreening, here(LpScreening)) == 24
        outcomes = db.session.execute(
            sa.select(LpDispute.outcome, sa.func.count())
            .where(here(LpDispute))
            .group_by(LpDispute.outcome)
        ).all()
        assert dict(outcomes) == {"written": 8, "oral": 2, "failed": 1, "": 1}
        assert 1 <= count(LpResettled, here(LpResettled)) <= 2
    overdue = as_user("worker").get(f"{api()}/disputes", query_string={"overdue": 1}).json
    assert overdue["total"] == 1


def today_of(app):
    from core.sdk import today

    return today()


def test_the_demo_has_the_judicial_office_and_a_named_cadre(app, world, clock, client, as_user):
    clock("2026-12-20T10:00:00+08:00")
    accounts: list = []
    seed(app, accounts)
    seed(app)  # a second run finds the accounts and adds none
    assert [(name, role) for name, role, _place in accounts] == [
        ("judicial", "legal_publicity_judicial"),
        ("care_cadre", "legal_publicity_care"),
    ]

    def resettled(username: str) -> int:
        client.post("/logout")
        signed = client.post("/login", data={"username": username, "password": "jiedao-demo"})
        assert signed.status_code == 302, username
        return client.get(f"{api()}/resettled").status_code

    assert resettled("judicial") == 200  # the street's 司法所
    assert resettled("care_cadre") == 200  # the cadre named in 永安里东社区
    admin = as_user("c_admin")  # the community's admin, not named for it
    assert admin.get(f"{api()}/resettled").status_code == 404

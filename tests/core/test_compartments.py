"""core.compartments: the URL segments of an S3 register are a 404 to users without its
permission at the place, and every request of those with it is audited; core.alerts tells the
holders of a permission at some places once per key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g
from flask_login import login_user
from werkzeug.exceptions import NotFound

from core.alerts import notify_holders
from core.compartments import compartment
from core.db import db
from core.models import AuditLog
from core.reminders import Notification
from core.tenancy import CommunityBlueprint

A1 = "110105001001"


def guard_of(segments: tuple[str, ...]):
    blueprint = CommunityBlueprint("ledger", "ledger_compartment_probe", __name__)
    compartment(blueprint, "ledger.view", segments, audit_as="ledger.secret.access")
    return blueprint.before_request_funcs[None][-1]


def call(app, world, username: str, path: str, guard) -> None:
    with app.test_request_context(path):
        login_user(world.user(username))
        g.place = world.node(A1)
        guard()


def audited(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditLog.username, AuditLog.summary)
            .where(AuditLog.action == "ledger.secret.access")
            .order_by(AuditLog.id)  # in the order written: PostgreSQL promises no other
        )
        return [tuple(r) for r in rows]


def test_outside_the_segments_nothing_happens(app, world):
    guard = guard_of(("secret",))
    call(app, world, "leader", f"/c/{A1}/ledger/entries/1", guard)  # no ledger.view: not asked
    assert audited(app) == []


def test_inside_without_the_permission_is_a_404_and_not_audited(app, world):
    guard = guard_of(("secret",))
    with pytest.raises(NotFound):
        call(app, world, "leader", f"/c/{A1}/ledger/secret/1", guard)
    assert audited(app) == []


def test_inside_with_the_permission_every_request_is_audited(app, world):
    guard = guard_of(("secret",))
    call(app, world, "d_admin", f"/c/{A1}/ledger/secret/1", guard)
    call(app, world, "d_admin", f"/c/{A1}/ledger/secret", guard)
    assert audited(app) == [
        ("d_admin", f"GET /c/{A1}/ledger/secret/1"),
        ("d_admin", f"GET /c/{A1}/ledger/secret"),
    ]


def test_an_alert_reaches_the_holders_at_the_places_once(app, world):
    with app.app_context():
        place = world.node(A1)
        first = notify_holders(
            db.session, "safety.view", [place.id], key="k:1", title="案件即报", url="/x"
        )
        again = notify_holders(
            db.session, "safety.view", [place.id], key="k:1", title="案件即报", url="/x"
        )
        db.session.commit()
        told = db.session.execute(
            sa.select(Notification.user_id, Notification.kind, Notification.title)
        ).all()
        worker, admin = world.user("worker").id, world.user("c_admin").id
    assert (first, again) == (2, 0)
    assert sorted(told) == sorted(
        [(worker, "escalated", "案件即报"), (admin, "escalated", "案件即报")]
    )

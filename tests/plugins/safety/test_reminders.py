"""Reminders and escalation on a fixed clock (Monday 2026-06-15): the community's staff hear of
hazards due within two working days and of overdue ones, the street of those open five working
days past their deadline; each once; an extended deadline reminds again; working days skip the
national holidays."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core import reminders
from core.db import db
from core.workdays import last_day_before

from .conftest import A1, A2, B1

TODAY = date(2026, 6, 15)  # a Monday
# number → (community, deadline, status)
HAZARDS = {
    "H1": (A1, "2026-06-16", "notified"),  # due within two working days
    "H2": (A1, "2026-06-12", "rectifying"),  # one working day overdue
    "H3": (A1, "2026-06-05", "found"),  # six working days overdue: escalated
    "H6": (A1, "2026-06-08", "found"),  # exactly five: escalated
    "H7": (A1, "2026-06-09", "submitted"),  # four: not yet
    "H4": (A1, "2026-06-01", "closed"),  # closed: nothing
    "H5": (B1, "2026-06-01", "found"),  # another street: none of A's people hear of it
    "H8": (A1, "2026-06-25", "found"),  # not due yet
}


@pytest.fixture
def hazards(app, world, enable, clock):
    from plugins.safety.models import SafetyHazard

    enable(A1, B1)
    clock("2026-06-15T07:00:00+08:00")
    with app.app_context():
        for number, (ref, deadline, status) in HAZARDS.items():
            db.session.add(
                SafetyHazard(
                    node_id=world.node(ref).id,
                    number=number,
                    description="消防通道堵塞",
                    found_on=date(2026, 5, 20),
                    deadline=date.fromisoformat(deadline),
                    status=status,
                    closed_on=date(2026, 6, 1) if status == "closed" else None,
                )
            )
        db.session.commit()


def told(app, world, username: str) -> set[tuple[str, str]]:
    """(hazard number, kind) of the user's notifications."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(reminders.Notification).where(
                reminders.Notification.user_id == world.user(username).id
            )
        ).all()
        return {(n.title.split()[1], n.kind) for n in rows}


def test_the_days_reminders_reach_the_community_and_the_street(hazards, app, world):
    with app.app_context():
        written = reminders.run(db.session, TODAY)
        db.session.commit()
    community = {
        ("H1", "due"),
        ("H2", "overdue"),
        ("H3", "overdue"),
        ("H6", "overdue"),
        ("H7", "overdue"),
    }
    assert told(app, world, "worker") == community
    assert told(app, world, "c_admin") == community
    assert told(app, world, "s_admin") == {("H3", "escalated"), ("H6", "escalated")}
    assert told(app, world, "d_admin") == set()  # above the street: not reminded of each case
    assert written == 2 * len(community) + 2
    with app.app_context():
        assert reminders.run(db.session, TODAY) == 0  # each is written once


def test_an_extended_deadline_reminds_again(hazards, app, world, as_user):
    from plugins.safety.models import SafetyHazard

    with app.app_context():
        reminders.run(db.session, TODAY)
        db.session.commit()
        h2 = db.session.scalar(sa.select(SafetyHazard).where(SafetyHazard.number == "H2"))
        hid = h2.id
    extended = as_user("s_admin").post(
        f"/api/v1/c/{A1}/safety/hazards/{hid}/extend",
        json={"deadline": "2026-06-16", "comment": "待采购配件"},
    )
    assert extended.status_code == 200
    with app.app_context():
        assert reminders.run(db.session, TODAY) == 2  # the worker and the community admin
        db.session.commit()
    assert ("H2", "due") in told(app, world, "worker")


def test_escalation_counts_working_days_across_the_national_holidays(app):
    with app.app_context():
        # 10/9, 10/8, (10/1–10/7 off), 9/30, 9/29, 9/28: a deadline of 9/27 or before is five
        # working days overdue on 10/9; 9/28 is only four.
        assert last_day_before(db.session, date(2026, 10, 9), 5) == date(2026, 9, 27)


def test_users_read_their_notifications_on_the_home_page_and_the_api(hazards, app, as_user):
    with app.app_context():
        reminders.run(db.session, TODAY)
        db.session.commit()
    worker = as_user("worker")
    items = worker.get("/api/v1/notifications").json["items"]
    assert len(items) == 5 and all(i["url"].startswith(f"/c/{A1}/safety/hazards/") for i in items)
    home = worker.get("/").get_data(as_text=True)
    assert home.count("data-notice=") == 5 and "隐患 H1 将于 2026-06-16 到期" in home
    assert worker.get(items[0]["url"]).status_code == 200  # the link opens the hazard
    assert worker.post("/notifications/read").status_code == 302
    assert worker.get("/api/v1/notifications").json["items"] == []
    assert as_user("s_admin").post("/api/v1/notifications/read").json == {"read": 2}


def test_the_command_runs_the_days_reminders(hazards, app, monkeypatch, tmp_path, database_url):
    from core.cli import cli

    monkeypatch.setenv("JIEDAO_ENV", "testing")
    monkeypatch.setenv("JIEDAO_DATABASE_URL", database_url)
    monkeypatch.setenv("JIEDAO_INSTANCE_PATH", str(tmp_path))
    from core.accounts.component import jiedao_cli

    jiedao_cli(cli)
    result = CliRunner().invoke(cli, ["reminders", "run", "--day", "2026-06-15"])
    assert result.exit_code == 0, result.output
    assert "12" in result.output


def test_the_scheduler_writes_them_at_seven_in_beijing(hazards, app, world):
    from datetime import datetime

    from core import jobs

    task = jobs.queue(app).reminders.task_class()
    assert task.validate_datetime(datetime(2026, 6, 14, 23, 0))  # 07:00 on the 15th in Beijing
    assert not task.validate_datetime(datetime(2026, 6, 15, 7, 0))
    assert jobs.write_reminders(app) == 12
    assert ("H3", "escalated") in told(app, world, "s_admin")


def test_notifications_are_written_in_batches_once_each(hazards, app, world):
    with app.app_context():
        assert reminders.run(db.session, TODAY) == 12
        wanted = [
            {"user_id": world.user("worker").id, "key": f"test:{n}", "kind": "due", "title": "t",
             "url": "", "node_id": None}
            for n in range(1203)
        ]  # fmt: skip
        assert reminders._write(db.session, wanted + wanted[:5], batch=100) == 1203
        assert reminders._write(db.session, wanted, batch=100) == 0


def test_an_observance_that_passed_without_its_activity_is_told_once(app, world, enable, clock):
    """11·9 消防日 is answered by a fire-day activity within a week of it; on 11-17, the day after
    that window, the community's staff hear that A1 held none, once; A2, which held one, is not
    told of."""
    from core.activities import Activity as SafetyActivity  # safety's activities are core's

    enable(A1, A2)
    clock("2026-11-17T07:00:00+08:00")
    with app.app_context():
        db.session.add(
            SafetyActivity(
                module="safety",
                node_id=world.node(A2).id,
                title="消防安全进社区",
                kind="fire_day",
                held_on=date(2026, 11, 12),
            )
        )
        db.session.commit()
        assert reminders.run(db.session, date(2026, 11, 17)) == 2  # A1's worker and admin
        assert reminders.run(db.session, date(2026, 11, 18)) == 0  # once
        db.session.commit()
        notes = db.session.scalars(
            sa.select(reminders.Notification).where(
                reminders.Notification.user_id == world.user("worker").id
            )
        ).all()
    assert [(n.kind, n.title, n.url) for n in notes] == [
        ("missing", "11·9消防日 已过，尚未开展相关活动", f"/n/{A1}/calendar?year=2026")
    ]
    with app.app_context():  # a week later nobody is told any more
        assert reminders.run(db.session, date(2026, 11, 25)) == 0

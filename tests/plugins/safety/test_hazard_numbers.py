"""Hazard and notice numbers: distinct when many people record hazards at the same time, and
continuing from the numbers already in the ledger."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from plugins.safety.models import SafetyHazard
from tests.conftest import TEST_DATABASE_URL

from .conftest import A1, B1, api, beijing

ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
WORKERS, EACH = 8, 5


def run_workers(work: Callable[[int], None], workers: int = WORKERS) -> None:
    """``work(i)`` for every worker: at the same moment in threads on PostgreSQL; one after the
    other on SQLite, whose single writer lock serialises writers anyway."""
    if not ON_POSTGRES:
        for i in range(workers):
            work(i)
        return
    start = threading.Barrier(workers)

    def run(i: int) -> None:
        start.wait()
        work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


@pytest.fixture
def numbered(world, enable, clock):
    enable(A1, B1)
    clock(beijing("2026-06-15 10:00"))


def numbers_in(world, ref: str) -> list[str]:
    with world.app.app_context():
        community = world.node(ref).id
        return sorted(
            db.session.scalars(
                sa.select(SafetyHazard.number).where(SafetyHazard.community_id == community)
            )
        )


def test_hazards_recorded_at_the_same_time_get_distinct_numbers(app, world, as_user, numbered):
    clients = [as_user("worker") for _ in range(WORKERS)]
    answers: list[tuple[int, str]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def record(i: int) -> None:
        for n in range(EACH):
            try:
                r = clients[i].post(
                    f"{api(A1)}/hazards",
                    json={"description": f"消防通道堵塞 {i}-{n}", "found_on": "2026-06-10"},
                )
            except Exception as exc:  # a 500 propagates out of the test client
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                answers.append((r.status_code, r.json.get("number") if r.is_json else r.text))

    run_workers(record)
    assert errors == []
    assert [status for status, _number in answers] == [201] * WORKERS * EACH, answers
    expected = [f"YH2026-{n:04d}" for n in range(1, WORKERS * EACH + 1)]
    assert sorted(number for _status, number in answers) == expected
    assert numbers_in(world, A1) == expected


def test_notices_issued_at_the_same_time_get_distinct_numbers(app, as_user, numbered):
    clients = [as_user("c_admin") for _ in range(WORKERS)]
    ids = []
    for _ in range(WORKERS):
        r = clients[0].post(
            f"{api(A1)}/hazards", json={"description": "灭火器过期", "found_on": "2026-06-10"}
        )
        ids.append(r.json["id"])
    statuses: list[int] = []

    def notify(i: int) -> None:
        r = clients[i].post(
            f"/c/{A1}/safety/hazards/{ids[i]}/notify",
            data={"on": "2026-06-11", "responsible_person": "王海"},
        )
        statuses.append(r.status_code)

    run_workers(notify)
    assert statuses == [302] * WORKERS
    with app.app_context():
        notices = db.session.scalars(
            sa.select(SafetyHazard.notice_number).where(SafetyHazard.id.in_(ids))
        ).all()
    assert sorted(notices) == [f"ZG2026-{n:04d}" for n in range(1, WORKERS + 1)]


def test_numbers_continue_from_the_ledger_and_per_community_and_year(app, world, as_user, numbered):
    # Hazards already in the ledger, stored without the counter (an old import, the demo).
    with app.app_context():
        for number, notice, found in (
            ("YH2026-0041", "ZG2026-0007", date(2026, 3, 1)),
            ("YH2026-0009", "", date(2026, 2, 1)),
            ("YH2025-0120", "ZG2025-0033", date(2025, 11, 1)),
            ("临时-3", "", date(2026, 1, 5)),
        ):
            db.session.add(
                SafetyHazard(
                    node=world.node(A1),
                    number=number,
                    notice_number=notice,
                    description="旧台账",
                    found_on=found,
                    status="notified" if notice else "found",
                )
            )
        db.session.commit()
    c = as_user("c_admin")

    def create(ref: str, found_on: str) -> dict:
        r = c.post(f"{api(ref)}/hazards", json={"description": "新发现", "found_on": found_on})
        assert r.status_code == 201, r.json
        return r.json

    assert create(A1, "2026-06-10")["number"] == "YH2026-0042"
    assert create(A1, "2026-06-11")["number"] == "YH2026-0043"
    assert create(A1, "2025-12-20")["number"] == "YH2025-0121"  # the year found
    assert (
        as_user("d_admin")
        .post(f"{api(B1)}/hazards", json={"description": "新发现", "found_on": "2026-06-10"})
        .json["number"]
        == "YH2026-0001"
    )  # another community counts on its own
    # A number typed in by hand past the counter: the next one follows it.
    r = c.post(
        f"{api(A1)}/hazards",
        json={"description": "手工编号", "found_on": "2026-06-12", "number": "YH2026-0060"},
    )
    assert r.status_code == 201
    hazard = create(A1, "2026-06-12")
    assert hazard["number"] == "YH2026-0061"
    r = c.post(
        f"/c/{A1}/safety/hazards/{hazard['id']}/notify",
        data={"on": "2026-06-13", "responsible_person": "王海"},
    )
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(SafetyHazard, hazard["id"]).notice_number == "ZG2026-0008"

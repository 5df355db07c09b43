"""core.numbering: ``<prefix><year>-<serial>`` per community, prefix and year, drawn from a
counter that concurrent writers never share, starting from the numbers already stored; and the
renumbering a merge of two communities needs. The safety ledger's hazards are the numbered rows."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from core import numbering
from core.db import db
from core.models import Serial
from plugins.safety.models import SafetyHazard, SafetyHazardEvent
from tests.conftest import TEST_DATABASE_URL

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def store(world, ref: str, *numbers: str, notice: str = "") -> list[int]:
    """Hazards with these numbers at community ``ref``, written without the counter."""
    with world.app.app_context():
        rows = [
            SafetyHazard(
                node=world.node(ref),
                number=n,
                notice_number=notice,
                description="旧台账",
                found_on=date(2026, 1, 5),
            )
            for n in numbers
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def draw(world, ref: str, year: int = 2026, column=SafetyHazard.number) -> str:
    with world.app.app_context():
        number = numbering.next_number(db.session, column, world.node(ref).id, year)
        db.session.commit()
        return number


def test_numbers_are_zero_padded_and_grow_past_9999():
    assert numbering.format_number("YH", 2026, 7) == "YH2026-0007"
    assert numbering.format_number("YH", 2026, 10000) == "YH2026-10000"
    assert numbering.parse_number("YH", "YH2026-10000") == (2026, 10000)
    assert numbering.parse_number("YH", "ZG2026-0001") is None
    assert numbering.parse_number("YH", "YH2026-12a") is None
    assert numbering.parse_number("YH", "YH2026-1234567890") is None  # past the counter's range
    assert numbering.parse_number("A_B", "AxB2026-0001") is None  # the prefix is literal


def test_the_first_number_continues_from_the_stored_ones(world):
    store(
        world,
        A1,
        *("YH2026-0009", "YH2026-9999", "YH2025-12000"),
        *("临时-3", "YH2026-abc", "YH2026-99a", "YH2026-", "YH2026-123456789012"),  # not serials
    )
    assert draw(world, A1) == "YH2026-10000"
    assert draw(world, A1) == "YH2026-10001"
    assert draw(world, A1, 2025) == "YH2025-12001"
    assert draw(world, A1, 2027) == "YH2027-0001"
    assert draw(world, A2) == "YH2026-0001"  # per community
    assert draw(world, A1, column=SafetyHazard.notice_number) == "ZG2026-0001"  # per prefix
    with world.app.app_context():
        counters = db.session.execute(
            sa.select(Serial.prefix, Serial.year, Serial.last).order_by(Serial.prefix, Serial.year)
        ).all()
    assert sorted(counters) == [
        ("YH", 2025, 12001),
        ("YH", 2026, 1),  # A2's
        ("YH", 2026, 10001),
        ("YH", 2027, 1),
        ("ZG", 2026, 1),
    ]


def test_a_number_stored_past_the_counter_lifts_it_and_a_rollback_gives_a_number_back(world):
    assert draw(world, A1) == "YH2026-0001"
    store(world, A1, "YH2026-0001", "YH2026-0002", "YH2026-0030")  # typed in by hand
    assert draw(world, A1) == "YH2026-0031"
    with world.app.app_context():
        community = world.node(A1).id
        assert numbering.next_number(db.session, SafetyHazard.number, community, 2026) == (
            "YH2026-0032"
        )
        db.session.rollback()
    assert draw(world, A1) == "YH2026-0032"
    # A counter behind the stored numbers (rows written by plain SQL): the taken number is
    # skipped, and the counter continues after the highest stored.
    with world.app.app_context():
        db.session.execute(sa.update(Serial).values(last=1))
        db.session.commit()
    assert draw(world, A1) == "YH2026-0031"  # 0002 is taken: after the highest stored, 0030
    assert draw(world, A1) == "YH2026-0032"


def test_only_declared_columns_are_numbered(world):
    declared = {(n.table.name, n.key, n.prefix) for n in numbering.numbered_columns()}
    assert {("safety_hazard", "number", "YH"), ("safety_hazard", "notice_number", "ZG")} <= declared
    with world.app.app_context(), pytest.raises(LookupError, match="__numbered__"):
        numbering.next_number(db.session, SafetyHazardEvent.comment, world.node(A1).id, 2026)


def test_concurrent_writers_never_draw_the_same_number(world):
    """Threads, each in its own app context and session, draw from a counter that does not
    exist yet (so they also race to create it) — on PostgreSQL at the same moment; on SQLite,
    whose writers take turns on one lock, one after the other."""
    store(world, A1, "YH2026-0005")
    workers, each = 8, 10
    drawn: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(workers) if ON_POSTGRES else None

    def work() -> None:
        if start is not None:
            start.wait()
        for _ in range(each):
            try:
                number = draw(world, A1)
            except Exception as exc:
                with lock:
                    errors.append(repr(exc))
            else:
                with lock:
                    drawn.append(number)

    if ON_POSTGRES:
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    else:
        for _ in range(workers):
            work()
    assert errors == []
    assert sorted(drawn) == [f"YH2026-{n:04d}" for n in range(6, 6 + workers * each)]


def test_a_merge_plan_renumbers_clashes_past_every_number_moving_in(world, jiedao_clock):
    jiedao_clock("2026-06-15T10:00:00+08:00")
    store(world, A1, "YH2026-0001", "YH2025-0004", "临时-3")
    clash_2026, clash_2025, _free, manual = store(
        world, A2, "YH2026-0001", "YH2025-0004", "YH2026-0007", "临时-3"
    )
    with world.app.app_context():
        a1, a2 = world.node(A1).id, world.node(A2).id
        plan = numbering.plan_merge(db.session, a2, a1)
        assert [(r.row_id, r.old, r.new) for r in plan.renumberings] == [
            (clash_2025, "YH2025-0004", "YH2025-0005"),
            (clash_2026, "YH2026-0001", "YH2026-0008"),  # past A2's 0007, which moves in
            (manual, "临时-3", "YH2026-0009"),  # not in the form: a number of this year
        ]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Serial)) == 0  # read only
        done = numbering.carry_out_merge(db.session, plan, a1)
        assert [r.new for r in done] == ["YH2025-0005", "YH2026-0008", "YH2026-0009"]
        db.session.commit()
        assert db.session.get(SafetyHazard, clash_2026).number == "YH2026-0008"
        assert db.session.get(SafetyHazard, manual).number == "YH2026-0009"
    # Once A2's rows belong to A1, A1's next number follows the highest that moved in.
    with world.app.app_context():
        db.session.execute(
            sa.update(SafetyHazard).where(SafetyHazard.community_id == a2).values(community_id=a1)
        )
        db.session.commit()
    assert draw(world, A1) == "YH2026-0010"
    assert draw(world, A1, 2025) == "YH2025-0006"

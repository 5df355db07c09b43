"""Benchmark the safety plugin: a street's overdue-hazards list and its dashboard figures.

Why: hazards pile up (a busy street records tens of thousands a year) while leaders open the
overdue list and the street dashboard every day. The issue's goals, on PostgreSQL, for a street
of 20 communities holding 200,000 hazards over five years:

- the overdue list (first page of 50 open hazards past their deadline, oldest deadline first,
  with the total count) under 50 ms median — the hazard ledger's query with ``overdue=1``
  (``hazards.filtered``) paged by ``core.api.Page``, served by the partial index
  ``ix_safety_hazard_street_open_deadline``;
- the street dashboard (every figure of the year + the per-community ranking,
  ``figures.SAFETY.ranking``) under 200 ms median.

Each is compared with a hand-written SQL statement computing the same rows or figures (the
ratio says what the ORM and the shared expressions cost). Figures are printed, never asserted.

    python benchmarks/bench_safety.py                 # SQLite file, 200,000 hazards
    python benchmarks/bench_safety.py --smoke         # 4,000 hazards, seconds
    python benchmarks/bench_safety.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        # PostgreSQL, in the schema --schema (default bench_safety), dropped and recreated first

The clock is stopped on 2026-06-15 (Beijing); hazards are found over the five years before it.
Older hazards are mostly closed (2% never were: long overdue); recent ones are open about half
the time, so some are overdue and some not yet due. One in ten is major (60-day deadline).
Rows are bulk-loaded (COPY on PostgreSQL, executemany on SQLite), no ORM.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bench_tree import NODE_COLUMNS, Sizes, Tree, analyze, bulk_insert, generate_nodes
from common import (
    Stats,
    environment,
    log,
    platform_database,
    write_report,
)

from core.figures import SHAPES
from tenants.models import Node

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
DAYS = 5 * 365
HAZARD_COLUMNS = (
    "id", "node_id", "district_id", "street_id", "community_id", "number", "description",
    "location", "category", "severity", "status", "found_on", "found_by", "notice_number",
    "deadline", "responsible_person", "responsible_phone", "measures", "closed_on", "reopened",
    "created_at", "updated_at", "deleted_at",
)  # fmt: skip
INSPECTION_COLUMNS = (
    "id", "node_id", "district_id", "street_id", "community_id", "kind", "planned", "done_on",
    "area", "inspectors", "findings", "target_kind", "target_name", "created_at", "updated_at",
)  # fmt: skip
OPEN = ("found", "notified", "rectifying", "submitted")
CATEGORIES = ("fire", "electrical", "gas", "structure", "equipment", "management", "other")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL or new SQLite URL (default: temp)")
    parser.add_argument("--schema", default="bench_safety", help="PostgreSQL schema to use")
    parser.add_argument("--hazards", type=int, help="default 200,000")
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.hazards is None:
        args.hazards = 4_000 if args.smoke else 200_000
    if args.smoke:
        args.repeat = min(args.repeat, 5)
    return args


def generate_hazards(tree: Tree, count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """Hazards of the first street's buildings, found over the five years before TODAY."""
    rng = random.Random(seed)
    street = tree.streets[0]
    keys = [k for k in tree.building_keys if k[2] == street.id]
    numbers: dict[int, int] = {}
    for i in range(1, count + 1):
        bid, did, sid, cid = keys[rng.randrange(len(keys))]
        found = TODAY - timedelta(days=rng.randrange(DAYS))
        major = rng.random() < 0.1
        deadline = found + timedelta(days=60 if major else 15)
        age = (TODAY - found).days
        closed_on = None
        if rng.random() < (0.98 if age > 90 else 0.5):
            closed_on = min(TODAY, found + timedelta(days=rng.randrange(1, 45)))
        status = "closed" if closed_on else rng.choice(OPEN)
        numbers[cid] = numbers.get(cid, 0) + 1
        yield (
            i, bid, did, sid, cid, f"YH{found.year}-{numbers[cid]:06d}", "消防通道堵塞",
            "", rng.choice(CATEGORIES), "major" if major else "general", status, found, "检查组",
            "", deadline, "", "", "", closed_on, 0, NOW, NOW,
            NOW if rng.random() < 0.005 else None,
        )  # fmt: skip


def generate_inspections(tree: Tree, count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 1)
    street = tree.streets[0]
    keys = [k for k in tree.building_keys if k[2] == street.id]
    for i in range(1, count + 1):
        bid, did, sid, cid = keys[rng.randrange(len(keys))]
        done = TODAY - timedelta(days=rng.randrange(DAYS))
        yield (i, bid, did, sid, cid, "routine", False, done, "", "", "", "building", "", NOW, NOW)


@contextmanager
def figure_shape(dialect: str, shape: str) -> Iterator[None]:
    """core.figures' statements in ``shape`` ("counts" or "scan") on ``dialect`` meanwhile."""
    before = SHAPES.get(dialect)
    SHAPES[dialect] = shape
    try:
        yield
    finally:
        if before is None:
            SHAPES.pop(dialect)
        else:
            SHAPES[dialect] = before


def time_it(fn: Callable[[], Any], repeat: int) -> tuple[Stats, Any]:
    fn()  # warm up (plans, caches)
    samples, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return Stats.of(samples), result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with platform_database(args, needs="safety") as space:
        log(
            f"sizes: 1 street × {args.communities} communities; {args.hazards:,} hazards; "
            f"repeat {args.repeat}"
        )
        log(f"schema: {space.migrate_s:.2f} s")
        return run(args, space.url, space.engine, space.workdir)


def run(args: argparse.Namespace, url: str, engine: Any, workdir: Path) -> int:
    from plugins.safety.models import SafetyHazard, SafetyInspection
    from tenants.modules import ModuleState

    trees: list[Tree] = []
    sizes = Sizes(1, args.communities, 5, 0)
    with engine.begin() as conn:
        bulk_insert(conn, Node.__table__, NODE_COLUMNS, generate_nodes(sizes, trees))
    tree = trees[0]
    community_ids = [c.id for refs in tree.communities.values() for c in refs]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ModuleState.__table__),
            [{"community_id": cid, "module": module, "enabled": True,
              "settings": {"training_target": 95} if module == "safety" else {},
              "updated_at": NOW}
             for cid in community_ids for module in ("registry", "safety")],
        )  # fmt: skip
    t0 = time.perf_counter()
    with engine.begin() as conn:
        loaded = bulk_insert(
            conn,
            SafetyHazard.__table__,
            HAZARD_COLUMNS,
            generate_hazards(tree, args.hazards, args.seed),
        )
        inspections = bulk_insert(
            conn,
            SafetyInspection.__table__,
            INSPECTION_COLUMNS,
            generate_inspections(tree, args.hazards // 10, args.seed),
        )
    load_s = time.perf_counter() - t0
    log(f"hazards: {loaded:,} (+{inspections:,} inspections) in {load_s:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("safety_hazard", "safety_inspection"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    analyze(engine)

    from core import clock
    from core.app import create_app

    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(workdir / "instance"),
        }
    )
    previous = clock.stop(NOW)
    try:
        with app.app_context():
            report = measure(args, tree, engine)
    finally:
        clock.stop(previous)
    report["environment"] = environment(engine)
    report["sizes"] = {
        "hazards": args.hazards,
        "inspections": inspections,
        "communities": len(community_ids),
        "smoke": args.smoke,
        "repeat": args.repeat,
        "today": TODAY.isoformat(),
    }
    report["build"] = {"load_s": round(load_s, 1)}
    write_report(report, f"safety-{engine.dialect.name}-{args.hazards}")
    return 0


def hand_written_overdue(session: Any, street_id: int) -> tuple[int, list[Any]]:
    """The overdue list in plain SQL: the same page and count, through the partial index."""
    where = "street_id = :street AND status <> 'closed' AND deleted_at IS NULL AND deadline < :day"
    params = {"street": street_id, "day": TODAY}
    total = session.execute(
        sa.text(f"SELECT count(*) FROM safety_hazard WHERE {where}"), params
    ).scalar()
    rows = session.execute(
        sa.text(f"SELECT * FROM safety_hazard WHERE {where} ORDER BY deadline, id LIMIT 50"),
        params,
    ).all()
    return total, rows


def hand_written_street_page(session: Any, street_id: int) -> list[Any]:
    """The street's hazard list, newest first, in plain SQL (without its count)."""
    return session.execute(
        sa.text(
            "SELECT * FROM safety_hazard WHERE street_id = :street AND deleted_at IS NULL "
            "ORDER BY found_on DESC, id DESC LIMIT 50"
        ),
        {"street": street_id},
    ).all()


# The hazard figures as a person would count them through the indexes of safety_0010: one
# count(*) per condition, the two exclusive halves of "open on the as-of day" apart (found and
# not closed; closed only after it). (key, condition); a key given twice adds up.
HAND_HAZARD_COUNTS = (
    ("hazards_found", "found_on BETWEEN :s AND :e"),
    ("hazards_closed", "status = 'closed' AND closed_on BETWEEN :s AND :e"),
    ("hazards_overdue", "status <> 'closed' AND found_on <= :d AND deadline < :d"),
    ("hazards_overdue", "status = 'closed' AND closed_on > :d AND found_on <= :d AND deadline < :d"),
    ("hazards_rectified", "found_on BETWEEN :s AND :e AND status = 'closed' AND closed_on <= :e"),
    ("major_open", "severity = 'major' AND status <> 'closed' AND found_on <= :d"),
    ("major_open", "severity = 'major' AND status = 'closed' AND closed_on > :d AND found_on <= :d"),
)  # fmt: skip


def hand_written_counts(where: str, grouped: bool) -> str:
    """The hazard counts and the inspections done, one SELECT each, in one UNION ALL: rows of
    (community or NULL, figure key, count)."""
    key = "community_id" if grouped else "NULL"
    group = " GROUP BY community_id" if grouped else ""
    live = f"deleted_at IS NULL AND {where}"
    selects = [
        f"SELECT {key}, '{figure}', count(*) FROM safety_hazard WHERE {live} AND {condition}{group}"
        for figure, condition in HAND_HAZARD_COUNTS
    ]
    selects.append(
        f"SELECT {key}, 'inspections_done', count(*) FROM safety_inspection WHERE {live} "
        f"AND done_on BETWEEN :s AND :e{group}"
    )
    return "\nUNION ALL ".join(selects)


def hand_written_figures(session: Any, ids: list[int], period: Any) -> dict[int, dict[str, Any]]:
    """The dashboard's figures per community in plain SQL (same definitions, see
    plugins/safety/dashboard/figures.py)."""
    params = {"s": period.start, "e": period.end, "d": min(period.end, TODAY)}
    ids_sql = ", ".join(str(int(i)) for i in ids)
    keys = [k for k, _ in HAND_HAZARD_COUNTS] + ["inspections_done"]
    rows: dict[int, dict[str, Any]] = {i: dict.fromkeys(keys, 0) for i in ids}
    sql = hand_written_counts(f"community_id IN ({ids_sql})", grouped=True)
    for cid, key, count in session.execute(sa.text(sql), params):
        rows[cid][key] += count
    for row in rows.values():
        found, rectified = row["hazards_found"], row["hazards_rectified"]
        row["rectification_rate"] = round(100.0 * rectified / found, 1) if found else None
    return rows


def measure(args: argparse.Namespace, tree: Tree, engine: Any) -> dict[str, Any]:
    from core import clock
    from core.api import Page
    from core.db import db
    from core.reports import Period
    from plugins.safety.dashboard import figures
    from plugins.safety.hazards.ledgers import hazards
    from plugins.safety.models import SafetyHazard
    from tenants.modules import indicator_communities

    session = db.session
    street = session.get(Node, tree.streets[0].id)
    results: dict[str, Any] = {}

    def overdue_page() -> Page:
        with clock.fixed(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=clock.zone())):
            stmt = hazards.filtered(session, SafetyHazard.street_id == street.id, {"overdue": True})
            return Page(stmt, 1, 50)

    stats, page = time_it(overdue_page, args.repeat)
    raw, (raw_total, raw_rows) = time_it(
        lambda: hand_written_overdue(session, street.id), args.repeat
    )
    assert page.total == raw_total and [h.id for h in page.items] == [r.id for r in raw_rows]
    results["overdue_list"] = {
        **stats.as_dict(),
        "total": page.total,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
        "goal_ms": 50,
    }
    log(
        f"overdue list (50 of {page.total:,}): {stats.median:.2f} ms median; hand-written SQL "
        f"{raw.median:.2f} ms (ratio {stats.median / raw.median:.2f}); goal < 50 ms"
    )

    def street_page() -> Page:
        return Page(hazards.filtered(session, SafetyHazard.street_id == street.id, {}), 1, 50)

    stats, page = time_it(street_page, args.repeat)
    raw, raw_rows = time_it(lambda: hand_written_street_page(session, street.id), args.repeat)
    assert [h.id for h in page.items] == [r.id for r in raw_rows]
    results["street_list"] = {
        **stats.as_dict(),
        "total": page.total,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
    }
    log(
        f"street hazard list, first page (50 of {page.total:,}, newest first): "
        f"{stats.median:.2f} ms median; hand-written SQL {raw.median:.2f} ms"
    )

    ids = [c.id for c in tree.communities[street.id]]
    for label, period in (
        ("year", Period.year(2026)),
        ("five_years", Period(TODAY - timedelta(days=DAYS), TODAY)),
    ):
        communities = indicator_communities(street.as_ref(), "safety")
        shapes = {}
        for shape in ("counts", "scan"):  # both shapes of core.figures, the same figures
            with figure_shape(engine.dialect.name, shape):
                shapes[shape] = time_it(
                    lambda p=period, c=communities: figures.SAFETY.ranking(session, c, p),
                    args.repeat,
                )
        assert shapes["counts"][1] == shapes["scan"][1]
        stats, data = shapes[SHAPES.get(engine.dialect.name, "scan")]
        raw, by_hand = time_it(lambda p=period: hand_written_figures(session, ids, p), args.repeat)
        mine = {
            row_id: row
            for row_id, row in figures.SAFETY.per_community(
                session, sa.select(Node.id).where(Node.id.in_(ids)), period
            ).items()
        }
        for cid, expected in by_hand.items():
            assert {k: mine[cid][k] for k in expected} == expected, (cid, expected, mine[cid])
        results[f"dashboard_{label}"] = {
            **stats.as_dict(),
            "period": [period.start.isoformat(), period.end.isoformat()],
            "hazards_found": data["totals"]["hazards_found"],
            "hazards_overdue": data["totals"]["hazards_overdue"],
            "rectification_rate": data["totals"]["rectification_rate"],
            "communities": len(data["ranking"]),
            "hand_written_median_ms": raw.median,
            "ratio": round(stats.median / raw.median, 2),
            "goal_ms": 200,
            "shape": SHAPES.get(engine.dialect.name, "scan"),
            "shapes": {shape: timed.as_dict() for shape, (timed, _data) in shapes.items()},
        }
        log(
            f"dashboard {label:10} ({len(data['ranking'])} communities, "
            f"{data['totals']['hazards_found']:,} found, {data['totals']['hazards_overdue']:,} "
            f"overdue): {stats.median:.2f} ms median; hand-written SQL {raw.median:.2f} ms "
            f"(ratio {stats.median / raw.median:.2f}); goal < 200 ms — counts (UNION ALL) "
            f"{shapes['counts'][0].median:.2f} ms, one scan {shapes['scan'][0].median:.2f} ms"
        )
    results["district_indicators"] = measure_district_indicators(args, tree)
    results["workbench"] = measure_workbench(args, street)
    return results


def measure_district_indicators(args: argparse.Namespace, tree: Tree) -> dict[str, Any]:
    """Two of the district's indicators of the year through ``core.figures.evaluate`` — the
    overdue count (a stock) and the rectification rate (a ratio from its two summed parts) —
    against hand-written counts of the same rows (one UNION ALL statement)."""
    from core.db import db
    from core.figures import evaluate
    from core.reports import Period
    from tenants.modules import counted_communities, indicators

    session = db.session
    district = session.get(Node, tree.district.id)
    every = indicators()
    year = Period.year(2026)
    names = ("safety.hazards_overdue", "safety.rectification_rate")

    def through_core() -> dict[str, Any]:  # as the indicators API computes them
        communities = counted_communities(session, district.as_ref(), "safety")
        memo: dict[str, Any] = {}
        return {n: evaluate(session, every, n, communities, year, memo) for n in names}

    communities_sql = (
        "community_id IN (SELECT m.community_id FROM tenants_module m JOIN tenants_node n "
        "ON n.id = m.community_id WHERE m.module = 'safety' AND m.enabled "
        "AND n.district_id = :district)"
    )
    wanted = ("hazards_overdue", "hazards_rectified", "hazards_found")
    sql = hand_written_counts(communities_sql, grouped=False)

    def by_hand() -> tuple[int, ...]:
        found = dict.fromkeys(wanted, 0)
        params = {"s": year.start, "e": year.end, "d": TODAY, "district": district.id}
        for _none, key, count in session.execute(sa.text(sql), params):
            if key in found:
                found[key] += count
        return tuple(found[k] for k in wanted)

    dialect = session.get_bind().dialect.name
    shapes = {}
    for shape in ("counts", "scan"):
        with figure_shape(dialect, shape):
            shapes[shape] = time_it(through_core, args.repeat)
    assert shapes["counts"][1] == shapes["scan"][1]
    stats, values = shapes[SHAPES.get(dialect, "scan")]
    raw, (overdue, rectified, found) = time_it(by_hand, args.repeat)
    rate = values["safety.rectification_rate"]
    assert values["safety.hazards_overdue"].value == overdue
    assert (rate.numerator, rate.denominator) == (rectified, found)
    log(
        f"district indicators (overdue {overdue:,}; rate {rate.value}% = {rectified:,}/{found:,}): "
        f"{stats.median:.2f} ms median; hand-written SQL {raw.median:.2f} ms "
        f"(ratio {stats.median / raw.median:.2f}) — counts (UNION ALL) "
        f"{shapes['counts'][0].median:.2f} ms, one scan {shapes['scan'][0].median:.2f} ms"
    )
    return {
        **stats.as_dict(),
        "hazards_overdue": overdue,
        "rectification_rate": rate.value,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
        "shape": SHAPES.get(dialect, "scan"),
        "shapes": {shape: timed.as_dict() for shape, (timed, _values) in shapes.items()},
    }


def measure_workbench(args: argparse.Namespace, street: Node) -> dict[str, Any]:
    """今日待办 of a street admin (safety.view and the major-hazard sign-off at the street):
    ``core.workbench.work_items`` against hand-written counts of the same rows."""
    from core.db import db
    from core.permissions import Scope
    from core.workbench import work_items

    session = db.session
    scope = Scope(
        None, [("safety.view", street.as_ref()), ("safety.hazard.close_major", street.as_ref())]
    )
    stats, items = time_it(lambda: work_items(session, scope, TODAY), args.repeat)
    raw, by_hand = time_it(lambda: hand_written_work(session, street.id), args.repeat)
    mine = {i.source.key: i.count for i in items}
    assert {k: v for k, v in by_hand.items() if v} == mine, (mine, by_hand)
    log(
        f"workbench (street admin, {len(items)} items, {sum(mine.values()):,} rows to see to): "
        f"{stats.median:.2f} ms median; hand-written SQL {raw.median:.2f} ms "
        f"(ratio {stats.median / raw.median:.2f}); goal < 100 ms"
    )
    return {
        **stats.as_dict(),
        "counts": mine,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
        "goal_ms": 100,
    }


def hand_written_work(session: Any, street_id: int) -> dict[str, int]:
    """The street's work items in plain SQL: one count per source."""
    live = "street_id = :street AND deleted_at IS NULL"
    open_ = f"{live} AND status <> 'closed'"
    queries = {
        "safety.hazards_overdue": f"{open_} AND deadline < :day",
        "safety.hazards_due": f"{open_} AND deadline >= :day AND deadline <= :week",
        "safety.hazards_sign_off": f"{live} AND status = 'submitted' AND severity = 'major'",
    }
    params = {"street": street_id, "day": TODAY, "week": TODAY + timedelta(days=7)}
    found = {
        key: session.execute(
            sa.text(f"SELECT count(*) FROM safety_hazard WHERE {where}"), params
        ).scalar()
        for key, where in queries.items()
    }
    found["safety.certificates_expired"] = session.execute(
        sa.text(
            "SELECT count(*) FROM safety_trainee t JOIN safety_training s ON s.id = t.training_id "
            "WHERE t.street_id = :street AND t.deleted_at IS NULL AND s.deleted_at IS NULL "
            "AND t.certificate_expires_on < :day"
        ),
        params,
    ).scalar()
    return found


if __name__ == "__main__":
    sys.exit(main())

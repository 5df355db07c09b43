"""Benchmark visit quotas (应访): a community's due list and a street's roll-up of it.

Why: the due list is worked out on every request from every subject under quota and every
visit ever made (no stored "next due" to drift), so it must stay fast at a street's scale:
tens of thousands of subjects and a few visits each. Measured:

- the community due list — first page of 50 subjects overdue or due within 7 days, longest
  overdue first, with the total — ``VisitLedger.due_query`` paged by ``core.api.Page``;
- the street's roll-up — overdue and due-soon counts per community — ``VisitLedger.counts``
  (``wide=True``, as the roll-up page asks).

Each is compared with a hand-written SQL statement giving the same rows (the ratio is what the
declaration costs). Subjects are a benchmark-only table (``bench_visit_subject``, one in five
重点 visited monthly, the rest quarterly); visits are rows of ``core_visit`` for the module
``bench``. Figures are printed, never asserted.

    python benchmarks/bench_visits.py                 # SQLite file, 50,000 subjects
    python benchmarks/bench_visits.py --smoke         # 2,000 subjects, seconds
    python benchmarks/bench_visits.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        # PostgreSQL, in the schema --schema (default bench_visits), dropped and recreated first
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
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
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from tenants.models import Node, TenantOwned

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
SOON = 7
VISIT_COLUMNS = (
    "id", "module", "subject_kind", "subject_id", "subject_name", "visited_on", "mode",
    "visitor_names", "companions", "findings", "needs", "next_due", "created_at", "updated_at",
    "node_id", "district_id", "street_id", "community_id",
)  # fmt: skip
SUBJECT_COLUMNS = ("id", "node_id", "district_id", "street_id", "community_id", "name", "level")


class BenchVisitSubject(TenantOwned, Base):
    """A benchmark-only subject under quota (a resident, say): 重点 or 一般."""

    __tablename__ = "bench_visit_subject"
    __table_args__ = (sa.Index("ix_bench_visit_subject_community_id_id", "community_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[str] = mapped_column(sa.String(8))
    deleted_at: Mapped[datetime | None]


def bench_subjects() -> sa.Select:
    s = BenchVisitSubject
    return sa.select(
        sa.literal("resident").label("subject_kind"),
        s.id.label("subject_id"),
        s.level.label("category"),
        s.community_id.label("community_id"),
        s.node_id.label("node_id"),
        s.name.label("name"),
    ).where(s.deleted_at.is_(None))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL or new SQLite URL (default: temp)")
    parser.add_argument("--schema", default="bench_visits", help="PostgreSQL schema to use")
    parser.add_argument("--subjects", type=int, help="default 50,000")
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.subjects is None:
        args.subjects = 2_000 if args.smoke else 50_000
    if args.smoke:
        args.repeat = min(args.repeat, 5)
    return args


def generate(tree: Tree, count: int, seed: int) -> tuple[list[tuple], list[tuple]]:
    """Subjects on the street's buildings, each with 0–4 visits over the 200 days before TODAY
    (one in twenty never visited)."""
    rng = random.Random(seed)
    keys = [k for k in tree.building_keys if k[2] == tree.streets[0].id]
    subjects, visits = [], []
    for i in range(1, count + 1):
        bid, did, sid, cid = keys[rng.randrange(len(keys))]
        subjects.append((i, bid, did, sid, cid, f"居民{i:06d}", "key" if i % 5 == 0 else "general"))
        if rng.random() < 0.05:
            continue
        for _ in range(rng.randrange(1, 5)):
            day = TODAY - timedelta(days=rng.randrange(200))
            visits.append(
                (len(visits) + 1, "bench", "resident", i, f"居民{i:06d}", day, "home", "", "",
                 "", "", None, NOW, NOW, bid, did, sid, cid)
            )  # fmt: skip
    return subjects, visits


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
    with platform_database(args) as space:
        log(f"sizes: 1 street × {args.communities} communities; {args.subjects:,} subjects")
        return run(args, space.url, space.engine, space.workdir)


def run(args: argparse.Namespace, url: str, engine: Any, workdir: Path) -> int:
    from core.visits.models import Visit

    trees: list[Tree] = []
    BenchVisitSubject.__table__.create(engine)
    with engine.begin() as conn:
        bulk_insert(
            conn,
            Node.__table__,
            NODE_COLUMNS,
            generate_nodes(Sizes(1, args.communities, 5, 0), trees),
        )
    tree = trees[0]
    subjects, visits = generate(tree, args.subjects, args.seed)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        bulk_insert(conn, BenchVisitSubject.__table__, SUBJECT_COLUMNS, iter(subjects))
        bulk_insert(conn, Visit.__table__, VISIT_COLUMNS, iter(visits))
    load_s = time.perf_counter() - t0
    log(f"loaded {len(subjects):,} subjects and {len(visits):,} visits in {load_s:.1f} s")
    analyze(engine)

    from core.app import create_app

    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(workdir / "instance"),
        }
    )
    with app.app_context():
        report = measure(args, tree, engine)
    report["environment"] = environment(engine)
    report["sizes"] = {
        "subjects": len(subjects),
        "visits": len(visits),
        "communities": args.communities,
        "repeat": args.repeat,
        "today": TODAY.isoformat(),
    }
    report["build"] = {"load_s": round(load_s, 1)}
    write_report(report, f"visits-{engine.dialect.name}-{args.subjects}")
    return 0


def _due_sql(dialect: str) -> str:
    if dialect == "postgresql":
        shift = "CAST(v.last + INTERVAL '{n} months' AS DATE)"
    else:
        shift = "date(v.last, '+{n} months')"
    return f"""
        WITH v AS (
          SELECT subject_id, max(visited_on) AS last FROM core_visit
          WHERE module = 'bench' AND subject_kind = 'resident' AND deleted_at IS NULL
          GROUP BY subject_id),
        d AS (
          SELECT s.id, s.name, s.community_id, v.last,
                 CASE s.level WHEN 'key' THEN {shift.format(n=1)}
                              ELSE {shift.format(n=3)} END AS due
          FROM bench_visit_subject s LEFT JOIN v ON v.subject_id = s.id
          WHERE s.deleted_at IS NULL AND s.level IN ('key', 'general'))
    """


def hand_written_page(session: Any, dialect: str, community_id: int) -> tuple[int, list[int]]:
    where = "community_id = :c AND (last IS NULL OR due <= :soon)"
    params = {"c": community_id, "soon": TODAY + timedelta(days=SOON)}
    base = _due_sql(dialect)
    total = session.execute(sa.text(f"{base} SELECT count(*) FROM d WHERE {where}"), params)
    rows = session.execute(
        sa.text(
            f"{base} SELECT id FROM d WHERE {where} "
            "ORDER BY coalesce(due, :never), name, id LIMIT 50"
        ),
        {**params, "never": date(1970, 1, 1)},
    )
    return total.scalar(), [r for (r,) in rows]


def hand_written_counts(session: Any, dialect: str) -> dict[int, tuple[int, int]]:
    sql = f"""{_due_sql(dialect)}
        SELECT community_id,
               sum(CASE WHEN last IS NULL OR due < :day THEN 1 ELSE 0 END),
               sum(CASE WHEN due BETWEEN :day AND :soon THEN 1 ELSE 0 END)
        FROM d GROUP BY community_id"""
    params = {"day": TODAY, "soon": TODAY + timedelta(days=SOON)}
    return {c: (int(o), int(d)) for c, o, d in session.execute(sa.text(sql), params)}


def measure(args: argparse.Namespace, tree: Tree, engine: Any) -> dict[str, Any]:
    from core.api import Page
    from core.db import db
    from core.sdk import VisitQuota, visit_ledger

    visits = visit_ledger(
        module="bench",
        subjects=bench_subjects,
        quotas=[VisitQuota("key", "重点", months=1), VisitQuota("general", "一般", months=3)],
        view="bench.view",
        edit="bench.edit",
        kinds=("resident",),
        soon=SOON,
    )
    session, dialect = db.session, engine.dialect.name
    community = tree.communities[tree.streets[0].id][0]
    results: dict[str, Any] = {}

    def page() -> Page:
        stmt = visits.due_query(lambda c: c == community.id, {}, TODAY)
        return Page(stmt, 1, 50)

    stats, found = time_it(page, args.repeat)
    raw, (raw_total, raw_ids) = time_it(
        lambda: hand_written_page(session, dialect, community.id), args.repeat
    )
    assert found.total == raw_total and [r.id for r in found.items] == raw_ids
    results["due_list"] = {
        **stats.as_dict(),
        "total": found.total,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
    }
    log(
        f"due list (50 of {found.total:,} in one community): {stats.median:.2f} ms median; "
        f"hand-written SQL {raw.median:.2f} ms (ratio {stats.median / raw.median:.2f})"
    )
    street = tree.streets[0]
    inner = sa.select(Node.id).where(Node.street_id == street.id)
    stats, counts = time_it(
        lambda: visits.counts(session, lambda c: c.in_(inner), TODAY, wide=True),
        args.repeat,
    )
    raw, by_hand = time_it(lambda: hand_written_counts(session, dialect), args.repeat)
    assert counts == by_hand, (counts, by_hand)
    overdue = sum(o for o, _d in counts.values())
    soon = sum(d for _o, d in counts.values())
    results["street_rollup"] = {
        **stats.as_dict(),
        "overdue": overdue,
        "due_soon": soon,
        "hand_written_median_ms": raw.median,
        "ratio": round(stats.median / raw.median, 2),
    }
    log(
        f"street roll-up ({len(counts)} communities, {overdue:,} overdue, {soon:,} due soon): "
        f"{stats.median:.2f} ms median; hand-written SQL {raw.median:.2f} ms "
        f"(ratio {stats.median / raw.median:.2f})"
    )
    return results


if __name__ == "__main__":
    sys.exit(main())

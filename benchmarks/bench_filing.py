"""Benchmark the report engine (上报): a district's monthly consolidation.

Why: the district office opens its monthly report to see which streets filed, the sums of
their approved figures and how many of the communities beneath are late — the issue's goal is
under 2 s on PostgreSQL for 300 streets × 20 communities (6,000 community reports, 300 street
reports). It times ``core.filing.services.consolidation`` at the district (the streets' states
and figures, the approved streets' sums, the communities' states: three queries) and a street's
(20 communities), next to a hand-written SQL sum of the same figures. Figures are printed,
never asserted.

    python benchmarks/bench_filing.py                  # SQLite file, 300 × 20
    python benchmarks/bench_filing.py --smoke          # 10 × 5, seconds
    python benchmarks/bench_filing.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        # PostgreSQL, in the schema --schema (default bench_filing), dropped and recreated first

The clock is stopped on 2026-04-07 (Beijing), after the communities' due day for March 2026;
nine in ten community reports are filed (most approved), the rest missing or in draft.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bench_tree import NODE_COLUMNS, Sizes, Tree, analyze, bulk_insert, generate_nodes
from common import Stats, clean_up, environment, log, prepare_database, write_report
from sqlalchemy.engine import make_url

from core import migrate
from core.db import make_engine
from core.plugins import load_plugins
from tenants.models import Node

NOW = datetime(2026, 4, 7, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
PERIOD = "2026-03"
REPORT = "safety.monthly"
INSTANCE_COLUMNS = (
    "id", "report", "period", "node_id", "level", "status", "values", "auto", "reasons",
    "comments", "submitted_on", "created_at", "updated_at",
)  # fmt: skip
FIGURES = ("hazards_found", "hazards_rectified", "hazards_overdue", "inspections_done", "trained")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL or new SQLite URL (default: temp)")
    parser.add_argument("--schema", default="bench_filing", help="PostgreSQL schema to use")
    parser.add_argument("--streets", type=int, default=300)
    parser.add_argument("--communities", type=int, default=20, help="per street")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.smoke:
        args.streets, args.communities, args.repeat = 10, 5, 3
    return args


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
    workdir = Path(tempfile.mkdtemp(prefix="jiedao-bench-"))
    url = prepare_database(args.database_url, args.schema, workdir)
    log(f"database: {make_url(url).render_as_string(hide_password=True)}")
    log(f"sizes: {args.streets} streets × {args.communities} communities; repeat {args.repeat}")
    plugins = load_plugins()
    if not plugins.is_active("safety"):
        raise SystemExit("the safety plugin is not installed: pip install -e . first")
    migrate.upgrade(url, plugins=plugins)
    engine = make_engine(url)
    try:
        return run(args, url, engine, workdir)
    finally:
        engine.dispose()
        clean_up(url, args.schema, workdir, keep=args.keep)


def generate_instances(tree: Tree, seed: int, postgres: bool) -> Iterator[tuple[Any, ...]]:
    """Community reports (nine in ten filed, most of those approved) and the streets' reports
    (approved, their figures the sums of their approved communities')."""
    rng = random.Random(seed)
    next_id = 1

    def row(node_id: int, level: str, status: str, values: dict[str, int]) -> tuple[Any, ...]:
        nonlocal next_id
        as_json = json.dumps(values) if postgres else values
        empty = "{}" if postgres else {}
        filed = date(2026, 4, rng.randint(1, 6)) if status != "draft" else None
        next_id += 1
        return (next_id - 1, REPORT, PERIOD, node_id, level, status, as_json, as_json, empty,
                empty, filed, NOW, NOW)  # fmt: skip

    for street in tree.streets:
        sums = dict.fromkeys(FIGURES, 0)
        for community in tree.communities[street.id]:
            draw = rng.random()
            if draw < 0.05:
                continue  # never opened: missing
            status = "draft" if draw < 0.1 else "submitted" if draw < 0.2 else "approved"
            values = {f: rng.randint(0, 40) for f in FIGURES}
            if status == "approved":
                sums = {f: sums[f] + values[f] for f in FIGURES}
            yield row(community.id, "community", status, values)
        yield row(street.id, "street", "approved", sums)


def run(args: argparse.Namespace, url: str, engine: Any, workdir: Path) -> int:
    from tenants.modules import ModuleState

    trees: list[Tree] = []
    sizes = Sizes(args.streets, args.communities, 0, 0)
    postgres = engine.dialect.name == "postgresql"
    t0 = time.perf_counter()
    with engine.begin() as conn:
        bulk_insert(conn, Node.__table__, NODE_COLUMNS, generate_nodes(sizes, trees))
    tree = trees[0]
    community_ids = [c.id for refs in tree.communities.values() for c in refs]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ModuleState.__table__),
            [{"community_id": cid, "module": module, "enabled": True, "settings": {},
              "updated_at": NOW}
             for cid in community_ids for module in ("registry", "safety")],
        )  # fmt: skip
        from core.filing.models import FilingInstance

        loaded = bulk_insert(
            conn,
            FilingInstance.__table__,
            INSTANCE_COLUMNS,
            generate_instances(tree, args.seed, postgres),
        )
    load_s = time.perf_counter() - t0
    log(f"{len(community_ids):,} communities, {loaded:,} reports in {load_s:.1f} s")
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
            report = measure(args, tree)
    finally:
        clock.stop(previous)
    report["environment"] = environment(engine)
    report["sizes"] = {
        "streets": args.streets,
        "communities": len(community_ids),
        "reports": loaded,
        "smoke": args.smoke,
        "repeat": args.repeat,
    }
    report["build"] = {"load_s": round(load_s, 1)}
    write_report(report, f"filing-{engine.dialect.name}-{args.streets}x{args.communities}")
    return 0


def hand_written_sums(session: Any, parent_id: int) -> list[Any]:
    """The approved children's sums in plain SQL, read from the JSON the same way."""
    model = sa.table("core_filing_instance", sa.column("node_id"), sa.column("values", sa.JSON),
                     sa.column("report"), sa.column("period"), sa.column("status"))  # fmt: skip
    node = sa.table("tenants_node", sa.column("id"), sa.column("parent_id"))
    stmt = sa.select(*(sa.func.sum(model.c["values"][f].as_float()) for f in FIGURES)).where(
        model.c.report == REPORT,
        model.c.period == PERIOD,
        model.c.status.in_(("approved", "locked", "correction")),
        model.c.node_id.in_(sa.select(node.c.id).where(node.c.parent_id == parent_id)),
    )
    return list(session.execute(stmt).one())


def measure(args: argparse.Namespace, tree: Tree) -> dict[str, Any]:
    from core.db import db
    from core.filing import services
    from core.reports import Period

    session = db.session
    report = services.reports()[REPORT]
    period = Period.parse(PERIOD)
    day = NOW.date()
    model = services.node_model()
    district = session.get(model, tree.district.id)
    street = session.get(model, tree.streets[0].id)

    def district_view() -> dict[str, Any]:
        session.expire_all()
        return services.consolidation(session, report, district, period, day)

    def street_view() -> dict[str, Any]:
        session.expire_all()
        return services.consolidation(session, report, street, period, day)

    results: dict[str, Any] = {}
    for name, fn in (
        ("district_consolidation", district_view),
        ("street_consolidation", street_view),
        ("district_sums_hand_sql", lambda: hand_written_sums(session, district.id)),
    ):
        stats, found = time_it(fn, args.repeat)
        results[name] = stats.as_dict()
        log(f"{name:28s} median {stats.median:8.1f} ms  (min {stats.min:.1f}, max {stats.max:.1f})")
    found = district_view()
    results["district"] = {
        "streets": len(found["children"]),
        "communities": found["communities"],
        "hazards_found": found["totals"]["hazards_found"],
    }
    log(f"district: {results['district']}")
    return {"results": results}


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark a tree change: move a community holding 100,000 tenant-owned rows to another street.

Why: a move rewrites the materialized path, depth, keys and refs of the community's subtree and
the denormalized ``district_id``/``street_id`` of every tenant-owned row beneath it, for every
plugin table, in one transaction (``tenants.changes.move``: one set-based UPDATE per table). The
goal is < 5 s on PostgreSQL for 100,000 rows. This script builds a district with two streets, the
moved community (``--buildings`` buildings, ``--rows`` rows spread over them and the community)
and as many rows elsewhere (which must not be touched), then moves the community back and forth
between the streets — each move a full ``move()`` + commit through the app, the same call the
API makes — and prints the median. It never asserts, but checks after each move that every row
carries the new street's key.

    python benchmarks/bench_move.py                       # SQLite file in a temp dir
    python benchmarks/bench_move.py --smoke               # 2,000 rows, a few seconds
    python benchmarks/bench_move.py --database-url postgresql+psycopg://postgres@127.0.0.1/db

On PostgreSQL everything lives in a dedicated schema (``--schema``, default ``bench_move``) that
is dropped and recreated first, so the database's other schemas are left alone.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import Stats, clean_up, environment, log, prepare_database, write_report
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Mapped, mapped_column

from core import migrate
from core.db import Base
from core.permissions import Scope
from tenants.models import TenantOwned

BATCH = 20_000
GOAL_S = 5.0
DISTRICT = ("110105", "朝阳区")
STREETS = (("110105001", "建外街道"), ("110105002", "朝外街道"))
MOVED = ("110105001001", "永安里东社区")
OTHER = ("110105001002", "建国里社区")  # stays put: its rows must not be touched


class BenchMoveRow(TenantOwned, Base):
    """A benchmark-only tenant-owned table, shaped like a plugin ledger. Defined here (importing
    this module adds it to the shared metadata, so ``tenants.changes`` finds it as any plugin's)."""

    __tablename__ = "benchmove_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    amount: Mapped[int]


def build_app(url: str, instance: Path) -> Any:
    from core.app import create_app

    return create_app(
        {
            "JIEDAO_ENV": "production",
            "JIEDAO_SECRET_KEY": "bench-" + "0" * 58,
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(instance),
            "JIEDAO_LOG_LEVEL": "WARNING",
        },
        PLUGINS="",
        PLUGIN_ENTRY_POINTS=[],
    )


@contextmanager
def migrated_app(args: argparse.Namespace, prefix: str) -> Iterator[tuple[Any, Engine]]:
    """An app on the benchmark's database (``--database-url``/``--schema``), migrated; the
    database and temp dir cleaned up afterwards (unless ``--keep``)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    url = prepare_database(args.database_url, args.schema, workdir)
    log(f"database: {make_url(url).render_as_string(hide_password=True)}")
    engine: Engine | None = None
    try:
        migrate.upgrade(url)
        app = build_app(url, workdir / "instance")
        engine = app.extensions["jiedao.engine"]
        yield app, engine
    finally:
        if engine is not None:
            engine.dispose()
        clean_up(url, args.schema, workdir, keep=args.keep)


def build_tree(app: Any, buildings: int) -> dict[str, Any]:
    """District, two streets, the moved community with its buildings, another community."""
    from core.db import db
    from tenants import services

    with app.app_context():
        district = services.create_node(
            db.session, parent=None, kind="district", code=DISTRICT[0], name=DISTRICT[1]
        )
        streets = [
            services.create_node(db.session, parent=district, kind="street", code=c, name=n)
            for c, n in STREETS
        ]
        moved = services.create_node(
            db.session, parent=streets[0], kind="community", code=MOVED[0], name=MOVED[1]
        )
        other = services.create_node(
            db.session, parent=streets[0], kind="community", code=OTHER[0], name=OTHER[1]
        )
        places = [moved.id]
        for i in range(1, buildings + 1):
            b = services.create_node(
                db.session, parent=moved, kind="building", code=f"b{i:02d}", name=f"{i}号楼"
            )
            places.append(b.id)
        other_building = services.create_node(
            db.session, parent=other, kind="building", code="b01", name="1号楼"
        )
        db.session.commit()
        return {
            "district": district.as_ref(),
            "district_id": district.id,
            "street_ids": [s.id for s in streets],
            "street_refs": [s.ref for s in streets],
            "moved_id": moved.id,
            "moved_places": places,
            "other_id": other.id,
            "other_places": [other.id, other_building.id],
        }


def load_rows(engine: Engine, world: dict[str, Any], count: int, seed: int) -> float:
    """``count`` rows in the moved community and as many in the other one, keys filled."""
    rng = random.Random(seed)
    street_a = world["street_ids"][0]
    start = time.perf_counter()
    for community, places in (
        (world["moved_id"], world["moved_places"]),
        (world["other_id"], world["other_places"]),
    ):
        batch: list[dict[str, Any]] = []
        for i in range(count):
            batch.append(
                {
                    "title": f"台账记录 {i}",
                    "amount": rng.randint(0, 1000),
                    "node_id": rng.choice(places),
                    "district_id": world["district_id"],
                    "street_id": street_a,
                    "community_id": community,
                }
            )
            if len(batch) == BATCH:
                with engine.begin() as conn:
                    conn.execute(BenchMoveRow.__table__.insert(), batch)
                batch = []
        if batch:
            with engine.begin() as conn:
                conn.execute(BenchMoveRow.__table__.insert(), batch)
    return time.perf_counter() - start


def analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in sa.inspect(engine).get_table_names():
                conn.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def bench_moves(app: Any, world: dict[str, Any], runs: int, rows: int) -> dict[str, Any]:
    """Move the community to the other street and back, ``runs`` moves in all (after one
    untimed warm-up pair), each a full move() + commit; check the keys after each."""
    from core.db import db
    from tenants import changes
    from tenants.models import Node

    scope = Scope(None, [("*", world["district"])])
    codes = {0: MOVED[0], 1: STREETS[1][0] + "001"}
    samples: list[float] = []
    statements: list[int] = []
    position = 0  # index of the street the community is in

    def one_move(timed: bool) -> None:
        nonlocal position
        target_index = 1 - position
        with app.app_context():
            node = db.session.get(Node, world["moved_id"])
            target = db.session.get(Node, world["street_ids"][target_index])
            sent: list[str] = []

            def record(*args: Any) -> None:
                sent.append(args[2])

            engine = db.session.get_bind()
            sa.event.listen(engine, "before_cursor_execute", record)
            start = time.perf_counter()
            changes.move(db.session, node, target, code=codes[target_index], scope=scope)
            db.session.commit()
            elapsed = time.perf_counter() - start
            sa.event.remove(engine, "before_cursor_execute", record)
            carried = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(BenchMoveRow)
                .where(
                    BenchMoveRow.community_id == world["moved_id"],
                    BenchMoveRow.street_id == world["street_ids"][target_index],
                )
            )
            if carried != rows:
                raise SystemExit(f"after the move {carried} rows carry the new street, not {rows}")
        position = target_index
        if timed:
            samples.append(elapsed)
            statements.append(len(sent))

    for _ in range(2):
        one_move(False)
    for _ in range(runs):
        one_move(True)
    stats = Stats.of(samples)
    return {
        "move": stats.as_dict(),
        "rows_per_s": rows / (stats.median / 1000) if stats.median else None,
        "statements_per_move": statements[0] if statements else None,
        "goal_ms": GOAL_S * 1000,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--schema", default="bench_move", help="PostgreSQL schema to (re)create")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the moved community")
    parser.add_argument("--buildings", type=int, default=25, help="buildings in it")
    parser.add_argument("--runs", type=int, default=6, help="timed moves (alternating streets)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--smoke", action="store_true", help="2,000 rows, 3 buildings, 2 runs")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir / PG schema")
    parser.add_argument("--output", type=Path, help="JSON path (default benchmarks/results/)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.buildings, args.runs = 2_000, 3, 2
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with migrated_app(args, "jiedao-bench-move-") as (app, engine):
        start = time.perf_counter()
        BenchMoveRow.__table__.create(engine)
        log(f"benchmark table: {time.perf_counter() - start:.2f} s")
        world = build_tree(app, args.buildings)
        rows_s = load_rows(engine, world, args.rows, args.seed)
        log(
            f"rows: {args.rows:,} in the moved community and {args.rows:,} elsewhere, {rows_s:.2f} s"
        )
        analyze(engine)
        result = bench_moves(app, world, args.runs, args.rows)
        report = {
            "environment": environment(engine),
            "sizes": {
                "rows": args.rows,
                "rows_elsewhere": args.rows,
                "buildings": args.buildings,
                "runs": args.runs,
                "smoke": args.smoke,
            },
            "build": {"rows_s": rows_s},
            "result": result,
        }
        env, move = report["environment"], result["move"]
        log("")
        log(f"Summary ({env['dialect']} {env['server_version']})")
        log(
            f"  move a community with {args.rows:,} rows to another street: median "
            f"{move['median_ms']:.0f} ms (min {move['min_ms']:.0f}, max {move['max_ms']:.0f}, "
            f"n {move['n']}); {result['rows_per_s']:,.0f} rows/s; goal < {GOAL_S:.0f} s"
        )
        log(f"  statements per move: {result['statements_per_move']}")
        name = f"move-{env['dialect']}" + ("-smoke" if args.smoke else "")
        write_report(report, name, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

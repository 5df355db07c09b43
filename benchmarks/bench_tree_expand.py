"""Benchmark expanding a street in the tree page: 40 communities and 6,000 buildings beneath.

Why: the tree page loads one level at a time (``GET /tree/children/<ref>``, an HTML fragment of
the children with their counts by kind), so a district of 150k nodes is never read whole. The
goal is < 50 ms on PostgreSQL for a street of 40 communities with 150 buildings each, the counts
in one grouped query. This script builds a district with that street (``--communities``,
``--buildings`` per community, a grid per 50 buildings) and a second street of the same size (which
must not be counted), signs in a district admin and times the request through the app, as the
browser sends it, and ``tenants.services.tree_level`` (the queries alone). It never asserts, but
checks that the answer counts every building of the street.

    python benchmarks/bench_tree_expand.py                # SQLite file in a temp dir
    python benchmarks/bench_tree_expand.py --smoke        # 4 communities × 15 buildings
    python benchmarks/bench_tree_expand.py --database-url postgresql+psycopg://postgres@127.0.0.1/db

On PostgreSQL everything lives in a dedicated schema (``--schema``, default ``bench_tree_expand``)
that is dropped and recreated first, so the database's other schemas are left alone.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from typing import Any

import sqlalchemy as sa
from bench_move import analyze, migrated_app
from common import (
    Stats,
    database_arguments,
    environment,
    log,
    write_report,
)

GOAL_MS = 50.0
PASSWORD = "bench-password-1"
BUILDINGS_PER_GRID = 50


def build_tree(app: Any, communities: int, buildings: int) -> dict[str, Any]:
    """A district with two streets of ``communities`` communities × ``buildings`` buildings
    (in grids of 50), and a district admin."""
    from core.accounts import services as accounts
    from core.db import db
    from tenants import services

    def add(parent: Any, kind: str, code: str, name: str) -> Any:
        return services.create_node(db.session, parent=parent, kind=kind, code=code, name=name)

    with app.app_context():
        district = add(None, "district", "110105", "朝阳区")
        streets = []
        for s in (1, 2):
            street = add(district, "street", f"110105{s:03d}", f"第{s}街道")
            streets.append(street.ref)
            for c in range(1, communities + 1):
                community = add(street, "community", f"{street.code}{c:03d}", f"{c}社区")
                grids = [
                    add(community, "grid", str(g), f"第{g}网格")
                    for g in range(1, buildings // BUILDINGS_PER_GRID + 1)
                ]
                for b in range(1, buildings + 1):
                    place = grids[(b - 1) // BUILDINGS_PER_GRID] if grids else community
                    add(place, "building", f"{b:02d}", f"{b}号楼")
            db.session.flush()
        user = accounts.create_user(
            db.session,
            username="bench_admin",
            display_name="基准",
            password=PASSWORD,
            home_node_id=district.id,
        )
        accounts.assign_builtin(db.session, user, "district_admin", district.as_ref())
        db.session.commit()
    return {"street": streets[0]}


def bench_expand(app: Any, street: str, runs: int, buildings: int) -> dict[str, Any]:
    """``runs`` requests of the street's level (after two untimed), and as many calls of
    ``tree_level`` alone; the statements one request sends."""
    from core.db import db
    from tenants import services
    from tenants.models import Node

    app.config["WTF_CSRF_ENABLED"] = False  # the benchmark signs in without a form page
    client = app.test_client()
    r = client.post("/login", data={"username": "bench_admin", "password": PASSWORD})
    if r.status_code != 302:
        raise SystemExit(f"could not sign in: {r.status_code}")
    url = f"/tree/children/{street}"
    engine = app.extensions["jiedao.engine"]
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    requests: list[float] = []
    for i in range(runs + 2):
        sent.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        sa.event.remove(engine, "before_cursor_execute", record)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if i >= 2:
            requests.append(elapsed)
    counted = sum(
        int(n) for n in re.findall(r'data-count="building">[^<]*?(\d+)</span>', response.text)
    )
    if counted != buildings:
        raise SystemExit(f"the level counts {counted} buildings, not {buildings}")
    statements = list(sent)

    queries: list[float] = []
    with app.app_context():
        node = db.session.scalar(sa.select(Node).where(Node.ref == street))
        for i in range(runs + 2):
            start = time.perf_counter()
            level = services.tree_level(db.session, node)
            elapsed = time.perf_counter() - start
            db.session.expire_all()
            if i >= 2:
                queries.append(elapsed)
        children = len(level.rows)
    return {
        "request": Stats.of(requests).as_dict(),
        "tree_level": Stats.of(queries).as_dict(),
        "children": children,
        "buildings_counted": counted,
        "statements_per_request": len(statements),
        "statements": statements,
        "goal_ms": GOAL_MS,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_arguments(parser, "bench_tree_expand")
    parser.add_argument("--communities", type=int, default=40, help="communities per street")
    parser.add_argument("--buildings", type=int, default=150, help="buildings per community")
    parser.add_argument("--runs", type=int, default=30, help="timed requests")
    parser.add_argument("--smoke", action="store_true", help="4 communities × 15 buildings")
    args = parser.parse_args(argv)
    if args.smoke:
        args.communities, args.buildings, args.runs = 4, 15, 5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with migrated_app(args, "jiedao-bench-tree-expand-") as (app, engine):
        start = time.perf_counter()
        world = build_tree(app, args.communities, args.buildings)
        size = f"2 streets × {args.communities} × {args.buildings}"
        log(f"tree: {size}, {time.perf_counter() - start:.1f} s")
        analyze(engine)
        buildings = args.communities * args.buildings
        result = bench_expand(app, world["street"], args.runs, buildings)
        env = environment(engine)
        sizes = {"communities": args.communities, "buildings_per_community": args.buildings}
        request, level = result["request"], result["tree_level"]
        log(f"\nSummary ({env['dialect']} {env['server_version']})")
        log(
            f"  expand a street of {args.communities} communities and {buildings:,} buildings: "
            f"request median {request['median_ms']:.1f} ms (min {request['min_ms']:.1f}, max "
            f"{request['max_ms']:.1f}, n {request['n']}); goal < {GOAL_MS:.0f} ms"
        )
        log(
            f"  tree_level alone: median {level['median_ms']:.1f} ms; statements per request: "
            f"{result['statements_per_request']}"
        )
        report = {"environment": env, "sizes": {**sizes, "runs": args.runs}, "result": result}
        write_report(report, "tree-expand-" + env["dialect"] + "-smoke" * args.smoke, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

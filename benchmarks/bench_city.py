"""Benchmark the resident list at city scale: first and last page at every scope, through the
real views, with the statements each request sends.

Why: a district holds 2,000,000 residents; its list must cost the same whatever the data's
size (issue 16: an exact COUNT(*) over the whole scope and a deep OFFSET made the last
district page take 5 s). The goals: the district list within 1.5× between 200k and 2M
residents, and under 150 ms on PostgreSQL; a constant handful of statements per request.

What is timed: ``GET`` through the Flask test client, signed in as a community, a street and a
district admin, of the resident list page (HTML) and its JSON API (50 rows a page): the first
page, the last page reached by its cursor (what the pager's links carry) and, for comparison,
the last page reached by number (``?page=N``, an OFFSET). Medians of ``--repeat`` runs (3+).
Figures are printed, never asserted.

    python benchmarks/bench_city.py --smoke                 # 5,000 residents on SQLite, seconds
    python benchmarks/bench_city.py --residents 200000      # SQLite file
    python benchmarks/bench_city.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        # PostgreSQL: 2,000,000 residents (--residents N for another size) in the schema
        # --schema (default bench_city), dropped and recreated first

Residents are bulk-loaded (COPY on PostgreSQL, executemany on SQLite), no ORM; the tree and
rows are bench_registry's (about 4,000 residents per community, 25 communities per street).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bench_registry import load_district, tree_sizes
from bench_tree import Tree, analyze
from common import (
    Stats,
    arguments,
    environment,
    log,
    platform_database,
    write_report,
)
from sqlalchemy import event

PASSWORD = "bench-password-1"
# What the resident list's order (name, id) within a scope needs: the plugin's name indexes use
# text_pattern_ops (for prefix search), whose order is not the column's collation order, so
# they cannot serve ORDER BY name. registry_0003 creates these; --list-indexes is kept for
# databases migrated before it (IF NOT EXISTS: a no-op otherwise).
PLUGIN_LIST_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS ix_registry_resident_{scope}_order ON registry_resident "
    f"({scope}_id, name, id) WHERE deleted_at IS NULL"
    for scope in ("community", "street", "district")
]
PER_PAGE = 50


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__, "bench_city", repeat=5, smoke="5,000 residents, for CI", seed=11)
    parser.add_argument("--residents", type=int, help="default 2,000,000 (5,000 with --smoke)")
    parser.add_argument(
        "--list-indexes",
        action="store_true",
        help="add the indexes the list's order needs (PLUGIN_LIST_INDEXES), which the registry "
        "plugin does not have yet",
    )
    args = parser.parse_args(argv)
    if args.residents is None:
        args.residents = 5_000 if args.smoke else 2_000_000
    args.repeat = max(3, args.repeat)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = tree_sizes(args.residents)
    with platform_database(args, needs="registry") as space:
        log(f"sizes: {sizes.streets} streets × {sizes.communities} communities; {args.residents:,}")
        return run(args, sizes, space.url, space.engine, space.workdir)


def build(args: argparse.Namespace, sizes: Any, engine: Any) -> tuple[Tree, float]:
    """The district's tree, the registry on in every community, and the residents (bulk)."""
    tree, _loaded, load_s = load_district(engine, sizes, args.residents, args.seed)
    if args.list_indexes:
        t0 = time.perf_counter()
        with engine.begin() as conn:
            for statement in PLUGIN_LIST_INDEXES:
                conn.exec_driver_sql(statement)
        log(f"list indexes: {time.perf_counter() - t0:.1f} s")
    analyze(engine)
    return tree, load_s


def add_users(app: Any, scopes: dict[str, Any]) -> None:
    """One admin per scope: community, street and district."""
    from core.accounts import services as accounts
    from core.db import db

    with app.app_context():
        accounts.sync_builtin_roles(db.session)
        for scope, node in scopes.items():
            user = accounts.create_user(
                db.session,
                username=f"{scope}_admin",
                display_name=f"{scope} admin",
                password=PASSWORD,
                home_node_id=node.id,
            )
            accounts.assign_builtin(db.session, user, f"{scope}_admin", node)
        db.session.commit()


def last_cursor(app: Any, node: Any, scope: str) -> tuple[str, int]:
    """The cursor the pager's links carry to the last page: after the row that ends the page
    before it (found once, untimed, by an OFFSET)."""
    from core.api import encode_cursor, order_keys
    from core.db import db
    from plugins.registry.ledgers import residents
    from plugins.registry.models import RegistryResident as R

    column = {"community": R.community_id, "street": R.street_id, "district": R.district_id}
    with app.test_request_context():
        stmt = residents.filtered(db.session, column[scope] == node.id, {})
        keys = order_keys(stmt)
        total = db.session.scalar(sa.select(sa.func.count()).where(column[scope] == node.id))
        before_last = (max(total - 1, 0) // PER_PAGE) * PER_PAGE - 1
        keyed = (
            sa.select(*(k.expr for k in keys))
            .where(column[scope] == node.id, R.deleted_at.is_(None))
            .order_by(*(k.walked(False) for k in keys))
        )
        values = db.session.execute(keyed.offset(max(before_last, 0)).limit(1)).one()
        return encode_cursor(keys, list(values), False), max(total - 1, 0) // PER_PAGE + 1


def counted(engine: Any, fn: Callable[[], Any]) -> int:
    sent = []

    def count(*_args: Any) -> None:
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def measure(app: Any, engine: Any, scopes: dict[str, Any], repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for scope, node in scopes.items():
        client = app.test_client()
        signed_in = client.post("/login", data={"username": f"{scope}_admin", "password": PASSWORD})
        if signed_in.status_code != 302:
            raise SystemExit(f"could not sign in as {scope}_admin: {signed_in.status_code}")
        if scope == "community":
            html, api = f"/c/{node.ref}/registry/", f"/api/v1/c/{node.ref}/registry/residents"
        else:
            html = f"/r/{node.ref}/registry/residents"
            api = f"/api/v1/r/{node.ref}/registry/residents"
        cursor, last = last_cursor(app, node, scope)
        pages = {
            "first": f"?per_page={PER_PAGE}",
            "last (cursor)": f"?per_page={PER_PAGE}&page={last}&cursor={cursor}",
            "last (?page=N)": f"?per_page={PER_PAGE}&page={last}",
        }
        for kind, base in (("HTML", html), ("API", api)):
            for which, query in pages.items():
                url = base + query

                def get(url: str = url, client: Any = client) -> Any:
                    answer = client.get(url)
                    if answer.status_code != 200:
                        raise SystemExit(f"{url}: {answer.status_code}")
                    return answer

                get()  # warm up
                samples = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    get()
                    samples.append(time.perf_counter() - t0)
                stats = Stats.of(samples)
                statements = counted(engine, get)
                key = f"{scope} {kind} {which}"
                figures[key] = {**stats.as_dict(), "statements": statements}
                log(
                    f"{key:<34} median {stats.median:8.1f} ms (min {stats.min:.1f}, "
                    f"max {stats.max:.1f})  {statements} statements"
                )
    return figures


def run(args: argparse.Namespace, sizes: Any, url: str, engine: Any, workdir: Path) -> int:
    from core.app import create_app

    tree, load_s = build(args, sizes, engine)
    street = tree.streets[0]
    scopes = {
        "community": tree.communities[street.id][0],
        "street": street,
        "district": tree.district,
    }
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(workdir / "instance"),
        },
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        from core.db import db

        app_engine = db.session.get_bind()
    add_users(app, scopes)
    report = {"figures": measure(app, app_engine, scopes, args.repeat)}
    report["environment"] = environment(engine)
    report["sizes"] = {"residents": args.residents, "smoke": args.smoke, "repeat": args.repeat}
    report["list_indexes"] = args.list_indexes
    report["build"] = {
        "method": "COPY" if engine.dialect.name == "postgresql" else "executemany",
        "load_s": round(load_s, 1),
    }
    indexed = "-indexed" if args.list_indexes else ""
    write_report(report, f"city-{engine.dialect.name}-{args.residents}{indexed}", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

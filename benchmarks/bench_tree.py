"""Benchmark the tenant tree, scoped queries on a large tenant-owned table and permission checks.

Why: the app promises that scoping a list to "what this user may see" costs no more than a
hand-written indexed equality, and that the per-request permission check is one cheap query
plus in-memory tests. This script builds a realistic district (≈156k nodes, 1M ledger rows),
times both shapes side by side and prints figures — it never asserts.

    python benchmarks/bench_tree.py                       # SQLite file in a temp dir
    python benchmarks/bench_tree.py --smoke               # tiny sizes, a few seconds
    python benchmarks/bench_tree.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

On PostgreSQL everything lives in a dedicated schema (``--schema``, default ``bench``) that is
dropped and recreated first, so the database's other schemas are left alone.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import Stats, clean_up, environment, log, prepare_database, write_report
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import migrate
from core.db import Base, make_engine
from core.models import Assignment, Role, User
from core.permissions import Scope, load_scope
from core.tree import NodeRef
from tenants.models import Node, TenantOwned

DISTRICT_CODE = "110105"
BATCH = 50_000
PAGE = 50
INNER_LOOPS = 1_000  # in-memory checks are timed in loops of this many calls, reported per call


class BenchLedgerRow(TenantOwned, Base):
    """A benchmark-only tenant-owned table, shaped like a program ledger.

    Defined here, not in the app, because ``Base.metadata`` is shared: importing this module is
    what adds the table. The composite indexes let "newest 50 rows in scope X" walk one index
    backwards instead of sorting every row in scope.
    """

    __tablename__ = "bench_ledger_row"
    __table_args__ = (
        sa.Index("ix_bench_ledger_row_district_id_id", "district_id", "id"),
        sa.Index("ix_bench_ledger_row_street_id_id", "street_id", "id"),
        sa.Index("ix_bench_ledger_row_community_id_id", "community_id", "id"),
        sa.Index("ix_bench_ledger_row_node_id_id", "node_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    category: Mapped[str] = mapped_column(sa.String(16))
    amount_cents: Mapped[int]
    created_at: Mapped[datetime]


# --------------------------------------------------------------------------------------------
# Sizes, timing helpers


@dataclass(frozen=True)
class Sizes:
    """How big a district to build."""

    streets: int
    communities: int
    buildings: int
    rows: int

    @property
    def nodes(self) -> int:
        return 1 + self.streets * (1 + self.communities * (1 + self.buildings))


def time_it(
    fn: Callable[[], object], repeat: int, *, after: Callable[[], None] | None = None
) -> Stats:
    """Median/min/max of ``repeat`` timed calls after one untimed warm-up; ``after`` runs
    outside the timed region (e.g. to empty the identity map)."""
    fn()
    if after:
        after()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
        if after:
            after()
    return Stats.of(samples)


def time_pair(
    a: Callable[[], object],
    b: Callable[[], object],
    repeat: int,
    *,
    after: Callable[[], None] | None = None,
) -> tuple[Stats, Stats]:
    """Like :func:`time_it` for two shapes of one query, interleaved run by run so that cache
    warmth and background noise fall on both alike and their ratio is fair."""
    samples: tuple[list[float], list[float]] = ([], [])
    for fn in (a, b):  # warm-up
        fn()
        if after:
            after()
    for _ in range(repeat):
        for fn, out in zip((a, b), samples, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
            if after:
                after()
    return Stats.of(samples[0]), Stats.of(samples[1])


def time_per_call(fn: Callable[[], object], repeat: int, loops: int = INNER_LOOPS) -> Stats:
    """Per-call figures for calls too fast to time one by one: each sample is a loop of
    ``loops`` calls divided by ``loops``."""
    fn()

    def loop() -> None:
        for _ in range(loops):
            fn()

    stats = time_it(loop, repeat)
    return Stats(stats.median / loops, stats.min / loops, stats.max / loops, stats.n)


# --------------------------------------------------------------------------------------------
# Database preparation


def analyze(engine: Engine) -> None:
    """Refresh planner statistics; on PostgreSQL also VACUUM so the visibility map lets counts
    use index-only scans, as they would after autovacuum on a live system."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# --------------------------------------------------------------------------------------------
# Data generation


@dataclass
class Tree:
    """The ids of what was built, enough to pick scopes and spread rows."""

    district: NodeRef
    streets: list[NodeRef] = field(default_factory=list)
    # community NodeRefs by street id, building NodeRefs by community id
    communities: dict[int, list[NodeRef]] = field(default_factory=dict)
    buildings: dict[int, list[NodeRef]] = field(default_factory=dict)
    # (building id, district id, street id, community id) for spreading rows
    building_keys: list[tuple[int, int, int, int]] = field(default_factory=list)


NODE_COLUMNS = (
    "id", "parent_id", "kind", "code", "ref", "name", "status", "path", "depth",
    "district_id", "street_id", "community_id", "created_at", "updated_at",
)  # fmt: skip


def generate_nodes(sizes: Sizes, tree_out: list[Tree]) -> Iterator[tuple[Any, ...]]:
    """Yield node rows parents-first with ids, paths and denormalized keys computed here.

    Ids are handed out breadth-first (district 1, then streets, communities, buildings), so a
    row tuple never refers to a parent that is not inserted yet.
    """
    now = datetime.now(UTC)
    district_id = 1
    district_path = "/1/"
    tree = Tree(NodeRef(district_id, "district", DISTRICT_CODE, "朝阳区", district_path))
    tree_out.append(tree)
    yield (
        district_id, None, "district", DISTRICT_CODE, DISTRICT_CODE, "朝阳区", "active",
        district_path, 0, district_id, None, None, now, now,
    )  # fmt: skip
    next_id = 2
    streets: list[tuple[int, str, str]] = []
    for s in range(1, sizes.streets + 1):
        sid, code = next_id, f"{DISTRICT_CODE}{s:03d}"
        next_id += 1
        path = f"{district_path}{sid}/"
        name = f"第{s}街道"
        streets.append((sid, code, path))
        tree.streets.append(NodeRef(sid, "street", code, name, path))
        yield (sid, district_id, "street", code, code, name, "active", path, 1,
               district_id, sid, None, now, now)  # fmt: skip
    communities: list[tuple[int, int, str, str]] = []
    for sid, scode, spath in streets:
        refs = tree.communities.setdefault(sid, [])
        for c in range(1, sizes.communities + 1):
            cid, code = next_id, f"{scode}{c:03d}"
            next_id += 1
            path = f"{spath}{cid}/"
            name = f"{scode}第{c}社区"
            communities.append((cid, sid, code, path))
            refs.append(NodeRef(cid, "community", code, name, path))
            yield (cid, sid, "community", code, code, name, "active", path, 2,
                   district_id, sid, cid, now, now)  # fmt: skip
    for cid, sid, ccode, cpath in communities:
        refs = tree.buildings.setdefault(cid, [])
        for b in range(1, sizes.buildings + 1):
            bid, code = next_id, f"{b:02d}"
            next_id += 1
            ref = f"{ccode}-b{code}"
            path = f"{cpath}{bid}/"
            name = f"{b}号楼"
            refs.append(NodeRef(bid, "building", ref, name, path))
            tree.building_keys.append((bid, district_id, sid, cid))
            yield (bid, cid, "building", code, ref, name, "active", path, 3,
                   district_id, sid, cid, now, now)  # fmt: skip


ROW_COLUMNS = (
    "id", "node_id", "district_id", "street_id", "community_id",
    "title", "category", "amount_cents", "created_at",
)  # fmt: skip
CATEGORIES = ("visit", "repair", "subsidy", "inspection", "event")


def generate_rows(tree: Tree, count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """Yield ledger rows on random buildings, oldest first, so every scope's rows are spread
    over the whole id range as they would be after years of use."""
    rng = random.Random(seed)
    keys = tree.building_keys
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(1, count + 1):
        bid, did, sid, cid = keys[rng.randrange(len(keys))]
        yield (
            i, bid, did, sid, cid, f"Entry {i}", CATEGORIES[i % len(CATEGORIES)],
            rng.randrange(100, 1_000_000), start + timedelta(seconds=i * 30),
        )  # fmt: skip


def batched(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(
    conn: Connection, table: sa.Table, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Insert rows the fastest ordinary way per dialect: COPY on PostgreSQL, executemany of a
    Core insert in batches of ``BATCH`` on SQLite. Returns the number of rows."""
    total = 0
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        cols = ", ".join(columns)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
        return total
    stmt = sa.insert(table)
    for batch in batched(rows, BATCH):
        conn.execute(stmt, [dict(zip(columns, row, strict=True)) for row in batch])
        total += len(batch)
    return total


# --------------------------------------------------------------------------------------------
# Query cases


@dataclass
class Case:
    """One scope, queried via ``Model.__scope_clause__`` and via a hand-written predicate."""

    name: str
    model: type[Any]
    scope: sa.ColumnElement[bool]
    plain: sa.ColumnElement[bool]
    page: bool = True


def count_stmt(model: type[Any], where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(model).where(where)


def page_stmt(model: type[Any], where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return sa.select(model).where(where).order_by(model.id.desc()).limit(PAGE)


def build_cases(tree: Tree) -> tuple[list[Case], dict[str, Any]]:
    """The scopes to compare, picked from the middle of the tree, and what they are."""
    t = BenchLedgerRow
    street = tree.streets[len(tree.streets) // 2]
    other_street = tree.streets[max(0, len(tree.streets) // 2 - max(1, len(tree.streets) // 6))]
    community = tree.communities[street.id][len(tree.communities[street.id]) // 2]
    building = tree.buildings[community.id][len(tree.buildings[community.id]) // 2]
    # The grid branch of TenantOwned.__scope_clause__ ("owning node in the subtree") applied to
    # a community's subtree: what any node without a denormalized key costs.
    grid_like = NodeRef(community.id, "grid", community.ref, community.name, community.path)
    two = [other_street, street] if other_street.id != street.id else [street]
    cases = [
        Case("street", t, t.__scope_clause__([street]), t.street_id == street.id),
        Case("community", t, t.__scope_clause__([community]), t.community_id == community.id),
        Case("building", t, t.__scope_clause__([building]), t.node_id == building.id),
        Case("two streets", t, t.__scope_clause__(two), t.street_id.in_([s.id for s in two])),
        Case(
            "grid branch (subtree IN) on community",
            t,
            t.__scope_clause__([grid_like]),
            t.community_id == community.id,
        ),
        Case("district", t, t.__scope_clause__([tree.district]), t.district_id == tree.district.id),
        Case(
            "nodes in street subtree",
            Node,
            Node.__scope_clause__([street]),
            Node.street_id == street.id,
            page=False,
        ),
    ]
    picked = {
        "street": _describe(street),
        "other_street": _describe(other_street),
        "community": _describe(community),
        "building": _describe(building),
    }
    return cases, picked


def _describe(node: NodeRef) -> dict[str, Any]:
    return {"id": node.id, "kind": node.kind, "ref": node.ref, "path": node.path}


@contextmanager
def capture(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record the (statement, parameters) pairs sent to the driver inside the block."""
    executed: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        executed.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield executed
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(session: Session, engine: Engine, stmt: sa.Select[Any], kind: str) -> str:
    """The planner's plan for ``stmt`` exactly as the driver sends it, bound parameters included
    (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    with capture(engine) as executed:
        run_query(session, stmt, kind)
    session.expunge_all()
    return explain_sql(session, *executed[-1])


def explain_sql(session: Session, sql: str, parameters: Any) -> str:
    """Plan of a raw SQL string as the driver would receive it."""
    conn = session.connection()
    postgresql = conn.dialect.name == "postgresql"
    prefix = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
    rows = conn.exec_driver_sql(prefix + sql, parameters or None).all()
    if postgresql:
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{row[1]}->{row[0]} {row[-1]}" for row in rows)


def run_query(session: Session, stmt: sa.Select[Any], kind: str) -> Any:
    """Execute as a view would: a scalar count, or a page of ORM objects."""
    if kind == "count":
        return session.scalar(stmt)
    return [row.id for row in session.scalars(stmt).all()]


def bench_queries(engine: Engine, tree: Tree, repeat: int) -> tuple[list[dict[str, Any]], dict]:
    """Time count and first page for every case, scope clause vs hand-written predicate."""
    cases, picked = build_cases(tree)
    results: list[dict[str, Any]] = []
    with Session(engine) as session:
        for case in cases:
            kinds = [("count", count_stmt)] + ([("page", page_stmt)] if case.page else [])
            for kind, make in kinds:
                scope_stmt, plain_stmt = make(case.model, case.scope), make(case.model, case.plain)
                first = run_query(session, scope_stmt, kind)
                same = first == run_query(session, plain_stmt, kind)
                session.expunge_all()
                scope_stats, plain_stats = time_pair(
                    lambda s=scope_stmt, k=kind: run_query(session, s, k),
                    lambda s=plain_stmt, k=kind: run_query(session, s, k),
                    repeat,
                    after=session.expunge_all,
                )
                result = {
                    "case": case.name,
                    "query": kind,
                    "result": first if kind == "count" else len(first),
                    "same_result": same,
                    "scope": scope_stats.as_dict(),
                    "plain": plain_stats.as_dict(),
                    "ratio": scope_stats.median / plain_stats.median,
                    "sql_scope": str(scope_stmt.whereclause),
                    "sql_plain": str(plain_stmt.whereclause),
                    "plan_scope": explain(session, engine, scope_stmt, kind),
                    "plan_plain": explain(session, engine, plain_stmt, kind),
                }
                results.append(result)
                log(
                    f"  {case.name:<40} {kind:<5} scope {scope_stats.median:8.3f} ms"
                    f"  plain {plain_stats.median:8.3f} ms  ratio {result['ratio']:5.2f}"
                    f"  ({result['result']} rows{'' if same else ', RESULTS DIFFER'})"
                )
    return results, picked


# --------------------------------------------------------------------------------------------
# Permission checks


def bench_permissions(engine: Engine, tree: Tree, repeat: int) -> dict[str, Any]:
    """Per-request permission cost: the one scope query, then in-memory checks."""
    from core.accounts.services import sync_builtin_roles

    street = tree.streets[len(tree.streets) // 2]
    other = tree.streets[len(tree.streets) // 3]
    last = tree.streets[-1]
    community = tree.communities[other.id][0]
    building = tree.buildings[tree.communities[last.id][-1].id][0]
    with Session(engine) as session:
        sync_builtin_roles(session)
        roles = {r.key: r.id for r in session.scalars(sa.select(Role))}
        user = User(
            username="bench", display_name="bench", password_hash="!", home_node_id=street.id
        )
        session.add(user)
        session.flush()
        grants = [
            ("street_admin", street),
            ("program_worker", community),
            ("building_leader", building),
        ]
        for key, node in grants:
            session.add(Assignment(user_id=user.id, role_id=roles[key], node_id=node.id))
        session.commit()
        user_id = user.id

    inside = tree.buildings[tree.communities[street.id][-1].id][-1].path
    outside = tree.buildings[tree.communities[tree.streets[0].id][0].id][0].path

    with Session(engine) as session:
        session.connection()  # check out the connection first: count only load_scope's queries
        with capture(engine) as executed:
            scope = load_scope(session, user_id)
        load_stats = time_it(lambda: load_scope(session, user_id), repeat)
        load_plan = explain_sql(session, *executed[0]) if executed else ""
    queries = len(executed)

    fresh_stats = _time_fresh_session_load(engine, user_id, repeat)
    checks = {
        "allows(tenants.view, inside)": lambda: scope.allows("tenants.view", inside),
        "allows(tenants.view, outside)": lambda: scope.allows("tenants.view", outside),
        "allows(users.manage, outside)": lambda: scope.allows("users.manage", outside),
        "nodes(tenants.view)": lambda: scope.nodes("tenants.view"),
        "nodes + __scope_clause__": lambda: BenchLedgerRow.__scope_clause__(
            scope.nodes("tenants.view")
        ),
    }
    check_stats = {name: time_per_call(fn, repeat) for name, fn in checks.items()}
    results = {
        "grants": len(scope.grants),
        "assignments": [f"{key}@{node.ref}" for key, node in grants],
        "load_scope_queries": queries,
        "load_scope": load_stats.as_dict(),
        "load_scope_fresh_session": fresh_stats.as_dict(),
        "load_scope_plan": load_plan,
        "checks": {name: stats.as_dict() for name, stats in check_stats.items()},
        "check_results": {
            "inside": scope.allows("tenants.view", inside),
            "outside": scope.allows("tenants.view", outside),
            "nodes": [n.ref for n in scope.nodes("tenants.view")],
        },
    }
    log(
        f"  load_scope: {queries} quer{'y' if queries == 1 else 'ies'}, {len(scope.grants)} grants,"
        f" median {load_stats.median:.3f} ms (fresh session {fresh_stats.median:.3f} ms)"
    )
    for name, stats in check_stats.items():
        log(f"  {name:<32} median {stats.median * 1000:8.2f} µs per call")
    return results


def _time_fresh_session_load(engine: Engine, user_id: int, repeat: int) -> Stats:
    """load_scope as a request sees it: a new session, a pooled connection, one query."""

    def run() -> Scope:
        with Session(engine) as session:
            return load_scope(session, user_id)

    return time_it(run, repeat)


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--schema", default="bench", help="PostgreSQL schema to (re)create")
    parser.add_argument("--streets", type=int, default=300)
    parser.add_argument("--communities", type=int, default=20, help="per street")
    parser.add_argument("--buildings", type=int, default=25, help="per community")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20241122)
    parser.add_argument("--smoke", action="store_true", help="3×3×3 tree, 2,000 rows, repeat 3")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PG schema")
    parser.add_argument("--output", type=Path, help="JSON path (default benchmarks/results/)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.streets, args.communities, args.buildings = 3, 3, 3
        args.rows, args.repeat = 2_000, 3
    return args


def print_summary(report: dict[str, Any]) -> None:
    """One table of everything, for reading at a glance."""
    build = report["build"]
    log("")
    log(f"Summary ({report['environment']['dialect']} {report['environment']['server_version']})")
    log(
        f"  tree: {build['nodes']:,} nodes in {build['tree_s']:.2f} s "
        f"({build['nodes'] / build['tree_s']:,.0f} nodes/s)"
    )
    log(
        f"  rows: {build['rows']:,} rows in {build['rows_s']:.2f} s "
        f"({build['rows_per_s']:,.0f} rows/s); analyze {build['analyze_s']:.2f} s"
    )
    header = f"  {'case':<40} {'query':<5} {'scope ms':>9} {'min':>8} {'max':>8} {'plain ms':>9}"
    log(header + f" {'ratio':>6} {'rows':>8}")
    for q in report["queries"]:
        s, p = q["scope"], q["plain"]
        log(
            f"  {q['case']:<40} {q['query']:<5} {s['median_ms']:9.3f} {s['min_ms']:8.3f} "
            f"{s['max_ms']:8.3f} {p['median_ms']:9.3f} {q['ratio']:6.2f} {q['result']:>8}"
        )
    perm = report["permissions"]
    load = perm["load_scope"]
    log(
        f"  load_scope ({perm['load_scope_queries']} query, {perm['grants']} grants): median "
        f"{load['median_ms']:.3f} ms, min {load['min_ms']:.3f}, max {load['max_ms']:.3f}; "
        f"fresh session {perm['load_scope_fresh_session']['median_ms']:.3f} ms"
    )
    for name, stats in perm["checks"].items():
        log(
            f"  {name:<32} median {stats['median_ms']:.5f} ms  "
            f"(min {stats['min_ms']:.5f}, max {stats['max_ms']:.5f})"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = Sizes(args.streets, args.communities, args.buildings, args.rows)
    workdir = Path(tempfile.mkdtemp(prefix="jiedao-bench-")) if args.database_url is None else None
    url = prepare_database(args.database_url, args.schema, workdir or Path())
    log(f"database: {make_url(url).render_as_string(hide_password=True)}")
    log(
        f"sizes: {sizes.streets} streets × {sizes.communities} communities × {sizes.buildings} "
        f"buildings = {sizes.nodes:,} nodes; {sizes.rows:,} rows; repeat {args.repeat}"
    )

    start = time.perf_counter()
    migrate.upgrade(url)
    engine = make_engine(url)
    BenchLedgerRow.__table__.create(engine)
    migrate_s = time.perf_counter() - start
    log(f"schema: {migrate_s:.2f} s")

    try:
        trees: list[Tree] = []
        start = time.perf_counter()
        with engine.begin() as conn:
            nodes = bulk_insert(conn, Node.__table__, NODE_COLUMNS, generate_nodes(sizes, trees))
        tree_s = time.perf_counter() - start
        tree = trees[0]
        log(f"tree: {nodes:,} nodes in {tree_s:.2f} s")

        start = time.perf_counter()
        with engine.begin() as conn:
            rows = bulk_insert(conn, BenchLedgerRow.__table__, ROW_COLUMNS,
                               generate_rows(tree, sizes.rows, args.seed))  # fmt: skip
        rows_s = time.perf_counter() - start
        log(f"rows: {rows:,} in {rows_s:.2f} s ({rows / rows_s:,.0f} rows/s)")

        start = time.perf_counter()
        analyze(engine)
        analyze_s = time.perf_counter() - start
        log(f"analyze: {analyze_s:.2f} s")

        log("queries (median of scope clause vs hand-written predicate):")
        queries, picked = bench_queries(engine, tree, args.repeat)
        log("permissions:")
        permissions = bench_permissions(engine, tree, args.repeat)

        report = {
            "environment": environment(engine),
            "sizes": {
                **sizes.__dict__,
                "nodes": sizes.nodes,
                "repeat": args.repeat,
                "smoke": args.smoke,
            },
            "build": {
                "method": "COPY" if engine.dialect.name == "postgresql" else "executemany",
                "migrate_s": migrate_s,
                "nodes": nodes,
                "tree_s": tree_s,
                "rows": rows,
                "rows_s": rows_s,
                "rows_per_s": rows / rows_s,
                "analyze_s": analyze_s,
            },
            "picked": picked,
            "queries": queries,
            "permissions": permissions,
        }
        print_summary(report)
        if args.explain:
            log("\nPlans (scope clause):")
            for q in queries:
                log(f"-- {q['case']} / {q['query']}: WHERE {q['sql_scope']}\n{q['plan_scope']}")
            log(f"-- load_scope\n{permissions['load_scope_plan']}")

        name = engine.dialect.name + ("-smoke" if args.smoke else "")
        write_report(report, name, args.output)
    finally:
        engine.dispose()
        clean_up(url, args.schema, workdir, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())

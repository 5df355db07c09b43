"""Benchmark the registry: resident search in a large district, and a streamed xlsx export.

Why: the registry holds every resident of a district (2,000,000 in a big one), and workers look
people up all day by the first characters of a name or the last digits of an ID. The issue's
goals: search by name prefix and by ID suffix, within a community and within a street, under
50 ms (median); a list page of 50 from a million rows through the generated ledger close to the
hand-written query; exports of 10,000 and 100,000 rows to xlsx that stream (memory flat in rows).

What is timed is the plugin's own code path: ``services.search_residents`` (what the picker
and other plugins call, scope and module check included, first 20 matches), the list's page
through the generated ledger (first 50 + total count, ``ledgers.residents.filtered`` +
``core.api.Page``) beside the same page from a hand-written query (the ratio is the ledger's
overhead), and the ledger's export (``Ledger.export_rows``) written by
``core.reports.write_xlsx`` with tracemalloc's peak. Figures are printed, never asserted.

    python benchmarks/bench_registry.py                       # SQLite file, 100,000 residents
    python benchmarks/bench_registry.py --smoke               # a few thousand, seconds
    python benchmarks/bench_registry.py --residents 1000000   # the SDK's figures: 1M rows
    python benchmarks/bench_registry.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        # PostgreSQL: 2,000,000 residents (--residents N for another size), in the schema
        # --schema (default bench_registry), dropped and recreated first

Rows are generated in Python (valid GB 11643 IDs) and bulk-loaded: COPY on PostgreSQL,
executemany on SQLite — no ORM.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bench_tree import NODE_COLUMNS, Sizes, Tree, analyze, bulk_insert, generate_nodes
from common import (
    Stats,
    arguments,
    environment,
    is_postgres,
    log,
    platform_database,
    write_report,
)
from sqlalchemy.orm import selectinload, undefer

from core.permissions import Scope
from core.tree import NodeRef
from tenants.models import Node
from tenants.modules import enabled_communities

# Surnames roughly by frequency (王 and 李 are each about 7% of the population).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅海燕文斌晓东春雪立新宇"
AREAS = ["110105", "110101", "410102", "340104", "510107", "130102", "370102", "430102"]
RESIDENT_COLUMNS = (
    "id", "node_id", "district_id", "street_id", "community_id", "name", "gender",
    "id_number", "id_reversed", "birth_date", "mobile", "ethnicity", "hukou_address",
    "current_address", "status", "relation", "notes", "created_at", "updated_at",
    "birth_certificate_number", "presence", "out_to", "employer_name", "guardian_relation",
)  # fmt: skip
# What a generated resident holds in the columns after updated_at (no certificate, 人户一致).
RESIDENT_DEFAULTS = ("", "consistent", "", "", "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__, "bench_registry", repeat=30, smoke="tiny sizes for CI", seed=11)
    parser.add_argument("--residents", type=int, help="default 2,000,000 (PG) / 100,000 (SQLite)")
    parser.add_argument("--profile", action="store_true", help="print where an export spends")
    args = parser.parse_args(argv)
    if args.residents is None:
        big = 2_000_000 if is_postgres(args.database_url) else 100_000
        args.residents = 3_000 if args.smoke else big
    if args.smoke:
        args.repeat = min(args.repeat, 5)
    return args


def tree_sizes(residents: int) -> Sizes:
    """About 4,000 residents per community (a big Beijing community), 25 per street."""
    communities = max(1, min(25, residents // 4_000))
    streets = max(1, residents // (communities * 4_000))
    return Sizes(streets, communities, 12, 0)


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(body: str) -> str:
    """GB 11643 check character (inlined: 2M calls)."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def generate_residents(tree: Tree, count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """Residents spread over every building, with valid IDs unique in the whole district."""
    rng = random.Random(seed)
    keys = tree.building_keys
    now = datetime.now(UTC)
    start = date(1935, 1, 1)
    for i in range(1, count + 1):
        bid, did, sid, cid = keys[rng.randrange(len(keys))]
        # (birth date, sequence) unique per row: i // 1000 → a day (7919 is coprime with the
        # 32,120 days counted), i % 1000 → the sequence, whose parity is the gender.
        born = start + timedelta(days=(i // 1000 * 7919) % (365 * 88))
        sequence = i % 1000
        male = sequence % 2 == 1
        body = f"{rng.choice(AREAS)}{born:%Y%m%d}{sequence:03d}"
        number = body + check_char(body)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        yield (
            i, bid, did, sid, cid, name, "M" if male else "F", number, number[::-1], born,
            f"13{rng.randrange(10**9):09d}", "汉族", "", f"朝阳区{sid}街{bid}号楼",
            "floating" if rng.random() < 0.1 else "registered", "", "", now, now,
            *RESIDENT_DEFAULTS,
        )  # fmt: skip


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
    sizes = tree_sizes(args.residents)
    with platform_database(args, needs="registry") as space:
        log(
            f"sizes: {sizes.streets} streets × {sizes.communities} communities × "
            f"{sizes.buildings} buildings; {args.residents:,} residents; repeat {args.repeat}"
        )
        log(f"schema: {space.migrate_s:.2f} s")
        return run(args, sizes, space.url, space.engine, space.workdir)


def load_district(engine: Any, sizes: Sizes, residents: int, seed: int) -> tuple[Tree, int, float]:
    """The district's tree (bulk), the registry on in every community, and ``residents``
    residents in one bulk insert: the tree, the residents loaded and the seconds they took."""
    from plugins.registry.models import RegistryResident
    from tenants.modules import ModuleState

    trees: list[Tree] = []
    t0 = time.perf_counter()
    with engine.begin() as conn:
        bulk_insert(conn, Node.__table__, NODE_COLUMNS, generate_nodes(sizes, trees))
    tree = trees[0]
    community_ids = [c.id for refs in tree.communities.values() for c in refs]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ModuleState.__table__),
            [{"community_id": cid, "module": "registry", "enabled": True, "settings": {},
              "updated_at": datetime.now(UTC)} for cid in community_ids],
        )  # fmt: skip
    log(f"tree: {len(community_ids)} communities in {time.perf_counter() - t0:.2f} s")

    t0 = time.perf_counter()
    with engine.begin() as conn:
        loaded = bulk_insert(
            conn,
            RegistryResident.__table__,
            RESIDENT_COLUMNS,
            generate_residents(tree, residents, seed),
        )
    load_s = time.perf_counter() - t0
    log(f"residents: {loaded:,} in {load_s:.1f} s ({loaded / load_s:,.0f} rows/s)")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('registry_resident', 'id'), "
                "(SELECT max(id) FROM registry_resident))"
            )
    return tree, loaded, load_s


def run(args: argparse.Namespace, sizes: Sizes, url: str, engine: Any, workdir: Path) -> int:
    tree, loaded, load_s = load_district(engine, sizes, args.residents, args.seed)
    community_ids = [c.id for refs in tree.communities.values() for c in refs]
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
        "residents": args.residents,
        "streets": sizes.streets,
        "communities": len(community_ids),
        "buildings_per_community": sizes.buildings,
        "smoke": args.smoke,
        "repeat": args.repeat,
    }
    report["build"] = {
        "method": "COPY" if engine.dialect.name == "postgresql" else "executemany",
        "load_s": round(load_s, 1),
        "rows_per_s": round(loaded / load_s),
    }
    write_report(report, f"registry-{engine.dialect.name}-{args.residents}", args.output)
    return 0


def measure_export(
    args: argparse.Namespace,
    session: Any,
    scope_clause: Callable[[Any], Any],
    filters: dict[str, str],
    street: NodeRef,
) -> dict[str, Any]:
    """The ledger's export (``Ledger.export_rows`` written by ``core.reports.write_xlsx``):
    medians without tracemalloc (it slows allocation-heavy Python several times), then one
    more run under tracemalloc for the memory peak."""
    from core.reports import write_xlsx
    from plugins.registry.ledgers import residents
    from plugins.registry.models import RegistryResident

    stmt = residents.filtered(session, RegistryResident.street_id == street.id, filters)
    expected = session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )

    def export() -> bytes:
        session.expunge_all()
        rows = residents.export_rows(session, scope_clause, filters)
        return write_xlsx(residents.export_spec().columns, rows, "居民")

    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            export()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    samples = []
    for _ in range(1 if args.smoke else 3):
        t0 = time.perf_counter()
        size = len(export())
        samples.append(time.perf_counter() - t0)
    tracemalloc.start()
    export()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stats = Stats.of(samples)
    figures = {
        **stats.as_dict(),
        "rows": expected,
        "filters": filters,
        "rows_per_s": round(expected / (stats.median / 1000)),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "xlsx_mb": round(size / 2**20, 2),
    }
    log(
        f"export {filters or 'all'}: {expected:,} rows to xlsx in {stats.median / 1000:.2f} s "
        f"median ({figures['rows_per_s']:,} rows/s), tracemalloc peak "
        f"{figures['tracemalloc_peak_mb']} MB, file {figures['xlsx_mb']} MB"
    )
    return figures


def measure_duplicates(
    args: argparse.Namespace, session: Any, tree: Tree, street: NodeRef, scope: Scope
) -> dict[str, Any]:
    """人户分离 / 重复登记: 1 resident in 200 of the street's first community registered again in
    its second; then the check a registration runs (the ID in the scope's other communities)
    and the street's list of IDs live in two communities (a page of 50 and the counts)."""
    from plugins.registry import transfers
    from plugins.registry.models import RegistryResident

    if len(tree.communities[street.id]) < 2:
        log("duplicates: one community only, nothing to measure")
        return {}
    first, second = tree.communities[street.id][:2]
    building = session.scalar(
        sa.select(Node.id).where(Node.community_id == second.id, Node.kind == "building").limit(1)
    )
    copied = [c for c in RESIDENT_COLUMNS if c not in ("id", "node_id", "community_id")]
    source = sa.select(
        *(getattr(RegistryResident, c) for c in copied),
        sa.literal(building).label("node_id"),
        sa.literal(second.id).label("community_id"),
    ).where(RegistryResident.community_id == first.id, RegistryResident.id % 200 == 0)
    session.execute(
        sa.insert(RegistryResident).from_select([*copied, "node_id", "community_id"], source)
    )
    session.commit()
    number = session.scalar(
        sa.select(RegistryResident.id_number).where(RegistryResident.community_id == second.id)
        .order_by(RegistryResident.id.desc()).limit(1)
    )  # fmt: skip
    where = sa.and_(
        RegistryResident.street_id == street.id,
        RegistryResident.community_id.in_(enabled_communities("registry")),
    )
    found: dict[str, Any] = {}
    log("duplicates (median ms):")
    for label, fn in (
        ("check_on_register", lambda: transfers.live_elsewhere(session, scope, first, number)),
        ("street_page_50", lambda: transfers.duplicate_groups(session, where, per_page=50)),
    ):
        stats, result = time_it(fn, args.repeat)
        size = result if isinstance(result, int) else getattr(result, "total", None)
        size = len(result) if size is None else size
        found[label] = {**stats.as_dict(), "found": size}
        log(f"  {label:18} {stats.median:8.2f} ms  ({size} found)")
    return found


def measure(args: argparse.Namespace, tree: Tree, engine: Any) -> dict[str, Any]:
    from core import clock
    from core.api import Page
    from core.db import db
    from plugins.registry import figures, services
    from plugins.registry.ledgers import residents
    from plugins.registry.models import RegistryResident

    session = db.session
    street: NodeRef = tree.streets[0]
    community: NodeRef = tree.communities[street.id][0]
    worker = Scope(None, [("registry.*", community)])
    street_admin = Scope(None, [("registry.*", street)])
    # Real values to look for: a common surname, a two-character prefix, an ID's last 4 and 6.
    sample = session.execute(
        sa.select(RegistryResident.name, RegistryResident.id_number)
        .where(RegistryResident.community_id == community.id)
        .limit(1)
    ).one()
    texts = {
        "surname": sample.name[0],
        "name_prefix_2": sample.name[:2],
        "id_suffix_4": sample.id_number[-4:],
        "id_suffix_6": sample.id_number[-6:],
    }
    results: dict[str, Any] = {"search": {}, "list_page": {}}
    log("search (services.search_residents, first 20; median ms):")
    for place, scope, node in (("community", worker, community), ("street", street_admin, None)):
        for label, text in texts.items():
            stats, found = time_it(
                lambda s=scope, t=text, n=node: services.search_residents(session, s, t, n),
                args.repeat,
            )
            results["search"][f"{place}/{label}"] = {**stats.as_dict(), "found": len(found)}
            log(f"  {place:9} {label:14} {stats.median:8.2f} ms  ({len(found)} found)")
    log("list page (50 rows + total count; median ms): ledger / hand-written query")
    for place, where in (
        ("community", RegistryResident.community_id == community.id),
        ("street", RegistryResident.street_id == street.id),
        ("district", RegistryResident.district_id == tree.district.id),
    ):
        for label in ("all", "surname", "id_suffix_4"):
            asked = {"q": texts[label]} if label in texts else {}
            stmt = residents.filtered(session, where, asked)
            stats, page = time_it(lambda s=stmt: Page(s, 1, 50), args.repeat)
            by_hand = (
                sa.select(RegistryResident)
                .where(
                    where,
                    RegistryResident.deleted_at.is_(None),
                    services.resident_text_clause(session, texts[label])
                    if label in texts
                    else sa.true(),
                )
                .order_by(RegistryResident.name, RegistryResident.id)
                # what the page shows beside each row, loaded as the ledger loads it
                .options(
                    selectinload(RegistryResident.node),
                    selectinload(RegistryResident.tag_rows),
                    selectinload(RegistryResident.household),
                    undefer(RegistryResident.last_verified_on),
                )
            )
            hand, _page = time_it(lambda s=by_hand: Page(s, 1, 50), args.repeat)
            ratio = stats.median / hand.median if hand.median else None
            results["list_page"][f"{place}/{label}"] = {
                **stats.as_dict(),
                "total": page.total,
                "hand_written_median_ms": round(hand.median, 2),
                "ratio": round(ratio, 2) if ratio else None,
            }
            log(
                f"  {place:9} {label:14} {stats.median:8.2f} ms / {hand.median:8.2f} ms"
                f"  ({ratio or 0:.2f}x, total {page.total})"
            )

    # Age bands, computed from the birth date at the period's end: the five indicators in one
    # query (figures.count_bands), and a list page filtered to one band (年龄段).
    from core.reports import Period

    year = clock.today().year
    period = Period(date(year, 1, 1), date(year, 12, 31))
    results["age_bands"] = {}
    log("age bands (five indicators in one query / a page of 老年; median ms):")
    for place, where, ids in (
        ("community", RegistryResident.community_id == community.id, [community.id]),
        ("street", RegistryResident.street_id == street.id, [c.id for c in tree.communities[street.id]]),
        ("district", RegistryResident.district_id == tree.district.id, None),
    ):  # fmt: skip
        communities = (
            sa.select(Node.id).where(Node.id.in_(ids))
            if ids is not None
            else sa.select(Node.id).where(Node.district_id == tree.district.id, Node.kind == "community")
        )  # fmt: skip
        counted, counts = time_it(
            lambda c=communities: figures.count_bands(session, c, period), args.repeat
        )
        stmt = residents.filtered(session, where, {"age_band": "elderly"})
        paged, page = time_it(lambda s=stmt: Page(s, 1, 50), args.repeat)
        results["age_bands"][place] = {
            "indicators": counted.as_dict(),
            "elderly_page": {**paged.as_dict(), "total": page.total},
            "counts": counts,
        }
        log(
            f"  {place:9} {counted.median:8.2f} ms / {paged.median:8.2f} ms"
            f"  (老年 {counts['registry.band.elderly']}, 育龄 {counts['registry.band.childbearing']})"
        )
    results["duplicates"] = measure_duplicates(args, session, tree, street, street_admin)

    def scope_clause(model: Any) -> sa.ColumnElement[bool]:
        """What ``tenants.modules.export_scope`` gives a street admin exporting at the street."""
        return sa.and_(
            model.__scope_clause__([street]),
            model.community_id.in_(enabled_communities("registry")),
        )

    # The exports of a street: its floating residents (about 10%), then all of them — at full
    # size (1,000,000 residents, 100,000 a street) 10,000 and 100,000 rows, so the peaks show
    # whether memory stays flat as the rows grow tenfold.
    results["export"] = {}
    for label, filters in (("floating", {"status": "floating"}), ("all", {})):
        results["export"][label] = measure_export(args, session, scope_clause, filters, street)
    return results


if __name__ == "__main__":
    sys.exit(main())

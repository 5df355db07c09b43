"""Benchmark the exchange engine's exports: ledger rows to xlsx and to CSV, time and peak memory.

Why: a street office exports its residents (a hundred thousand in a big street) for the
district, and many offices do so at once on one server. The engine streams (openpyxl's
write-only workbook through a temporary file; CSV in chunks), so memory must stay flat in the
number of rows: 100,000 rows should take what 10,000 take. This script measures, at each of two
sizes (10,000 and 100,000 rows by default):

1. **engine**: ``core.exchange.save_xlsx`` into a temporary file and ``core.exchange.iter_csv``
   read to the end, over a generator of rows shaped like the registry's resident export
   (12 columns: names and addresses, dates, numbers, and every 50th note beginning with "=");
   no database;
2. **route**: ``GET /n/<place>/exports/registry.residents.<fmt>`` through the app (Flask test
   client, signed in as the street's admin) with the residents in the database: the registry's
   streamed query (``yield_per``), the engine, the response body read chunk by chunk to the end.
   The smaller size is one community, the larger the whole street.

Time is the median of ``--repeat`` runs after a warm-up, wall clock and CPU (on a shared machine
the CPU figure is the steadier one). Memory is tracemalloc's peak of Python allocations in one
more run, timed apart because tracemalloc slows the code several times; the ratio of the two
sizes' peaks is printed (1.0: flat). Nothing asserts.

    python benchmarks/bench_exchange.py                     # SQLite file in a temp dir
    python benchmarks/bench_exchange.py --smoke             # 1,000 and 5,000 rows, one run
    python benchmarks/bench_exchange.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench_registry import (
    AREAS,
    GIVEN,
    RESIDENT_COLUMNS,
    RESIDENT_DEFAULTS,
    SURNAMES,
    check_char,
)
from bench_tree import bulk_insert
from common import (
    Stats,
    arguments,
    environment,
    log,
    platform_database,
    write_report,
)

from core import exchange
from core.exchange import Column

PASSWORD = "bench-exchange-password"
STREET, SMALL, LARGE = "110105001", "110105001001", "110105001002"

ENGINE_COLUMNS = [
    Column("community", "社区"),
    Column("name", "姓名"),
    Column("gender", "性别"),
    Column("id_number", "身份证号"),
    Column("birth_date", "出生日期"),
    Column("mobile", "手机号码"),
    Column("status", "居住状态"),
    Column("address", "现住址"),
    Column("arrived_on", "迁入日期"),
    Column("members", "家庭人数"),
    Column("subsidy", "补贴（元）"),
    Column("notes", "备注"),
]


# --- measuring -------------------------------------------------------------------------------


def measure(fn: Callable[[], int], repeat: int) -> dict[str, Any]:
    """Median wall-clock and CPU time of ``repeat`` runs after a warm-up, then tracemalloc's peak
    in one more run (timed apart: tracemalloc slows allocation-heavy code several times).
    ``fn`` returns the size of the file it wrote."""
    size = fn()  # warm up: imports, plans, caches
    wall, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    figures: dict[str, Any] = Stats.of(wall).as_dict()
    figures["cpu_median_ms"] = Stats.of(cpu).median
    figures["file_mb"] = round(size / 2**20, 2)
    gc.collect()
    tracemalloc.start()
    fn()
    figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
    tracemalloc.stop()
    return figures


# --- the engine alone --------------------------------------------------------------------------


def engine_rows(count: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(7)
    born = date(1950, 1, 1)
    for i in range(count):
        yield {
            "community": "永安里东社区",
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "gender": "男" if i % 2 else "女",
            "id_number": f"110105{born + timedelta(days=i % 20000):%Y%m%d}{i % 1000:03d}X",
            "birth_date": born + timedelta(days=i % 20000),
            "mobile": f"13{rng.randrange(10**9):09d}",
            "status": "户籍居民",
            "address": f"朝阳区建外街道永安里{i % 40 + 1}号楼{i % 6 + 1}单元{i % 30 + 101}室",
            "arrived_on": datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=i),
            "members": i % 6 + 1,
            "subsidy": Decimal(i % 500) / 4,
            "notes": "=待核实" if i % 50 == 0 else "",
        }


def bench_engine(sizes: list[int], repeat: int) -> dict[str, Any]:
    def to_xlsx(count: int) -> Callable[[], int]:
        def run() -> int:
            with tempfile.TemporaryFile() as target:
                exchange.save_xlsx(ENGINE_COLUMNS, engine_rows(count), "居民", target)
                return target.tell()

        return run

    def to_csv(count: int) -> Callable[[], int]:
        def run() -> int:
            return sum(
                len(chunk) for chunk in exchange.iter_csv(ENGINE_COLUMNS, engine_rows(count))
            )

        return run

    results: dict[str, Any] = {}
    for fmt, make in (("xlsx", to_xlsx), ("csv", to_csv)):
        for count in sizes:
            figures = measure(make(count), repeat)
            figures["rows"] = count
            results[f"{fmt}/{count}"] = figures
            report_line("engine", fmt, figures)
    return results


# --- through the app ---------------------------------------------------------------------------


def resident_rows(places: list[tuple[int, int, int, int, int]]) -> Iterator[tuple[Any, ...]]:
    """``places``: (building id, district id, street id, community id, residents there)."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    start = date(1935, 1, 1)
    i = 0
    for building, district, street, community, count in places:
        for _ in range(count):
            i += 1
            born = start + timedelta(days=(i // 1000 * 7919) % (365 * 88))
            sequence = i % 1000
            body = f"{rng.choice(AREAS)}{born:%Y%m%d}{sequence:03d}"
            number = body + check_char(body)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
            yield (
                i, building, district, street, community, name,
                "M" if sequence % 2 else "F", number, number[::-1], born,
                f"13{rng.randrange(10**9):09d}", "汉族", "", f"朝阳区建外街道{i % 40 + 1}号楼",
                "floating" if i % 10 == 0 else "registered", "", "", now, now,
                *RESIDENT_DEFAULTS,
            )  # fmt: skip


def build_app(url: str, workdir: Path) -> Any:
    from core.app import create_app

    return create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(workdir / "instance"),
            "JIEDAO_LOG_LEVEL": "WARNING",
        },
        WTF_CSRF_ENABLED=False,
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
    )


def build_street(app: Any, engine: Any, small: int, large: int) -> None:
    """A street with two communities of one building each: ``small`` residents in the first,
    ``large - small`` in the second; the registry on in both; a street admin."""
    from core.accounts import services as accounts
    from core.db import db
    from plugins.registry.models import RegistryResident
    from tenants import modules
    from tenants import services as tree

    with app.app_context():
        accounts.sync_builtin_roles(db.session)
        district = tree.create_node(
            db.session, parent=None, kind="district", code="110105", name="朝阳区"
        )
        street = tree.create_node(
            db.session, parent=district, kind="street", code=STREET, name="建外街道"
        )
        places = []
        for code, name, count in (
            (SMALL, "永安里东社区", small),
            (LARGE, "建国里社区", large - small),
        ):
            community = tree.create_node(
                db.session, parent=street, kind="community", code=code, name=name
            )
            building = tree.create_node(
                db.session, parent=community, kind="building", code="b01", name="1号楼"
            )
            modules.enable(db.session, community, "registry")
            places.append((building.id, district.id, street.id, community.id, count))
        user = accounts.create_user(
            db.session,
            username="street_admin",
            display_name="街道管理员",
            password=PASSWORD,
            home_node_id=street.id,
        )
        accounts.assign_builtin(db.session, user, "street_admin", street.as_ref())
        db.session.commit()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        loaded = bulk_insert(
            conn, RegistryResident.__table__, RESIDENT_COLUMNS, resident_rows(places)
        )
    log(f"residents: {loaded:,} loaded in {time.perf_counter() - t0:.1f} s")


def bench_route(app: Any, sizes: list[int], repeat: int) -> dict[str, Any]:
    client = app.test_client()
    signed_in = client.post("/login", data={"username": "street_admin", "password": PASSWORD})
    if signed_in.status_code != 302:
        raise SystemExit(f"could not sign in: {signed_in.status_code}")
    places = {sizes[0]: SMALL, sizes[1]: STREET}

    def download(url: str) -> Callable[[], int]:
        def run() -> int:
            response = client.get(url, buffered=False)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.get_data()[:200]!r}")
            size = sum(len(chunk) for chunk in response.response)
            response.close()
            return size

        return run

    results: dict[str, Any] = {}
    for fmt in ("xlsx", "csv"):
        for count in sizes:
            url = f"/n/{places[count]}/exports/registry.residents.{fmt}"
            figures = measure(download(url), repeat)
            figures["rows"] = count
            results[f"{fmt}/{count}"] = figures
            report_line("route", fmt, figures)
    return results


# --- report ------------------------------------------------------------------------------------


def report_line(part: str, fmt: str, figures: dict[str, Any]) -> None:
    seconds = figures["median_ms"] / 1000
    log(
        f"  {part:<6} {fmt:<4} {figures['rows']:>8,} rows  {seconds:7.2f} s median"
        f" (CPU {figures['cpu_median_ms'] / 1000:.2f} s; {figures['rows'] / seconds:>7,.0f} rows/s,"
        f" n={figures['n']})  peak {figures['tracemalloc_peak_mb']:6.2f} MB"
        f"  file {figures['file_mb']} MB"
    )


def flatness(results: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    """Memory of the larger size ÷ memory of the smaller one, per format (1.0: flat)."""
    ratios = {}
    for fmt in ("xlsx", "csv"):
        small, large = results[f"{fmt}/{sizes[0]}"], results[f"{fmt}/{sizes[1]}"]
        ratios[fmt] = round(large["tracemalloc_peak_mb"] / small["tracemalloc_peak_mb"], 2)
    return ratios


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = arguments(__doc__, "bench_exchange", repeat=3, smoke="1,000 and 5,000 rows, one run")
    parser.add_argument("--sizes", default="10000,100000", help="two row counts, small,large")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeat = "1000,5000", 1
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    if len(args.sizes) != 2 or args.sizes[0] <= 0:
        parser.error("--sizes takes two positive row counts, e.g. 10000,100000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with platform_database(args, prefix="jiedao-bench-exchange-", needs="registry") as space:
        log(f"sizes: {args.sizes[0]:,} and {args.sizes[1]:,} rows; repeat {args.repeat}")
        log("engine (no database):")
        engine_figures = bench_engine(args.sizes, args.repeat)
        app = build_app(space.url, space.workdir)
        from core.db import db

        with app.app_context():
            engine = db.engine
            build_street(app, engine, *args.sizes)
            env = environment(engine)
        log("route (registry.residents through the app):")
        route_figures = bench_route(app, args.sizes, args.repeat)
    report = {
        "environment": env,
        "sizes": args.sizes,
        "repeat": args.repeat,
        "engine": engine_figures,
        "route": route_figures,
        "memory_ratio_large_to_small": {
            "engine": flatness(engine_figures, args.sizes),
            "route": flatness(route_figures, args.sizes),
        },
        "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    ratios = report["memory_ratio_large_to_small"]
    log(
        f"memory at {args.sizes[1]:,} rows ÷ at {args.sizes[0]:,}: engine {ratios['engine']}, "
        f"route {ratios['route']} (1.0 = flat)"
    )
    name = f"exchange-{env['dialect']}" + ("-smoke" if args.smoke else "")
    write_report(report, name, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the registry's resident import: N residents from one xlsx into one community.

Why: a community onboards its residents from the sheets it keeps (tens of thousands in a big
community); issue 16 asks for 50,000 residents in under 30 s with memory flat in the number of
rows, every record with its history entry and the import still all or nothing. This script
builds a street of two communities (the registry on in both, 20 buildings in the first), signs a
street admin in (a request context, so the check for the same ID in another community runs as
on the page), and times, for one xlsx of ``--rows`` residents (name, ID, mobile, status,
building, address; every 100th ID already live in the other community, so that row is taken
with a warning):

1. **read**: ``core.exchange.read_upload`` of the xlsx alone (openpyxl);
2. **check**: ``tenants.import_views.run_ledger_import(dry_run=True)`` — every row through the
   schema and the writer, rolled back;
3. **import**: the same with ``dry_run=False`` and the commit;
4. **bare insert**: the same residents as one Core ``insert()`` executemany and a commit — the
   floor (ratio = import ÷ bare insert).

After each import it checks that every resident has its history entry and its audit entry, and
prints the statements sent. Residents, history and audit entries are deleted between runs,
outside the timed region. Memory: the process's peak RSS growth over its first import (the
high-water mark read before and after, before any other import has raised it; run each size in
its own process to compare sizes). Figures are medians of ``--repeat`` runs; nothing asserts.

    python benchmarks/bench_registry_import.py                     # SQLite, 50,000 rows
    python benchmarks/bench_registry_import.py --rows 5000 --repeat 1
    python benchmarks/bench_registry_import.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
    python benchmarks/bench_registry_import.py --smoke             # 300 rows, seconds
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bench_registry import AREAS, GIVEN, SURNAMES, check_char
from common import Stats, arguments, clean_up, environment, log, prepare_database, write_report
from openpyxl import Workbook
from sqlalchemy.engine import make_url

from core import migrate
from core.plugins import load_plugins

PASSWORD = "bench-import-password"
STREET, HOME, OTHER = "110105001", "110105001001", "110105001002"
BUILDINGS = 20
HEADERS = ["姓名", "身份证号", "手机号码", "居住状态", "楼栋", "现住址"]


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


def resident(i: int, rng: random.Random) -> tuple[str, str, str]:
    """(name, a valid GB 11643 ID unique per ``i``, mobile)."""
    born = date(1940, 1, 1) + timedelta(days=(i // 1000 * 7919) % (365 * 60))
    body = f"{AREAS[i % len(AREAS)]}{born:%Y%m%d}{i % 1000:03d}"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    return name, body + check_char(body), f"13{rng.randrange(10**9):09d}"


def sheet_rows(count: int) -> list[list[str]]:
    rng = random.Random(5)
    rows = []
    for i in range(1, count + 1):
        name, number, mobile = resident(i, rng)
        status = "流动人口" if i % 10 == 0 else "户籍居民"
        building = f"{i % BUILDINGS + 1}号楼"
        rows.append([name, number, mobile, status, building, f"建外街道{building}{i % 30 + 101}室"])
    return rows


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_street(app: Any, rows: list[list[str]]) -> dict[str, int]:
    """The street, its two communities, the buildings, the admin; every 100th ID of the sheet
    registered in the other community already."""
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
        home = tree.create_node(
            db.session, parent=street, kind="community", code=HOME, name="永安里东社区"
        )
        other = tree.create_node(
            db.session, parent=street, kind="community", code=OTHER, name="建国里社区"
        )
        for n in range(1, BUILDINGS + 1):
            tree.create_node(
                db.session, parent=home, kind="building", code=f"{n:02d}", name=f"{n}号楼"
            )
        for community in (home, other):
            modules.enable(db.session, community, "registry")
        user = accounts.create_user(
            db.session,
            username="street_admin",
            display_name="街道管理员",
            password=PASSWORD,
            home_node_id=street.id,
        )
        accounts.assign_builtin(db.session, user, "street_admin", street.as_ref())
        now = datetime.now(UTC)
        elsewhere = [
            {
                "node_id": other.id,
                "district_id": district.id,
                "street_id": street.id,
                "community_id": other.id,
                "name": name,
                "gender": "M" if int(number[16]) % 2 else "F",
                "id_number": number,
                "id_reversed": number[::-1],
                "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                "status": "registered",
                "created_at": now,
                "updated_at": now,
            }
            for name, number, *_ in rows[99::100]
        ]
        if elsewhere:
            db.session.execute(sa.insert(RegistryResident), elsewhere)
        db.session.commit()
        return {
            "district": district.id,
            "street": street.id,
            "home": home.id,
            "other": other.id,
            "user": user.id,
        }


def clean(home_id: int) -> None:
    """Remove what an import wrote (outside the timed region)."""
    from core.db import db
    from core.models import AuditLog
    from core.records.history import RecordChange
    from plugins.registry.models import RegistryResident, RegistryResidentTag

    db.session.rollback()
    ids = sa.select(RegistryResident.id).where(RegistryResident.community_id == home_id)
    db.session.execute(
        sa.delete(RegistryResidentTag).where(RegistryResidentTag.resident_id.in_(ids))
    )
    db.session.execute(sa.delete(RecordChange))
    db.session.execute(sa.delete(AuditLog))
    db.session.execute(sa.delete(RegistryResident).where(RegistryResident.community_id == home_id))
    db.session.commit()
    db.session.expunge_all()


def count_statements(engine: Any) -> Callable[[], int]:
    sent = [0]

    def on_execute(*_args: Any) -> None:
        sent[0] += 1

    sa.event.listen(engine, "before_cursor_execute", on_execute)

    def read() -> int:
        value = sent[0]
        sent[0] = 0
        return value

    return read


def run(args: argparse.Namespace, url: str, workdir: Path) -> dict[str, Any]:
    from flask_login import login_user

    from core.db import db
    from core.exchange import read_upload
    from core.models import AuditLog, User
    from core.records.history import RecordChange
    from plugins.registry.ledgers import residents
    from plugins.registry.models import RegistryResident
    from tenants.import_views import run_ledger_import
    from tenants.models import Node

    app = build_app(url, workdir)
    rows = sheet_rows(args.rows)
    content = xlsx(rows)
    ids = build_street(app, rows)
    with app.app_context():
        engine = db.engine
        env = environment(engine)
    statements = count_statements(engine)
    spec = residents.import_spec()
    sent: dict[str, int] = {}
    checks: dict[str, Any] = {}

    def in_request(fn: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            with app.test_request_context("/"):
                login_user(db.session.get(User, ids["user"]))
                statements()
                return fn()

        return call

    def read() -> None:
        read_upload("居民.xlsx", content)

    def check() -> None:
        community = db.session.get(Node, ids["home"])
        report = run_ledger_import(community, spec, "居民.xlsx", content, dry_run=True)
        assert report.ok and report.written == args.rows, report.errors[:3]
        db.session.rollback()
        sent["check"] = statements()

    def full() -> None:
        community = db.session.get(Node, ids["home"])
        report = run_ledger_import(community, spec, "居民.xlsx", content, dry_run=False)
        assert report.ok and report.written == args.rows, report.errors[:3]
        db.session.commit()
        sent["import"] = statements()
        checks["warnings"] = len(report.warnings)

    def bare() -> None:
        now = datetime.now(UTC)
        values = [
            {
                "node_id": ids["home"],
                "district_id": ids["district"],
                "street_id": ids["street"],
                "community_id": ids["home"],
                "name": name,
                "gender": "M" if int(number[16]) % 2 else "F",
                "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                "id_number": number,
                "id_reversed": number[::-1],
                "mobile": mobile,
                "status": "registered",
                "current_address": address,
                "created_at": now,
                "updated_at": now,
            }
            for name, number, mobile, _status, _building, address in rows
        ]
        db.session.execute(sa.insert(RegistryResident), values)
        db.session.commit()
        sent["bare_insert"] = statements()

    def verify() -> None:
        """Every imported resident has one history entry and one audit entry."""
        made = sa.select(RegistryResident.id).where(RegistryResident.community_id == ids["home"])
        checks["residents"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(made.subquery())
        )
        checks["history"] = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(RecordChange.object_id))).where(
                RecordChange.object_type == "registry.resident",
                RecordChange.action == "create",
                RecordChange.object_id.in_(made),
            )
        )
        checks["audit"] = db.session.scalar(
            sa.select(sa.func.count()).where(AuditLog.action == "registry.resident.create")
        )

    def time_runs(
        name: str, fn: Callable[[], Any], after: Callable[[], Any] | None = None
    ) -> Stats:
        samples = []
        for _ in range(args.repeat):
            with app.app_context():
                gc.collect()
                start = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - start)
                if after is not None:
                    after()
                clean(ids["home"])
        stats = Stats.of(samples)
        log(
            f"  {name:<12} median {stats.median / 1000:8.2f} s  (min {stats.min / 1000:.2f},"
            f" max {stats.max / 1000:.2f}, n={stats.n})  {args.rows / (stats.median / 1000):>8,.0f}"
            f" rows/s  {sent.get(name, 0):>7,} statements"
        )
        return stats

    log(
        f"{env['dialect']} {env['server_version']} · {args.rows:,} residents · xlsx {len(content):,} bytes"
    )
    # Memory first, before any other import has raised the process's high-water mark: the
    # peak RSS growth over one import (read, check, write, commit) of this size. Compare sizes
    # by running each in its own process (--rows 10000, --rows 50000).
    with app.app_context():
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        in_request(full)()
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        clean(ids["home"])
    log(f"  peak RSS growth over the first import: {growth:.1f} MiB")
    figures = {
        "read": time_runs("read", read),
        "check": time_runs("check", in_request(check)),
        "import": time_runs("import", in_request(full), verify),
        "bare_insert": time_runs("bare_insert", in_request(bare)),
    }
    log(
        f"  checked after each import: {checks['residents']:,} residents, {checks['history']:,}"
        f" with a history entry, {checks['audit']:,} audit entries, {checks['warnings']:,} warnings"
    )
    ratio = figures["import"].median / figures["bare_insert"].median
    log(f"  import ÷ bare insert: {ratio:.1f}×; peak RSS growth over one import: {growth:.1f} MiB")
    return {
        "environment": env,
        "rows": args.rows,
        "xlsx_bytes": len(content),
        "figures": {k: v.as_dict() for k, v in figures.items()},
        "rows_per_s": {k: args.rows / (v.median / 1000) for k, v in figures.items()},
        "statements": sent,
        "checks": checks,
        "ratio_import_to_bare_insert": ratio,
        "peak_rss_growth_mib": round(growth, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, "bench_registry_import", repeat=3, smoke="300 rows, one run")
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.repeat = 300, 1
    workdir = Path(tempfile.mkdtemp(prefix="jiedao-bench-registry-import-"))
    url = prepare_database(args.database_url, args.schema, workdir)
    log(f"database: {make_url(url).render_as_string(hide_password=True)}")
    plugins = load_plugins()
    if not plugins.is_active("registry"):
        raise SystemExit("the registry plugin is not installed: pip install -e . first")
    migrate.upgrade(url, plugins=plugins)
    try:
        report = run(args, url, workdir)
    finally:
        clean_up(url, args.schema, workdir, keep=args.keep)
    name = f"registry-import-{report['environment']['dialect']}" + ("-smoke" if args.smoke else "")
    write_report(report, name, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

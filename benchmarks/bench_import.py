"""Benchmark the spreadsheet import of the tree: 10,000 buildings from one xlsx.

Why: district admins onboard whole streets from the sheets they keep; the issue's goal is that
validating and importing 10,000 buildings takes under 10 s on SQLite and PostgreSQL. This script
times, on a district of 10 communities:

1. **read**: ``core.exchange.read_table`` of the xlsx alone;
2. **check**: ``tenants.imports.import_tree(..., dry_run=True)`` — read and validate every row
   against the database and the file, write nothing;
3. **import**: ``import_tree(..., dry_run=False)`` and the commit — read, validate, the new ids
   reserved in one statement, one executemany INSERT of whole rows (paths and keys included) per
   batch, the ``node.create`` audit entries by INSERT … SELECT from the new rows, the
   ``jiedao_node_created`` hook per node where a plugin implements it, the summary entry;
4. **bare insert**: the same 10,000 rows through one SQLAlchemy ``insert(Node)`` executemany and
   a commit — the floor the import is compared with (ratio = import ÷ bare insert).

Between runs the buildings (and audit entries) are deleted, outside the timed region. Figures
are medians of ``--repeat`` runs after one warm-up; rows/s = rows ÷ median. Nothing asserts.

    python benchmarks/bench_import.py                     # SQLite file in a temp dir
    python benchmarks/bench_import.py --smoke             # 500 rows, a few seconds
    python benchmarks/bench_import.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import Stats, arguments, clean_up, environment, log, prepare_database, write_report
from openpyxl import Workbook

from core import migrate
from core.db import db

COMMUNITIES = 10


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


def build_tree() -> list[str]:
    """A district, a street and its communities; returns the community codes."""
    from tenants import services

    district = services.create_node(
        db.session, parent=None, kind="district", code="110105", name="朝阳区"
    )
    street = services.create_node(
        db.session, parent=district, kind="street", code="110105001", name="建外街道"
    )
    codes = []
    for i in range(1, COMMUNITIES + 1):
        code = f"110105001{i:03d}"
        services.create_node(
            db.session, parent=street, kind="community", code=code, name=f"社区{i}"
        )
        codes.append(code)
    db.session.commit()
    return codes


def building_rows(communities: list[str], count: int) -> list[list[str]]:
    per = -(-count // len(communities))
    rows = []
    for community in communities:
        for n in range(1, per + 1):
            if len(rows) == count:
                break
            rows.append(["楼栋", f"{n:04d}", f"{n}号楼", community, ""])
    return rows


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("区划")
    sheet.append(["类型", "代码", "名称", "上级代码", "所属网格"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean() -> None:
    """Remove the imported buildings and every audit entry (outside the timed region)."""
    from core.models import AuditLog
    from tenants.models import Node

    db.session.execute(sa.delete(AuditLog))
    db.session.execute(sa.delete(Node).where(Node.kind == "building"))
    db.session.commit()
    db.session.expunge_all()


def time_runs(fn: Callable[[], object], repeat: int) -> Stats:
    fn()
    clean()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
        clean()
    return Stats.of(samples)


def run(url: str, rows_count: int, repeat: int, instance: Path) -> dict[str, Any]:
    from core.reports import read_table
    from tenants import imports
    from tenants.models import Node

    migrate.upgrade(url)
    app = build_app(url, instance)
    with app.app_context():
        communities = build_tree()
        rows = building_rows(communities, rows_count)
        content = xlsx(rows)
        parents = {
            ref: node_id
            for node_id, ref in db.session.execute(
                sa.select(Node.id, Node.ref).where(Node.kind == "community")
            )
        }

        def read() -> None:
            read_table("b.xlsx", content)

        def check() -> None:
            result = imports.import_tree(db.session, "b.xlsx", content, scope=None, dry_run=True)
            assert result.ok and result.created == rows_count, result.errors[:3]
            db.session.rollback()

        def full() -> None:
            result = imports.import_tree(db.session, "b.xlsx", content, scope=None, dry_run=False)
            assert result.ok and result.created == rows_count, result.errors[:3]
            db.session.commit()

        def bare() -> None:
            values = [
                {
                    "parent_id": parents[r[3]],
                    "kind": "building",
                    "code": r[1],
                    "ref": f"{r[3]}-b{r[1]}",
                    "name": r[2],
                    "status": "active",
                    "path": "",
                    "depth": 3,
                }
                for r in rows
            ]
            db.session.execute(sa.insert(Node), values)
            db.session.commit()

        figures = {
            "read": time_runs(read, repeat),
            "check": time_runs(check, repeat),
            "import": time_runs(full, repeat),
            "bare_insert": time_runs(bare, repeat),
        }
        env = environment(db.engine)
    report: dict[str, Any] = {
        "environment": env,
        "rows": rows_count,
        "xlsx_bytes": len(content),
        "figures": {k: v.as_dict() for k, v in figures.items()},
        "rows_per_s": {k: rows_count / (v.median / 1000) for k, v in figures.items()},
        "ratio_import_to_bare_insert": figures["import"].median / figures["bare_insert"].median,
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, "bench_import", repeat=5, smoke="500 rows, 2 runs")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.repeat = 500, 2
    tmp = Path(tempfile.mkdtemp(prefix="jiedao-bench-import-"))
    url = prepare_database(args.database_url, args.schema, tmp)
    try:
        report = run(url, args.rows, args.repeat, tmp / "instance")
    finally:
        clean_up(url, args.schema, tmp, keep=args.keep)
    env = report["environment"]
    log(
        f"{env['dialect']} {env['server_version']} · {report['rows']} buildings"
        f" · xlsx {report['xlsx_bytes']} bytes"
    )
    for name, fig in report["figures"].items():
        log(
            f"  {name:<12} median {fig['median_ms']:8.0f} ms  (min {fig['min_ms']:.0f}, "
            f"max {fig['max_ms']:.0f}, n={fig['n']})  {report['rows_per_s'][name]:>9.0f} rows/s"
        )
    log(f"  import ÷ bare insert: {report['ratio_import_to_bare_insert']:.1f}×")
    name = env["dialect"] + ("-smoke" if args.smoke else "")
    write_report(report, f"import-{name}", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

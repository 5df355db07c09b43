"""What the benchmark scripts share: figures of repeated runs, the database to build in, and a
description of the machine. Imported by the scripts as ``common`` (they run from this folder)."""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

import core
from core import migrate
from core.db import make_engine
from core.plugins import PluginSystem, load_plugins

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Stats:
    """Wall-clock figures of repeated runs, in milliseconds."""

    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, samples_s: list[float]) -> Stats:
        ms = [s * 1000 for s in samples_s]
        return cls(statistics.median(ms), min(ms), max(ms), len(ms))

    def as_dict(self) -> dict[str, float]:
        return {"median_ms": self.median, "min_ms": self.min, "max_ms": self.max, "n": self.n}


RESULTS_DIR = Path(__file__).resolve().parent / "results"


def log(message: str) -> None:
    print(message, flush=True)


def arguments(
    doc: str | None,
    schema: str,
    *,
    repeat: int,
    smoke: str,
    seed: int | None = None,
) -> argparse.ArgumentParser:
    """The parser every benchmark starts from: where it builds (``--database-url``,
    ``--schema``), what it keeps (``--keep``, ``--output``), ``--repeat``, ``--smoke`` (what CI
    runs: ``smoke`` says what it does) and, if ``seed`` is given, ``--seed``. A script adds its
    own sizes and options to it."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    database_arguments(parser, schema)
    parser.add_argument("--repeat", type=int, default=repeat, help=f"runs (default {repeat})")
    parser.add_argument("--smoke", action="store_true", help=smoke)
    if seed is not None:
        parser.add_argument("--seed", type=int, default=seed)
    return parser


def is_postgres(url: str | None) -> bool:
    return bool(url and url.startswith("postgresql"))


def database_arguments(parser: Any, schema: str) -> None:
    """The options every benchmark takes about where it builds and what it keeps."""
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--schema", default=schema, help="PostgreSQL schema to (re)create")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir / PG schema")
    parser.add_argument("--output", type=Path, help="JSON path (default benchmarks/results/)")


def prepare_database(url: str | None, schema: str, sqlite_dir: Path) -> str:
    """The URL to benchmark against, with an empty place to build in.

    No URL: a fresh SQLite file in ``sqlite_dir``. An SQLite URL must name a file that does not
    exist yet (nothing real gets overwritten). PostgreSQL: the schema ``schema`` dropped,
    recreated and made the connection's ``search_path`` through the libpq ``options`` parameter,
    so no other schema is touched.
    """
    if url is None:
        return f"sqlite:///{sqlite_dir / 'bench.sqlite3'}"
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and Path(parsed.database).exists():
            raise SystemExit(f"{parsed.database} exists; give a new SQLite file (or no URL)")
        return url
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("only SQLite and PostgreSQL URLs are supported")
    if not SCHEMA_NAME.fullmatch(schema) or schema == "public":
        raise SystemExit("--schema must be a plain lower-case identifier other than public")
    admin = make_engine(parsed.render_as_string(hide_password=False))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    parsed = parsed.update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def drop_schema(url: str, schema: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


def write_report(report: dict[str, Any], name: str, output: Path | None = None) -> Path:
    """The figures as JSON in benchmarks/results/<name>.json (or ``output``)."""
    import json

    output = output or RESULTS_DIR / f"{name}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"\nwrote {output}")
    return output


def clean_up(url: str, schema: str, workdir: Path | None, *, keep: bool) -> None:
    """Drop the benchmark's PostgreSQL schema and its temporary folder, unless ``keep``."""
    import shutil

    from sqlalchemy.engine import make_url

    if keep:
        log(f"kept: {workdir or ''} {make_url(url).render_as_string(hide_password=True)}")
        return
    if make_url(url).get_backend_name() == "postgresql":
        drop_schema(url, schema)
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)


def environment(engine: Engine) -> dict[str, Any]:
    """What the figures were measured on."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            server = conn.exec_driver_sql("SHOW server_version").scalar()
        else:
            server = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
    return {
        "dialect": engine.dialect.name,
        "driver": engine.dialect.driver,
        "server_version": server,
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "core": core.__version__,
        "machine": f"{platform.system()} {platform.machine()}",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@dataclass(frozen=True)
class Workspace:
    """Where a benchmark builds: its temp dir, the database's URL and engine, the installed
    plugins, and how long the schema took to make."""

    workdir: Path
    url: str
    engine: Engine
    plugins: PluginSystem
    migrate_s: float


@contextmanager
def platform_database(
    args: argparse.Namespace, *, prefix: str = "jiedao-bench-", needs: str | None = None
) -> Iterator[Workspace]:
    """A temp dir and a database (SQLite in the dir, or ``args.schema`` on PostgreSQL) holding
    core's and every installed plugin's schema, removed afterwards unless ``--keep``: how the
    benchmarks that build on the platform start and end. ``needs`` names the plugin measured."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    url = prepare_database(args.database_url, args.schema, workdir)
    log(f"database: {make_url(url).render_as_string(hide_password=True)}")
    try:
        plugins = load_plugins()
        if needs and not plugins.is_active(needs):
            raise SystemExit(f"the {needs} plugin is not installed: pip install -e . first")
        start = time.perf_counter()
        migrate.upgrade(url, plugins=plugins)
        migrate_s = time.perf_counter() - start
        engine = make_engine(url)
        try:
            yield Workspace(workdir, url, engine, plugins, migrate_s)
        finally:
            engine.dispose()
    finally:
        clean_up(url, args.schema, workdir, keep=args.keep)

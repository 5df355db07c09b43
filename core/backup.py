"""Backup and restore of an installation: the database and the uploaded files in one archive.

An archive is a gzipped tar holding, in this order:

``manifest.json``
    format, time, database kind, schema revision heads, rows per table, files and their bytes,
    the Jiedao version and a fingerprint of the secret key (never the key itself).
``database.dump`` or ``database.sqlite3``
    PostgreSQL: ``pg_dump --format=custom``, taken in the snapshot the rows were counted in
    (``pg_export_snapshot``). SQLite: a copy made with SQLite's online-backup API, consistent
    while the app keeps writing.
``uploads/<module>/<file>``
    every file under ``<instance>/uploads`` (upload temporaries left out).

The database is copied before the files: a file is in place once its row's transaction commits
(:mod:`core.attachments.storage`), so every row in the copy finds its file in the archive.

Restore refuses a target that holds any table or uploaded file unless ``force`` is given, then
empties it, loads the database, puts the files in place and checks every table's rows against the
manifest. Values sealed in history open only with the same ``JIEDAO_SECRET_KEY``: keep it with
the backup (apart from it); restore warns when the key differs.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from flask import Flask
from sqlalchemy.engine import Connection, Engine, make_url

from core import __version__, clock, migrate

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ALEMBIC_TABLE = "alembic_version"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


class TargetNotEmpty(BackupError):
    """Restore was asked for a database or uploads folder that already holds data."""


@dataclass
class Manifest:
    """What an archive holds, written as ``manifest.json`` and checked again after a restore."""

    database: str
    created_at: str
    heads: list[str]
    tables: dict[str, int]
    files: int = 0
    file_bytes: int = 0
    jiedao_version: str = __version__
    key_fingerprint: str = ""
    format: int = FORMAT
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> bytes:
        data = asdict(self)
        data.pop("warnings")
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {data.get('format')!r} (this is {FORMAT}).")
        known = set(cls.__dataclass_fields__) - {"warnings"}
        return cls(**{key: value for key, value in data.items() if key in known})


# --- the database ----------------------------------------------------------------------------


def database_kind(url: str) -> str:
    """``postgresql`` or ``sqlite``; any other database cannot be backed up here."""
    kind = make_url(url).get_backend_name()
    if kind not in DUMP_NAMES:
        raise BackupError(f"Backup supports PostgreSQL and SQLite, not {kind}.")
    return kind


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table of the connection's schema, by table name."""
    return {
        name: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0
        for name in sorted(sa.inspect(conn).get_table_names())
    }


def schema_heads(conn: Connection) -> list[str]:
    """The Alembic revisions the database is at (the rows of ``alembic_version``: the newest of
    each branch that no other branch depends on)."""
    if not sa.inspect(conn).has_table(ALEMBIC_TABLE):
        return []
    return sorted(conn.scalars(sa.text(f"SELECT version_num FROM {ALEMBIC_TABLE}")))


def key_fingerprint(secret: str | bytes | None) -> str:
    """A one-way tag of the secret key, so restore can tell whether sealed values will open."""
    if not secret:
        return ""
    material = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(material, b"jiedao backup key fingerprint", hashlib.sha256).hexdigest()[:16]


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Backup needs an SQLite database in a file.")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online-backup API (readers and writers of
    ``source`` may go on; ``target`` is overwritten page by page)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` and the environment carrying its password (kept
    out of the command line, where other users of the machine could read it)."""
    parsed = make_url(url)
    params: dict[str, Any] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
        **parsed.query,
    }

    def quoted(value: Any) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    conninfo = " ".join(f"{key}={quoted(value)}" for key, value in params.items() if value)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return conninfo, env


def _run_pg_tool(tool: str, *args: str, url: str) -> None:
    """Run ``pg_dump`` or ``pg_restore`` against ``url``; its complaint becomes the error."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client tools (the server's major "
            "version or newer) and put them on PATH."
        )
    conninfo, env = _libpq(url)
    done = subprocess.run(
        [program, *args, "--dbname", conninfo], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")


def _dump_database(url: str, engine: Engine, target: Path) -> Manifest:
    """Write the database to ``target``; a manifest with its heads and rows per table."""
    kind = database_kind(url)
    created_at = clock.now().isoformat(timespec="seconds")
    if kind == "sqlite":
        _sqlite_copy(_sqlite_path(url), target)
        copy = sa.create_engine(f"sqlite:///{target}")
        try:
            with copy.connect() as conn:
                return Manifest(kind, created_at, schema_heads(conn), table_counts(conn))
        finally:
            copy.dispose()
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            manifest = Manifest(kind, created_at, schema_heads(conn), table_counts(conn))
            # pg_dump reads the very snapshot the rows were counted in, while it stays open
            _run_pg_tool(
                "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
                url=url,
            )  # fmt: skip
    return manifest


def schema_note(heads: list[str], config: Config) -> str:
    """What to do when the restored schema is not this installation's newest (empty if it is)."""
    script = ScriptDirectory.from_config(config)
    try:
        reached = {revision.revision for revision in script.iterate_revisions(heads, "base")}
    except RevisionError:
        return (
            f"The backup's schema ({', '.join(heads)}) has revisions this installation does not "
            "know: it was made by a newer Jiedao or with plugins not installed here."
        )
    if set(script.get_heads()) <= reached:
        return ""
    return "The backup's schema is older than this installation's: run `jiedao db upgrade`."


def _tables_of(engine: Engine) -> list[str]:
    """The tables a database already has (an empty one: none)."""
    with engine.connect() as conn:
        return sorted(sa.inspect(conn).get_table_names())


def _empty_postgres(engine: Engine) -> None:
    """Drop everything in the target's schema (restore with ``force``; SQLite needs no such
    step, as the online-backup API overwrites the whole file). ``public`` is made again at once:
    pg_dump leaves it out, taking it to exist; a dump creates any other schema itself."""
    with engine.begin() as conn:
        schema = conn.scalar(sa.text("SELECT current_schema()"))
        conn.execute(
            sa.text(f"DROP SCHEMA {conn.dialect.identifier_preparer.quote(schema)} CASCADE")
        )
        if schema == "public":
            conn.execute(sa.text("CREATE SCHEMA public"))


def _load_database(url: str, engine: Engine, dump: Path) -> None:
    engine.dispose()  # no pooled connection may outlive the database it was opened on
    if database_kind(url) == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump, target)
    else:
        _run_pg_tool(
            "pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
            "--no-privileges", str(dump), url=url,
        )  # fmt: skip
    engine.dispose()


# --- the uploaded files ----------------------------------------------------------------------


def uploads_folder(app: Flask) -> Path:
    """``<instance>/uploads``, the folder of every module's attachments (see
    :func:`core.attachments.storage.folder`)."""
    return Path(app.instance_path) / UPLOADS


def uploaded_files(folder: Path) -> Iterator[Path]:
    """The files below ``folder``, upload temporaries (``.<uuid>.part``) left out."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            yield path


def _replace_folder(target: Path, staged: Path) -> None:
    """Put ``staged`` where ``target`` is, the old content removed only once the new is there."""
    if target.exists():
        old = target.with_name(f".{target.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staged.rename(target)
        shutil.rmtree(old)
    else:
        staged.rename(target)


# --- the archive -----------------------------------------------------------------------------


def default_archive_name() -> str:
    return f"jiedao-backup-{clock.now().strftime('%Y%m%d-%H%M%S')}.tar.gz"


def backup(app: Flask, archive: Path) -> Manifest:
    """Write the app's database and uploaded files to ``archive`` (replaced only when complete);
    returns its manifest."""
    url = app.config["DATABASE_URL"]
    archive = archive.resolve()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jiedao-backup-", dir=archive.parent) as work:
        dump = Path(work) / DUMP_NAMES[database_kind(url)]
        manifest = _dump_database(url, app.extensions["jiedao.engine"], dump)
        folder = uploads_folder(app)
        files = list(uploaded_files(folder))
        manifest.files = len(files)
        manifest.file_bytes = sum(path.stat().st_size for path in files)
        manifest.key_fingerprint = key_fingerprint(app.secret_key)
        partial = Path(work) / archive.name
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            raw = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(raw), int(clock.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(raw))
            tar.add(dump, arcname=dump.name)
            for path in files:
                tar.add(path, arcname=f"{UPLOADS}/{path.relative_to(folder).as_posix()}")
        partial.chmod(0o600)  # the archive holds personal data
        os.replace(partial, archive)
    return manifest


def read_manifest(archive: Path) -> Manifest:
    """The manifest of ``archive`` (its first member)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST:
                raise BackupError(f"{archive} is not a Jiedao backup (no {MANIFEST} first).")
            raw = tar.extractfile(member)
            assert raw is not None
            return Manifest.from_json(raw.read())
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"Cannot read {archive}: {exc}") from exc


def _unpack(archive: Path, into: Path) -> None:
    """Extract ``archive`` into ``into`` (regular files and folders only, nothing outside it)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot unpack {archive}: {exc}") from exc


def _refuse_unless_empty(tables: list[str], files: list[Path], folder: Path) -> None:
    """Raise :class:`TargetNotEmpty`, naming what the target holds, if it holds anything."""
    held = []
    if tables:
        more = ", …" if len(tables) > 3 else ""
        held.append(f"{len(tables)} tables ({', '.join(tables[:3])}{more})")
    if files:
        held.append(f"{len(files)} uploaded files in {folder}")
    if held:
        raise TargetNotEmpty(
            f"The target is not empty: it holds {' and '.join(held)}. Restore writes only into "
            "an empty database; run it again with --force to delete all of that and replace it "
            "with the backup."
        )


def _check_restored(manifest: Manifest, engine: Engine, folder: Path) -> None:
    """Raise :class:`BackupError` unless every table's rows and the files match the manifest."""
    with engine.connect() as conn:
        restored = table_counts(conn)
    differing = sorted(
        name
        for name in set(restored) | set(manifest.tables)
        if restored.get(name) != manifest.tables.get(name)
    )
    if differing:
        raise BackupError(f"Restored rows differ from the manifest in: {', '.join(differing)}.")
    restored_files = len(list(uploaded_files(folder)))
    if restored_files != manifest.files:
        raise BackupError(f"Restored {restored_files} files; the manifest lists {manifest.files}.")


def restore(app: Flask, archive: Path, force: bool = False) -> Manifest:
    """Load ``archive`` into the app's database and uploads folder, which must be empty unless
    ``force`` (then their content is replaced). Checks every table's rows and the files against
    the manifest; the manifest's ``warnings`` say what the operator should still do."""
    url = app.config["DATABASE_URL"]
    engine: Engine = app.extensions["jiedao.engine"]
    manifest = read_manifest(archive)
    kind = database_kind(url)
    if manifest.database != kind:
        raise BackupError(
            f"This backup holds a {manifest.database} database; the target is {kind}."
        )
    folder = uploads_folder(app)
    tables = _tables_of(engine)
    if not force:
        _refuse_unless_empty(tables, list(uploaded_files(folder)), folder)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jiedao-restore-", dir=instance) as work:
        unpacked = Path(work)
        _unpack(archive, unpacked)
        dump = unpacked / DUMP_NAMES[kind]
        if not dump.is_file():
            raise BackupError(f"{archive} holds no {dump.name}.")
        staged = unpacked / UPLOADS
        staged.mkdir(exist_ok=True)
        if tables and kind == "postgresql":
            _empty_postgres(engine)
        _load_database(url, engine, dump)
        _replace_folder(folder, staged)
    _check_restored(manifest, engine, folder)
    config = migrate.alembic_config(url, plugins=app.extensions["jiedao.plugins"])
    note = schema_note(manifest.heads, config)
    if note:
        manifest.warnings.append(note)
    if manifest.key_fingerprint and manifest.key_fingerprint != key_fingerprint(app.secret_key):
        manifest.warnings.append(
            "The secret key differs from the one the backup was made with: values sealed in "
            "history will read as withheld, and sessions signed with the old key no longer "
            "count. Set JIEDAO_SECRET_KEY to the old key to open them."
        )
    return manifest

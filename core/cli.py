"""The ``jiedao`` command line: database, dev server, demo; components add their own commands."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from flask import Flask

from core.config import ConfigError

if TYPE_CHECKING:
    from core.plugins import PluginSystem

_app: Flask | None = None


def _migrate(app: Flask, action: Callable[..., None], revision: str) -> None:
    """Move ``app``'s database to ``revision`` with ``action`` (``migrate.upgrade`` or
    ``downgrade``), the installed plugins' branches included; both commands run it so, and an
    unknown revision is a usage error rather than a traceback."""
    from core.migrate import UnknownRevision

    try:
        action(app.config["DATABASE_URL"], revision, plugins=app.extensions["jiedao.plugins"])
    except UnknownRevision as exc:
        raise click.ClickException(str(exc)) from None


def get_app(serving: bool = False) -> Flask:
    """The app for this process (created on first use, from the environment). Only a command
    that serves it needs ``JIEDAO_SECRET_KEY`` in production."""
    global _app
    if _app is None:
        from core.app import create_app

        try:
            _app = create_app(serving=serving)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return _app


@contextmanager
def app_context(serving: bool = False) -> Iterator[Flask]:
    app = get_app(serving)
    with app.app_context():
        yield app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jiedao")
def cli() -> None:
    """Jiedao (街道): a multi-tenant platform for street offices."""


@cli.group()
def db() -> None:
    """Database schema (Alembic migrations of core and components)."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database to the newest schema (core and every installed plugin's branch)."""
    from core import migrate
    from core.accounts.services import sync_builtin_roles
    from core.db import db as database

    with app_context() as app:
        _migrate(app, migrate.upgrade, revision)
        if revision == "heads":
            sync_builtin_roles(database.session)  # plugins' default grants to built-in roles
            database.session.commit()
    click.echo(
        "Database is at the newest schema." if revision == "heads" else f"Upgraded to {revision}."
    )


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the schema back to REVISION (``base`` empties the database; ``PLUGIN@base`` removes
    one plugin's tables)."""
    from core import migrate

    with app_context() as app:
        _refuse_dropping_a_running_module(revision)
        _migrate(app, migrate.downgrade, revision)
    click.echo(f"Downgraded to {revision}.")


def _refuse_dropping_a_running_module(revision: str) -> None:
    """``PLUGIN@base`` drops the plugin's tables: refused while its module is on at any
    community, whatever this process loads, since every server running the module would answer
    its pages with errors on missing tables. Switching it off first makes the loss deliberate."""
    import sqlalchemy as sa
    from flask_babel import gettext as _

    from core.db import db as database
    from core.tenancy import MODULE_TABLE, enabled_communities
    from core.tree import node_table

    module, _at, target = revision.partition("@")
    if target != "base" or not sa.inspect(database.engine).has_table(MODULE_TABLE):
        return
    places = database.session.execute(
        sa.select(node_table.c.ref, node_table.c.name)
        .where(node_table.c.id.in_(enabled_communities(module)))
        .order_by(node_table.c.ref)
    ).all()
    database.session.remove()
    if places:
        shown = "、".join(f"{name} ({ref})" for ref, name in places[:5])
        raise click.ClickException(
            _(
                "The module %(module)s is on in %(count)s communities: %(places)s. Switch it "
                "off everywhere first (the Modules page, or `jiedao modules disable %(module)s "
                "--node <district code>`): the downgrade drops its tables and their data.",
                module=module,
                count=len(places),
                places=shown + ("…" if len(places) > 5 else ""),
            )
        )


def _default_env(mode: str) -> None:
    """``JIEDAO_ENV`` for a command with its own default; set but empty counts as unset."""
    if not os.environ.get("JIEDAO_ENV", "").strip():
        os.environ["JIEDAO_ENV"] = mode


def _serve(app: Flask, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    click.echo(f" * Jiedao on http://{host}:{port}/  (Ctrl+C stops it)")
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the development server (use gunicorn in production)."""
    _default_env("development")
    _serve(get_app(serving=True), host, port)


@cli.group()
def plugins() -> None:
    """Installed plugins."""


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def plugins_list(as_json: bool) -> None:
    """Every installed plugin with version, status and, if broken, why."""
    import json

    with app_context() as app:
        system = app.extensions["jiedao.plugins"]
        rows = [
            {
                "name": info.name,
                "label": str(info.manifest.label) if info.manifest else info.name,
                "version": info.manifest.version if info.manifest else None,
                "core": info.manifest.core if info.manifest else None,
                "requires": list(info.manifest.requires) if info.manifest else [],
                "status": info.status,
                "reason": info.reason,
                "distribution": info.distribution,
            }
            for info in sorted(system.plugins.values(), key=lambda i: i.name)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No plugins are installed.")
    for row in rows:
        line = f"{row['name']:<20} {row['version'] or '-':<10} {row['status']:<7} {row['label']}"
        click.echo(line + (f"  ({row['reason']})" if row["reason"] else ""))


DEMO_PASSWORD = "jiedao-demo"
DEMO_SCALES = ("demo", "street")  # options["scale"] of the seed hooks


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed and print the accounts, then exit")
@click.option(
    "--scale",
    type=click.Choice(DEMO_SCALES),
    default="demo",
    show_default=True,
    help="street: one street of about 20,000 residents, for benchmarks (on a fresh database)",
)
def demo(host: str, port: int, no_serve: bool, scale: str) -> None:
    """Create or update the demo database (district 110105), print its accounts and serve it."""
    _default_env("demo")
    from core import migrate
    from core.db import db as database

    with app_context(serving=not no_serve) as app:
        if app.config["JIEDAO_ENV"] == "production":
            raise click.ClickException("The demo refuses to run with JIEDAO_ENV=production.")
        plugins = app.extensions["jiedao.plugins"]
        skipped = migrate.upgrade(app.config["DATABASE_URL"], plugins=plugins, skip_unknown=True)
        _warn_of_uninstalled_plugins(skipped, plugins)
        options: dict[str, Any] = {"password": DEMO_PASSWORD, "accounts": [], "scale": scale}
        plugins.call("jiedao_demo_seed", session=database.session, options=options)
        database.session.commit()
        click.echo(f"Demo database: {app.config['DATABASE_URL']}")
        click.echo(f"Accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, place in options["accounts"]:
            click.echo(f"  {username:<18} {role:<22} {place}")
    if not no_serve:
        _serve(app, host, port)


def _warn_of_uninstalled_plugins(revisions: list[str], plugins: PluginSystem) -> None:
    """One warning line each for what the database keeps of plugins no longer installed (their
    revisions, their switched-on modules); the demo goes on without them."""
    import sqlalchemy as sa
    from flask_babel import gettext as _

    from core.db import db as database
    from core.tenancy import module_table

    if revisions:
        click.echo(
            _(
                "Warning: the database holds revisions of plugins that are not installed "
                "(%(revisions)s); their tables stay as they are and the demo skips them. Install "
                "the plugin again, or run `jiedao db downgrade <plugin>@base` before uninstalling.",
                revisions=", ".join(revisions),
            ),
            err=True,
        )
    running = database.session.scalars(
        sa.select(module_table.c.module)
        .where(
            module_table.c.enabled.is_(True), module_table.c.module.not_in(list(plugins.plugins))
        )
        .distinct()
        .order_by(module_table.c.module)
    ).all()
    if running:
        click.echo(
            _(
                "Warning: modules switched on in the database are not installed (%(modules)s); "
                "the demo skips them.",
                modules=", ".join(running),
            ),
            err=True,
        )


@cli.command("backup")
@click.argument("archive", required=False, type=click.Path(dir_okay=False))
def backup_command(archive: str | None) -> None:
    """Write the database and the uploaded files to one archive ARCHIVE (default
    ./jiedao-backup-<time>.tar.gz): pg_dump on PostgreSQL, the online-backup API on SQLite."""
    from pathlib import Path

    from core import backup

    with app_context() as app:
        target = Path(archive or backup.default_archive_name())
        try:
            manifest = backup.backup(app, target)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
    size = target.stat().st_size / 1024 / 1024
    click.echo(
        f"Backed up {manifest.rows} rows in {len(manifest.tables)} tables and {manifest.files} "
        f"files ({manifest.database}, schema {', '.join(manifest.heads)}) to {target} "
        f"({size:.1f} MB)."
    )


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--force", is_flag=True, help="Delete what the target database and uploads folder hold first"
)
def restore_command(archive: str, force: bool) -> None:
    """Load ARCHIVE (made by `jiedao backup`) into the configured database and instance folder,
    which must be empty unless --force. Stop the app servers first."""
    from pathlib import Path

    from core import backup

    with app_context() as app:
        try:
            manifest = backup.restore(app, Path(archive), force=force)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored {manifest.rows} rows in {len(manifest.tables)} tables and {manifest.files} "
        f"files from the backup of {manifest.created_at}; every table's rows match the manifest."
    )
    for warning in manifest.warnings:
        click.echo(f"Warning: {warning}", err=True)


@cli.command()
@click.option("--workers", default=2, show_default=True, type=int, help="jobs run at once")
def worker(workers: int) -> None:
    """Run the background jobs (large exports and imports) from the queue JIEDAO_JOBS_URL names;
    keep one running beside the web servers (Ctrl+C stops it after the jobs at hand)."""
    from core import jobs

    app = get_app()
    queue = jobs.queue(app)
    if queue.immediate:
        raise click.ClickException(
            "JIEDAO_JOBS_URL is 'immediate': jobs run in the request, there is nothing to consume."
        )
    click.echo(f" * Jiedao worker: {workers} at once, queue {app.config['JOBS_URL']}")
    queue.huey.create_consumer(workers=workers, worker_type="thread").run()


@cli.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Count the entries that would go, delete nothing")
def audit_purge(dry_run: bool) -> None:
    """Delete audit entries older than JIEDAO_AUDIT_RETENTION_DAYS (0: keep them all)."""
    from core import audit_log
    from core.db import db as database

    with app_context() as app:
        days = app.config["AUDIT_RETENTION_DAYS"]
        if not days:
            click.echo("JIEDAO_AUDIT_RETENTION_DAYS is 0: the audit log keeps every entry.")
            return
        count = audit_log.purge(database.session, days, dry_run=dry_run)
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(f"{count} audit entries older than {days} days {verb}.")


def main() -> None:
    """Console-script entry: component commands join the group before it runs."""
    from core.plugins import load_plugins
    from core.scaffold import register as register_scaffold

    register_scaffold(cli)
    load_plugins().call("jiedao_cli", cli=cli)
    cli(prog_name="jiedao")

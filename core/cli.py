"""The ``jiedao`` command line: database, dev server, demo; components add their own commands."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask

from core.config import ConfigError

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


def get_app() -> Flask:
    """The app for this process (created on first use, from the environment)."""
    global _app
    if _app is None:
        from core.app import create_app

        try:
            _app = create_app()
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return _app


@contextmanager
def app_context() -> Iterator[Flask]:
    app = get_app()
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
        _migrate(app, migrate.downgrade, revision)
    click.echo(f"Downgraded to {revision}.")


def _serve(app: Flask, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    click.echo(f" * Jiedao on http://{host}:{port}/  (Ctrl+C stops it)")
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the development server (use gunicorn in production)."""
    os.environ.setdefault("JIEDAO_ENV", "development")
    _serve(get_app(), host, port)


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


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed and print the accounts, then exit")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create or update the demo database (district 110105), print its accounts and serve it."""
    os.environ.setdefault("JIEDAO_ENV", "demo")
    from core import migrate
    from core.db import db as database

    with app_context() as app:
        if app.config["JIEDAO_ENV"] == "production":
            raise click.ClickException("The demo refuses to run with JIEDAO_ENV=production.")
        plugins = app.extensions["jiedao.plugins"]
        migrate.upgrade(app.config["DATABASE_URL"], plugins=plugins)
        options: dict[str, Any] = {"password": DEMO_PASSWORD, "accounts": []}
        plugins.call("jiedao_demo_seed", session=database.session, options=options)
        database.session.commit()
        click.echo(f"Demo database: {app.config['DATABASE_URL']}")
        click.echo(f"Accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, place in options["accounts"]:
            click.echo(f"  {username:<18} {role:<22} {place}")
    if not no_serve:
        _serve(app, host, port)


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


def main() -> None:
    """Console-script entry: component commands join the group before it runs."""
    from core.plugins import load_plugins
    from core.scaffold import register as register_scaffold

    register_scaffold(cli)
    load_plugins().call("jiedao_cli", cli=cli)
    cli(prog_name="jiedao")

"""``jiedao create-admin``, ``jiedao modules``, and spreadsheet import/export of the tree
(``jiedao tenants import|export``) and of users (``jiedao users import|export``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask_babel import gettext as _

from core.cli import app_context
from core.db import db
from core.errors import DomainError


def register(cli: click.Group) -> None:
    @cli.command("create-admin")
    @click.argument("username")
    @click.option(
        "--district", "district_code", required=True, help="6-digit district code, e.g. 110105"
    )
    @click.option("--district-name", help="Name of the district, if it does not exist yet")
    @click.option("--display-name", default=None, help="Shown in the interface (default: username)")
    @click.password_option(help="Asked for if not given")
    def create_admin(
        username: str,
        district_code: str,
        district_name: str | None,
        display_name: str | None,
        password: str,
    ) -> None:
        """Create a district administrator (and the district, if new)."""
        from core.accounts import services as accounts
        from tenants import services
        from tenants.models import NodeKind

        with app_context():
            district = services.find_by_ref(db.session, district_code)
            try:
                if district is None:
                    if not district_name:
                        raise click.UsageError(
                            _(
                                "District %(code)s does not exist: give --district-name.",
                                code=district_code,
                            )
                        )
                    district = services.create_node(
                        db.session,
                        parent=None,
                        kind=NodeKind.DISTRICT,
                        code=district_code,
                        name=district_name,
                    )
                user = accounts.create_user(
                    db.session,
                    username=username,
                    display_name=display_name or username,
                    password=password,
                    home_node_id=district.id,
                )
                accounts.assign_builtin(db.session, user, "district_admin", district.as_ref())
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
                raise click.ClickException(f"{exc.message} {details}".strip()) from None
            click.echo(
                _(
                    "Created district admin %(user)s for %(name)s (%(code)s).",
                    user=username,
                    name=district.name,
                    code=district.code,
                )
            )

    @cli.group()
    def modules() -> None:
        """Switch program modules on or off at a community, or at all communities under a node."""

    def _switch(module: str, node_code: str, on: bool) -> None:
        from tenants import modules as module_service
        from tenants import services

        with app_context():
            node = services.find_by_ref(db.session, node_code)
            if node is None:
                raise click.ClickException(_("No place with code %(code)s.", code=node_code))
            try:
                if on:
                    result = module_service.enable(db.session, node, module)
                else:
                    result = module_service.disable(db.session, node, module)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from None
            for message in result.messages:
                click.echo(message)
            click.echo(
                _(
                    "%(module)s: changed at %(count)s communities.",
                    module=module,
                    count=len(result.changed),
                )
            )

    def add_switch_command(name: str, on: bool, doc: str) -> None:
        """``modules enable|disable MODULE --node CODE``: the same arguments either way."""

        @modules.command(name, help=doc)
        @click.argument("module")
        @click.option(
            "--node", "node_code", required=True, help="code of a community, street or district"
        )
        def switch(module: str, node_code: str) -> None:
            _switch(module, node_code, on)

    add_switch_command("enable", True, "Switch MODULE on (with the modules it needs).")
    add_switch_command("disable", False, "Switch MODULE off (its data stays).")

    register_imports(cli)


def _report(result: Any) -> None:
    """The import report as on the web page: row, column, value, reason; then the counts."""
    from tenants.imports import UserImportResult

    for error in result.errors:
        click.echo(
            _(
                "Row %(row)s\t%(column)s\t%(value)s\t%(reason)s",
                row=error["row"],
                column=error["column"] or "-",
                value=error["value"] if error["value"] is not None else "-",
                reason=error["reason"],
            ),
            err=True,
        )
    if result.errors:
        click.echo(
            _("%(count)s problems; nothing was written.", count=len(result.errors)), err=True
        )
        return
    counts = _(
        "%(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    if result.dry_run:
        click.echo(_("Dry run, nothing was written: %(counts)s", counts=counts))
    elif not (result.created or result.updated):
        click.echo(_("Nothing to change: %(counts)s", counts=counts))
    else:
        click.echo(counts)
    if isinstance(result, UserImportResult) and result.new_accounts:
        click.echo(
            _("One-time passwords (shown once; the users must change them at first sign-in):")
        )
        for account in result.new_accounts:
            click.echo(f"  {account.username}\t{account.display_name}\t{account.password}")


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows a bar once a file turns out to be large."""
    state: dict[str, Any] = {}

    def advance(step: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(
                length=total, label=_("Checking rows"), file=sys.stderr
            ).__enter__()
        state["bar"].update(step)

    try:
        yield advance
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


PROGRESS_FROM = 1000  # rows


def _importer_scope(username: str | None) -> tuple[Any, Any]:
    """(scope, actor): a named account's, or the operator's (None: everything)."""
    import sqlalchemy as sa

    from core.models import User
    from core.permissions import load_scope

    if not username:
        return None, None
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(_("No user %(name)s.", name=username))
    return load_scope(db.session, user.id), user


def _run_import(kind: str, path: str, dry_run: bool, username: str | None) -> None:
    from pathlib import Path

    from tenants import imports

    with app_context():
        scope, actor = _importer_scope(username)
        content = Path(path).read_bytes()
        with _progress_bar() as progress:
            run = imports.import_tree if kind == "tree" else imports.import_users
            result = run(
                db.session,
                Path(path).name,
                content,
                scope=scope,
                dry_run=dry_run,
                actor=actor,
                progress=progress,
            )
        if result.ok and not dry_run:
            db.session.commit()
        else:
            db.session.rollback()
        _report(result)
        if not result.ok:
            raise SystemExit(1)


def _export_root(code: str | None) -> Any:
    from tenants import services

    if not code:
        return None
    node = services.find_by_ref(db.session, code)
    if node is None:
        raise click.ClickException(_("No place with code %(code)s.", code=code))
    return node


def _add_import_command(group: click.Group, kind: str, doc: str) -> None:
    """``<group> import FILE [--dry-run] [--as USER]``: the tree and the users import take the
    same arguments and run the same way (:func:`_run_import`)."""

    @group.command("import", help=doc)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check every row, write nothing")
    @click.option("--as", "username", help="Import with this account's rights (default: all)")
    def run_import(file: str, dry_run: bool, username: str | None) -> None:
        _run_import(kind, file, dry_run, username)


_output_option = click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True)
)


def _write_export(output: str, export: Callable[[], bytes]) -> None:
    """Write what ``export`` makes (in an app context) to ``output`` and say so."""
    from pathlib import Path

    with app_context():
        Path(output).write_bytes(export())
    click.echo(_("Written to %(file)s.", file=output))


def register_imports(cli: click.Group) -> None:
    @cli.group("tenants")
    def tenants_group() -> None:
        """The tenant tree: import and export streets, communities, grids and buildings."""

    _add_import_command(
        tenants_group,
        "tree",
        "Import a tree sheet (.xlsx, or .csv in UTF-8 or GBK): all rows or none.",
    )

    @tenants_group.command("export")
    @click.option("--node", "code", help="Export this place and everything beneath it")
    @_output_option
    def tenants_export(code: str | None, output: str) -> None:
        """Export the tree (or a subtree) to xlsx in the import format."""
        from tenants import imports

        _write_export(output, lambda: imports.export_tree(db.session, _export_root(code)))

    @cli.group("users")
    def users_group() -> None:
        """Accounts: import and export users with their roles."""

    _add_import_command(
        users_group,
        "users",
        "Import users (one row per role) from .xlsx or .csv: all rows or none.",
    )

    @users_group.command("export")
    @click.option("--node", "code", help="Only accounts that belong to this place's subtree")
    @_output_option
    def users_export(code: str | None, output: str) -> None:
        """Export users and their roles to xlsx in the import format."""

        def export() -> bytes:
            from core.permissions import Scope
            from tenants import imports

            root = _export_root(code)
            scope = (
                Scope(None, [("*", root.as_ref())])
                if root is not None
                else imports.operator_scope(db.session)
            )
            return imports.export_users(db.session, scope)

        _write_export(output, export)

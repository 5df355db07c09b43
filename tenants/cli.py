"""``jiedao create-admin``: the first district and its administrator."""

from __future__ import annotations

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

    @modules.command("enable")
    @click.argument("module")
    @click.option(
        "--node", "node_code", required=True, help="code of a community, street or district"
    )
    def enable(module: str, node_code: str) -> None:
        """Switch MODULE on (with the modules it needs)."""
        _switch(module, node_code, True)

    @modules.command("disable")
    @click.argument("module")
    @click.option(
        "--node", "node_code", required=True, help="code of a community, street or district"
    )
    def disable(module: str, node_code: str) -> None:
        """Switch MODULE off (its data stays)."""
        _switch(module, node_code, False)

"""An operator's path with plugins: upgrading where a plugin is off or broken, taking a plugin's
tables away, uninstalling without a downgrade, and commands that need no secret key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from core import cli as cli_module
from core.app import create_app
from core.db import db
from core.models import Role, RolePermission
from tests.conftest import TEST_PLUGINS, _ep

A1_REF = "110105001001"


def _app_like(app: Flask, tmp_path, **overrides) -> Flask:
    """Another process's app on the test database: the same settings, other plugins."""
    environ = {
        "JIEDAO_ENV": "testing",
        "JIEDAO_DATABASE_URL": app.config["DATABASE_URL"],
        "JIEDAO_INSTANCE_PATH": str(tmp_path),
    }
    overrides.setdefault("PLUGINS", "")
    overrides.setdefault("PLUGIN_ENTRY_POINTS", TEST_PLUGINS)
    return create_app(environ, WTF_CSRF_ENABLED=False, **overrides)


def _invoke(app: Flask, monkeypatch, *args: str):
    monkeypatch.setattr(cli_module, "_app", app)
    return CliRunner().invoke(cli_module.cli, list(args))


def _ledger_grants(app: Flask) -> set[tuple[str, str]]:
    """The test ledgers' grants to roles: their defaults to core's built-in roles (and above)."""
    stmt = (
        sa.select(Role.key, RolePermission.permission)
        .join(RolePermission.role)
        .where(RolePermission.permission.like("ledger%"))
    )
    with app.app_context():
        grants = {(key, permission) for key, permission in db.session.execute(stmt)}
        db.session.remove()
    return grants


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"PLUGINS": "registry,safety"}, id="left-out-by-JIEDAO_PLUGINS"),
        pytest.param(
            {"PLUGIN_ENTRY_POINTS": [*TEST_PLUGINS, _ep("ledger", "tests.fixture_plugins.ledger")]},
            id="broken",
        ),
    ],
)
def test_upgrade_where_a_plugin_is_not_loaded_keeps_its_default_grants(
    app, world, as_user, tmp_path, monkeypatch, overrides
):
    before = _ledger_grants(app)
    assert ("program_worker", "ledger.edit") in before and len(before) >= 9
    elsewhere = _app_like(app, tmp_path, **overrides)
    assert not elsewhere.extensions["jiedao.plugins"].is_active("ledger")

    result = _invoke(elsewhere, monkeypatch, "db", "upgrade")

    assert result.exit_code == 0, result.output
    assert _ledger_grants(app) == before
    _enable(app, world, "ledger")
    assert as_user("worker").get(f"/c/{A1_REF}/ledger/").status_code == 200


def test_upgrade_still_takes_away_what_a_loaded_plugin_no_longer_grants(
    app, world, tmp_path, monkeypatch
):
    with app.app_context():
        inspector = db.session.scalar(sa.select(Role).where(Role.key == "inspector"))
        inspector.grants.append(RolePermission(permission="ledger.retired"))
        db.session.commit()
    assert ("inspector", "ledger.retired") in _ledger_grants(app)

    assert _invoke(_app_like(app, tmp_path), monkeypatch, "db", "upgrade").exit_code == 0

    assert ("inspector", "ledger.retired") not in _ledger_grants(app)


def _enable(app: Flask, world, module: str, ref: str = A1_REF) -> None:
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(ref), module)
        db.session.commit()

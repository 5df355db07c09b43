"""An operator's path with plugins: upgrading where a plugin is off or broken, taking a plugin's
tables away, uninstalling without a downgrade, and commands that need no secret key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from core import cli as cli_module
from core.app import create_app
from core.config import ConfigError, load_config
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


@pytest.fixture
def production_shell(tmp_path, monkeypatch):
    """An operator's shell: ``JIEDAO_ENV=production``, no ``JIEDAO_SECRET_KEY``, a new database;
    each command builds its app from the environment as in its own process."""
    monkeypatch.setenv("JIEDAO_ENV", "production")
    monkeypatch.delenv("JIEDAO_SECRET_KEY", raising=False)
    monkeypatch.delenv("JIEDAO_PLUGINS", raising=False)
    monkeypatch.setenv("JIEDAO_DATABASE_URL", f"sqlite:///{tmp_path / 'ops.db'}")
    monkeypatch.setenv("JIEDAO_INSTANCE_PATH", str(tmp_path / "instance"))

    def run(*args: str):
        monkeypatch.setattr(cli_module, "_app", None)
        return CliRunner().invoke(cli_module.cli, list(args))

    return run


def test_plugins_list_and_db_upgrade_need_no_secret_key(production_shell, tmp_path):
    listed = production_shell("plugins", "list")
    assert listed.exit_code == 0, listed.output
    assert "registry" in listed.output and "JIEDAO_SECRET_KEY" not in listed.output
    upgraded = production_shell("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "Database is at the newest schema." in upgraded.output
    assert not (tmp_path / "instance" / "secret_key").exists()  # production keeps no key file


def test_serving_in_production_still_needs_the_secret_key(production_shell, monkeypatch):
    monkeypatch.setattr(cli_module, "_serve", lambda *a: pytest.fail("served without a key"))
    served = production_shell("serve")
    assert served.exit_code != 0
    assert "JIEDAO_SECRET_KEY is not set" in served.output
    with pytest.raises(ConfigError, match="JIEDAO_SECRET_KEY"):
        create_app()  # what gunicorn's core.wsgi does


def test_an_empty_jiedao_env_is_unset(production_shell, monkeypatch):
    monkeypatch.setenv("JIEDAO_ENV", "")
    served: list[str] = []
    monkeypatch.setattr(
        cli_module, "_serve", lambda app, *a: served.append(app.config["JIEDAO_ENV"])
    )
    assert production_shell("serve").exit_code == 0
    assert served == ["development"]  # serve's own default, as when JIEDAO_ENV is not set
    monkeypatch.setenv("JIEDAO_ENV", "")
    demo = production_shell("demo", "--no-serve")
    assert demo.exit_code == 0, demo.output
    assert "refuses" not in demo.output and "admin" in demo.output
    assert load_config({"JIEDAO_ENV": " ", "JIEDAO_SECRET_KEY": "k" * 32})["JIEDAO_ENV"] == (
        "production"  # the app's own default stays the safe one
    )


def test_downgrading_a_plugin_to_base_is_refused_while_its_module_is_on(
    app, world, as_user, monkeypatch
):
    from core import migrate
    from tenants import modules

    downgrades: list[str] = []
    monkeypatch.setattr(
        migrate, "downgrade", lambda url, revision, plugins: downgrades.append(revision)
    )
    _enable(app, world, "ledger")

    refused = _invoke(app, monkeypatch, "db", "downgrade", "ledger@base")

    assert refused.exit_code != 0 and downgrades == []
    assert "模块 ledger 仍在 1 个社区开启：永安里东社区 (110105001001)" in refused.output
    assert "请先在所有社区关闭它" in refused.output
    assert as_user("worker").get(f"/c/{A1_REF}/ledger/").status_code == 200
    with app.app_context():
        modules.disable(db.session, world.node(A1_REF), "ledger")
        db.session.commit()
    done = _invoke(app, monkeypatch, "db", "downgrade", "ledger@base")
    assert done.exit_code == 0, done.output
    assert downgrades == ["ledger@base"]


def test_demo_runs_after_a_plugin_was_uninstalled_without_a_downgrade(tmp_path, monkeypatch):
    from tenants import modules
    from tenants.services import find_by_ref

    environ = {
        "JIEDAO_ENV": "demo",
        "JIEDAO_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "JIEDAO_INSTANCE_PATH": str(tmp_path),
    }
    kept = [ep for ep in TEST_PLUGINS if ep.name in {"registry", "safety"}]
    ledger = [ep for ep in TEST_PLUGINS if ep.name == "ledger"]

    def demo_with(eps):
        app = create_app(environ, PLUGINS="", PLUGIN_ENTRY_POINTS=eps)
        monkeypatch.setattr(cli_module, "_app", app)
        return app, CliRunner().invoke(cli_module.cli, ["demo", "--no-serve"])

    installed, first = demo_with([*ledger, *kept])
    assert first.exit_code == 0, first.output
    with installed.app_context():
        modules.enable(db.session, find_by_ref(db.session, A1_REF), "ledger")
        db.session.commit()

    uninstalled, again = demo_with(kept)  # `pip uninstall` of the ledger, no downgrade

    assert again.exit_code == 0, again.output
    assert again.exception is None or isinstance(again.exception, SystemExit)
    assert "数据库中有未安装插件的迁移版本（ledger_0001）" in again.output
    assert "数据库中已开启的模块未安装（ledger）" in again.output
    assert "inspector" in again.output  # the accounts, as on every run
    with uninstalled.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        versions = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
        db.session.remove()
    assert "ledger_row" in tables and "ledger_0001" in versions  # left for a reinstall

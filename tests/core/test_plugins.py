"""The plugin system: discovery, manifests, isolation of broken plugins, permissions, migrations."""

import pytest
import sqlalchemy as sa

from core.db import Base
from core.permissions import registry
from core.plugins import load_plugins
from tests.conftest import TEST_PLUGINS, _ep

REASONS = {
    "fails_import": "failed to import: ImportError: this plugin needs a library",
    "raises_in_hook": "raised in jiedao_navigation: RuntimeError: navigation exploded",
    "future": "supports core >=99",
    "needs_missing": "requires nonexistent, which is not installed",
    "needs_broken": "requires future, which is broken",
    "no_manifest": "has no manifest",
    "foreign_perm": "may only declare foreign_perm.",
    "plain_blueprint": "blueprints must be CommunityBlueprint or RollupBlueprint",
    "unprefixed": "defines tables without the prefix unprefixed_: stuff",
    "lazy_models": "defines tables without the prefix lazy_models_: not_prefixed",
}


def test_broken_plugins_are_reported_and_the_rest_serve(app, client):
    system = app.extensions["jiedao.plugins"]
    modules = ["environment", "family_planning", "legal_publicity", "safety", "youth_care"]
    assert sorted(system.order) == sorted(["ledger", "ledger_extra", "registry", *modules])
    first = system.order.index  # a plugin after the plugins it requires
    assert all(first("registry") < first(module) for module in modules)
    assert first("ledger") < first("ledger_extra")
    for name, reason in REASONS.items():
        info = system.plugins[name]
        assert info.status == "broken", name
        assert reason in info.reason, (name, info.reason)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded"
    assert health.json["plugins"]["ledger"]["status"] == "active"
    assert REASONS["future"] in health.json["plugins"]["future"]["reason"]
    assert client.get("/login").status_code == 200


def test_broken_plugins_leave_no_trace(app, as_user):
    assert "stuff" not in Base.metadata.tables  # the unprefixed table was refused
    with app.app_context():
        names = {p.name for p in registry()}
    assert "ledger.view" in names
    assert "raises_in_hook.view" not in names and "tenants.delete_everything" not in names
    assert as_user("d_admin").get("/sneaky/").status_code == 404  # plain blueprint never served


def test_duplicate_names_and_the_allow_list():
    system = load_plugins(
        allow="",
        eps=[
            _ep("ledger", "tests.fixture_plugins.ledger"),
            _ep("ledger", "tests.fixture_plugins.ledger_extra"),
        ],
    )
    assert system.plugins["ledger"].status == "broken"
    assert "provided more than once" in system.plugins["ledger"].reason
    only = load_plugins(allow="ledger_extra", eps=TEST_PLUGINS)
    assert only.plugins["ledger"].status == "off"
    assert (
        only.plugins["ledger_extra"].reason
        == "requires ledger, which is not listed in JIEDAO_PLUGINS"
    )
    assert load_plugins(allow="ledger", eps=TEST_PLUGINS).order == ["ledger"]


def test_default_grants_reach_built_in_roles_and_those_above(app, world):
    from core.db import db
    from core.models import Role

    with app.app_context():
        grants = {r.key: set(r.patterns) for r in db.session.scalars(sa.select(Role))}
    assert {"ledger.view", "ledger.edit"} <= grants["program_worker"]
    assert {"ledger.view", "ledger.edit", "ledger_extra.view"} <= grants["community_admin"]
    assert {"ledger.view", "ledger.edit", "ledger_extra.view"} <= grants["street_admin"]
    assert "ledger.edit" not in grants["inspector"] and "ledger.view" in grants["inspector"]
    assert "ledger.view" not in grants["building_leader"]


def test_plugins_list_cli(app, monkeypatch):
    from click.testing import CliRunner

    from core import cli as cli_module

    monkeypatch.setattr(cli_module, "_app", app)
    result = CliRunner().invoke(cli_module.cli, ["plugins", "list", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["ledger"]["status"] == "active" and rows["ledger"]["version"] == "1.0.0"
    assert rows["needs_missing"]["status"] == "broken"
    plain = CliRunner().invoke(cli_module.cli, ["plugins", "list"])
    assert "requires nonexistent, which is not installed" in plain.output


@pytest.mark.parametrize("name", sorted(REASONS))
def test_every_broken_plugin_is_on_the_admin_page(as_user, name):
    page = as_user("d_admin").get("/modules").text
    assert f'data-plugin="{name}"' in page


def test_ledger_permissions_are_declared_with_the_platform_grants():
    """A module's four ledger permissions, named after it, held by the roles the docs' table
    names (and those above), and by nobody else."""
    from core.permissions import PermissionRegistry, _PluginRegistry

    declared = PermissionRegistry.with_core()
    _PluginRegistry(declared, "youth").declare_ledger_permissions(
        view="read", edit="keep", restore="restore", sensitive="see"
    )
    holders = {
        name: {role for role, names in declared.default_grants.items() if name in names}
        for name in ("youth.view", "youth.edit", "youth.restore", "youth.sensitive.view")
    }
    admins = {"community_admin", "street_admin"}
    assert holders["youth.view"] == {"program_worker", "inspector"} | admins
    assert holders["youth.edit"] == {"program_worker"} | admins
    assert holders["youth.restore"] == holders["youth.sensitive.view"] == admins
    assert declared.get("youth.sensitive.view").label == "see"

    without = PermissionRegistry.with_core()
    _PluginRegistry(without, "plain").declare_ledger_permissions(
        view="read", edit="keep", restore="restore"
    )
    assert "plain.sensitive.view" not in without and "plain.restore" in without

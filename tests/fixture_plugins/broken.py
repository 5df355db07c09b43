"""Plugins broken on purpose, one way each (entry points point at the objects below)."""

from types import SimpleNamespace

from core.hookspecs import hookimpl
from core.plugins import Manifest


class _Raises:
    manifest = Manifest(name="raises_in_hook", label="raises", version="1.0")

    @hookimpl
    def jiedao_navigation(self):
        raise RuntimeError("navigation exploded")

    @hookimpl
    def jiedao_permissions(self, registry):
        registry.declare("raises_in_hook.view", "x")


raises_in_hook = _Raises()

future = SimpleNamespace(manifest=Manifest(name="future", label="future", version="9", core=">=99"))

needs_missing = SimpleNamespace(
    manifest=Manifest(name="needs_missing", label="x", version="1", requires=("nonexistent",))
)

needs_broken = SimpleNamespace(
    manifest=Manifest(name="needs_broken", label="x", version="1", requires=("future",))
)

no_manifest = SimpleNamespace()


class _Foreign:
    manifest = Manifest(name="foreign_perm", label="x", version="1")

    @hookimpl
    def jiedao_permissions(self, registry):
        registry.declare("tenants.delete_everything", "x")


foreign_perm = _Foreign()


class _PlainBlueprint:
    manifest = Manifest(name="plain_blueprint", label="x", version="1")

    @hookimpl
    def jiedao_blueprints(self, app):
        from flask import Blueprint

        bp = Blueprint("sneaky", __name__, url_prefix="/sneaky")
        bp.add_url_rule("/", "index", lambda: "unscoped")
        return [bp]


plain_blueprint = _PlainBlueprint()

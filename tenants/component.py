"""Wires the tree into the platform through the same hooks a plugin uses."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from tenants import models, modules  # noqa: F401 - registers the tables with the metadata


@hookimpl
def jiedao_blueprints(app: Flask) -> list[Any]:
    from tenants.api import api, modules_api
    from tenants.import_views import api as imports_api
    from tenants.import_views import bp as imports_bp
    from tenants.module_views import bp as modules_bp
    from tenants.views import bp

    return [bp, api, modules_bp, modules_api, imports_bp, imports_api]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("tenants.tree", _l("Tenant tree"), "tenants.view", icon="tree", order=10),
        NavEntry("modules.installed", _l("Modules"), "modules.manage", icon="puzzle", order=30),
    ]


@hookimpl
def jiedao_app_ready(app: Flask) -> None:
    from tenants.module_views import module_nav_context

    app.jinja_env.globals["node_url"] = lambda ref: url_for("tenants.node", ref=ref)
    app.context_processor(module_nav_context)


@hookimpl
def jiedao_cli(cli: Any) -> None:
    from tenants.cli import register

    register(cli)


@hookimpl(tryfirst=True)  # the tree comes before anything that lives in it
def jiedao_demo_seed(session: Any, options: dict[str, Any]) -> None:
    from tenants.demo import seed_tree

    seed_tree(session, options)

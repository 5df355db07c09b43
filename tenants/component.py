"""Wires the tree into the platform through the same hooks a plugin uses."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from core.hookimpls import lazy_hook
from core.hookspecs import hookimpl
from core.navigation import NavEntry
from tenants import models, modules, onboarding, presets  # noqa: F401 - registers the tables


@hookimpl
def jiedao_blueprints(app: Flask) -> list[Any]:
    from tenants import calendar_views, change_views, figure_views
    from tenants.api import api, modules_api
    from tenants.import_views import api as imports_api
    from tenants.import_views import bp as imports_bp
    from tenants.module_views import bp as modules_bp
    from tenants.onboarding_views import api as onboarding_api
    from tenants.onboarding_views import bp as onboarding_bp
    from tenants.views import bp

    return [
        bp,
        api,
        modules_bp,
        modules_api,
        onboarding_bp,
        onboarding_api,
        imports_bp,
        imports_api,
        *change_views.blueprints(),
        calendar_views.bp,
        figure_views.bp,
        figure_views.api,
    ]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("tenants.tree", _l("Tenant tree"), "tenants.view", icon="tree", order=10),
        NavEntry("onboarding.start", _l("Onboarding"), "tenants.manage", icon="plus", order=20),
        NavEntry("modules.installed", _l("Modules"), "modules.manage", icon="puzzle", order=30),
    ]


@hookimpl
def jiedao_app_ready(app: Flask) -> None:
    from core.permissions import can
    from tenants.module_views import module_nav_context

    app.jinja_env.globals["node_url"] = lambda ref: url_for("tenants.node", ref=ref)
    app.jinja_env.globals["can"] = can  # may the user do X at a node's path (links to show)
    app.context_processor(module_nav_context)


jiedao_cli = lazy_hook("jiedao_cli", "tenants.cli:register")


@hookimpl(tryfirst=True)  # the tree comes before anything that lives in it
def jiedao_demo_seed(session: Any, options: dict[str, Any]) -> None:
    from tenants.demo import seed_tree

    seed_tree(session, options)

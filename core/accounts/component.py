"""Wires accounts, roles and the audit log into the platform through the component hooks."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.hookimpls import lazy_hook
from core.hookspecs import hookimpl
from core.navigation import NavEntry

# Demo accounts: (username, display name, role, node ref)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "区管理员 王建国", "district_admin", "110105"),
    ("street_admin", "建外街道 李红梅", "street_admin", "110105001"),
    ("community_admin", "永安里东社区 张伟", "community_admin", "110105001001"),
    ("worker", "社区专干 刘芳", "program_worker", "110105001001"),
    ("building_leader", "楼长 陈志强", "building_leader", "110105001001-b01"),
    ("inspector", "区督查 赵敏", "inspector", "110105"),
)


@hookimpl
def jiedao_blueprints(app: Flask) -> list[Any]:
    from core import holiday_views, search_views
    from core.accounts.api import api
    from core.accounts.views import bp
    from core.filing import views as filing_views
    from core.targets import views as target_views

    return [
        bp,
        api,
        holiday_views.bp,
        holiday_views.api,
        filing_views.bp,
        filing_views.api,
        target_views.bp,
        target_views.api,
        search_views.bp,
        search_views.api,
    ]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    from core import filing, targets

    filing.declare_permissions(registry)
    targets.declare_permissions(registry)


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("accounts.home", _l("Home"), None, icon="home", order=0),
        NavEntry("accounts.users", _l("Users"), "users.manage", icon="users", order=20),
        NavEntry("accounts.roles", _l("Roles"), "users.manage", icon="key", order=21),
        NavEntry("holidays.page", _l("Holidays"), "calendar.manage", icon="calendar", order=80),
        NavEntry("accounts.audit_log", _l("Audit log"), "audit.view", icon="log", order=90),
    ]


@hookimpl
def jiedao_demo_seed(session: Any, options: dict[str, Any]) -> None:
    from core.accounts import services

    services.sync_builtin_roles(session)
    for username, display_name, role_key, ref in DEMO_ACCOUNTS:
        services.demo_account(session, options, username, display_name, role_key, ref)


jiedao_cli = lazy_hook("jiedao_cli", "core.reminders:register_cli")

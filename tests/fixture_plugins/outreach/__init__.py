"""A module with nothing but an activity ledger (core's activity records), declared as a program
plugin would: its kinds, target groups, one observance and its permissions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import CalendarEntry, Manifest, NavEntry, activities_held, hookimpl

manifest = Manifest(name="outreach", label=_l("Outreach"), version="1.0.0", core=">=0.1,<1")

VIEW, EDIT, RESTORE, SENSITIVE = (
    "outreach.view",
    "outreach.edit",
    "outreach.restore",
    "outreach.sensitive",
)


def calendar_entries() -> list[CalendarEntry]:
    return [CalendarEntry(3, 15, "消费者权益日", expects=activities_held("outreach"), remind=EDIT)]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare(VIEW, "Read outreach", grants=["program_worker", "inspector"])
    registry.declare(EDIT, "Keep outreach", grants=["program_worker"])
    registry.declare(RESTORE, "Restore outreach", grants=["community_admin"])
    registry.declare(SENSITIVE, "See outreach phones", grants=["community_admin"])


@hookimpl
def jiedao_blueprints(app: Any) -> list[Any]:
    from .views import api, pages

    return [pages, api]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [NavEntry("outreach.activities", "Outreach", VIEW, module="outreach")]


@hookimpl
def jiedao_calendar() -> list[CalendarEntry]:
    return calendar_entries()


@hookimpl
def jiedao_ledgers() -> list[Any]:
    from .views import activities

    return activities.ledgers

"""Wires change reports into the platform through the component hooks: permissions, pages and
API, sidebar entries and the 今日待办 source of reports waiting to be verified."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.changes import models  # noqa: F401 - the tables, known before migrations run
from core.changes.kinds import all_kinds
from core.changes.models import ChangeReport
from core.changes.services import REPORT, SENSITIVE, VERIFY
from core.hookimpls import blueprints_hook
from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.workbench import WorkSource


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    # Grants reach the built-in roles above the one named (community admin, street admin).
    registry.declare(
        REPORT, _l("Report changes in one's buildings (楼长)"), grants=["building_leader"]
    )
    registry.declare(VERIFY, _l("Verify and complete change reports"), grants=["program_worker"])
    registry.declare(
        SENSITIVE,
        _l("See unmasked ID numbers in change reports"),
        grants=["community_admin"],
    )


jiedao_blueprints = blueprints_hook("core.changes.views", "bp", "api")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("changes.start", _l("Change reports"), REPORT, icon="inbox", order=5),
        NavEntry("changes.queue", _l("Changes to verify"), VERIFY, icon="inbox", order=6),
    ]


def _waiting(module: str):
    def where(_day: Any) -> sa.ColumnElement[bool]:
        return sa.and_(ChangeReport.status == "reported", ChangeReport.module == module)

    return where


@hookimpl
def jiedao_workbench() -> list[WorkSource]:
    """One source per module that applies change kinds (the count honours its switch)."""
    modules = sorted({kind.module for kind in all_kinds().values()})
    return [
        WorkSource(
            f"changes.to_verify.{module}",
            _l("Change reports waiting to be verified"),
            ChangeReport,
            _waiting(module),
            VERIFY,
            "changes.index",
            args={"status": "reported"},
            level="todo",
            module=module,
        )
        for module in modules
    ]

"""环境卫生 · 爱国卫生 (environment): sanitation areas, 门前三包 letters, scored inspections and
the issues they find, the garbage-sorting ledger, residents' complaints on the 12345 pattern,
water-tank cleaning, activities and selections.

Module ``environment``; requires ``registry`` (shops are registry units, households are counted
from it). Wiring only: each sub-area is a package (``areas``, ``letters``, ``inspections``,
``issues``, ``sorting``, ``complaints``, ``upkeep``, ``activities``, ``dashboard``) with its
tables, schemas, rules and ledgers; ``views.py`` gathers the ledgers onto the blueprints.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from . import models
from .common import MANAGE_CHECKLISTS, MODULE, REVIEW, SIGN, VIEW

__version__ = "0.1.0"

# 环境卫生·爱国卫生: shops are registry units, households are counted from the registry.
manifest = Manifest(
    name=MODULE,
    label=_l("Environmental sanitation"),
    description=_l(
        "Sanitation areas, frontage letters, scored inspections, garbage sorting, complaints."
    ),
    requires=("registry",),
    icon="leaf",
    version=__version__,
    core=">=0.1,<1",
)


@hookimpl
def jiedao_models() -> list[Any]:
    """The tables of every sub-area, gathered in ``models``."""
    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    """The ledgers' four permissions with the platform's grants; signing letters and editing
    checklists for the community admin, reviewing for the street."""
    registry.declare_ledger_permissions(
        view=_l("Read the environment ledgers"),
        edit=_l("Keep the environment ledgers"),
        restore=_l("Restore deleted environment records"),
        sensitive=_l("See complainants' full phone numbers"),
    )
    registry.declare(SIGN, _l("Sign frontage responsibility letters"), grants=["community_admin"])
    registry.declare(
        MANAGE_CHECKLISTS, _l("Edit the sanitation checklists"), grants=["community_admin"]
    )
    registry.declare(REVIEW, _l("Review environment work for the street"), grants=["street_admin"])


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.environment.schemas:SettingsSchema"
)
jiedao_blueprints = blueprints_hook("plugins.environment.views")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry(
            "environment.index", _l("Environment"), VIEW, icon="leaf", order=40, module=MODULE
        ),
        NavEntry(
            "environment_rollup.issues",
            _l("Environment issues"),
            VIEW,
            icon="leaf",
            order=40,
            module=MODULE,
        ),
        NavEntry(
            "environment_rollup.complaints",
            _l("Environment complaints"),
            VIEW,
            icon="leaf",
            order=41,
            module=MODULE,
        ),
    ]


jiedao_calendar = lazy_hook(
    "jiedao_calendar", "plugins.environment.activities.calendar:calendar_entries"
)
jiedao_indicators = lazy_hook(
    "jiedao_indicators", "plugins.environment.dashboard.figures:INDICATORS"
)
jiedao_reports = lazy_hook("jiedao_reports", "plugins.environment.dashboard.reports:REPORTS")
jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.environment.views:LEDGERS")


@hookimpl
def jiedao_workbench() -> list[Any]:
    """今日待办: overdue issues, complaints past their first-contact deadline."""
    from .complaints.ledgers import COMPLAINT_WORK
    from .issues.ledgers import ISSUE_WORK

    return [*ISSUE_WORK, *COMPLAINT_WORK]


@hookimpl
def jiedao_reminders() -> list[Any]:
    """催办: each complaint deadline on its day and once passed; the street hears of late ones."""
    from .complaints.ledgers import COMPLAINT_REMINDERS

    return COMPLAINT_REMINDERS


jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.environment.demo:seed")

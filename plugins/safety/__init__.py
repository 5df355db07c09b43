"""安全生产 (safety): enterprise ledger, major hazard sources, inspections, hidden dangers and
their rectification, training of the three key posts, accidents and campaigns.

Module ``safety``; requires ``registry`` (an enterprise is a registry unit). Wiring only: each
sub-area is a package (``enterprises``, ``inspections``, ``hazards``, ``training``,
``accidents``, ``activities``, ``dashboard``) with its tables, schemas, rules and ledgers;
``views.py`` gathers the ledgers onto the blueprints. See README.md in this folder.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from . import models
from .common import CLOSE_MAJOR, MANAGE_CHECKLISTS, MODULE, VIEW

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Safety production"),
    version=__version__,
    core=">=0.1,<1",
    requires=("registry",),
    icon="shield",
    description=_l(
        "Enterprise ledger, inspections, hidden dangers and rectification, training, accidents."
    ),
)


@hookimpl
def jiedao_models() -> list[Any]:
    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare_ledger_permissions(
        view=_l("Read the safety ledgers"),
        edit=_l("Keep the safety ledgers"),
        restore=_l("Restore deleted safety records"),
        sensitive=_l("See casualty details and liability findings of accidents"),
    )
    registry.declare(
        CLOSE_MAJOR, _l("Sign off the closing of major hazards"), grants=["street_admin"]
    )
    registry.declare(
        "safety.assign", _l("Assign enterprises and places to workers"), grants=["community_admin"]
    )
    registry.declare(
        MANAGE_CHECKLISTS, _l("Edit the safety checklist templates"), grants=["community_admin"]
    )
    declare_roles(registry)  # the dashboard's roles, below


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.safety.schemas:SettingsSchema"
)


jiedao_blueprints = blueprints_hook("plugins.safety.views")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("safety.index", _l("Safety"), VIEW, icon="shield", order=30, module=MODULE),
        # A RollupBlueprint view: shown at a street or district where safety runs beneath.
        NavEntry(
            "safety_rollup.dashboard",
            _l("Safety dashboard"),
            VIEW,
            icon="shield",
            order=30,
            module=MODULE,
        ),
    ]


# === calendar =================================================================================


jiedao_calendar = lazy_hook(
    "jiedao_calendar", "plugins.safety.activities.services:calendar_entries"
)


# === roles and indicators ===================================================================


def declare_roles(registry: Any) -> None:
    """安全生产监察员: a bureau's inspector who reads safety across a whole street or district
    (assigned at that node) and nothing else — no other module, no writes, no audit log."""
    registry.declare_role(
        "safety_inspector",
        _l("Safety inspector"),
        [VIEW, "tenants.view"],
        _l("Reads the safety ledgers and dashboards of a whole area, and nothing else"),
    )


# The safety figures, each one SQL aggregate over the communities.
jiedao_indicators = lazy_hook(
    "jiedao_indicators", "plugins.safety.dashboard.figures:SAFETY.indicators"
)
# 安全生产信息月报, filed upward through core's report engine.
jiedao_reports = lazy_hook("jiedao_reports", "plugins.safety.dashboard.reports:REPORTS")


@hookimpl
def jiedao_workbench() -> list[Any]:
    """今日待办: hazards overdue, due within a week or awaiting sign-off; expired certificates."""
    from .hazards.ledgers import HAZARD_WORK
    from .training.ledgers import TRAINING_WORK
    from .visits import ENTERPRISE_VISITS

    return [*HAZARD_WORK, *TRAINING_WORK, *ENTERPRISE_VISITS.work_sources()]


@hookimpl
def jiedao_reminders() -> list[Any]:
    """催办: hazards due or overdue to the community, long-overdue ones to the street; enterprises
    overdue for a visit."""
    from .hazards.ledgers import HAZARD_REMINDERS
    from .visits import ENTERPRISE_VISITS

    return [*HAZARD_REMINDERS, *ENTERPRISE_VISITS.reminders()]


# === ledgers and demo data ====================================================================


# Every safety ledger, exported and imported as street offices file it upward.
jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.safety.views:LEDGERS")
jiedao_audit_actions = lazy_hook("jiedao_audit_actions", "plugins.safety.visits:AUDIT_ACTIONS")
jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.safety.demo:seed")

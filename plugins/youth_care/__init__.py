"""关心下一代 (youth_care, the 关工委): children in care, 五老 and volunteers, pairings, visits,
assistance, holiday and after-school programmes, the parents' school and activities.

Module ``youth_care``; requires ``registry`` (a child, a guardian, a school are registry
records). Wiring only: each sub-area is a package (``children``, ``pairings``, ``assistance``,
``programmes``, ``activities``) with its tables, schemas, rules and ledgers; ``views.py``
gathers the ledgers onto the blueprints. 五老 and volunteers are core's shared register, visits
core's visit log with the module's quotas, activities core's activity records.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from . import models
from .common import (
    APPROVE_PAIRING,
    ASSIGN,
    CONFIRM,
    ELDER,
    MANAGE_CHECKLISTS,
    MODULE,
    REVIEW,
    REVIEW_ASSISTANCE,
    VIEW,
)

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Caring for the next generation"),
    description=_l(
        "Children in care, five-elders volunteers, pairings, visits, assistance, holiday "
        "programmes and the parents' school."
    ),
    requires=("registry",),  # a child, a guardian, a school are registry records
    version=__version__,
    core=">=0.1,<1",
    icon="heart",
)


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare_ledger_permissions(
        view=_l("Read the youth-care ledgers"),
        edit=_l("Keep the youth-care ledgers"),
        restore=_l("Restore deleted youth-care records"),
        sensitive=_l("See the care categories, family situation and guardians' phones of children"),
    )
    registry.declare(CONFIRM, _l("Confirm a child in care"), grants=["community_admin"])
    registry.declare(APPROVE_PAIRING, _l("Approve a pairing"), grants=["community_admin"])
    registry.declare(
        REVIEW_ASSISTANCE, _l("Review assistance to children"), grants=["community_admin"]
    )
    registry.declare(
        REVIEW,
        _l("Review youth care at the street: large assistance, the quarterly report"),
        grants=["street_admin"],
    )
    registry.declare(ASSIGN, _l("Assign children in care to workers"), grants=["community_admin"])
    registry.declare(
        ELDER, _l("Visit the children paired with oneself, as a five-elders volunteer")
    )
    registry.declare_role(
        "youth_care_elder",
        _l("Five-elders volunteer"),
        [ELDER, "tenants.view"],
        _l("Sees the children paired with them and records the visits to them; nothing else"),
        kinds=("community",),
    )
    registry.declare(
        MANAGE_CHECKLISTS, _l("Edit the internet café checklist"), grants=["community_admin"]
    )


@hookimpl
def jiedao_models() -> list[Any]:
    return [models]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("youth_care.index", _l("Youth care"), VIEW, icon="heart", order=40, module=MODULE),
        # At a street or district: the campaigns' progress per community (counts only).
        NavEntry(
            "youth_care_rollup.campaign_progress",
            _l("Visit campaigns"),
            VIEW,
            icon="heart",
            order=40,
            module=MODULE,
        ),
        # A 五老 volunteer reads none of the ledgers: their own page is their entry.
        NavEntry(
            "youth_care.my_children_page",
            _l("My paired children"),
            ELDER,
            icon="heart",
            order=41,
            module=MODULE,
        ),
    ]


@hookimpl
def jiedao_volunteer_kinds() -> dict[str, Any]:
    """网吧义务监督员 (seed 001 l.895): a volunteer who watches internet cafés for minors."""
    return {"netcafe_monitor": _l("Voluntary internet café monitor")}


@hookimpl
def jiedao_workbench() -> list[Any]:
    """今日待办: leads past their assessment day, children who turned 18, pairings to approve or
    past their outcome day, children overdue for a visit, children a visit campaign has yet to
    reach (or missed)."""
    from .campaigns import CAMPAIGNS
    from .children.ledgers import CHILD_WORK
    from .pairings.ledgers import PAIRING_WORK
    from .venues.ledgers import VENUE_WORK
    from .visits import CHILD_VISITS

    return [
        *CHILD_WORK,
        *PAIRING_WORK,
        *VENUE_WORK,
        *CHILD_VISITS.work_sources(),
        *CAMPAIGNS.work_sources(),
    ]


@hookimpl
def jiedao_reminders() -> list[Any]:
    """催办: children overdue for a visit."""
    from .visits import CHILD_VISITS

    return CHILD_VISITS.reminders()


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.youth_care.schemas:SettingsSchema"
)
jiedao_blueprints = blueprints_hook(
    "plugins.youth_care.views", "pages", "api", "rollup", "rollup_api"
)
jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.youth_care.views:LEDGERS")
jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.youth_care.demo:seed")
jiedao_indicators = lazy_hook("jiedao_indicators", "plugins.youth_care.figures:indicators")
jiedao_reports = lazy_hook("jiedao_reports", "plugins.youth_care.reports:REPORTS")
jiedao_calendar = lazy_hook(
    "jiedao_calendar", "plugins.youth_care.activities.services:calendar_entries"
)

"""普法 · 人民调解 · 安置帮教 (legal_publicity): publicity activities, boards, study records and
legal consultations; dispute screenings and people's mediation cases; the resettlement register
of released persons (S3, a compartment of its own).

Module ``legal_publicity``; requires ``registry`` (a person in care may be a registry resident).
Wiring only: each sub-area is a package (``publicity``, ``mediation``, ``resettlement``) with its
tables, vocabularies, rules and ledgers; ``views.py`` puts the ledgers on the blueprints of
``web.py``; ``figures.py`` and ``reports.py`` are the indicators and the monthly reports.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from . import models
from .common import (
    MEDIATION_EDIT,
    MEDIATION_REVIEW,
    MEDIATION_VIEW,
    MODULE,
    RESETTLEMENT_CONFIRM,
    RESETTLEMENT_EDIT,
    RESETTLEMENT_VIEW,
    VIEW,
)

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Legal publicity and mediation"),
    version=__version__,
    core=">=0.1,<1",
    requires=("registry",),
    icon="scale",
    description=_l("Legal publicity, dispute screening and people's mediation, resettlement care."),
)


@hookimpl
def jiedao_models() -> list[Any]:
    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare_ledger_permissions(
        view=_l("Read the legal publicity ledgers"),
        edit=_l("Keep the legal publicity ledgers"),
        restore=_l("Restore deleted legal publicity records"),
        sensitive=_l("See parties, consulters and what disputes are about"),
    )
    registry.declare(
        MEDIATION_VIEW, _l("Read the mediation register"), grants=["program_worker", "inspector"]
    )
    registry.declare(MEDIATION_EDIT, _l("Keep the mediation register"), grants=["program_worker"])
    registry.declare(
        MEDIATION_REVIEW, _l("Review serious disputes (judicial office)"), grants=["street_admin"]
    )
    # 安置帮教: never granted to program workers, nor to community admins unless named.
    registry.declare(RESETTLEMENT_VIEW, _l("See the resettlement register"))
    registry.declare(RESETTLEMENT_EDIT, _l("Keep the resettlement register"))
    registry.declare(RESETTLEMENT_CONFIRM, _l("Confirm releases from resettlement care"))
    registry.declare_role(
        "legal_publicity_judicial",
        _l("Judicial office"),
        [
            VIEW,
            MEDIATION_VIEW,
            MEDIATION_REVIEW,
            RESETTLEMENT_VIEW,
            RESETTLEMENT_EDIT,
            RESETTLEMENT_CONFIRM,
            "tenants.view",
        ],
        _l("The street's judicial office: reviews mediation, keeps the resettlement register"),
    )
    registry.declare_role(
        "legal_publicity_care",
        _l("Resettlement cadre"),
        [RESETTLEMENT_VIEW, RESETTLEMENT_EDIT, "tenants.view"],
        _l("A community cadre named to keep the resettlement register"),
    )


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.legal_publicity.schemas:SettingsSchema"
)
jiedao_blueprints = blueprints_hook(
    "plugins.legal_publicity.views",
    "pages",
    "api",
    "rollup",
    "rollup_api",
)


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry(
            "legal_publicity.index",
            _l("Legal publicity"),
            VIEW,
            icon="scale",
            order=40,
            module=MODULE,
        ),
        NavEntry(
            "legal_publicity_rollup.disputes",
            _l("Mediation across the street"),
            MEDIATION_VIEW,
            icon="scale",
            order=40,
            module=MODULE,
        ),
    ]


@hookimpl
def jiedao_workbench() -> list[Any]:
    """今日待办: overdue and risky cases, boards due, people not reported or due reassessment."""
    from .mediation.ledgers import MEDIATION_WORK
    from .publicity.ledgers import PUBLICITY_WORK
    from .resettlement.ledgers import RESETTLED_VISITS, RESETTLEMENT_WORK

    return [
        *PUBLICITY_WORK,
        *MEDIATION_WORK,
        *RESETTLEMENT_WORK,
        *RESETTLED_VISITS.work_sources(),
    ]


@hookimpl
def jiedao_reminders() -> list[Any]:
    """催办: mediation deadlines to the 调委会 and, long overdue, to the 司法所; care visits due."""
    from .mediation.ledgers import MEDIATION_REMINDERS
    from .resettlement.ledgers import RESETTLED_VISITS

    return [*MEDIATION_REMINDERS, *RESETTLED_VISITS.reminders()]


jiedao_calendar = lazy_hook(
    "jiedao_calendar", "plugins.legal_publicity.publicity.calendar:calendar_entries"
)
jiedao_indicators = lazy_hook("jiedao_indicators", "plugins.legal_publicity.figures:indicators")
jiedao_reports = lazy_hook("jiedao_reports", "plugins.legal_publicity.reports:REPORTS")
jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.legal_publicity.views:LEDGERS")
jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.legal_publicity.demo:seed")

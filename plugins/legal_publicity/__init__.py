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
from .common import MEDIATION_REVIEW, MEDIATION_VIEW, MODULE, RESETTLEMENT_VIEW, VIEW

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


# Three permission families and two roles (司法所, 安置帮教专干): see permissions.py.
jiedao_permissions = lazy_hook("jiedao_permissions", "plugins.legal_publicity.permissions:declare")

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
        # The named cadre holds only the resettlement permissions: their way in.
        NavEntry(
            "legal_publicity.resettled",
            _l("Resettlement care"),
            RESETTLEMENT_VIEW,
            icon="scale",
            order=41,
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
        # 排查情况 of every community, for the 司法所.
        NavEntry(
            "legal_publicity_rollup.screening_items",
            _l("Screening overview"),
            MEDIATION_REVIEW,
            icon="scale",
            order=42,
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


@hookimpl
def jiedao_models() -> list[Any]:
    """The tables of the three sub-areas, gathered in ``models``."""
    return [models]

"""居家养老 (home care for the elderly): a third-party Jiedao plugin, module ``eldercare``.

Community workers record their visits to elderly residents (who, when, at home or by phone, by
whom, what the elder needs); each community sets how many visits an elder should get per month.
Streets and districts see the figures rolled up. The plugin imports only ``core.sdk``: the visits
ledger is a declaration (``ledgers.py``), its pages, API, history, export and import are the
platform's. Nothing in core knows this plugin exists.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import (
    CalendarEntry,
    Indicator,
    Manifest,
    NavEntry,
    blueprints_hook,
    hookimpl,
    lazy_hook,
)

from . import models, services
from .services import MODULE, VIEW

__version__ = "0.2.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Home care for the elderly"),
    version=__version__,
    core=">=0.1,<1",
    icon="heart",
    description=_l("Home visits to elderly residents, with a monthly visit target."),
)


@hookimpl
def jiedao_models() -> list[Any]:
    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    # Reading to program workers and inspectors, recording to program workers, restoring and
    # full phone numbers to community admins; each grant also reaches the roles above.
    registry.declare_ledger_permissions(
        view=_l("Read home-care visits"),
        edit=_l("Record home-care visits"),
        restore=_l("Restore deleted home-care visits"),
        sensitive=_l("See elders' full phone numbers in home care"),
    )


jiedao_blueprints = blueprints_hook("jiedao_eldercare.views", "pages", "api", "rollup")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [NavEntry("eldercare.index", _l("Home care"), VIEW, icon="heart", module=MODULE)]


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "jiedao_eldercare.schemas:SettingsSchema"
)


@hookimpl
def jiedao_indicators() -> list[Indicator]:
    return [
        Indicator(
            "eldercare.visits",
            _l("Home-care visits"),
            _l("visits"),
            services.count_visits,
            module=MODULE,
        ),
        Indicator(
            "eldercare.elders_visited",
            _l("Elders visited at home"),
            _l("people"),
            services.count_elders_visited,
            module=MODULE,
        ),
    ]


# The ledgers, each with its export and its import.
jiedao_ledgers = lazy_hook("jiedao_ledgers", "jiedao_eldercare.ledgers:LEDGERS")


@hookimpl
def jiedao_calendar() -> list[CalendarEntry]:
    return [CalendarEntry(10, 1, _l("International Day of Older Persons"), module=MODULE)]

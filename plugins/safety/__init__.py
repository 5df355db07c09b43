"""安全生产 (safety): enterprise ledger, major hazard sources, inspections, hidden dangers and
their rectification, training of the three key posts, accidents and campaigns.

Module ``safety``; requires ``registry`` (an enterprise is a registry unit). Wiring only: the
domain lives in ``services.py``, pages and API in ``views.py``. See README.md in this folder.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.plugins import Manifest

from . import models
from .services import CLOSE_MAJOR, EDIT, MODULE, SENSITIVE, VIEW

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
    # Grants reach the built-in roles above the one named (community admin, street admin).
    registry.declare(VIEW, _l("Read the safety ledgers"), grants=["program_worker", "inspector"])
    registry.declare(EDIT, _l("Keep the safety ledgers"), grants=["program_worker"])
    registry.declare(
        CLOSE_MAJOR, _l("Sign off the closing of major hazards"), grants=["street_admin"]
    )
    registry.declare(
        SENSITIVE,
        _l("See casualty details and liability findings of accidents"),
        grants=["community_admin"],
    )
    declare_roles(registry)  # the dashboard helper's section below


@hookimpl
def jiedao_settings_schema() -> Any:
    from .schemas import SettingsSchema

    return SettingsSchema


@hookimpl
def jiedao_blueprints(app: Any) -> list[Any]:
    from .views import api, pages, rollup, rollup_api

    return [pages, api, rollup, rollup_api]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("safety.index", _l("Safety"), VIEW, icon="shield", order=30, module=MODULE),
    ]


# === training, accidents, activities, calendar (training helper) ==============================


# === indicators (dashboard helper) ============================================================


def declare_roles(registry: Any) -> None:
    """安全生产监察员: a bureau's inspector who reads safety across a whole street or district
    (assigned at that node) and nothing else — no other module, no writes, no audit log."""
    registry.declare_role(
        "safety_inspector",
        _l("Safety inspector"),
        [VIEW, "tenants.view"],
        _l("Reads the safety ledgers and dashboards of a whole area, and nothing else"),
    )


@hookimpl
def jiedao_indicators() -> list[Any]:
    """The safety figures (services.FIGURES), each one SQL aggregate over the communities."""
    from core.reports import Indicator

    from .services import FIGURES, indicator

    return [Indicator(f.name, f.label, f.unit, indicator(f), module=MODULE) for f in FIGURES]


# === exports, imports and demo data (exports helper) ==========================================

"""安全生产 (safety): enterprise ledger, major hazard sources, inspections, hidden dangers and
their rectification, training of the three key posts, accidents and campaigns.

Module ``safety``; requires ``registry`` (an enterprise is a registry unit). Wiring only: the
domain lives in ``services.py``, pages and API in ``views.py``. See README.md in this folder.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.plugins import Manifest
from core.reports import CalendarEntry, Column, Export, Import
from core.sdk import ledgers_exports, ledgers_imports

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
    declare_roles(registry)  # the dashboard's roles, below


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


@hookimpl
def jiedao_calendar() -> list[CalendarEntry]:
    from .activities.services import calendar_entries

    return calendar_entries()


# === indicators ===============================================================================


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
    """The safety figures (dashboard.figures.FIGURES), each one SQL aggregate over the
    communities."""
    from core.reports import Indicator

    from .dashboard.figures import FIGURES, indicator

    return [Indicator(f.name, f.label, f.unit, indicator(f), module=MODULE) for f in FIGURES]


# === exports, imports and demo data ===========================================================

ENTERPRISE_COLUMNS = [
    Column("community", _l("Community")),
    Column("name", _l("Enterprise name")),
    Column("credit_code", _l("Unified social credit code")),
    Column("sector", _l("Sector")),
    Column("risk_level", _l("Risk level")),
    Column("standardisation", _l("Safety standardisation")),
    Column("standard_level", _l("Standardisation level")),
    Column("demonstration", _l("Demonstration enterprise")),
    Column("principal_name", _l("Principal")),
    Column("principal_phone", _l("Principal's phone")),
    Column("safety_manager_name", _l("Safety manager")),
    Column("safety_manager_phone", _l("Safety manager's phone")),
    Column("hazard_sources", _l("Number of major hazard sources")),
    Column("open_hazards", _l("Number of open hazards")),
]
SOURCE_COLUMNS = [
    Column("community", _l("Community")),
    Column("enterprise", _l("Enterprise")),
    Column("credit_code", _l("Unified social credit code")),
    Column("name", _l("Major hazard source")),
    Column("grade", _l("Grade")),
    Column("substances", _l("Hazardous substances")),
    Column("quantity", _l("Quantity")),
    Column("responsible_person", _l("Person in charge")),
    Column("monitoring", _l("Monitoring measures")),
    Column("registered_on", _l("Filed on")),
]
INSPECTION_COLUMNS = [
    Column("community", _l("Community")),
    Column("done_on", _l("Inspection date")),
    Column("kind", _l("Kind of inspection")),
    Column("target", _l("Inspected")),
    Column("inspectors", _l("Inspectors")),
    Column("findings", _l("Findings")),
    Column("hazards_found", _l("Hazards found")),
]
# An exported file imports as it is: the import takes the export's columns (the community, the
# counts and 是否逾期 are ignored) and notes.
ENTERPRISE_IMPORT = [*ENTERPRISE_COLUMNS, Column("notes", _l("Notes"))]


@hookimpl
def jiedao_exports() -> list[Export]:
    """Every safety ledger as street offices file it upward."""
    from . import services
    from .views import LEDGERS

    return [
        *ledgers_exports(LEDGERS),
        Export(
            "safety.enterprises",
            _l("Enterprise safety ledger"),
            VIEW,
            ENTERPRISE_COLUMNS,
            services.export_enterprises,
            module=MODULE,
        ),
        Export(
            "safety.hazard_sources",
            _l("Major hazard source ledger"),
            VIEW,
            SOURCE_COLUMNS,
            services.export_hazard_sources,
            module=MODULE,
        ),
        Export(
            "safety.inspections",
            _l("Safety inspection ledger"),
            VIEW,
            INSPECTION_COLUMNS,
            services.export_inspections,
            module=MODULE,
        ),
    ]


@hookimpl
def jiedao_imports() -> list[Import]:
    from . import services
    from .hazards.ledgers import historical_import
    from .schemas import EnterpriseImportSchema
    from .views import LEDGERS

    return [
        *ledgers_imports(LEDGERS),
        historical_import,
        Import(
            "safety.enterprises",
            _l("Enterprise safety ledger"),
            EDIT,
            ENTERPRISE_IMPORT,
            EnterpriseImportSchema,
            module=MODULE,
            write_row=services.import_enterprise,
        ),
    ]


@hookimpl
def jiedao_demo_seed(session: Session, options: dict[str, Any]) -> None:
    from .demo import seed

    seed(session, options)

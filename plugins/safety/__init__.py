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
from .common import CLOSE_MAJOR, EDIT, MODULE, RESTORE, SENSITIVE, VIEW

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
    registry.declare(RESTORE, _l("Restore deleted safety records"), grants=["community_admin"])
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


# === training, accidents, activities, calendar ================================================


TRAINING_COLUMNS = [
    Column("community", _l("Community")),
    Column("title", _l("Training")),
    Column("category", _l("Category")),
    Column("held_on", _l("Held on")),
    Column("place", _l("Place")),
    Column("teacher", _l("Teacher")),
    Column("hours", _l("Hours")),
    Column("name", _l("Full name")),
    Column("enterprise", _l("Enterprise")),
    Column("post", _l("Post")),
    Column("certificate_number", _l("Certificate number")),
    Column("certificate_issued_on", _l("Certificate issued on")),
    Column("certificate_expires_on", _l("Certificate expires on")),
    Column("passed", _l("Passed")),
]
ACCIDENT_COLUMNS = [
    Column("community", _l("Community")),
    Column("occurred_on", _l("Occurred on")),
    Column("enterprise", _l("Enterprise")),
    Column("place", _l("Place")),
    Column("kind", _l("Kind")),
    Column("grade", _l("Grade")),
    Column("deaths", _l("Deaths")),
    Column("serious_injuries", _l("Serious injuries")),
    Column("minor_injuries", _l("Minor injuries")),
    Column("direct_loss", _l("Direct loss (10,000 yuan)")),
    Column("summary", _l("Summary")),
    Column("cause", _l("Cause")),
    Column("measures", _l("Measures")),
    Column("meeting_held", _l("On-site meeting held")),
    Column("meeting_on", _l("On-site meeting on")),
    Column("lessons", _l("Lessons")),
    Column("casualty_details", _l("Casualty details")),
    Column("liability", _l("Liability findings")),
]
ACTIVITY_COLUMNS = [
    Column("community", _l("Community")),
    Column("kind", _l("Kind")),
    Column("title", _l("Title")),
    Column("held_on", _l("Held on")),
    Column("place", _l("Place")),
    Column("headcount", _l("Participants")),
    Column("organiser", _l("Organiser")),
    Column("summary", _l("Summary")),
]


@hookimpl
def jiedao_calendar() -> list[CalendarEntry]:
    from .services import calendar_entries

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


@hookimpl
def jiedao_exports() -> list[Export]:
    """Every safety ledger as street offices file it upward."""
    from . import services
    from .views import LEDGERS

    return [
        *ledgers_exports(LEDGERS),
        Export(
            "safety.trainings",
            _l("Training ledger"),
            VIEW,
            TRAINING_COLUMNS,
            services.export_trainings,
            module=MODULE,
        ),
        Export(
            "safety.accidents",
            _l("Accident ledger"),
            VIEW,
            ACCIDENT_COLUMNS,
            services.export_accidents,
            module=MODULE,
        ),
        Export(
            "safety.activities",
            _l("Publicity activities"),
            VIEW,
            ACTIVITY_COLUMNS,
            services.export_activities,
            module=MODULE,
        ),
    ]


@hookimpl
def jiedao_imports() -> list[Import]:
    from .hazards.ledgers import historical_import
    from .views import LEDGERS

    return [*ledgers_imports(LEDGERS), historical_import]


@hookimpl
def jiedao_demo_seed(session: Session, options: dict[str, Any]) -> None:
    from .demo import seed

    seed(session, options)

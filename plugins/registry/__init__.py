"""基础台账 (registry): households, residents and units, held once for every program plugin.

Module ``registry``. Program plugins (safety, family planning, youth care …) require it and refer
to its rows through ``plugins.registry.services`` and the picker widget instead of keeping their
own lists of people and organisations; they declare resident tags through the ``registry_tags``
hook (``hookspecs.py``). See README.md in this folder.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.plugins import Manifest
from core.reports import Column, Export, Import, Indicator

from . import hookspecs as jiedao_hookspecs  # noqa: F401 - the registry_tags hook for others
from . import models, services
from .hookspecs import Tag
from .services import EDIT, MODULE, RESTORE, SENSITIVE, VIEW

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Basic registry"),
    version=__version__,
    core=">=0.1,<1",
    icon="users",
    description=_l("Households, residents and units, shared by every program."),
)

RESIDENT_COLUMNS = [
    Column("community", _l("Community")),
    Column("name", _l("Full name")),
    Column("gender", _l("Gender")),
    Column("id_number", _l("Resident ID")),
    Column("birth_date", _l("Date of birth")),
    Column("mobile", _l("Mobile")),
    Column("ethnicity", _l("Ethnicity")),
    Column("status", _l("Residence status")),
    Column("current_address", _l("Current address")),
    Column("hukou_address", _l("Hukou address")),
    Column("arrived_on", _l("Arrived on")),
    Column("departed_on", _l("Left on")),
]
HOUSEHOLD_COLUMNS = [
    Column("community", _l("Community")),
    Column("building", _l("Building")),
    Column("entrance", _l("Entrance")),
    Column("room", _l("Room")),
    Column("head_name", _l("Head of household")),
    Column("tenure", _l("Tenure")),
    Column("members", _l("Members")),
    Column("moved_in_on", _l("Moved in on")),
]
UNIT_COLUMNS = [
    Column("community", _l("Community")),
    Column("name", _l("Unit name")),
    Column("credit_code", _l("Unified social credit code")),
    Column("kind", _l("Unit type")),
    Column("legal_representative", _l("Legal representative")),
    Column("contact_name", _l("Contact person")),
    Column("contact_phone", _l("Contact phone")),
    Column("address", _l("Address")),
    Column("industry", _l("Industry")),
    Column("size_class", _l("Size class")),
    Column("output_value", _l("Annual output value (10,000 yuan)")),
    Column("headcount", _l("Headcount")),
]
# What an import file may have (header = these labels, or the keys): the export's columns
# (one label per key) plus the ones only an import takes.
_IMPORT_ONLY = {
    c.key: c
    for c in (
        Column("building", _l("Building")),
        Column("relation", _l("Relation to the head")),
        Column("tags", _l("Tags")),
        Column("notes", _l("Notes")),
    )
}


def _import_columns(exported: list[Column], keys: tuple[str, ...]) -> list[Column]:
    known = {c.key: c for c in exported} | _IMPORT_ONLY
    return [known[key] for key in keys]


RESIDENT_IMPORT = _import_columns(
    RESIDENT_COLUMNS,
    (
        "name",
        "id_number",
        "gender",
        "mobile",
        "ethnicity",
        "status",
        "current_address",
        "hukou_address",
        "arrived_on",
        "building",
        "relation",
        "tags",
        "notes",
    ),
)
HOUSEHOLD_IMPORT = _import_columns(
    HOUSEHOLD_COLUMNS,
    ("building", "entrance", "room", "head_name", "tenure", "moved_in_on", "notes"),
)
UNIT_IMPORT = [c for c in UNIT_COLUMNS if c.key != "community"] + [
    _IMPORT_ONLY["building"],
    _IMPORT_ONLY["notes"],
]


@hookimpl
def jiedao_models() -> list[Any]:
    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    # Grants reach the built-in roles above the one named (community admin, street admin).
    registry.declare(
        VIEW, _l("Read the registry of residents and units"), grants=["program_worker", "inspector"]
    )
    registry.declare(
        EDIT, _l("Edit the registry of residents and units"), grants=["program_worker"]
    )
    registry.declare(
        SENSITIVE,
        _l("See unmasked ID and phone numbers in the registry"),
        grants=["community_admin"],
    )
    registry.declare(RESTORE, _l("Restore deleted registry records"), grants=["community_admin"])


@hookimpl
def jiedao_blueprints(app: Any) -> list[Any]:
    from .views import api, pages, rollup, rollup_api

    return [pages, api, rollup, rollup_api]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("registry.index", _l("Residents"), VIEW, icon="users", order=20, module=MODULE),
        NavEntry(
            "registry.households", _l("Households"), VIEW, icon="home", order=21, module=MODULE
        ),
        NavEntry("registry.units", _l("Units"), VIEW, icon="building", order=22, module=MODULE),
    ]


@hookimpl
def registry_tags() -> list[Tag]:
    return list(services.OWN_TAGS)


@hookimpl
def jiedao_indicators() -> list[Indicator]:
    people, households, units = _l("people"), _l("households"), _l("units")
    found = [
        Indicator("registry.residents", _l("Residents"), people, services.count_residents),
        Indicator("registry.floating", _l("Floating residents"), people, services.count_floating),
        Indicator("registry.households", _l("Households"), households, services.count_households),
        Indicator("registry.units", _l("Units"), units, services.count_units()),
    ]
    found += [
        Indicator(f"registry.units.{kind}", label, units, services.count_units(kind))
        for kind, label in services.UNIT_KINDS.items()
    ]
    found += [
        Indicator(f"registry.tag.{key}", tag.label, people, services.count_tagged(key))
        for key, tag in services.declared_tags().items()
    ]
    return [Indicator(i.name, i.label, i.unit, i.compute, module=MODULE) for i in found]


@hookimpl
def jiedao_exports() -> list[Export]:
    return [
        Export(
            "registry.residents",
            _l("Residents"),
            VIEW,
            RESIDENT_COLUMNS,
            services.export_residents,
            module=MODULE,
        ),
        Export(
            "registry.households",
            _l("Households"),
            VIEW,
            HOUSEHOLD_COLUMNS,
            services.export_households,
            module=MODULE,
        ),
        Export(
            "registry.units", _l("Units"), VIEW, UNIT_COLUMNS, services.export_units, module=MODULE
        ),
    ]


@hookimpl
def jiedao_imports() -> list[Import]:
    """Each row is written by the service that creates the record by hand, so an import checks
    exactly what the form checks (core.exchange numbers the rows and rolls back on a refusal)."""
    from .schemas import HouseholdSchema, ResidentSchema, UnitSchema

    return [
        Import(
            "registry.residents",
            _l("Residents"),
            EDIT,
            RESIDENT_IMPORT,
            ResidentSchema,
            module=MODULE,
            write_row=services.create_resident,
        ),
        Import(
            "registry.households",
            _l("Households"),
            EDIT,
            HOUSEHOLD_IMPORT,
            HouseholdSchema,
            module=MODULE,
            write_row=services.create_household,
        ),
        Import(
            "registry.units",
            _l("Units"),
            EDIT,
            UNIT_IMPORT,
            UnitSchema,
            module=MODULE,
            write_row=services.create_unit,
        ),
    ]


@hookimpl
def jiedao_demo_seed(session: Session, options: dict[str, Any]) -> None:
    from .demo import seed

    seed(session, options)

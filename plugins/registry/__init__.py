"""基础台账 (registry): households, residents and units, held once for every program plugin.

Module ``registry``. Program plugins (safety, family planning, youth care …) require it and refer
to its rows through ``plugins.registry.services`` and the picker widget instead of keeping their
own lists of people and organisations; they declare resident tags through the ``registry_tags``
hook (``hookspecs.py``). See README.md in this folder.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import (
    S3,
    Indicator,
    Manifest,
    NavEntry,
    blueprints_hook,
    hookimpl,
    lazy_hook,
    volunteer_share,
)

from . import figures, models, verifications
from . import hookspecs as jiedao_hookspecs  # noqa: F401 - the registry_tags hook for others
from .ages import AGE_BANDS
from .hookspecs import Tag
from .tags import OWN_TAGS, declared_tags
from .vocabularies import MODULE, UNIT_KINDS, VIEW

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Basic registry"),
    version=__version__,
    core=">=0.1,<1",
    icon="users",
    description=_l("Households, residents and units, shared by every program."),
)


@hookimpl
def jiedao_models() -> list[Any]:
    return [models, verifications]


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.registry.settings:SettingsSchema"
)


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare_ledger_permissions(
        view=_l("Read the registry of residents and units"),
        edit=_l("Edit the registry of residents and units"),
        restore=_l("Restore deleted registry records"),
        sensitive=_l("See unmasked ID and phone numbers and special-group tags in the registry"),
    )


jiedao_blueprints = blueprints_hook("plugins.registry.views")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("registry.index", _l("Residents"), VIEW, icon="users", order=20, module=MODULE),
        NavEntry(
            "registry.households", _l("Households"), VIEW, icon="home", order=21, module=MODULE
        ),
        NavEntry("registry.units", _l("Units"), VIEW, icon="building", order=22, module=MODULE),
        # A RollupBlueprint view: shown at a street or district where the registry runs beneath.
        NavEntry(
            "registry_rollup.overview",
            _l("Basic registry"),
            VIEW,
            icon="users",
            order=20,
            module=MODULE,
        ),
    ]


@hookimpl
def registry_tags() -> list[Tag]:
    return list(OWN_TAGS)


def _volunteer_share(session: Any, communities: Any, period: Any) -> float:
    """志愿者占常住人口比例 (target >8%): core's register over the residents counted here; the
    registry declares it because only it knows the population, and core never imports it."""
    return volunteer_share(
        session, communities, figures.count_residents(session, communities, period)
    )


@hookimpl
def jiedao_indicators() -> list[Indicator]:
    people, households, units = _l("people"), _l("households"), _l("units")
    found = [
        Indicator("registry.residents", _l("Residents"), people, figures.count_residents),
        Indicator("registry.floating", _l("Floating residents"), people, figures.count_floating),
        Indicator("registry.households", _l("Households"), households, figures.count_households),
        Indicator("registry.units", _l("Units"), units, figures.count_units()),
        Indicator("registry.volunteer_share", _l("Volunteers per resident"), "%", _volunteer_share),
    ]
    found += [
        Indicator(f"registry.units.{kind}", label, units, figures.count_units(kind))
        for kind, label in UNIT_KINDS.items()
    ]
    # A special group (S3) is a count only, and a count under 5 would name its people.
    found += [
        Indicator(
            f"registry.tag.{key}",
            tag.label,
            people,
            figures.count_tagged(key),
            suppress_below=5 if tag.sensitivity == S3 else 0,
        )
        for key, tag in declared_tags().items()
    ]
    # Age bands (老年, 育龄 …) at the period's end, all five in one query.
    found += [
        Indicator(
            f"registry.band.{key}",
            label,
            people,
            figures.count_band(key),
            batch=figures.count_bands,
        )
        for key, label in AGE_BANDS.items()
    ]
    # 每月排查: a flow (verified within the period: a month's is "verified this month").
    verified = [
        Indicator(
            "registry.floating_verified",
            _l("Floating residents verified"),
            people,
            verifications.count_verified,
            module=MODULE,
            description=_l("Floating residents with a verification visit in the period"),
        ),
        Indicator(
            "registry.floating_verified_share",
            _l("Share of floating residents verified"),
            "%",
            module=MODULE,
            kind="ratio",
            numerator="registry.floating_verified",
            denominator="registry.floating",
            direction="up",
        ),
    ]
    return [replace(i, module=MODULE, stock=True) for i in found] + verified


jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.registry.ledgers:LEDGERS")
jiedao_audit_actions = lazy_hook("jiedao_audit_actions", "plugins.registry.residents:AUDIT_ACTIONS")
jiedao_workbench = lazy_hook("jiedao_workbench", "plugins.registry.ledgers:WORK")
# 迁入, 迁出, 出租, 出生, 死亡, 结婚, 离婚, 新开店铺, 关闭店铺: see ``changes.py``.
jiedao_change_kinds = lazy_hook("jiedao_change_kinds", "plugins.registry.changes:KINDS")
jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.registry.demo:seed")

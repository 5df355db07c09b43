"""人口与家庭（计划生育） (family_planning): the register of married women of childbearing age,
birth registration and births, family-planning families, with the register derived from the
registry (应建未建, proposed exits) and reproductive-health data held as S3.

Module ``family_planning``; requires ``registry`` (a woman, a child, a household are registry
rows). Wiring only: each sub-area is a package (``women``, ``births``, ``families``) with its
tables, schemas, rules and ledgers; ``views.py`` gathers the ledgers onto the blueprints.
Today's policy: three-child policy, birth *registration* (no step refuses a child by its
order), no 社会抚养费 anywhere.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from .common import APPROVE, MODULE, REVIEW, VIEW

__version__ = "0.1.0"

manifest = Manifest(
    name=MODULE,
    label=_l("Population and family planning"),
    version=__version__,
    core=">=0.1,<1",
    requires=("registry",),
    icon="heart",
    description=_l("Married women's register, birth registration, births, special families."),
)


@hookimpl
def jiedao_models() -> list[Any]:
    from . import models

    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare_ledger_permissions(
        view=_l("Read the family-planning registers"),
        edit=_l("Keep the family-planning registers"),
        restore=_l("Restore deleted family-planning records"),
        sensitive=_l("See reproductive-health data and full numbers in family planning"),
    )
    registry.declare(
        REVIEW, _l("Review family-planning registrations and reports"), grants=["street_admin"]
    )
    registry.declare(APPROVE, _l("Approve family-planning benefit rolls"))
    # 卫健 inspector: reads the registers of a whole area, S3 only as counts (no sensitive.view).
    registry.declare_role(
        "family_planning_inspector",
        _l("Health commission inspector"),
        [VIEW, "tenants.view"],
        _l("Reads family planning across an area; reproductive-health data only as counts"),
    )


jiedao_settings_schema = lazy_hook(
    "jiedao_settings_schema", "plugins.family_planning.schemas:SettingsSchema"
)
jiedao_blueprints = blueprints_hook("plugins.family_planning.views")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry(
            "family_planning.index",
            _l("Population and family planning"),
            VIEW,
            icon="heart",
            order=40,
            module=MODULE,
        ),
    ]


jiedao_ledgers = lazy_hook("jiedao_ledgers", "plugins.family_planning.ledgers:LEDGERS")
jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "plugins.family_planning.demo:seed")
# Every figure of the spec's table, one SQL aggregate over the communities of an area.
jiedao_indicators = lazy_hook("jiedao_indicators", "plugins.family_planning.figures:INDICATORS")
# 人口计生统计月报, filed upward through core's report engine.
jiedao_reports = lazy_hook("jiedao_reports", "plugins.family_planning.reports:REPORTS")
jiedao_calendar = lazy_hook(
    "jiedao_calendar", "plugins.family_planning.activities.ledgers:calendar_entries"
)

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

from flask_babel import lazy_gettext as _l

from core.sdk import Manifest, NavEntry, blueprints_hook, hookimpl, lazy_hook

from .common import MODULE, VIEW

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


# The tables of every sub-area, gathered in models.py; the permissions and the 卫健 inspector role.
jiedao_models = lazy_hook("jiedao_models", "plugins.family_planning.models:MODULES")
jiedao_permissions = lazy_hook("jiedao_permissions", "plugins.family_planning.permissions:declare")
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
# 今日待办 and 催办: overdue registrations, women to file, visits due by the quotas.
jiedao_workbench = lazy_hook("jiedao_workbench", "plugins.family_planning.work:work_sources")
jiedao_reminders = lazy_hook("jiedao_reminders", "plugins.family_planning.work:reminders")
# A birth a building leader reported, once approved, is filed on the mother's card.
jiedao_change_applied = lazy_hook(
    "jiedao_change_applied", "plugins.family_planning.changes:applied"
)

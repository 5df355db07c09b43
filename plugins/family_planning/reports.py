"""人口计生统计月报, filed upward through core's report engine (``core.filing``): drafted from
the registers on the first view, each override with its reason, filed by the community
(community admin), reviewed by the street's 卫健办 (``family_planning.review``), consolidated.
Due: communities by the 5th, the street's review by the 8th, streets by the 10th (004 l.25).
Part G gives the month's moves and divorces beside the marriages, births and deaths above.
Activities, visits and supplies are typed in until the module keeps them.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField, SumCheck

from .common import MODULE, REVIEW
from .figures import INDICATORS

_BY_NAME = {i.name: i for i in INDICATORS}


def _mine(key: str, label: Any = None) -> ReportField:
    return ReportField.filled_by(_BY_NAME[f"{MODULE}.{key}"], key.replace(".", "_"), label)


PEOPLE, TIMES = _l("people"), _l("person-times")

MONTHLY = Report(
    key="family_planning.monthly",
    label=_l("Monthly population and family-planning statistics"),
    module=MODULE,
    frequency="month",
    fields=(
        # A 人口
        ReportField.from_indicator(
            "residents", _l("Resident population"), "registry.residents", unit=PEOPLE
        ),
        ReportField.from_indicator(
            "floating", _l("Inflow population"), "registry.floating", unit=PEOPLE
        ),
        ReportField.from_indicator(
            "households",
            _l("Households in the registry"),
            "registry.households",
            unit=_l("households"),
        ),
        # B 婚育
        _mine("marriages"),
        _mine("married_women"),
        _mine("women.childless"),
        _mine("women.one"),
        _mine("women.two"),
        _mine("women.three_plus"),
        _mine("married_women_in"),
        # C 出生
        _mine("births"),
        _mine("births.boys"),
        _mine("births.girls"),
        _mine("births.first"),
        _mine("births.second"),
        _mine("births.third_plus"),
        # A month's births over the residents, ×12 000: the rate ‰ annualised.
        ReportField.ratio_of(
            "birth_rate", _l("Birth rate (annualised)"), "births", "residents", per=12000, unit="‰"
        ),
        _mine("regs"),
        _mine("births.matched"),
        # D 死亡
        _mine("deaths"),
        _mine("natural_growth"),
        ReportField.ratio_of(
            "natural_growth_rate",
            _l("Natural growth rate (annualised)"),
            "natural_growth",
            "residents",
            per=12000,
            unit="‰",
        ),
        # E 特殊家庭
        _mine("special_families"),
        _mine("special_contact"),
        _mine("special_gp"),
        # F 服务
        ReportField.typed("visits", _l("Follow-up visits"), "int", min=0, unit=TIMES),
        _mine("supply_out"),
        ReportField.typed(
            "school_sessions", _l("Population school sessions"), "int", min=0, unit=_l("sessions")
        ),
        ReportField.typed(
            "school_attendance", _l("Population school attendance"), "int", min=0, unit=TIMES
        ),
        # G 信息核对、补充报告单: the month's changes (结婚, 生育 and 死亡 are above)
        _mine("moved_in"),
        _mine("moved_out"),
        _mine("divorces"),
    ),
    checks=(
        SumCheck(
            "married_women", ("women_childless", "women_one", "women_two", "women_three_plus")
        ),
        SumCheck("births", ("births_boys", "births_girls")),
        SumCheck("births", ("births_first", "births_second", "births_third_plus")),
        ChangeCheck("married_women", 10.0),
        ChangeCheck("residents", 10.0),
    ),
    due=Due(community=5, street=10, district=15, review=8),
    review=REVIEW,
    instructions=_l(
        "The figures fill themselves from the registers and the registry; a changed figure "
        "needs its reason. Enter the visits, contraceptives and population school of the month. "
        "Communities file by the 5th of the following month, the street reviews by the 8th and "
        "files by the 10th."
    ),
)

REPORTS = [MONTHLY]

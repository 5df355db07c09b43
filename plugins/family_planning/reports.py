"""人口计生统计月报 and the 年度工作总结 with its 目标完成情况表, filed upward through core's
report engine (``core.filing``): drafted from the registers on the first view, each override
with its reason, filed by the community (community admin), reviewed by the street's 卫健办
(``family_planning.review``), consolidated. Due: communities by the 5th, the street's review
by the 8th, streets by the 10th (004 l.25); the annual one in January.
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


def _rate(key: str, label: Any, numerator: str, denominator: str, per: int = 100) -> ReportField:
    return ReportField.ratio_of(
        key, label, numerator, denominator, per=per, unit="‰" if per == 1000 else "%"
    )


# 年度工作总结 + 目标完成情况表 (001 l.677-701): the year's assessed figures, each rate beside the
# numerator and denominator it is computed from (so a street's rate is its summed parts), and
# the summary written by the community. The legacy rates are not on it (不作考核).
ANNUAL = Report(
    key="family_planning.annual",
    label=_l("Annual family-planning work summary and target table"),
    module=MODULE,
    frequency="year",
    fields=(
        ReportField.from_indicator(
            "residents", _l("Resident population"), "registry.residents", unit=PEOPLE
        ),
        _mine("married_women"),
        _mine("qualifying_women"),
        _rate("filing_rate", _l("Filing rate"), "married_women", "qualifying_women"),
        _mine("married_women_in"),
        _mine("platform_in"),
        _rate(
            "platform_rate",
            _l("Platform entry rate of floating women"),
            "platform_in",
            "married_women_in",
        ),
        _mine("births"),
        _mine("births.boys"),
        _mine("births.girls"),
        _mine("births.first"),
        _mine("births.second"),
        _mine("births.third_plus"),
        _rate(
            "birth_rate",
            _l("Birth rate (on the year-end population)"),
            "births",
            "residents",
            per=1000,
        ),
        _mine("births.matched"),
        _rate("birth_match_rate", _l("Birth comparison rate"), "births_matched", "births"),
        _mine("births_reported_on_file"),
        _mine("births_report_gap"),
        _rate(
            "birth_report_error",
            _l("Birth statistics error"),
            "births_report_gap",
            "births_reported_on_file",
        ),
        _mine("deaths"),
        _mine("natural_growth"),
        _mine("regs_done"),
        _mine("regs_on_time"),
        _rate("reg_on_time", _l("Registered on time rate"), "regs_on_time", "regs_done"),
        _mine("special_families"),
        _mine("special_contact"),
        _mine("special_gp"),
        _rate(
            "special_contact_rate",
            _l("Contact coverage of special families"),
            "special_contact",
            "special_families",
        ),
        _rate(
            "special_gp_rate",
            _l("Family doctor rate of special families"),
            "special_gp",
            "special_families",
        ),
        _mine("key_events"),
        _mine("key_visited"),
        _rate(
            "key_visit_rate",
            _l("Visit rate of key service recipients"),
            "key_visited",
            "key_events",
        ),
        _mine("info_changes"),
        _mine("info_changes_on_time"),
        _rate(
            "info_timeliness",
            _l("Timeliness of information changes"),
            "info_changes_on_time",
            "info_changes",
        ),
        _mine("benefit_people"),
        _mine("benefit_amount"),
        _mine("school_sessions"),
        _mine("supply_kinds"),
        _mine("supply_out"),
        ReportField.typed(
            "summary",
            _l("Work summary of the year"),
            "text",
            help=_l("What was done, what fell short of the targets and why, next year's plan."),
        ),
    ),
    checks=(
        SumCheck("births", ("births_boys", "births_girls")),
        SumCheck("births", ("births_first", "births_second", "births_third_plus")),
        ChangeCheck("married_women", 10.0),
    ),
    # By 10 January (001 l.677): communities by the 5th, the street's review by the 8th.
    due=Due(community=5, street=10, district=15, review=8),
    review=REVIEW,
    instructions=_l(
        "The year's figures fill themselves from the registers; a changed figure needs its "
        "reason. Write the year's work summary. Communities file by 5 January, the street "
        "reviews by the 8th and files by the 10th."
    ),
)

REPORTS = [MONTHLY, ANNUAL]

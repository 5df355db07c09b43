"""The reports filed upward through core's report engine (``core.filing``): 人民调解工作月报
(调委会 → 司法所, reviewed and returned there) and 安置帮教月报, both by the 5th of the following
month, filled from the registers' figures; and the 普法 季报, 半年总结 and 年度总结 — the same
figures of the publicity ledgers over a quarter, a half-year or a year, with the written
summary the 司法所 asks for beside them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField, SumCheck

from .common import (
    EDIT,
    MEDIATION_EDIT,
    MEDIATION_REVIEW,
    MODULE,
    RESETTLEMENT_CONFIRM,
    RESETTLEMENT_EDIT,
    RESETTLEMENT_VIEW,
)


def _figure(key: str, label: Any, **options: Any) -> ReportField:
    return ReportField.from_indicator(key, label, f"{MODULE}.{key}", **options)


MEDIATION_MONTHLY = Report(
    key="legal_publicity.mediation_monthly",
    label=_l("Monthly people's mediation report"),
    module=MODULE,
    frequency="month",
    fields=(
        _figure("screenings", _l("Dispute screenings")),
        _figure("disputes_found", _l("Disputes found")),
        _figure("accepted", _l("Cases accepted")),
        _figure("concluded", _l("Cases concluded")),
        _figure("resolved", _l("Cases mediated successfully")),
        ReportField.ratio_of(
            "success_rate", _l("Mediation success rate"), "resolved", "concluded", unit="%"
        ),
        _figure("written", _l("Written agreements")),
        _figure("oral", _l("Oral agreements")),
        _figure("confirmed", _l("Judicial confirmations")),
        _figure("amount", _l("Amount involved in mediation")),
        _figure("mass_disputes", _l("Mass disputes")),
        _figure("overdue", _l("Cases overdue")),
    ),
    checks=(SumCheck("resolved", ("written", "oral")), ChangeCheck("accepted", 50.0)),
    due=Due(community=5, street=10, district=15),
    submit=MEDIATION_EDIT,
    review=MEDIATION_REVIEW,
    instructions=_l(
        "The figures fill themselves from the screening register and the mediation book; a "
        "changed figure needs its reason. Successes are the written plus the oral agreements. "
        "The mediation committee files by the 5th; the judicial office reviews or returns it."
    ),
)

RESETTLEMENT_MONTHLY = Report(
    key="legal_publicity.resettlement_monthly",
    label=_l("Monthly resettlement care report"),
    module=MODULE,
    frequency="month",
    fields=(
        _figure("in_care", _l("Persons in resettlement care")),
        _figure("released", _l("Persons released in the period")),
        _figure("handed_over", _l("Released persons reported in time")),
        _figure("placed", _l("Persons in care placed")),
        _figure("reoffending", _l("Persons in care who reoffended")),
        _figure("unsupervised", _l("Persons in care out of contact")),
    ),
    due=Due(community=5, street=10, district=15),
    submit=RESETTLEMENT_EDIT,
    review=RESETTLEMENT_CONFIRM,
    read=RESETTLEMENT_VIEW,  # a compartment's report: only those who may see the register
    instructions=_l(
        "Counts only, no names: filled from the resettlement register. Filed by the 5th of the "
        "following month to the judicial office."
    ),
)

# 普法 季报 / 半年 / 年度总结: key suffix, label, frequency, when due after the period.
PUBLICITY_PERIODS = (
    ("quarterly", _l("Quarterly legal publicity report"), "quarter", Due(10, 15, 20)),
    ("half_yearly", _l("Half-year legal publicity summary"), "half", Due(10, 15, 20)),
    ("annual", _l("Annual legal publicity summary"), "year", Due(10, 15, 20)),
)


def _publicity_report(suffix: str, label: Any, frequency: str, due: Due) -> Report:
    """普法's figures over the period, the boards' rate on its last day, and the summary."""
    return Report(
        key=f"{MODULE}.publicity_{suffix}",
        label=label,
        module=MODULE,
        frequency=frequency,
        fields=(
            _figure("activities", _l("Legal publicity activities")),
            _figure("audience", _l("People reached by legal publicity")),
            _figure("materials", _l("Publicity materials handed out")),
            _figure("monthly_law", _l("Months with a law of the month")),
            _figure("constitution_day", _l("Constitution Day activities")),
            _figure("youth_law", _l("Legal lectures for young people")),
            _figure("boards", _l("Publicity boards")),
            _figure("boards_on_time", _l("Boards renewed on time")),
            ReportField.ratio_of(
                "board_on_time",
                _l("Boards renewed on time (rate)"),
                "boards_on_time",
                "boards",
                unit="%",
            ),
            _figure("leaders_studied", _l("Residents' group leaders who studied the law")),
            _figure("consultations", _l("Legal consultations")),
            _figure("aid_referrals", _l("Referrals to legal aid")),
            ReportField.typed("highlights", _l("Work done and highlights"), "text"),
            ReportField.typed("problems", _l("Problems and next steps"), "text"),
        ),
        checks=(ChangeCheck("activities", 50.0),),
        due=due,
        submit=EDIT,
        review=MEDIATION_REVIEW,
        instructions=_l(
            "The figures fill themselves from the activity register, the boards, the study "
            "record and the consultation register; a changed figure needs its reason. Write "
            "what was done and what is planned; the judicial office reviews or returns it."
        ),
    )


PUBLICITY_REPORTS = [_publicity_report(*period) for period in PUBLICITY_PERIODS]

REPORTS = [MEDIATION_MONTHLY, RESETTLEMENT_MONTHLY, *PUBLICITY_REPORTS]

"""The monthly reports filed upward (上报) to the street's 城管 / 爱卫办 / 垃圾分类办 by the 5th:
环境卫生检查月报, 垃圾分类月报, 诉求办理月报; and 门前三包签订情况 each quarter. Figures fill
themselves from the ledgers; what the ledgers do not hold is typed in."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField, SumCheck

from ..common import MODULE
from .figures import BY_NAME, lowest_areas

BY_5TH = Due(community=5, street=10, district=15)


def _filled(key: str) -> ReportField:
    return ReportField.filled_by(BY_NAME[f"{MODULE}.{key}"])


def _rate(key: str, label: Any, numerator: str, denominator: str) -> ReportField:
    return ReportField.ratio_of(key, label, numerator, denominator, unit="%")


INSPECTIONS = Report(
    key="environment.inspections",
    label=_l("Monthly sanitation inspection report"),
    module=MODULE,
    frequency="month",
    fields=(
        _filled("self_checks"),
        _filled("joint_checks"),
        _filled("scored"),
        _filled("passed"),
        _rate("pass_rate", _l("Inspection pass rate"), "passed", "scored"),
        _filled("issues_found"),
        _filled("issues_closed"),
        _filled("issues_overdue"),
        _filled("issues_referred"),
        ReportField.typed("lowest_areas", _l("Lowest-ranked areas"), "text", fill=lowest_areas),
    ),
    checks=(ChangeCheck("issues_found", 50.0),),
    due=BY_5TH,
    instructions=_l(
        "Checks, scores and issues fill themselves from the ledgers; a changed figure needs its "
        "reason. The lowest-ranked areas of the month are filled in from the scores and may be "
        "corrected. Communities file by the 5th."
    ),
)

SORTING = Report(
    key="environment.sorting",
    label=_l("Monthly garbage-sorting report"),
    module=MODULE,
    frequency="month",
    fields=(
        ReportField.typed("stations", _l("Sorting stations"), "int", min=0),
        _filled("sorting_covered"),
        _filled("sorting_participating"),
        _rate(
            "participation",
            _l("Garbage-sorting participation"),
            "sorting_participating",
            "sorting_covered",
        ),
        _filled("sorting_checked"),
        _filled("sorting_passed"),
        _rate("accuracy", _l("Sorting accuracy"), "sorting_passed", "sorting_checked"),
        ReportField.typed("duty_hours", _l("Hours on duty"), "decimal", min=0),
        ReportField.typed("kitchen_kg", _l("Kitchen waste (kg)"), "decimal", min=0),
    ),
    due=BY_5TH,
    instructions=_l(
        "Households and spot checks fill themselves from the sorting ledger. Communities file "
        "by the 5th of the following month."
    ),
)

COMPLAINTS = Report(
    key="environment.complaints",
    label=_l("Monthly complaint handling report"),
    module=MODULE,
    frequency="month",
    fields=(
        _filled("complaints"),
        _filled("complaints_on_time"),
        _rate("response_rate", _l("Response rate"), "complaints_on_time", "complaints"),
        _filled("complaints_resulted"),
        _filled("complaints_solved"),
        _rate("resolution_rate", _l("Resolution rate"), "complaints_solved", "complaints_resulted"),
        _filled("complaints_asked"),
        _filled("complaints_satisfied"),
        _rate(
            "satisfaction_rate", _l("Satisfaction rate"), "complaints_satisfied", "complaints_asked"
        ),
        ReportField.typed("unsatisfied_explained", _l("Unsatisfied cases explained"), "text"),
    ),
    due=BY_5TH,
    instructions=_l(
        "The three rates fill themselves from the complaint ledger; explain every case the "
        "resident was not satisfied with."
    ),
)

LETTERS = Report(
    key="environment.letters",
    label=_l("Frontage letters signed"),
    module=MODULE,
    frequency="quarter",
    fields=(
        _filled("street_front_units"),
        _filled("letters_valid"),
        ReportField.typed("letters_new", _l("Letters signed in the quarter"), "int", min=0),
        ReportField.typed("letters_first", _l("Of which with new shops"), "int", min=0),
        ReportField.typed("letters_renewed", _l("Of which renewed"), "int", min=0),
        _rate(
            "letters_rate",
            _l("Frontage letter signing rate"),
            "letters_valid",
            "street_front_units",
        ),
    ),
    checks=(SumCheck("letters_new", ("letters_first", "letters_renewed")),),
    due=Due(community=5, street=10, district=15),
    instructions=_l(
        "Filed by 31 January for the renewals, then every quarter. Letters in force fill "
        "themselves from the ledger."
    ),
)

REPORTS = [INSPECTIONS, SORTING, COMPLAINTS, LETTERS]

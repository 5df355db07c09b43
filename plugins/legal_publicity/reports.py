"""The monthly reports filed upward through core's report engine (``core.filing``):
人民调解工作月报 (调委会 → 司法所, reviewed and returned there) and 安置帮教月报, both by the 5th of
the following month, filled from the registers' figures."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField, SumCheck

from .common import (
    MEDIATION_EDIT,
    MEDIATION_REVIEW,
    MODULE,
    RESETTLEMENT_CONFIRM,
    RESETTLEMENT_EDIT,
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
    instructions=_l(
        "Counts only, no names: filled from the resettlement register. Filed by the 5th of the "
        "following month to the judicial office."
    ),
)

REPORTS = [MEDIATION_MONTHLY, RESETTLEMENT_MONTHLY]

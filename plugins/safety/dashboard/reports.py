"""安全生产信息月报: the safety figures the street office files upward each month ("及时报送安全
生产信息和各种台账报表"), filled from the safety ledgers, with the accident figures typed in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField

from ..common import MODULE
from .figures import SAFETY


def from_figure(key: str) -> ReportField:
    return ReportField.filled_by(SAFETY.indicator(key))


MONTHLY = Report(
    key="safety.monthly",
    label=_l("Monthly safety information report"),
    module=MODULE,
    frequency="month",
    fields=(
        from_figure("hazards_found"),
        from_figure("hazards_rectified"),
        ReportField.ratio_of(
            "rectification_rate",
            _l("Rectification rate"),
            "hazards_rectified",
            "hazards_found",
            unit="%",
        ),
        from_figure("hazards_overdue"),
        from_figure("inspections_done"),
        from_figure("trained"),
        ReportField.typed(
            "accidents", _l("Number of accidents"), "int", min=0, unit=_l("accidents")
        ),
        ReportField.typed("deaths", _l("Deaths"), "int", min=0, unit=_l("people")),
        ReportField.typed("injured", _l("Injured"), "int", min=0, unit=_l("people")),
        ReportField.typed(
            "direct_loss",
            _l("Direct economic loss"),
            "decimal",
            min=0,
            unit=_l("10,000 yuan"),
        ),
    ),
    checks=(ChangeCheck("hazards_found", 50.0),),
    due=Due(community=5, street=10, district=15),
    instructions=_l(
        "Hazard, inspection and training figures fill themselves from the ledgers; a changed "
        "figure needs its reason. Enter the accidents of the month, 0 when there were none. "
        "Communities file by the 5th of the following month, the street by the 10th."
    ),
)

REPORTS = [MONTHLY]

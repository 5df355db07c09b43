"""The upward reports of the 关工委 through core's report engine (``core.filing``): the
quarterly 关工委工作季报 (community → street 关工委 → district) and the monthly changes of
children in difficulty (困境儿童变动月报, to the street's civil affairs). Figures fill
themselves from the ledgers; what the ledgers do not hold is typed in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import ChangeCheck, Due, Report, ReportField, SumCheck

from .children.rules import EXIT_REASONS
from .common import MODULE, REVIEW
from .figures import YOUTH_CARE


def from_figure(key: str) -> ReportField:
    return ReportField.filled_by(YOUTH_CARE.indicator(key))


QUARTERLY = Report(
    key="youth_care.quarterly",
    label=_l("Quarterly report of the committee for the next generation"),
    module=MODULE,
    frequency="quarter",
    review=REVIEW,
    fields=(
        from_figure("in_care"),
        from_figure("key_children"),
        from_figure("general_children"),
        from_figure("difficulty"),
        from_figure("pairings"),
        from_figure("visits"),
        from_figure("activities"),
        from_figure("activity_attendance"),
        from_figure("five_elders"),
        from_figure("assisted"),
        from_figure("assistance_amount"),
        from_figure("venue_checks"),
        from_figure("venue_problems"),
    ),
    checks=(
        SumCheck("in_care", ("key_children", "general_children")),
        ChangeCheck("in_care", 20.0),
    ),
    due=Due(community=10, street=15, district=20),
    instructions=_l(
        "The figures fill themselves from the ledgers; a changed figure needs its reason. The "
        "children in care are those of key or urgent attention and those of general attention. "
        "Communities file by the 10th of the month after the quarter."
    ),
)

MONTHLY_DIFFICULTY = Report(
    key="youth_care.difficulty_changes",
    label=_l("Monthly changes of children in difficulty"),
    module=MODULE,
    frequency="month",
    review=REVIEW,
    fields=(
        from_figure("difficulty"),
        from_figure("difficulty_new"),
        from_figure("difficulty_exited"),
        *(from_figure(f"difficulty_exited_{key}") for key in EXIT_REASONS),
        ReportField.typed(
            "difficulty_changed",
            _l("Children in difficulty whose situation changed"),
            "int",
            min=0,
            unit=_l("people"),
        ),
    ),
    checks=(
        SumCheck("difficulty_exited", tuple(f"difficulty_exited_{key}" for key in EXIT_REASONS)),
    ),
    due=Due(community=5, street=8, district=12),
    instructions=_l(
        "New and exited children in difficulty fill themselves from the care ledger, each "
        "exit under its reason. Enter how many changed category, guardian or situation. File "
        "by the 5th of the following month."
    ),
)

REPORTS = [QUARTERLY, MONTHLY_DIFFICULTY]

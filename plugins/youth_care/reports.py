"""The upward reports of the 关工委 through core's report engine (``core.filing``): the
quarterly 关工委工作季报 (community → street 关工委 → district), the monthly changes of
children in difficulty (困境儿童变动月报, to the street's civil affairs) and the half-year and
annual summaries (半年总结 by 10 July, 年度总结 by 10 January). Figures fill themselves from
the ledgers; what the ledgers do not hold is typed in."""

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

# What a summary (总结) says in words besides its figures: the work done, the problems, the plans.
SUMMARY_TEXTS = (
    ReportField.typed("work_done", _l("Main work and results of the period"), "text"),
    ReportField.typed("problems", _l("Problems and shortcomings"), "text"),
    ReportField.typed("next_steps", _l("Plans for the next period"), "text"),
)
SUMMARY_FIGURES = (
    "in_care",
    "key_children",
    "general_children",
    "difficulty",
    "minors",
    "pairings",
    "key_paired",
    "visits",
    "visited",
    "spring_visited",
    "june_first_visited",
    "five_elders",
    "volunteers",
    "activities",
    "activity_attendance",
    "ps_sessions",
    "ps_attendance",
    "ps_families",
    "holiday_days",
    "holiday_attendance",
    "assisted",
    "assistance_amount",
    "venue_checks",
    "venue_problems",
    "deeds",
)

# Rates from their parts, so that a street's is its own and never a mean of its communities'.
SUMMARY_RATES = (
    ReportField.ratio_of("pairing_coverage", _l("Pairing coverage"), "key_paired", "key_children"),
    ReportField.ratio_of(
        "visit_coverage", _l("Children in care visited in the period"), "visited", "in_care"
    ),
)


def summary(key: str, label: object, frequency: str, instructions: object, **kw: object) -> Report:
    """A 总结: the period's figures of the committee's work, then its account in words."""
    return Report(
        key=key,
        label=label,
        module=MODULE,
        frequency=frequency,
        review=REVIEW,
        fields=(*(from_figure(k) for k in SUMMARY_FIGURES), *SUMMARY_RATES, *SUMMARY_TEXTS),
        checks=(SumCheck("in_care", ("key_children", "general_children")),),
        due=Due(community=10, street=15, district=20),
        instructions=instructions,
        **kw,
    )


HALF_YEAR = summary(
    "youth_care.half_year",
    _l("Half-year summary of the committee for the next generation"),
    "half",
    _l(
        "The figures of January to June fill themselves from the ledgers; write the work "
        "done, the problems and the plans. Communities file by 10 July; the second half is "
        "in the annual summary."
    ),
    filed_for=(1,),  # the second half is the annual summary's
)
ANNUAL = summary(
    "youth_care.annual",
    _l("Annual summary of the committee for the next generation"),
    "year",
    _l(
        "The figures of the year fill themselves from the ledgers; write the work done, the "
        "problems and the plans for next year. Communities file by 10 January."
    ),
)

REPORTS = [QUARTERLY, MONTHLY_DIFFICULTY, HALF_YEAR, ANNUAL]

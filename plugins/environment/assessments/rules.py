"""物业服务考核 rules: one assessment per property company and half-year; the issue figures of
the company's areas in that half feed it directly; the result follows the score unless the
team gives one (优秀 from 90, 合格 from the sheet's pass mark)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.db import db
from core.sdk import refuse
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..areas.models import EnvironmentArea
from ..common import live_in, now, written
from ..inspections.checklists import PASS_MARK
from ..issues.models import EnvironmentIssue
from ..issues.rules import OPEN_STATES
from .models import EnvironmentAssessment

RESULTS = {"excellent": _l("Excellent"), "pass": _l("Passed"), "fail": _l("Failed")}
EXCELLENT = 90  # 优秀
PROPERTY = "property"  # the registry's unit type of a property company


def half_span(year: int, half: int) -> tuple[date, date]:
    """The first and last day of the half-year."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def issue_figures(session: Session, a: EnvironmentAssessment) -> dict[str, int]:
    """Issues found in the half-year in the areas the company answers for: found, closed,
    still open past their deadline (问题整改 feeding the assessment)."""
    start, end = half_span(a.year, a.half)
    areas = sa.select(EnvironmentArea.id).where(
        EnvironmentArea.unit_id == a.unit_id, EnvironmentArea.community_id == a.community_id
    )
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(EnvironmentIssue.closed_on.is_not(None)),
            sa.func.count().filter(
                EnvironmentIssue.status.in_(OPEN_STATES), EnvironmentIssue.deadline_at < now()
            ),
        ).where(
            EnvironmentIssue.area_id.in_(areas),
            EnvironmentIssue.deleted_at.is_(None),
            EnvironmentIssue.found_on.between(start, end),
        )
    ).one()
    return {"found": row[0], "closed": row[1], "overdue": row[2]}


def satisfaction(a: EnvironmentAssessment) -> float | None:
    """满意率 of the survey, in per cent."""
    if not a.survey_asked or a.survey_satisfied is None:
        return None
    return round(100 * a.survey_satisfied / a.survey_asked, 1)


def result_for(score: float | None, pass_mark: float | None = None) -> str | None:
    """The result a score gives when the team names none. 合格 from the pass mark of the
    sheet's version ("pass mark 85 (setting)", spec C; the sheet of "8个方面", 003 l.265),
    the place's own when it changed it. 优秀 from 90: the spec gives no mark, the seed has
    the team choose ("考核将评选出优秀物业企业", 003 l.265), which it does by giving the
    result itself; 90 is this module's default, never below the pass mark."""
    if score is None:
        return None
    mark = pass_mark if pass_mark is not None else PASS_MARK
    if score >= max(EXCELLENT, mark):
        return "excellent"
    return "pass" if score >= mark else "fail"


def company_choices() -> dict[int, str]:
    """The community's property companies (registry units of that type), for the form."""
    if "community" not in g:
        return {}
    stmt = (
        sa.select(RegistryUnit.id, RegistryUnit.name)
        .where(
            RegistryUnit.community_id == g.community.id,
            RegistryUnit.kind == PROPERTY,
            RegistryUnit.deleted_at.is_(None),
        )
        .order_by(RegistryUnit.name, RegistryUnit.id)
    )
    return {row.id: row.name for row in db.session.execute(stmt)}


def check_assessment(
    session: Session, community: Node, data: dict[str, Any], a: EnvironmentAssessment | None
) -> None:
    """A property company (a registry unit of that type) of the community, once per
    half-year; the survey's
    satisfied residents no more than those asked."""
    if "unit_id" in data:
        unit = live_in(session, community, RegistryUnit, data["unit_id"], "unit_id",
                       _("There is no such unit."))  # fmt: skip
        if unit.kind != PROPERTY:
            refuse("unit_id", _("Choose a property company of the registry."))
    unit_id, year, half = written(data, a, "unit_id", "year", "half")
    taken = sa.select(EnvironmentAssessment.id).where(
        EnvironmentAssessment.community_id == community.id,
        EnvironmentAssessment.unit_id == unit_id,
        EnvironmentAssessment.year == year,
        EnvironmentAssessment.half == half,
        EnvironmentAssessment.deleted_at.is_(None),
        EnvironmentAssessment.id != (a.id if a else 0),
    )
    if session.scalar(taken) is not None:
        refuse("half", _("This company is already assessed for that half-year."))
    asked, satisfied = written(data, a, "survey_asked", "survey_satisfied")
    if asked is not None and satisfied is not None and satisfied > asked:
        refuse("survey_satisfied", _("More residents satisfied than were asked."))

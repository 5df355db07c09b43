"""物业服务考核台账: the property companies' half-yearly assessments and their steps."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter, current_template

from ..common import EnvLedger
from ..inspections.checklists import ENV_INSPECTIONS
from .models import EnvironmentAssessment
from .rules import RESULTS, check_assessment, issue_figures
from .schemas import AssessmentSchema
from .workflow import ASSESSMENT_FLOW, ASSESSMENT_STATES, AssessmentStepSchema, scheduled


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    a = assessments.create_record(session, community, data, user=user)
    scheduled(session, a, user)
    return a


def _sheet() -> list[Any]:
    """The items of the community's current 物业服务考核 sheet, for the scoring form."""
    template = current_template(db.session, ENV_INSPECTIONS, g.community, "property")
    return list(template.items) if template is not None else []


assessments = EnvLedger(
    name="assessment",
    model=EnvironmentAssessment,
    schema=AssessmentSchema,
    title=_l("Property service assessments"),
    label=_l("Property service assessment"),
    filters=(
        Filter("year", "int", _l("Year"), column="year"),
        Filter("status", "choice", _l("Status"), ASSESSMENT_STATES),
        Filter("result"),
    ),
    order=lambda: [
        EnvironmentAssessment.year.desc(),
        EnvironmentAssessment.half.desc(),
        EnvironmentAssessment.id,
    ],
    options=lambda stmt: stmt.options(selectinload(EnvironmentAssessment.unit)),
    # The issues in the company's areas cost a query: one record's own answer, not the lists'.
    dump_detail=lambda a, data: data.update(
        {f"issues_{key}": n for key, n in issue_figures(db.session, a).items()}
    ),
    check=check_assessment,
    create=_create,
    rollup=True,
    title_of=lambda a: f"{a.unit.name} {a.year}-{a.half}",
    context=lambda: {
        "timeline": lambda a: ASSESSMENT_FLOW.timeline(db.session, a),
        "sheet": _sheet,
        "issue_figures": lambda a: issue_figures(db.session, a),
        "results": RESULTS,
    },
    templates={"detail": "environment/assessment.html"},
    workflow=ASSESSMENT_FLOW,
    steps=ASSESSMENT_FLOW.steps(
        AssessmentStepSchema,
        "A step: score (the 8-area sheet as results, survey_asked, survey_satisfied, "
        "ledger_review), require (rectification in the comment, rectify_by), conclude "
        "(result, else from the score)",
    ),
    importable=False,
)

LEDGERS = [assessments]

"""The 物业服务考核 workflow: 已安排 → 已评分 (the 8-area sheet scored, the survey and the
ledger review) → 整改中 (what the company must rectify, by when) → 已出结果."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import (
    ResultSchema,
    Schema,
    Transition,
    Workflow,
    choice,
    optional_text,
    rectify_failed,
    refuse,
)
from tenants.models import Node

from ..inspections.checklists import ENV_INSPECTIONS
from ..inspections.rules import pass_mark
from .models import EnvironmentAssessment, EnvironmentAssessmentEvent
from .rules import RESULTS, result_for

ASSESSMENT_STATES = {
    "scheduled": _l("Scheduled"),
    "scored": _l("Scored"),
    "rectifying": _l("Rectification required"),
    "concluded": _l("Result given"),
}


def _score(session: Session, a: EnvironmentAssessment, data: dict, on: date) -> dict:
    """The sheet becomes an inspection of the company (kind 物业服务考核) scored on the
    property template; its failed items become issues like any inspection's."""
    from ..inspections.ledgers import inspections

    if not data.get("results"):
        refuse("results", _("Score the assessment sheet."))
    asked, satisfied = data.get("survey_asked"), data.get("survey_satisfied")
    if asked is not None and satisfied is not None and satisfied > asked:
        refuse("survey_satisfied", _("More residents satisfied than were asked."))
    community = session.get(Node, a.community_id)
    sheet = {
        "done_on": on,
        "kind": "property",
        "target_kind": "property",
        "target_id": a.unit_id,
        "target_name": a.unit.name,
        "inspectors": a.team,
        "results": data["results"],
        "findings": data.get("ledger_review") or "",
    }
    inspection = inspections.create_record(session, community, sheet)
    rectify_failed(session, ENV_INSPECTIONS, community, inspection)
    changes: dict[str, Any] = {"score": [a.score, inspection.total_score]}
    a.inspection_id, a.score = inspection.id, inspection.total_score
    for key in ("survey_asked", "survey_satisfied", "ledger_review"):
        if data.get(key) is not None:
            changes[key] = [getattr(a, key), data[key]]
            setattr(a, key, data[key])
    return changes


def _require(_session: Session, a: EnvironmentAssessment, data: dict, on: date) -> dict:
    if not (data.get("comment") or "").strip():
        refuse("comment", _("Say what the company must rectify."))
    if not data.get("rectify_by") or data["rectify_by"] < on:
        refuse("rectify_by", _("Give the day it must be rectified by, not before today."))
    changes = {"requirements": [a.requirements, data["comment"]],
               "rectify_by": [a.rectify_by, data["rectify_by"]]}  # fmt: skip
    a.requirements, a.rectify_by = data["comment"], data["rectify_by"]
    return changes


def _conclude(_session: Session, a: EnvironmentAssessment, data: dict, on: date) -> dict:
    mark = pass_mark(a.inspection) if a.inspection is not None else None
    result = data.get("result") or result_for(a.score, mark)
    changes = {"result": [a.result, result], "concluded_on": [a.concluded_on, on]}
    a.result, a.concluded_on = result, on
    return changes


ASSESSMENT_FLOW = Workflow(
    object_type="environment.assessment",
    states=ASSESSMENT_STATES,
    transitions=(
        Transition("score", ("scheduled",), "scored", _l("Sheet scored"), apply=_score),
        Transition(
            "require", ("scored",), "rectifying", _l("Rectification required"), apply=_require
        ),
        Transition(
            "conclude", ("scored", "rectifying"), "concluded", _l("Result given"), apply=_conclude
        ),
    ),
    event_model=EnvironmentAssessmentEvent,
    key="assessment_id",
    summary=lambda a, action: _(
        "%(action)s: assessment of %(unit)s %(year)s-%(half)s",
        action=action,
        unit=a.unit.name,
        year=a.year,
        half=a.half,
    ),
    labels={"scheduled": _l("Scheduled")},
)


class AssessmentStepSchema(Schema):
    """The sheet's scores, the survey and the ledger review (评分); what to rectify and by
    when (整改要求, in the comment); the result (出结果, else from the score)."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)
    results = ma.fields.List(ma.fields.Nested(ResultSchema), load_default=None, allow_none=True)
    survey_asked = ma.fields.Integer(load_default=None, allow_none=True,
                                     validate=ma.validate.Range(min=1, max=100000))  # fmt: skip
    survey_satisfied = ma.fields.Integer(load_default=None, allow_none=True,
                                         validate=ma.validate.Range(min=0, max=100000))  # fmt: skip
    ledger_review = optional_text(2000)
    rectify_by = ma.fields.Date(load_default=None, allow_none=True)
    result = choice(RESULTS, load_default=None, allow_none=True)


def scheduled(session: Session, a: EnvironmentAssessment, user: Any = None) -> None:
    ASSESSMENT_FLOW.event(session, a, "scheduled", "", on=a.scheduled_on, user=user)

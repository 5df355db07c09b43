"""The inspection ledger's rules: an area of the community is scored on the current template
of its target kind; it passes at the template's pass mark (85 of 100); failed items become
issues after the write."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.db import db
from core.sdk import current_template, new_results, record_scores
from tenants.models import Node

from ..areas.models import EnvironmentArea
from ..common import live_in
from .checklists import ENV_INSPECTIONS, PASS_MARK
from .models import EnvironmentInspection


def pass_mark(inspection: EnvironmentInspection) -> float:
    template = inspection.checklist_template
    if template is not None and template.pass_mark is not None:
        return template.pass_mark
    return PASS_MARK


def is_passed(inspection: EnvironmentInspection) -> bool | None:
    if inspection.total_score is None:
        return None
    return inspection.total_score >= pass_mark(inspection)


def passed_label(inspection: EnvironmentInspection) -> str | None:
    passed = is_passed(inspection)
    if passed is None:
        return None
    return _("Passed") if passed else _("Failed")


def check_inspection(
    session: Session,
    community: Node,
    data: dict[str, Any],
    inspection: EnvironmentInspection | None,
) -> None:
    """The area is the community's (the inspection is placed where it is); the scoring sheet is
    checked and totalled by core against its template version."""
    if "area_id" in data:
        area = live_in(session, community, EnvironmentArea, data["area_id"], "area_id",
                       _("There is no such area."))  # fmt: skip
        data["target_id"] = area.id
        data["target_name"] = area.name
        if inspection is None:
            data["node_id"] = area.node_id
        else:
            inspection.node_id = area.node_id
    record_scores(session, ENV_INSPECTIONS, community, data, inspection)


def new_sheet() -> list[dict[str, Any]]:
    """The current area template, as a new inspection's form offers it."""
    template = current_template(db.session, ENV_INSPECTIONS, g.community, "area")
    return [
        {k: v for k, v in row.items() if k in ("item", "result", "note", "score")}
        for row in new_results(template)
    ]

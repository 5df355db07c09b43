"""The inspection ledger's rules: an inspection is done (not in the future) or planned; it is
placed at its enterprise, a building of the community, or the community itself; its checklist
is checked and scored by core against the template version it uses."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.db import db
from core.sdk import RESULT_LABELS, current_template, new_results, record_scores, refuse, today
from tenants.models import Node

from ..common import place_at, place_of, written
from .checklists import INSPECTION_KINDS, SAFETY_INSPECTIONS, TARGET_KINDS
from .models import SafetyInspection

__all__ = ["CHECK_RESULTS", "INSPECTION_KINDS", "TARGET_KINDS"]

CHECK_RESULTS = RESULT_LABELS  # 合格 / 不合格 / 不适用


def _target_kind(data: dict[str, Any], inspection: SafetyInspection | None) -> str:
    """What is inspected: as given, else as it was, else an enterprise, a building or an area."""
    if data.get("target_kind"):
        return data["target_kind"]
    if inspection is not None and inspection.target_kind:
        return inspection.target_kind
    if data.get("enterprise_id"):
        return "enterprise"
    return "building" if data.get("building") else ("area" if data.get("area") else "enterprise")


def check_inspection(
    session: Session, community: Node, data: dict[str, Any], inspection: SafetyInspection | None
) -> None:
    """Done on a day that has come, or planned for one; a new inspection with only a planned
    date is a planned one. Where it took place follows its enterprise or building; the
    checklist is scored against its template version."""
    done_on, planned_on = written(data, inspection, "done_on", "planned_on")
    if done_on and done_on > today():
        refuse("done_on", _("An inspection cannot be done in the future; plan it instead."))
    if not done_on and not planned_on:
        refuse("planned_on", _("Give the date it was done, or the date it is planned for."))
    if inspection is None:
        data["planned"] = bool(data.get("planned") or not done_on)
    if inspection is None or "enterprise_id" in data or "building" in data:
        node_id, enterprise = place_of(session, community, data)
        data["enterprise_id"] = enterprise.id if enterprise else None
        place_at(data, inspection, node_id)
    if inspection is None or "target_kind" in data:
        data["target_kind"] = _target_kind(data, inspection)
    record_scores(session, SAFETY_INSPECTIONS, community, data, inspection)


def inspection_target(inspection: SafetyInspection) -> str:
    """What was inspected, as a list shows it: the enterprise, else the area or the named
    target (a household, a rented flat), else the place."""
    if inspection.enterprise is not None:
        return inspection.enterprise.name
    if inspection.area:
        return inspection.area
    if inspection.target_name:
        return inspection.target_name
    return inspection.node.name if inspection.node is not None else ""


def inspection_title(inspection: SafetyInspection) -> str:
    kind = INSPECTION_KINDS.get(inspection.kind, inspection.kind)
    return f"{kind} · {inspection_target(inspection)}"


def new_target_kind() -> str:
    """The kind of target a new inspection's form is for (``?target_kind=``); none when not
    asked, so that the inspection's enterprise, building or area tells it."""
    kind = request.args.get("target_kind", "") if request else ""
    return kind if kind in TARGET_KINDS else ""


def new_checklist() -> list[dict[str, Any]]:
    """The current template of the target kind asked for (``?target_kind=``, an enterprise by
    default) as a new inspection's form offers it, nothing ticked yet."""
    kind = new_target_kind() or "enterprise"
    from flask import g

    template = current_template(db.session, SAFETY_INSPECTIONS, g.community, kind)
    return [
        {k: v for k, v in row.items() if k in ("item", "result", "note", "score")}
        for row in new_results(template)
    ]

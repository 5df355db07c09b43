"""The inspection ledger's rules: an inspection is done (not in the future) or planned; it is
placed at its enterprise, a building of the community, or the community itself."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tenants.models import Node

from ..common import place_of, refuse, today
from .models import SafetyInspection

INSPECTION_KINDS = {
    "routine": _l("Routine inspection"),
    "quarterly": _l("Quarterly major inspection"),
    "special": _l("Special inspection"),
    "joint": _l("Joint inspection"),
}
CHECK_RESULTS = {"ok": _l("Passed"), "fail": _l("Failed"), "na": _l("Not applicable")}
# The default checklist (安全检查表) offered on a new inspection; users add their own items.
DEFAULT_CHECKLIST = (
    _l("Fire escapes and exits clear, signs lit"),
    _l("Extinguishers and hydrants present and in date"),
    _l("Electrical wiring and sockets safe, no overloaded strips"),
    _l("Gas pipes, valves and alarms in order"),
    _l("Special operators hold valid certificates"),
    _l("Safety rules, responsibilities and emergency plan posted"),
    _l("Hazardous goods stored and labelled properly"),
    _l("Staff trained; drill held this year"),
)


def check_inspection(
    session: Session, community: Node, data: dict[str, Any], inspection: SafetyInspection | None
) -> None:
    """Done on a day that has come, or planned for one; a new inspection with only a planned
    date is a planned one. Where it took place follows its enterprise or building."""
    merged = {"done_on": None, "planned_on": None}
    if inspection is not None:
        merged = {key: getattr(inspection, key) for key in merged}
    merged |= {key: data[key] for key in merged if key in data}
    if merged["done_on"] and merged["done_on"] > today():
        refuse("done_on", _("An inspection cannot be done in the future; plan it instead."))
    if not merged["done_on"] and not merged["planned_on"]:
        refuse("planned_on", _("Give the date it was done, or the date it is planned for."))
    if inspection is None:
        data["planned"] = bool(data.get("planned") or not merged["done_on"])
    if inspection is None or "enterprise_id" in data or "building" in data:
        node_id, enterprise = place_of(session, community, data)
        data["enterprise_id"] = enterprise.id if enterprise else None
        if inspection is None:
            data["node_id"] = node_id
        else:
            inspection.node_id = node_id


def inspection_target(inspection: SafetyInspection) -> str:
    """What was inspected, as a list shows it: the enterprise, else the area, else the place."""
    if inspection.enterprise is not None:
        return inspection.enterprise.name
    if inspection.area:
        return inspection.area
    return inspection.node.name if inspection.node is not None else ""


def inspection_title(inspection: SafetyInspection) -> str:
    kind = INSPECTION_KINDS.get(inspection.kind, inspection.kind)
    return f"{kind} · {inspection_target(inspection)}"


def new_checklist() -> list[dict[str, str]]:
    """The default checklist as a new inspection's form offers it, nothing ticked yet."""
    return [{"item": str(item), "result": "", "note": ""} for item in DEFAULT_CHECKLIST]

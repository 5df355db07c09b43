"""Safety's scored inspections on core's machinery: its kinds and targets, its default
checklist (安全检查表) per kind of target, and a failed item becoming a hidden danger."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Checklist, inspection_ledger

from ..common import EDIT, MANAGE_CHECKLISTS, MODULE, VIEW
from .models import SafetyInspection

INSPECTION_KINDS = {
    "routine": _l("Routine inspection"),
    "quarterly": _l("Quarterly major inspection"),
    "special": _l("Special inspection"),
    "joint": _l("Joint inspection"),
    "general": _l("Comprehensive major inspection"),
    "festival": _l("Pre-holiday or major-event inspection"),
    "supervision": _l("Supervision or spot check"),
    "flood": _l("Flood-prevention inspection"),
    "weekly": _l("Weekly patrol"),
}
TARGET_KINDS = {
    "enterprise": _l("Enterprise"),
    "building": _l("Building"),
    "area": _l("Area"),
    "household": _l("Household (target)"),
    "rental": _l("Rented flat"),
}
ENTERPRISE_ITEMS = (
    _l("Fire escapes and exits clear, signs lit"),
    _l("Extinguishers and hydrants present and in date"),
    _l("Electrical wiring and sockets safe, no overloaded strips"),
    _l("Gas pipes, valves and alarms in order"),
    _l("Special operators hold valid certificates"),
    _l("Safety rules, responsibilities and emergency plan posted"),
    _l("Hazardous goods stored and labelled properly"),
    _l("Staff trained; drill held this year"),
)
COURTYARD_ITEMS = (
    _l("Fire lanes and stairwells clear of stored goods"),
    _l("No e-bikes parked or charged in corridors"),
    _l("No flying leads or makeshift wiring"),
    _l("Extinguishers and hydrants present and in date"),
    _l("Drains clear and no standing water"),
)
DWELLING_ITEMS = (
    _l("Tenants registered; no group renting"),
    _l("Wiring and sockets safe; no e-bike charged indoors"),
    _l("Gas hose, valve and alarm in order"),
    _l("Escape route clear; windows not barred shut"),
    _l("Extinguisher or fire blanket at hand"),
)
CHECKLISTS = (
    Checklist("enterprise", _l("Enterprise safety checklist"), ENTERPRISE_ITEMS),
    Checklist("building", _l("Courtyard and building safety checklist"), COURTYARD_ITEMS),
    Checklist("area", _l("Courtyard and building safety checklist"), COURTYARD_ITEMS),
    Checklist("household", _l("Household and rented flat safety checklist"), DWELLING_ITEMS),
    Checklist("rental", _l("Household and rented flat safety checklist"), DWELLING_ITEMS),
)


def hazard_for(
    session: Session, community: Any, inspection: SafetyInspection, row: dict[str, Any]
) -> Any:
    """A failed item of a done inspection, as a hidden danger of the hazard ledger (its workflow,
    its photos before and after), linked to the inspection."""
    if inspection.done_on is None:
        return None
    from ..hazards.ledgers import hazards

    description = row["item"] + (f"：{row['note']}" if row.get("note") else "")
    return hazards.write_new(
        session, community, {"description": description, "inspection_id": inspection.id}
    )


def _title(inspection: SafetyInspection) -> str:
    from .rules import inspection_target

    return inspection_target(inspection)


SAFETY_INSPECTIONS = inspection_ledger(
    module=MODULE,
    model=SafetyInspection,
    kinds=INSPECTION_KINDS,
    targets=TARGET_KINDS,
    checklists=CHECKLISTS,
    on_failed=hazard_for,
    results="checklist",
    view=VIEW,
    edit=EDIT,
    manage=MANAGE_CHECKLISTS,
    title_of=_title,
    rectification_label=_l("Hidden danger"),
)

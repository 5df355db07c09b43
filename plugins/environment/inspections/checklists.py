"""Environment inspections on core's machinery: the kinds of check, the targets, the default
100-point 楼道/院落 checklist (pass mark 85) and the 物业服务考核 sheet; a failed item of a
scored area becomes an issue to rectify."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import CheckItem, Checklist, inspection_ledger

from ..common import EDIT, MANAGE_CHECKLISTS, MODULE, VIEW
from .models import EnvironmentInspection

INSPECTION_KINDS = {
    "daily": _l("Daily patrol"),
    "weekly": _l("Weekly self-check"),
    "monthly": _l("Monthly joint inspection"),
    "special": _l("Special inspection"),
    "property": _l("Property service assessment"),
    "recheck": _l("Re-check"),
}
TARGET_KINDS = {"area": _l("Sanitation area"), "property": _l("Property company")}

AREA_ITEMS = (
    CheckItem(_l("Nothing piled up"), 10),
    CheckItem(_l("No small advertisements"), 10),
    CheckItem(_l("Ground clean"), 10),
    CheckItem(_l("Garbage cleared the same day"), 15),
    CheckItem(_l("Sorting station clean and sorted right"), 15),
    CheckItem(_l("No standing water"), 10),
    CheckItem(_l("Greenery intact, no vegetables or livestock"), 10),
    CheckItem(_l("No illegal structures"), 10),
    CheckItem(_l("Pest-control facilities intact"), 10),
)
PROPERTY_ITEMS = (
    CheckItem(_l("Execution of the service contract"), 15),
    CheckItem(_l("Financial management"), 10),
    CheckItem(_l("Buildings and facilities"), 15),
    CheckItem(_l("Public order"), 10),
    CheckItem(_l("Public security"), 10),
    CheckItem(_l("Fire safety"), 15),
    CheckItem(_l("Environmental sanitation"), 15),
    CheckItem(_l("Satisfaction survey"), 10),
)
PASS_MARK = 85  # 合格分; each place may change it on its own template version
CHECKLISTS = (
    Checklist("area", _l("Stairwell and courtyard sanitation checklist"), AREA_ITEMS, PASS_MARK),
    Checklist("property", _l("Property service assessment sheet"), PROPERTY_ITEMS, PASS_MARK),
)


def issue_for(
    session: Session, community: Any, inspection: EnvironmentInspection, row: dict[str, Any]
) -> Any:
    """A failed item as an issue of the area, found when the inspection was done."""
    from ..issues.rules import create_from_inspection

    return create_from_inspection(session, community, inspection, row)


ENV_INSPECTIONS = inspection_ledger(
    module=MODULE,
    model=EnvironmentInspection,
    kinds=INSPECTION_KINDS,
    targets=TARGET_KINDS,
    checklists=CHECKLISTS,
    on_failed=issue_for,
    results="results",
    view=VIEW,
    edit=EDIT,
    manage=MANAGE_CHECKLISTS,
    title_of=lambda i: i.target_name,
    rectification_label=_l("Issue"),
)

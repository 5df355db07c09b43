"""Issues: their deadline (the community's days, 24 hours for 垃圾满溢), overdue, and how one is
made — on patrol, or from a failed item of an inspection."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.clock import localtime
from core.sdk import refuse
from core.workdays import add_working_days
from tenants.models import Node

from ..areas.models import EnvironmentArea
from ..common import live_in, now, settings, today, written, zone_start
from .models import EnvironmentIssue

CATEGORIES = {
    "overflow": _l("Garbage overflowing or not cleared the same day"),
    "piling": _l("Things piled up"),
    "adverts": _l("Small advertisements or graffiti"),
    "sewage": _l("Sewage poured out"),
    "structure": _l("Illegal structure"),
    "farming": _l("Vegetables or livestock"),
    "occupation": _l("Street occupied for trade"),
    "greenery": _l("Greenery damaged"),
    "pavement": _l("Pavement damaged"),
    "water": _l("Standing water"),
    "pests": _l("Pest breeding"),
    "sorting": _l("Garbage not sorted right"),
    "other": _l("Other problem"),
}
OPEN_STATES = ("found", "notified", "rectifying", "rechecking")
# The failed checklist item's category, by its position in the default 楼道/院落 list.
ITEM_CATEGORIES = (
    "piling", "adverts", "other", "overflow", "sorting", "water", "greenery", "structure", "pests",
)  # fmt: skip


REFERRED = ("structure",)  # 私搭乱建/违法建设 "is referred" (spec D; 001 l.875)


def deadline_for(session: Session, community: Node, category: str, found_at: datetime) -> datetime:
    """When an issue found at ``found_at`` is due (spec, workflow "inspection → issue"): 24
    hours for overflowing garbage (日产日清), an illegal structure referred by the end of the
    next working day ("referral ≤ 1 working day"), otherwise the community's days ("3 days")."""
    rules = settings(session, community)
    if category == "overflow":
        return found_at + timedelta(hours=int(rules["overflow_hours"]))
    if category in REFERRED:
        day = add_working_days(session, localtime(found_at).date(), int(rules["refer_days"]))
        return zone_start(day + timedelta(days=1))
    return found_at + timedelta(days=int(rules["issue_days"]))


def overdue_clause(at: datetime) -> sa.ColumnElement[bool]:
    """Open issues whose deadline has passed at ``at``."""
    return sa.and_(
        EnvironmentIssue.status.in_(OPEN_STATES),
        EnvironmentIssue.deleted_at.is_(None),
        EnvironmentIssue.deadline_at < at,
    )


def is_overdue(issue: EnvironmentIssue, at: datetime | None = None) -> bool:
    return issue.status in OPEN_STATES and issue.deadline_at < (at or now())


def check_issue(
    session: Session, community: Node, data: dict[str, Any], issue: EnvironmentIssue | None
) -> None:
    """An issue is of an area of the community (placed where it is), found at a moment that has
    come; its deadline follows its category unless one is given, never before it was found."""
    if data.get("area_id"):
        area = live_in(session, community, EnvironmentArea, data["area_id"], "area_id",
                       _("There is no such area."))  # fmt: skip
        if issue is None:
            data["node_id"] = area.node_id
        else:
            issue.node_id = area.node_id
    found_at, category, deadline_at = written(data, issue, "found_at", "category", "deadline_at")
    found_at = found_at or now()
    data["found_at"], data["found_on"] = found_at, localtime(found_at).date()
    if issue is None and not data.get("deadline_at"):
        data["deadline_at"] = deadline_for(session, community, category or "other", found_at)
    elif "category" in data and issue is not None and category != issue.category:
        data["deadline_at"] = deadline_for(session, community, category, found_at)
    elif deadline_at and deadline_at < found_at:
        refuse("deadline_at", _("The deadline cannot be before the issue was found."))


def create_from_inspection(
    session: Session, community: Node, inspection: Any, row: dict[str, Any]
) -> EnvironmentIssue:
    """A failed item of an inspection, as an issue of its area found that day."""
    from .ledgers import issues

    category = "other"
    template = inspection.checklist_template
    if template is not None:
        ids = [item.id for item in template.items]
        if row.get("item_id") in ids and ids.index(row["item_id"]) < len(ITEM_CATEGORIES):
            category = ITEM_CATEGORIES[ids.index(row["item_id"])]
    description = row["item"] + (f"：{row['note']}" if row.get("note") else "")
    data = {
        "description": description,
        "category": category,
        "area_id": inspection.area_id,
        "inspection_id": inspection.id,
        "found_at": now() if inspection.done_on == today() else zone_start(inspection.done_on, 10),
    }
    return issues.write_new(session, community, data)

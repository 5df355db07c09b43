"""关爱对象台账, declared: filters (name, status, level, leads overdue, 18 and over), the check,
the entry workflow and the workbench counts. Never rolled up: a street or district sees counts
only (the indicators), never the children."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, WorkSource
from plugins.registry.models import RegistryResident

from ..common import EDIT, VIEW, YouthLedger, today
from .models import YouthCareChild
from .rules import check_child, import_civil_affairs_row, turned_adult_clause
from .schemas import ChildSchema, CivilAffairsRowSchema, StepSchema
from .workflow import CHILD_FLOW


def _named(session: Session, value: str) -> sa.ColumnElement[bool]:
    residents = sa.select(RegistryResident.id).where(RegistryResident.name.contains(value))
    return YouthCareChild.resident_id.in_(residents)


def lead_overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Leads not assessed by their deadline (7 days; 紧急 the next day)."""
    return sa.and_(YouthCareChild.status == "lead", YouthCareChild.deadline < day)


children = YouthLedger(
    name="child",
    plural="children",
    model=YouthCareChild,
    schema=ChildSchema,
    title=_l("Children in care ledger (children in difficulty and left-behind children)"),
    label=_l("Child in care"),
    filters=(
        Filter("q", "text", _l("Child or young person"), clause=_named),
        Filter("status"),
        Filter("level"),
        Filter.flag(
            "overdue", _l("Lead not assessed in time"), lambda: lead_overdue_clause(today())
        ),
        Filter.flag("adult", _l("Turned 18: to exit"), lambda: turned_adult_clause(today())),
    ),
    order=lambda: [YouthCareChild.status, YouthCareChild.id.desc()],
    options=lambda stmt: stmt.options(selectinload(YouthCareChild.resident)),
    check=check_child,
    import_schema=CivilAffairsRowSchema,
    import_row=import_civil_affairs_row,
    community_only=True,  # children are listed in their community only
    title_of=lambda c: c.resident.name,
    workflow=CHILD_FLOW,
    steps=CHILD_FLOW.steps(
        StepSchema,
        "A step of the entry workflow: confirm (线索 → 在册, youth_care.entry.confirm), exit "
        "(退出, with its reason: adult, improved, moved, died)",
    ),
    qualified_actions=True,
    templates={"detail": "youth_care/with_steps.html"},
)

LEDGERS = [children]


def _work(key: str, label: Any, where: Any, args: dict[str, Any], **kw: Any) -> WorkSource:
    kw = {"permission": VIEW, "endpoint": "youth_care.children", "args": args, **kw}
    return WorkSource(f"youth_care.children_{key}", label, YouthCareChild, where, **kw)


# 今日待办: leads past their assessment day; children who turned 18 (exit proposed).
CHILD_WORK = [
    _work("overdue", _l("Care leads not assessed in time"), lead_overdue_clause,
          {"overdue": 1}, level="overdue"),
    _work("adult", _l("Children in care who turned 18"), turned_adult_clause, {"adult": 1},
          level="todo", permission=EDIT),
]  # fmt: skip

"""The issue ledger (问题整改台账): open ones and overdue ones on top, the workflow's steps,
photos before and after, referrals (移交执法登记)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter, WorkSource

from ..common import VIEW, EnvLedger, now, today
from .models import EnvironmentIssue
from .rules import CATEGORIES, OPEN_STATES, check_issue, is_overdue, overdue_clause
from .schemas import IssueSchema
from .workflow import ISSUE_FLOW, ISSUE_STATES, IssueStepSchema, opened


def _status(_session: Session, status: str) -> sa.ColumnElement[bool]:
    if status == "open":
        return EnvironmentIssue.status.in_(OPEN_STATES)
    return EnvironmentIssue.status == status


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    issue = issues.create_record(session, community, data, user=user)
    opened(session, issue, user)
    return issue


def _context() -> dict[str, Any]:
    from ..web import PHOTOS, REFERRALS

    return {
        "photos": lambda i: PHOTOS.block(db.session, "issues", i),
        "referrals": lambda i: REFERRALS.block("issues", i),
        "is_overdue": is_overdue,
        "timeline": lambda i: ISSUE_FLOW.timeline(db.session, i),
        "today": today(),
    }


issues = EnvLedger(
    name="issue",
    model=EnvironmentIssue,
    schema=IssueSchema,
    fixed=("inspection_id",),
    title=_l("Issue rectification ledger"),
    label=_l("Issue"),
    filters=(
        Filter(
            "status",
            "choice",
            _l("Status"),
            {"open": _l("Not completed yet"), **ISSUE_STATES},
            clause=_status,
        ),
        Filter("category", "choice", _l("Problem"), CATEGORIES),
        Filter.flag(
            "overdue",
            _l("Overdue"),
            lambda: overdue_clause(now()),
            order=lambda: [EnvironmentIssue.deadline_at],
        ),
        Filter("area", "int", _l("Area"), column="area_id"),
        Filter("inspection", "int", _l("Inspection"), column="inspection_id"),
        Filter("since", "date", _l("Found from"), column="found_on", bound="from"),
        Filter("until", "date", _l("Found until"), column="found_on", bound="to"),
    ),
    order=lambda: [EnvironmentIssue.found_at.desc(), EnvironmentIssue.id.desc()],
    options=lambda stmt: stmt.options(selectinload(EnvironmentIssue.area)),
    check=check_issue,
    create=_create,
    title_of=lambda i: (
        f"{CATEGORIES.get(i.category, i.category)} · {i.area.name if i.area else ''}"
    ),
    new_values=lambda: {"found_at": now()},
    context=_context,
    templates={"detail": "environment/issue.html"},
    rollup=True,
    workflow=ISSUE_FLOW,
    steps=ISSUE_FLOW.steps(
        IssueStepSchema,
        "A step: notify (已告知), start (整改中), submit (待复查), pass (已完成), fail (复查不合格, "
        "a comment), refer (移交, a comment; record the referral itself under /referrals)",
    ),
)

LEDGERS = [issues]

ISSUE_WORK = [
    WorkSource(
        "environment.issues_overdue",
        _l("Overdue environment issues"),
        EnvironmentIssue,
        lambda _day: overdue_clause(now()),
        permission=VIEW,
        endpoint="environment.issues",
        rollup_endpoint="environment_rollup.issues",
        args={"overdue": 1},
        level="overdue",
    )
]

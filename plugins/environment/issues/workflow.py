"""The issue workflow: 发现 → 已告知 → 整改中 → 待复查 → 已完成, a failed re-check back to
整改中, or 移交 to 城管执法 (the referral itself is core's, with its number and outcome)."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Schema, Transition, Workflow, optional_text

from .models import EnvironmentIssue, EnvironmentIssueEvent

ISSUE_STATES = {
    "found": _l("Found"),
    "notified": _l("Told to rectify"),
    "rectifying": _l("Rectifying"),
    "rechecking": _l("Awaiting re-check"),
    "done": _l("Completed after re-check"),
    "referred": _l("Referred"),
}


def _close(_session: Session, issue: EnvironmentIssue, _data: dict, on: date) -> dict:
    old, issue.closed_on = issue.closed_on, on
    return {"closed_on": [old, on]}


ISSUE_FLOW = Workflow(
    object_type="environment.issue",
    states=ISSUE_STATES,
    transitions=(
        Transition("notify", ("found",), "notified", _l("Told the party responsible")),
        Transition("start", ("found", "notified"), "rectifying", _l("Rectification started")),
        Transition("submit", ("rectifying",), "rechecking", _l("Rectified, awaiting re-check")),
        Transition("pass", ("rechecking",), "done", _l("Re-check passed"), apply=_close),
        Transition(
            "fail",
            ("rechecking",),
            "rectifying",
            _l("Re-check failed"),
            comment=_l("Say what the re-check found."),
        ),
        Transition(
            "refer",
            ("found", "notified", "rectifying"),
            "referred",
            _l("Referred to law enforcement"),
            apply=_close,
            comment=_l("Say to whom it was referred."),
        ),
    ),
    event_model=EnvironmentIssueEvent,
    key="issue_id",
    summary=lambda i, action: _("%(action)s: issue %(id)s", action=action, id=i.id),
    labels={"found": _l("Found")},
    earliest=("found_on", _l("The date cannot be before the issue was found.")),
)


class IssueStepSchema(Schema):
    """A step's date and comment."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    comment = optional_text(2000)


def opened(session: Session, issue: EnvironmentIssue, user: Any = None) -> None:
    """The event that opens an issue's timeline."""
    ISSUE_FLOW.event(session, issue, "found", "", on=issue.found_on, user=user)

"""The hazard workflow and its rules: numbering, default deadlines, overdue, the steps from the
finding to closing (a ``core.workflow.Workflow``), and the import of historical hazards.

Every write adds one event to the hazard's own timeline (``safety_hazard_event``: who, when, from
which status to which, why) and one audit entry. Dates are in the platform's time zone; a hazard
is overdue when it is not closed and its deadline is before today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import numbering
from core.errors import Conflict, DomainError
from core.records.history import diff
from core.sdk import refuse, today, writable
from core.workflow import Transition, Workflow
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import CLOSE_MAJOR, live_in, place_of, settings
from ..models import SafetyEnterprise, SafetyInspection
from .models import SafetyHazard, SafetyHazardEvent

HAZARD_STATUSES = {
    "found": _l("Found"),
    "notified": _l("Notice issued"),
    "rectifying": _l("Rectifying"),
    "submitted": _l("Awaiting re-inspection"),
    "closed": _l("Closed"),
}
# "Not closed", written into the SQL as a literal rather than a bound parameter: SQLite uses the
# partial indexes (WHERE status <> 'closed' …) only when the query repeats their predicate as text.
NOT_CLOSED = sa.literal("closed", literal_execute=True)
SEVERITIES = {"general": _l("General hazard"), "major": _l("Major hazard")}
HAZARD_CATEGORIES = {
    "fire": _l("Fire safety"),
    "electrical": _l("Electrical"),
    "gas": _l("Gas"),
    "chemicals": _l("Hazardous chemicals"),
    "structure": _l("Buildings and structures"),
    "equipment": _l("Equipment"),
    "management": _l("Management"),
    "other": _l("Other hazard"),
}
HAZARD_FIELDS = (
    "description",
    "location",
    "category",
    "severity",
    "found_on",
    "found_by",
    "deadline",
    "responsible_person",
    "responsible_phone",
    "measures",
)
# --- overdue, numbers, deadlines ---------------------------------------------------------------


def overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Open (not closed, not deleted) hazards whose deadline is before ``day``: the predicate
    the partial indexes ``ix_safety_hazard_*_open_deadline`` serve."""
    return sa.and_(
        SafetyHazard.status != NOT_CLOSED,
        SafetyHazard.deleted_at.is_(None),
        SafetyHazard.deadline < day,
    )


def is_overdue(hazard: SafetyHazard, day: date | None = None) -> bool:
    """Past its deadline and not closed, as of ``day`` (today in the platform's zone)."""
    day = day or today()
    return (
        hazard.status != "closed"
        and hazard.deleted_at is None
        and hazard.deadline is not None
        and hazard.deadline < day
    )


def days_overdue(hazard: SafetyHazard, day: date | None = None) -> int:
    """How many days an overdue hazard is past its deadline; 0 for any other."""
    day = day or today()
    return (day - hazard.deadline).days if is_overdue(hazard, day) else 0


def default_deadline(session: Session, community: Node, severity: str, start: date) -> date:
    """The community's rectification period (settings) for ``severity``, from ``start``."""
    days = settings(session, community)[
        f"{'major' if severity == 'major' else 'general'}_deadline_days"
    ]
    return start + timedelta(days=int(days))


def _check_dates(values: dict[str, Any]) -> None:
    found_on, deadline = values.get("found_on"), values.get("deadline")
    if found_on and found_on > today():
        refuse("found_on", _("The date cannot be in the future."))
    if found_on and deadline and deadline < found_on:
        refuse("deadline", _("The deadline cannot be before the date the hazard was found."))


def _add(
    session: Session, community: Node, number: str | None, values: dict[str, Any], **columns: Any
) -> SafetyHazard:
    """A new hazard of ``values`` and ``columns``, numbered ``number`` if that is free in the
    community, else the next number."""
    number = number or numbering.next_number(
        session, SafetyHazard.number, community.id, values["found_on"].year
    )
    taken = sa.select(SafetyHazard.id).where(
        SafetyHazard.community_id == community.id, SafetyHazard.number == number
    )
    if session.scalar(taken):
        message = _(
            "The number %(number)s is already used in %(community)s.",
            number=number,
            community=community.name,
        )
        refuse("number", message, True)
    hazard = SafetyHazard(number=number, **columns, **values)
    session.add(hazard)
    session.flush()
    return hazard


def _opened(session: Session, hazard: SafetyHazard, action: str, shown: tuple, user: Any) -> Any:
    """``hazard`` with the event that opens its timeline, the ``shown`` fields as set by it."""
    changes = {k: [None, getattr(hazard, k)] for k in shown}
    on = hazard.closed_on or hazard.found_on
    HAZARD_FLOW.event(session, hazard, action, "", on=on, changes=changes, user=user)
    return hazard


def _facts(session: Session, community: Node, data: dict[str, Any]) -> dict[str, Any]:
    """The hazard's own fields from ``data``, with the severity and deadline defaulted."""
    values = {k: data[k] for k in HAZARD_FIELDS if data.get(k) is not None}
    if not values.get("found_on"):
        refuse("found_on", _("This field is required."))
    values.setdefault("severity", "general")
    values.setdefault(
        "deadline", default_deadline(session, community, values["severity"], values["found_on"])
    )
    _check_dates(values)
    return values


# --- writes ------------------------------------------------------------------------------------


def create_hazard(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyHazard:
    """Record a hidden danger found (status ``found``). Its deadline defaults from the
    community's settings; a hazard found by an inspection is dated and placed by it unless the
    data say otherwise; the enterprise and the inspection must be of this community."""
    writable(community)
    data = dict(data)
    inspection = None
    if data.get("inspection_id"):
        message = _("There is no such inspection in %(community)s.", community=community.name)
        inspection = live_in(
            session, community, SafetyInspection, data["inspection_id"], "inspection_id", message
        )
        data.setdefault("found_on", None)
        data["found_on"] = data["found_on"] or inspection.done_on or inspection.planned_on
        if not data.get("enterprise_id") and not data.get("building"):
            data["enterprise_id"] = inspection.enterprise_id
    node_id, enterprise = place_of(session, community, data)
    if inspection is not None and not enterprise and not data.get("building"):
        node_id = inspection.node_id
    values = _facts(session, community, data)
    hazard = _add(
        session,
        community,
        data.get("number"),
        values,
        node_id=node_id,
        enterprise_id=enterprise.id if enterprise else None,
        inspection_id=inspection.id if inspection else None,
        status="found",
    )
    return _opened(session, hazard, "found", ("severity", "deadline", "description"), user)


def update_hazard(
    session: Session, hazard: SafetyHazard, data: dict[str, Any], user: Any = None
) -> SafetyHazard:
    """Edit an open hazard's facts (the status moves only through :func:`hazard_transition`);
    every change goes to its timeline."""
    writable(session.get(Node, hazard.community_id))
    if hazard.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))
    if hazard.status == "closed":
        raise Conflict(_("A closed hazard cannot be changed."))
    changes = diff(hazard, data, HAZARD_FIELDS)
    merged = {k: getattr(hazard, k) for k in HAZARD_FIELDS} | {
        k: n for k, (_o, n) in changes.items()
    }
    _check_dates(merged)
    for key, (_old, new) in changes.items():
        setattr(hazard, key, new if new is not None or key == "deadline" else "")
    if changes:
        session.flush()
        HAZARD_FLOW.event(session, hazard, "edit", hazard.status, changes=changes, user=user)
    return hazard


def _notify(session: Session, hazard: SafetyHazard, data: dict[str, Any], on: date) -> dict:
    """The 整改通知书: its number, the deadline and the person responsible."""
    deadline = data.get("deadline") or hazard.deadline
    if deadline < hazard.found_on:
        refuse("deadline", _("The deadline cannot be before the date the hazard was found."))
    if deadline < on:
        refuse("deadline", _("The deadline cannot be before the notice is issued."))
    responsible = (data.get("responsible_person") or hazard.responsible_person or "").strip()
    if not responsible:
        refuse("responsible_person", _("Name the person responsible for the rectification."))
    community = session.get(Node, hazard.community_id)
    number = (data.get("notice_number") or "").strip() or numbering.next_number(
        session, SafetyHazard.notice_number, community.id, on.year
    )
    updates = {
        "notice_number": number,
        "notice_issued_on": on,
        "deadline": deadline,
        "responsible_person": responsible,
        "responsible_phone": data.get("responsible_phone") or hazard.responsible_phone,
        "measures": data.get("measures") or hazard.measures,
    }
    changes = diff(hazard, updates, tuple(updates))
    for key, value in updates.items():
        setattr(hazard, key, value)
    return changes


def _reopen(session: Session, hazard: SafetyHazard, data: dict[str, Any], on: date) -> dict:
    """A failed re-inspection: counted, with a new deadline if one is given."""
    changes: dict[str, list[Any]] = {}
    deadline = data.get("deadline")
    if deadline is not None:
        if deadline < on:
            refuse("deadline", _("The new deadline cannot be before the re-inspection."))
        changes["deadline"] = [hazard.deadline, deadline]
        hazard.deadline = deadline
    hazard.reopened += 1
    return changes


def _extend(session: Session, hazard: SafetyHazard, data: dict[str, Any], on: date) -> dict:
    """延期申请: a later deadline, for a reason (the step's comment)."""
    deadline = data.get("deadline")
    if deadline is None:
        refuse("deadline", _("Give the new deadline."))
    if hazard.deadline is not None and deadline <= hazard.deadline:
        refuse("deadline", _("The new deadline must be later than the current one."))
    changes = {"deadline": [hazard.deadline, deadline]}
    hazard.deadline = deadline
    return changes


def _supervise(session: Session, hazard: SafetyHazard, data: dict[str, Any], on: date) -> dict:
    """挂牌督办: listed for supervision by the street from ``on``."""
    if hazard.supervised_on is not None:
        refuse("status", _("This hazard is already listed for supervision."), True)
    hazard.supervised_on = on
    return {"supervised_on": [None, on]}


def _close(session: Session, hazard: SafetyHazard, data: dict[str, Any], on: date) -> dict:
    hazard.closed_on = on
    return {"closed_on": [None, on]}


HAZARD_FLOW = Workflow(
    object_type="safety.hazard",
    states=HAZARD_STATUSES,
    transitions=(
        Transition(
            "notify", ("found",), "notified", _l("Rectification notice issued"), apply=_notify
        ),
        Transition("start", ("notified",), "rectifying", _l("Rectification started")),
        Transition(
            "submit", ("notified", "rectifying"), "submitted", _l("Submitted for re-inspection")
        ),
        Transition(
            "close",
            ("submitted",),
            "closed",
            _l("Re-inspection passed, closed"),
            apply=_close,
            # A major hazard (重大隐患) is closed with the street's sign-off.
            permission=lambda h: CLOSE_MAJOR if h.severity == "major" else None,
            denied=_l(
                "Closing a major hazard needs the street's sign-off (permission to close major "
                "hazards)."
            ),
            refused=_l(
                "A hazard is closed only after it has been re-inspected: submit the "
                "rectification for re-inspection first."
            ),
        ),
        Transition(
            "extend",
            ("notified", "rectifying"),
            None,
            _l("Deadline extended on request"),
            apply=_extend,
            comment=_l("Give the reason for the extension."),
            once=_l("The deadline of a hazard is extended once at most."),
        ),
        Transition(
            "supervise",
            ("found", "notified", "rectifying", "submitted"),
            None,
            _l("Listed for supervision"),
            apply=_supervise,
            permission=lambda h: CLOSE_MAJOR,
            denied=_l("Only the street lists a hazard for supervision."),
        ),
        Transition(
            "reopen",
            ("submitted",),
            "rectifying",
            _l("Re-inspection failed, re-opened"),
            apply=_reopen,
            comment=_l("Say why the re-inspection failed."),
        ),
    ),
    event_model=SafetyHazardEvent,
    key="hazard_id",
    summary=lambda h, action: _("%(action)s: hazard %(number)s", action=action, number=h.number),
    labels={
        "found": _l("Found"),
        "import": _l("Imported"),
        "edit": _l("Edited"),
        "delete": _l("Deleted"),
    },
    earliest=("found_on", _l("The date cannot be before the date the hazard was found.")),
)
ACTIONS = HAZARD_FLOW.actions


# Move a hazard along its workflow: ``notify`` issues the 整改通知书 (number, deadline, responsible
# person); ``close`` needs a passed re-inspection, and for a major hazard the street's sign-off;
# ``reopen`` (failed re-inspection) needs a comment.
hazard_transition = HAZARD_FLOW.run
hazard_timeline = HAZARD_FLOW.timeline


# --- the import of historical hazards ----------------------------------------------------------


def import_problems(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the dates and status of a historical hazard (field → reason); the
    import schema reports these per row and column, ``import_hazard`` refuses them again."""
    found_on, deadline = values.get("found_on"), values.get("deadline")
    closed_on, status = values.get("closed_on"), values.get("status")
    problems: dict[str, str] = {}
    if found_on and deadline and deadline < found_on:
        problems["deadline"] = _("The deadline cannot be before the date the hazard was found.")
    if status == "closed" and not closed_on:
        problems["closed_on"] = _("A closed hazard needs the date it was closed.")
    elif closed_on and status != "closed":
        problems["closed_on"] = _("Only a closed hazard has a closing date.")
    elif found_on and closed_on and closed_on < found_on:
        problems["closed_on"] = _(
            "The closing date cannot be before the date the hazard was found."
        )
    return problems


def _enterprise_of_row(session: Session, community: Node, text: str | None) -> Any:
    """The community's live enterprise with this credit code or name. An enterprise of another
    community is refused with the same words as an unknown one (nothing leaks across)."""
    if not text:
        return None
    from plugins.registry.validators import normalize_credit_code

    found = session.scalar(
        sa.select(SafetyEnterprise)
        .join(RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id)
        .where(
            SafetyEnterprise.community_id == community.id,
            SafetyEnterprise.deleted_at.is_(None),
            sa.or_(
                RegistryUnit.credit_code == normalize_credit_code(text),
                SafetyEnterprise.name == text.strip(),
            ),
        )
        .order_by(SafetyEnterprise.id)
        .limit(1)
    )
    if found is None:
        refuse(
            "enterprise",
            _(
                "%(name)s is not on the enterprise ledger of %(community)s.",
                name=text,
                community=community.name,
            ),
        )
    return found


def import_hazard(
    session: Session, community: Node, row: dict[str, Any], user: Any = None
) -> SafetyHazard:
    """A historical hazard, written with its final status and one ``import`` event (its
    earlier steps are not known). Numbered ``YH<year>-NNNN`` unless the row has a number."""
    writable(community)
    problems = import_problems(row)
    if problems:
        field, message = next(iter(problems.items()))
        refuse(field, message)
    values = _facts(session, community, row)
    enterprise = _enterprise_of_row(session, community, row.get("enterprise"))
    hazard = _add(
        session,
        community,
        row.get("number"),
        values,
        node_id=enterprise.node_id if enterprise is not None else community.id,
        enterprise_id=enterprise.id if enterprise is not None else None,
        status=row["status"],
        notice_number=row.get("notice_number") or "",
        closed_on=row.get("closed_on"),
    )
    return _opened(session, hazard, "import", ("status", "severity", "deadline"), user)

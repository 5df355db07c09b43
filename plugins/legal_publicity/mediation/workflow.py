"""The mediation case and its workflow (受理 → 调解 → 协议 / 不成 → 回访 → 结案 → 归档, one
extension): numbering, the 30-day deadline, overdue, the immediate notice of risky and mass
disputes to the 司法所, and the sessions that move an accepted case into mediation.

Every step adds one event to the case's timeline (``legal_publicity_dispute_event``) and one
audit entry; the dates are the platform's (``today()``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import numbering
from core.alerts import notify_holders
from core.sdk import Transition, Workflow, refuse, today, writable
from tenants.models import Node

from ..common import MEDIATION_REVIEW, settings
from .models import LpDispute, LpDisputeEvent, LpDisputeSession, LpFollowup, LpScreening
from .vocabularies import DISPUTE_STATUSES, MASS_PEOPLE, RISKY, RUNNING

DISPUTE_FIELDS = (
    "source",
    "dispute_type",
    "parties",
    "summary",
    "amount",
    "people",
    "risk",
    "mediators",
    "registered_on",
)


def is_mass(dispute: LpDispute) -> bool:
    """群体性纠纷: five people or more, or judged likely to lead to a mass incident."""
    return (dispute.people or 0) >= MASS_PEOPLE or dispute.risk == "mass"


def needs_notice(dispute: LpDispute) -> bool:
    """可能激化 or 群体性: the 司法所 is told within 24 hours (here: at once)."""
    return dispute.risk in RISKY or is_mass(dispute)


def overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Cases accepted and not concluded whose deadline is before ``day`` (超期未结)."""
    return sa.and_(
        LpDispute.status.in_(RUNNING),
        LpDispute.deleted_at.is_(None),
        LpDispute.deadline < day,
    )


def is_overdue(dispute: LpDispute, day: date | None = None) -> bool:
    day = day or today()
    return dispute.status in RUNNING and dispute.deadline is not None and dispute.deadline < day


def days_left(dispute: LpDispute) -> int | None:
    """Days until the deadline of a running case (negative once overdue), for its counter."""
    if dispute.status not in RUNNING or dispute.deadline is None:
        return None
    return (dispute.deadline - today()).days


def _notify(session: Session, dispute: LpDispute) -> None:
    """Tell the 司法所 (reviewers at the community and its street) of a risky or mass dispute."""
    if not needs_notice(dispute) or dispute.notified_on is not None:
        return
    community = session.get(Node, dispute.community_id)
    notify_holders(
        session,
        MEDIATION_REVIEW,
        (dispute.community_id, dispute.street_id),
        key=f"legal_publicity.dispute:{dispute.id}:risk",
        title=_l(
            "Dispute %(number)s in %(community)s may escalate or involve many people",
            number=dispute.number,
            community=community.name,
        ),
        url=f"/c/{community.ref}/legal_publicity/disputes/{dispute.id}",
        node_id=dispute.node_id,
    )
    dispute.notified_on = today()


def risky_item_found(session: Session, community: Node, item: Any) -> None:
    """A screening found a dispute that may escalate and kept it out of mediation (watched,
    handed over): the 司法所 hears of it at once (the spec's 2 days)."""
    notify_holders(
        session,
        MEDIATION_REVIEW,
        (community.id, community.street_id),
        key=f"legal_publicity.screening_item:{item.id}:risk",
        title=_l(
            "A screening in %(community)s found a dispute that may escalate (%(owner)s answers for it)",
            community=community.name,
            owner=item.owner,
        ),
        url=f"/c/{community.ref}/legal_publicity/screenings/{item.screening_id}",
        node_id=item.node_id,
    )


def create_dispute(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> LpDispute:
    """Register a case (登记), numbered ``TJ<year>-NNNN`` in the community; a risky or mass
    dispute is notified to the 司法所 at once."""
    writable(community)
    values = {k: data[k] for k in DISPUTE_FIELDS if data.get(k) is not None}
    values.setdefault("registered_on", today())
    if values["registered_on"] > today():
        refuse("registered_on", _("The date cannot be in the future."))
    number = data.get("number") or numbering.next_number(
        session, LpDispute.number, community.id, values["registered_on"].year
    )
    dispute = LpDispute(number=number, node_id=community.id, status="registered", **values)
    session.add(dispute)
    session.flush()
    shown = ("dispute_type", "risk", "people")
    changes = {k: [None, getattr(dispute, k)] for k in shown}
    DISPUTE_FLOW.event(
        session, dispute, "register", "", on=dispute.registered_on, changes=changes, user=user
    )
    _notify(session, dispute)
    return dispute


def update_dispute(session: Session, dispute: LpDispute, data: dict[str, Any]) -> None:
    """After an edit: a case that became risky is notified (once)."""
    _notify(session, dispute)


def _accept(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """受理: the case's days run from the acceptance (the community's setting, 30 by default)."""
    if on < dispute.registered_on:
        refuse("on", _("A case is accepted on or after the day it was registered."))
    days = int(settings(session, dispute.community_id)["mediation_days"])
    changes = {
        "accepted_on": [dispute.accepted_on, on],
        "deadline": [dispute.deadline, on + timedelta(days=days)],
    }
    dispute.accepted_on, dispute.deadline = on, on + timedelta(days=days)
    return changes


def _needs_a_session(dispute: LpDispute) -> None:
    if not dispute.sessions:
        refuse("sessions", _("Record at least one mediation session first."))


def _succeed(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """调解成功: a written agreement is numbered ``XY<year>-NNNN`` and printable; the follow-up
    is due by the agreement's performance date, else after the community's follow-up days."""
    _needs_a_session(dispute)
    outcome = data.get("outcome")
    if outcome not in ("written", "oral"):
        refuse("outcome", _("Say whether the agreement is written or oral."))
    text = (data.get("agreement_text") or "").strip()
    if outcome == "written" and not text:
        refuse("agreement_text", _("A written agreement needs its text."))
    due = data.get("performance_due")
    if due is not None and due < on:
        refuse("performance_due", _("The performance date cannot be before the agreement."))
    days = int(settings(session, dispute.community_id)["followup_days"])
    updates: dict[str, Any] = {
        "outcome": outcome,
        "outcome_on": on,
        "agreement_text": text,
        "performance_due": due,
        "followup_due": due or on + timedelta(days=days),
    }
    if outcome == "written":
        updates["agreement_number"] = numbering.next_number(
            session, LpDispute.agreement_number, dispute.community_id, on.year
        )
    return _set(dispute, updates)


def _fail(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """调解不成: where the parties go next (诉讼, 仲裁 …)."""
    _needs_a_session(dispute)
    if not data.get("failed_route"):
        refuse("failed_route", _("Say where the parties go when mediation failed."))
    return _set(
        dispute, {"outcome": "failed", "outcome_on": on, "failed_route": data["failed_route"]}
    )


def _follow_up(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """回访: whether the agreement is kept, written as a follow-up record of the case."""
    if on < (dispute.outcome_on or on):
        refuse("on", _("A follow-up comes after the agreement."))
    fulfilment = data.get("fulfilment")
    if not fulfilment:
        refuse("fulfilment", _("Say whether the agreement is being kept."))
    followup = LpFollowup(
        dispute_id=dispute.id,
        node_id=dispute.node_id,
        followed_on=on,
        fulfilment=fulfilment,
        note=data.get("comment") or "",
    )
    session.add(followup)
    return {"followups": [None, fulfilment]}


def _confirm(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """司法确认 (人民调解法 Art. 33) of a written agreement."""
    if dispute.outcome != "written":
        refuse("status", _("Only a written agreement is confirmed by a court."), True)
    return _set(dispute, {"judicial_confirm_on": on})


def _close(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    return _set(dispute, {"closed_on": on})


def _extend(session: Session, dispute: LpDispute, data: dict[str, Any], on: date) -> dict:
    """延期: a later deadline, once, for a reason (the step's comment)."""
    deadline = data.get("deadline")
    if deadline is None:
        refuse("deadline", _("Give the new deadline."))
    if dispute.deadline is not None and deadline <= dispute.deadline:
        refuse("deadline", _("The new deadline must be later than the current one."))
    return _set(dispute, {"deadline": deadline})


def _set(dispute: LpDispute, updates: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {k: [getattr(dispute, k), v] for k, v in updates.items() if getattr(dispute, k) != v}
    for key, value in updates.items():
        setattr(dispute, key, value)
    return changes


DISPUTE_FLOW = Workflow(
    object_type="legal_publicity.dispute",
    states=DISPUTE_STATUSES,
    transitions=(
        Transition("accept", ("registered",), "accepted", _l("Accepted"), apply=_accept),
        Transition(
            "reject",
            ("registered",),
            "rejected",
            _l("Not accepted"),
            comment=_l("Say why the case is not accepted."),
        ),
        Transition("succeed", RUNNING, "agreed", _l("Mediation succeeded"), apply=_succeed),
        Transition("fail", RUNNING, "failed", _l("Mediation failed"), apply=_fail),
        Transition(
            "extend",
            RUNNING,
            None,
            _l("Deadline extended"),
            apply=_extend,
            comment=_l("Give the reason for the extension."),
            once=_l("The deadline of a case is extended once at most."),
        ),
        Transition(
            "confirm",
            ("agreed", "followed_up", "closed"),
            None,
            _l("Judicial confirmation"),
            apply=_confirm,
        ),
        Transition("follow_up", ("agreed",), "followed_up", _l("Followed up"), apply=_follow_up),
        Transition(
            "close",
            ("followed_up", "failed", "rejected"),
            "closed",
            _l("Case closed"),
            apply=_close,
            refused=_l("A case with an agreement is closed after its follow-up."),
        ),
        Transition("archive", ("closed",), "archived", _l("Archived")),
    ),
    event_model=LpDisputeEvent,
    key="dispute_id",
    summary=lambda d, action: _("%(action)s: case %(number)s", action=action, number=d.number),
    labels={"register": _l("Registered"), "session": _l("Mediation session")},
    earliest=("registered_on", _l("The date cannot be before the case was registered.")),
)
ACTIONS = DISPUTE_FLOW.actions


def check_session(session: Session, community: Node, data: dict[str, Any], _obj: Any) -> None:
    """调解记录 are kept while a case is being mediated, on or after its acceptance."""
    dispute = session.get(LpDispute, data.get("dispute_id"))
    if dispute is None or dispute.community_id != community.id or dispute.deleted_at is not None:
        refuse("dispute_id", _("There is no such case."))
    if dispute.status not in RUNNING:
        refuse("dispute_id", _("Sessions are recorded while a case is being mediated."), True)
    held_on = data.get("held_on")
    if held_on and dispute.accepted_on and held_on < dispute.accepted_on:
        refuse("held_on", _("A session is held on or after the day the case was accepted."))
    if held_on and held_on > today():
        refuse("held_on", _("The date cannot be in the future."))


def session_added(session: Session, record: LpDisputeSession, user: Any = None) -> None:
    """The first session moves an accepted case into mediation (调解中), on its timeline."""
    dispute = session.get(LpDispute, record.dispute_id)
    before = dispute.status
    if before == "accepted":
        dispute.status = "mediating"
    session.flush()
    changes = {"sessions": [None, record.held_on.isoformat()]}
    DISPUTE_FLOW.event(
        session, dispute, "session", before, on=record.held_on, changes=changes, user=user
    )
    session.expire(dispute, ["sessions"])


REPORT_WITHIN_DAYS = 2  # 排查情况 reaches the 司法所 within two days of the screening


def screening_unreported(day: date) -> sa.ColumnElement[bool]:
    """Screenings whose 排查情况 has not been reported two days after they were held."""
    return sa.and_(
        LpScreening.deleted_at.is_(None),
        LpScreening.reported_on.is_(None),
        LpScreening.held_on < day - timedelta(days=REPORT_WITHIN_DAYS),
    )


def report_screening(
    session: Session, screening: LpScreening, step: str, data: dict[str, Any]
) -> LpScreening:
    """上报排查情况: the screening's list of disputes found goes to the 司法所 (the street's
    list of screening items shows it), once; kept in the screening's history."""
    from .ledgers import screenings

    if screening.reported_on is not None:
        refuse("reported_on", _("This screening was reported already."), True)
    on = data.get("on") or today()
    if on > today():
        refuse("on", _("The date cannot be in the future."))
    if on < screening.held_on:
        refuse("on", _("A screening is reported after it was held."))
    changes = {"reported_on": [None, on], "found": [None, len(screening.items)]}
    screening.reported_on = on
    session.flush()
    screenings.history(session, screening, "report", changes)
    return screening

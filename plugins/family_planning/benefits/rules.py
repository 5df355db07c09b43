"""The rules of the benefit rolls: the checks of every line (alive, living here, the age
condition, the family's category, nobody twice in the district for the same programme and
period), the draft of a roll from the last one, and the workflow whose forward steps are refused
while a paying line fails a check — listing every line and why.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.permissions import current_scope
from core.reports import Period
from core.sdk import DomainError, Transition, Workflow, refuse
from plugins.registry.ages import age_on
from plugins.registry.services import get_resident
from plugins.registry.vocabularies import PRESENT
from tenants.models import Node

from ..common import APPROVE, REVIEW, settings, today
from ..families.models import FpFamily
from .models import FpProgram, FpRoll, FpRollEvent, FpRollLine, FpRollObjection

PROGRAM_KINDS = {
    "reward": _l("Reward for parents of an only child"),
    "support": _l("Reward and support for rural families"),
    "special": _l("Special support"),
}
# Which family categories each programme pays.
PROGRAM_CATEGORIES = {
    "reward": ("only_child",),
    "support": ("rural_reward",),
    "special": ("lost_only_child", "disabled_child"),
}
CYCLES = {
    "month": _l("Monthly"),
    "quarter": _l("Quarterly"),
    "year": _l("Yearly"),
    "once": _l("Once"),
}
LINE_KINDS = {
    "new": _l("Newly added"),
    "continue": _l("Continuing"),
    "stop": _l("Stopped"),
    "check": _l("To be checked"),
}
PAYING = ("new", "continue")
STOP_REASONS = {
    "death": _l("Died"),
    "moved": _l("Moved away"),
    "ineligible": _l("No longer eligible"),
}
ROLL_STATUSES = {
    "draft": _l("Drafted"),
    "checked": _l("Checked by the community"),
    "public": _l("Publicised"),
    "street": _l("Under street review"),
    "returned": _l("Returned"),
    "passed": _l("Passed by the street"),
    "approved": _l("Approved by the district"),
    "paid": _l("Paid"),
    "archived": _l("Archived"),
}
OBJECTION_STATUSES = {"open": _l("Awaiting resolution"), "resolved": _l("Resolved")}
OBJECTION_OUTCOMES = {"upheld": _l("Upheld"), "dismissed": _l("Dismissed")}
# What upholding an objection does to the line it is about.
CORRECTIONS = {"remove": _l("Removed from the roll"), "amount": _l("Amount corrected")}
PAYMENT_RESULTS = {"paid": _l("Paid out"), "failed": _l("Not paid out")}
PROBLEMS = {
    "dead": _l("Died"),
    "absent": _l("No longer lives here"),
    "age": _l("Below the programme's age"),
    "category": _l("The family does not qualify for the programme"),
    "duplicate": _l("Already on a roll of this programme and period in the district"),
}


def period_of(roll: FpRoll) -> Period:
    """The roll's period (its draft checked it; a row written otherwise: this year)."""
    try:
        return Period.parse(roll.period) or Period.year(today().year)
    except ValueError:
        return Period.year(today().year)


def _duplicates(session: Session, roll: FpRoll) -> set[int]:
    """Residents of the roll's paying lines on another live roll of the same programme kind
    and period anywhere in the district (one query)."""
    other_line, other_roll, program = (
        sa.orm.aliased(FpRollLine),
        sa.orm.aliased(FpRoll),
        sa.orm.aliased(FpProgram),
    )
    stmt = (
        sa.select(other_line.resident_id)
        .join(other_roll, other_line.roll_id == other_roll.id)
        .join(program, other_roll.program_id == program.id)
        .where(
            other_line.district_id == roll.district_id,
            other_line.roll_id != roll.id,
            other_line.line_kind.in_(PAYING),
            other_line.deleted_at.is_(None),
            other_roll.deleted_at.is_(None),
            other_roll.period == roll.period,
            program.kind == roll.program.kind,
            other_line.resident_id.in_([line.resident_id for line in roll.lines]),
        )
    )
    return set(session.scalars(stmt))


def _family_qualifies(family: FpFamily | None, kind: str) -> bool:
    wanted = PROGRAM_CATEGORIES[kind]
    return (
        family is not None
        and family.status == "active"
        and bool(set(family.categories or ()) & set(wanted))
    )


def line_problems(session: Session, roll: FpRoll) -> dict[int, list[str]]:
    """Every paying line's failed checks, by line id (lines that pass are left out)."""
    twice = _duplicates(session, roll)
    end = period_of(roll).end
    found: dict[int, list[str]] = {}
    for line in roll.lines:
        if line.line_kind not in PAYING:
            continue
        person = line.resident
        problems = []
        if person.status == "deceased":
            problems.append("dead")
        elif person.status not in PRESENT:
            problems.append("absent")
        if roll.program.min_age and age_on(person.birth_date, end) < roll.program.min_age:
            problems.append("age")
        family = session.get(FpFamily, line.family_id) if line.family_id else None
        if not _family_qualifies(family, roll.program.kind):
            problems.append("category")
        if line.resident_id in twice:
            problems.append("duplicate")
        if problems:
            found[line.id] = problems
    return found


def refuse_unclean(session: Session, roll: FpRoll, *_step: Any) -> dict:
    """A roll with a paying line that fails a check goes no further: every such line, why."""
    problems = line_problems(session, roll)
    if not problems:
        return {}
    names = {line.id: line.resident.name for line in roll.lines}
    listed = [
        {"line": line_id, "name": names[line_id], "problems": keys}
        for line_id, keys in problems.items()
    ]
    text = "；".join(
        f"{names[i]}：{'、'.join(str(PROBLEMS[k]) for k in keys)}" for i, keys in problems.items()
    )
    message = _("The roll has lines that fail their checks: %(lines)s", lines=text)
    raise DomainError(message, {"lines": [message]}, {"problems": listed})


def _publicise(session: Session, roll: FpRoll, data: dict[str, Any], on: date) -> dict:
    """公示 for the community's days (7 by default); again in full after a reopening."""
    refuse_unclean(session, roll)
    community = session.get(Node, roll.community_id)
    until = on + timedelta(days=settings(session, community)["publicity_days"])
    change = {"publicity_until": [roll.publicity_until, until]}
    roll.publicity_until = until
    return change


def _reopen(_session: Session, roll: FpRoll, data: dict[str, Any], _on: date) -> dict:
    """Back to the community, the publicity over: only by upholding an objection."""
    if not data.get("objection"):
        refuse(
            "status", _("A publicised roll goes back to the community when an objection is upheld.")
        )
    change = {"publicity_until": [roll.publicity_until, None]}
    roll.publicity_until = None
    return change


def _to_street(session: Session, roll: FpRoll, data: dict[str, Any], on: date) -> dict:
    refuse_unclean(session, roll)
    if any(o.status == "open" for o in roll.objections):
        refuse("status", _("An objection raised during the publicity is not resolved yet."))
    if roll.publicity_until is not None and on < roll.publicity_until:
        refuse(
            "on", _("The roll is publicised until %(day)s.", day=roll.publicity_until.isoformat())
        )
    return {}


def _return(_session: Session, roll: FpRoll, data: dict[str, Any], _on: date) -> dict:
    change = {"return_comment": [roll.return_comment, data["comment"]]}
    roll.return_comment = data["comment"]
    return change


def _pay(session: Session, roll: FpRoll, _data: dict[str, Any], on: date) -> dict:
    for line in roll.lines:
        if line.line_kind in PAYING and line.paid is None:
            line.paid = True
    change = {"paid_on": [roll.paid_on, on]}
    roll.paid_on = on
    session.flush()
    return change


def _street(_roll: FpRoll) -> str:
    return REVIEW


ROLL_FLOW = Workflow(
    object_type="family_planning.roll",
    states=ROLL_STATUSES,
    transitions=(
        Transition(
            "check", ("draft",), "checked", _l("Checked by the community"), apply=refuse_unclean
        ),
        Transition("publicise", ("checked",), "public", _l("Publicised"), apply=_publicise),
        Transition(
            "reopen",
            ("public",),
            "checked",
            _l("Back to the community after an upheld objection"),
            apply=_reopen,
        ),
        Transition(
            "submit", ("public", "returned"), "street", _l("Sent to the street"), apply=_to_street
        ),
        Transition(
            "return",
            ("street",),
            "returned",
            _l("Returned by the street"),
            apply=_return,
            comment=_l("Say what the community must correct."),
            permission=_street,
        ),
        Transition(
            "pass",
            ("street",),
            "passed",
            _l("Passed by the street"),
            apply=refuse_unclean,
            permission=_street,
        ),
        Transition(
            "approve",
            ("passed",),
            "approved",
            _l("Approved by the district"),
            apply=refuse_unclean,
            permission=lambda _r: APPROVE,
        ),
        Transition("pay", ("approved",), "paid", _l("Paid"), apply=_pay),
        Transition("archive", ("paid",), "archived", _l("Archived")),
    ),
    event_model=FpRollEvent,
    key="roll_id",
    summary=lambda r, action: _(
        "%(action)s: roll %(name)s %(period)s", action=action, name=r.program.name, period=r.period
    ),
    labels={"create": _l("Drafted")},
)


# --- writers -------------------------------------------------------------------------------------


def check_roll(session: Session, community: Node, data: dict[str, Any], roll: Any) -> None:
    """A roll is of a programme of this community, for a period written as 2026Q2 or 2026."""
    if roll is not None:
        return
    program = session.get(FpProgram, data.get("program_id") or 0)
    if program is None or program.deleted_at is not None or program.community_id != community.id:
        refuse("program_id", _("There is no such programme in this community."))
    try:
        Period.parse(data.get("period") or "")
    except ValueError:
        refuse("period", _("Write the period as 2026Q2, 2026-05 or 2026."))
    data["status"], data["drafted_on"] = "draft", today()


def check_line(session: Session, community: Node, data: dict[str, Any], line: Any) -> None:
    """A line names a resident the user sees (of any community: a parent may live elsewhere)
    and an amount of at least zero; a roll is changed only while it is with the community."""
    roll = session.get(FpRoll, data.get("roll_id") or getattr(line, "roll_id", 0))
    if roll is None or roll.community_id != community.id:
        refuse("roll_id", _("There is no such roll in this community."))
    editable = ("draft", "checked", "returned")
    # The street comments on a line under review; the payment results come with the import.
    if roll.status not in editable and set(data) - {"review_comment", "paid", "paid_note"}:
        refuse("roll_id", _("The roll is past the community's checks and cannot be changed."))
    if line is None:
        person = get_resident(session, current_scope(), data.get("resident_id") or 0)
        if person is None:
            refuse("resident_id", _("There is no such resident."))
        data["node_id"] = roll.node_id
        if data.get("amount") is None:
            data["amount"] = roll.program.amount
    if data.get("line_kind") == "stop" and not data.get(
        "stop_reason", getattr(line, "stop_reason", None)
    ):
        refuse("stop_reason", _("Say why the payment stops."))


def draft_from_last(session: Session, community: Node, roll: FpRoll) -> int:
    """草拟: the last roll's people carried over (continuing, or stopped with the reason the
    registry gives), then the family parents who newly qualify; each line written through the
    lines' ledger (with its history); returns how many were added."""
    from .ledgers import roll_lines

    last = session.scalar(
        sa.select(FpRoll)
        .where(
            FpRoll.program_id == roll.program_id,
            FpRoll.id != roll.id,
            FpRoll.period < roll.period,
        )
        .order_by(FpRoll.period.desc())
        .limit(1)
    )
    lines: dict[int, dict[str, Any]] = {}
    for old in last.lines if last is not None else []:
        if old.line_kind not in PAYING:
            continue
        person, reason = old.resident, None
        if person.status == "deceased":
            reason = "death"
        elif person.status not in PRESENT:
            reason = "moved"
        lines[old.resident_id] = {
            "family_id": old.family_id,
            "amount": Decimal("0") if reason else old.amount,
            "line_kind": "stop" if reason else "continue",
            "stop_reason": reason,
            "account_last4": old.account_last4 or None,
        }
    families = sa.select(FpFamily).where(
        FpFamily.community_id == roll.community_id, FpFamily.status == "active"
    )
    for family in session.scalars(families):
        if _family_qualifies(family, roll.program.kind):
            for parent_id in filter(None, (family.father_id, family.mother_id)):
                lines.setdefault(parent_id, {"family_id": family.id, "line_kind": "new"})
    for resident_id, values in lines.items():
        data = {"roll_id": roll.id, "resident_id": resident_id, **values}
        roll_lines.write_new(session, community, data)
    session.expire(roll, ["lines"])
    return len(lines)


def create_roll(session: Session, community: Node, data: dict[str, Any]) -> FpRoll:
    """A new roll, drafted from the last roll of its programme and the families on the ledger."""
    from .ledgers import rolls

    roll = rolls.create_record(session, community, data)
    draft_from_last(session, community, roll)
    return roll


# --- 异议 and payment results -------------------------------------------------------------------


def _objected_line(session: Session, roll: FpRoll, line_id: int | None) -> None:
    """The line an objection names is a paying line of its roll."""
    line = session.get(FpRollLine, line_id) if line_id else None
    if line_id and (
        line is None
        or line.deleted_at is not None
        or line.roll_id != roll.id
        or line.line_kind not in PAYING
    ):
        refuse("line_id", _("This line is not on the roll."))


def check_objection(
    session: Session, community: Node, data: dict[str, Any], objection: Any
) -> None:
    """An objection is raised while its roll is publicised, about one of its lines or the roll
    as a whole; a resolution (with its outcome) resolves it, dated today unless given, and it
    stays resolved. Only an upheld objection about a line corrects it: removed, or its amount
    set to the one given."""
    if objection is None:
        roll = session.get(FpRoll, data.get("roll_id") or 0)
        if roll is None or roll.deleted_at is not None or roll.community_id != community.id:
            refuse("roll_id", _("There is no such roll in this community."))
        if roll.status != "public":
            refuse("roll_id", _("Objections are recorded while the roll is publicised."))
        data["node_id"] = roll.node_id
        data.setdefault("raised_on", None)
        data["raised_on"] = data["raised_on"] or today()
        data["status"] = "open"
    else:
        roll = objection.roll
        if objection.status == "resolved" and set(data) & {
            "resolution",
            "outcome",
            "correction",
            "corrected_amount",
        }:
            refuse("resolution", _("The objection is resolved already."))
    line_id = data.get("line_id", getattr(objection, "line_id", None))
    if objection is None or data.get("correction"):
        # Once named (for good: the field is fixed), the line may leave the roll when another
        # objection is upheld; only a correction needs it there still.
        _objected_line(session, roll, line_id)
    resolution = (data.get("resolution") or "").strip()
    if resolution or data.get("outcome"):
        if not resolution:
            refuse("resolution", _("Say how the objection was resolved."))
        if not data.get("outcome"):
            refuse("outcome", _("Say whether the objection was upheld."))
        data["status"], data["resolved_on"] = "resolved", data.get("resolved_on") or today()
    correction = data.get("correction")
    if correction and (data.get("outcome") != "upheld" or not line_id):
        refuse("correction", _("Only an upheld objection about a line corrects it."))
    if correction == "amount" and data.get("corrected_amount") is None:
        refuse("corrected_amount", _("Give the corrected amount."))


def update_objection(session: Session, objection: FpRollObjection, data: dict[str, Any]) -> Any:
    """An objection's edit; the edit that upholds it sends its roll back to the community (the
    publicity over, to be publicised again in full) and corrects its line, each in the roll's
    timeline or the line's history."""
    from .ledgers import objections, roll_lines

    was_open = objection.status == "open"
    objections.update_record(session, objection, data)
    if not (was_open and objection.status == "resolved" and objection.outcome == "upheld"):
        return objection
    roll = objection.roll
    if roll.status == "public":
        step = {"on": objection.resolved_on, "comment": objection.resolution}
        ROLL_FLOW.run(session, roll, "reopen", {**step, "objection": objection.id})
    line = objection.line
    if line is not None and objection.correction == "remove":
        roll_lines.delete(session, line)
    elif line is not None and objection.correction == "amount":
        roll_lines.write_update(session, line, {"amount": objection.corrected_amount})
    session.expire(roll, ["lines", "objections"])
    return objection


def import_payment(session: Session, community: Node, data: dict[str, Any]) -> FpRollLine:
    """A row of the payment results: the line of the person on the district-approved roll of
    the programme and period, marked paid or not (with why); the roll moves to 已发放 with
    the row that gives its last paying line a result."""
    from plugins.registry.validators import normalize_id

    from .ledgers import roll_lines

    roll = session.scalar(
        sa.select(FpRoll)
        .join(FpProgram, FpRoll.program_id == FpProgram.id)
        .where(
            FpRoll.community_id == community.id,
            FpRoll.deleted_at.is_(None),
            FpProgram.name == data["program"],
            FpRoll.period == data["period"],
        )
    )
    if roll is None:
        refuse("period", _("There is no roll of this programme and period in this community."))
    if roll.status != "approved":
        refuse("period", _("Payment results are imported once the district has approved the roll."))
    number = normalize_id(data["id_number"])
    line = next(
        (x for x in roll.lines if x.line_kind in PAYING and x.resident.id_number == number), None
    )
    if line is None:
        refuse("id_number", _("This person is not paid by the roll."))
    if line.paid is not None:  # twice in the file, or in an earlier file
        refuse("id_number", _("This person's payment result is recorded already."))
    paid = data["result"] == "paid"
    if not paid and not data.get("paid_note"):
        refuse("paid_note", _("Say why the payment failed."))
    roll_lines.write_update(session, line, {"paid": paid, "paid_note": data.get("paid_note") or ""})
    if all(x.paid is not None for x in roll.lines if x.line_kind in PAYING):
        ROLL_FLOW.run(session, roll, "pay", {"on": data.get("paid_on"), "comment": ""})
    return line

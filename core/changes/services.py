"""Change reports (楼门院长信息反馈): a building leader reports, a worker verifies, approval applies.

States: 已上报 (reported) → 已核实 (verified, the worker may correct the facts) → 已办结 (done:
the kind's module applied it, then every module is offered it through
``jiedao_change_applied``); 退回 (returned, with a reason; once corrected it is reported again) and
不予采纳 (rejected) from either open state. Steps run on core's :class:`~core.workflow.Workflow`:
a step the state does not allow is a 409, a missing permission a 403, and a refused approval
(the module cannot apply the change) a 4xx that leaves nothing written — the caller rolls back.

S2 facts (ID numbers) are stored in the report because applying needs them; every reader
without ``changes.sensitive.view`` sees them masked, and the timeline and the audit log keep them
masked only (:mod:`core.records.sensitivity`).
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase
from typing import Any, NoReturn

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit, clock
from core.changes.kinds import ChangeKind, all_kinds, kinds_at, modules_clause
from core.changes.models import ChangeReport, ChangeReportEvent
from core.errors import Conflict, DomainError, NotPermitted, validation_fields
from core.permissions import Scope, current_scope
from core.records.fields import display, label_of
from core.records.history import actor
from core.records.sensitivity import protect, protected_changes
from core.tenancy import node_model, plugin_system
from core.tree import NodeRef
from core.workflow import Transition, Workflow

REPORT = "changes.report"
VERIFY = "changes.verify"
SENSITIVE = "changes.sensitive.view"
OWNER_TYPE = "changes.report"
MODULE_FOLDER = "changes"  # attachments' folder under uploads/

STATES: dict[str, Any] = {
    "reported": _l("Reported"),
    "verified": _l("Verified"),
    "done": _l("Completed"),
    "returned": _l("Returned"),
    "rejected": _l("Not adopted"),
}
OPEN = ("reported", "verified")


def refuse(field: str, message: str, conflict: bool = False) -> NoReturn:
    raise (Conflict if conflict else DomainError)(message, {field: [message]})


# --- places ----------------------------------------------------------------------------------


def reaches(scope: Scope, permission: str, community: NodeRef) -> bool:
    """Does the user hold ``permission`` at the community, above it or at a place inside it (a
    building leader holds it at their building)?"""
    return any(
        node.contains(community) or community.contains(node)
        for pattern, node in scope.grants
        if fnmatchcase(permission, pattern)
    )


def report_buildings(session: Session, scope: Scope, community: NodeRef) -> list[Any]:
    """The community's buildings where the user may report, by code."""
    node = node_model()
    buildings = session.scalars(
        sa.select(node)
        .where(node.kind == "building", node.community_id == community.id)
        .order_by(node.code, node.id)
    )
    return [b for b in buildings if scope.allows(REPORT, b.path)]


def visible_clause(scope: Scope, community: NodeRef, modules: set[str]) -> sa.ColumnElement[bool]:
    """Reports of the community the user may read (as reporter or verifier), of modules that
    are on there."""
    nodes = scope.nodes(REPORT) + scope.nodes(VERIFY)
    if not nodes:
        return sa.false()
    return sa.and_(
        ChangeReport.community_id == community.id,
        ChangeReport.__scope_clause__(nodes),
        modules_clause(ChangeReport, modules),
    )


def get_report(session: Session, scope: Scope, community: NodeRef, report_id: int) -> Any:
    """The report if the user may read it in this community, else ``None`` (a 404)."""
    modules = {k.module for k in kinds_at(session, community.id).values()}
    stmt = sa.select(ChangeReport).where(
        ChangeReport.id == report_id, visible_clause(scope, community, modules)
    )
    return session.scalar(stmt)


# --- facts -----------------------------------------------------------------------------------


def kind_of(session: Session, report_or_key: Any, community_id: int) -> ChangeKind:
    """The report's kind, if its module is still on at the community; refused otherwise."""
    key = getattr(report_or_key, "kind", report_or_key)
    kind = kinds_at(session, community_id).get(key)
    if kind is None:
        known = all_kinds().get(key)
        if known is None:
            refuse("kind", _("Unknown kind of change."))
        refuse(
            "kind",
            _("This kind of change cannot be handled here: its module is not enabled."),
            conflict=True,
        )
    return kind


def load_facts(
    session: Session, kind: ChangeKind, building: NodeRef, raw: dict[str, Any]
) -> dict[str, Any]:
    """The facts through the kind's schema, each record they pick checked to be in
    ``building``; a 422 names every field that is wrong."""
    if not isinstance(raw, dict):
        refuse("facts", _("The facts must be an object."))
    try:
        facts = kind.load(raw)
    except ma.ValidationError as exc:
        fields = validation_fields(exc)
        raise DomainError(_("Some fields are not valid."), fields) from None
    for name, options in kind.subjects.items():
        value = facts.get(name)
        if value is None:
            continue
        if value not in options(session, building):
            refuse(
                name,
                _(
                    "%(field)s: this record is not in %(building)s.",
                    field=label_of(kind.schema().fields[name], name),
                    building=building.name,
                ),
            )
    return facts


def subject_names(
    session: Session, kind: ChangeKind, building: NodeRef, facts: dict[str, Any]
) -> dict[str, str]:
    """The names of the records the facts pick, as the building's lists name them now — kept
    with the report, so it still reads "王明" after 王明 left the building's lists."""
    names = {}
    for name, options in kind.subjects.items():
        value = facts.get(name)
        if value is not None:
            names[name] = options(session, building).get(value, f"#{value}")
    return names


def facts_for(
    session: Session, kind: ChangeKind, report: ChangeReport, unmasked: bool = False
) -> list[tuple[str, str, Any]]:
    """The report's facts as a reader sees them: ``(name, label, text)`` in the schema's
    order, S2 masked unless ``unmasked``, picked records by their names at the building."""
    schema = kind.schema()
    shown = protect(schema, dict(report.facts or {}), unmasked)
    building = session.get(node_model(), report.node_id).as_ref()
    rows = []
    for name, field in schema.fields.items():
        if name not in shown:
            continue
        value = shown[name]
        if name in kind.subjects:
            kept = (report.subject_names or {}).get(name)
            text = kept or kind.subjects[name](session, building).get(value, f"#{value}")
        elif value != report.facts.get(name):  # masked: the mask is what the reader sees
            text = str(value)
        else:
            try:
                text = display(field, field.deserialize(value))
            except ma.ValidationError:
                text = str(value)
        rows.append((name, str(label_of(field, name)), text))
    return rows


def dump_report(
    session: Session, report: ChangeReport, kind: ChangeKind | None, unmasked: bool = False
) -> dict[str, Any]:
    """A report as the API gives it (S2 facts masked unless ``unmasked``)."""
    facts = dict(report.facts or {})
    if kind is not None:
        facts = protect(kind.schema(), facts, unmasked)
    return {
        "id": report.id,
        "kind": report.kind,
        "kind_label": str(kind.label) if kind else report.kind,
        "status": report.status,
        "status_label": str(STATES.get(report.status, report.status)),
        "building": session.get(node_model(), report.node_id).ref,
        "reported_on": report.reported_on.isoformat(),
        "reporter": report.reporter_name,
        "facts": facts,
        "note": report.note,
        "outcome": report.outcome,
        "next_steps": WORKFLOW.next_steps(report),
    }


def _protected(kind: ChangeKind, changes: dict[str, list[Any]]) -> dict[str, list[Any]] | None:
    return protected_changes(kind.schema(), changes, sealed=True)


# --- writes ----------------------------------------------------------------------------------


def submit(
    session: Session,
    community: Any,
    building: NodeRef,
    kind_key: str,
    raw_facts: dict[str, Any],
    note: str = "",
    user: Any = None,
) -> ChangeReport:
    """上报: a new report at ``building`` (one of the community's, where the user may report)."""
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))
    kind = kind_of(session, kind_key, community.id)
    facts = load_facts(session, kind, building, raw_facts)
    who = actor(user)
    report = ChangeReport(
        node_id=building.id,
        module=kind.module,
        kind=kind.key,
        status="reported",
        reported_on=clock.today(),
        facts=kind.dump(facts),
        subject_names=subject_names(session, kind, building, facts),
        note=(note or "").strip(),
        reporter_id=getattr(who, "id", None),
        reporter_name=getattr(who, "display_name", "") or getattr(who, "username", "") or "",
    )
    session.add(report)
    session.flush()
    created = {k: [None, v] for k, v in report.facts.items()}
    WORKFLOW.event(
        session,
        report,
        "report",
        "",
        on=report.reported_on,
        comment=report.note,
        changes=_protected(kind, created),
        user=user,
    )
    return report


def _correct(session: Session, report: ChangeReport, data: dict[str, Any], _on: date) -> dict:
    """核实 or resubmission: the facts as corrected (only the fields given change)."""
    corrected = data.get("facts")
    if not corrected:
        return {}
    kind = kind_of(session, report, report.community_id)
    building = session.get(node_model(), report.node_id).as_ref()
    merged = {**(report.facts or {}), **corrected}
    loaded = load_facts(session, kind, building, merged)
    facts = kind.dump(loaded)
    report.subject_names = subject_names(session, kind, building, loaded)
    old = report.facts or {}
    changes = {k: [old.get(k), facts.get(k)] for k in {*old, *facts} if old.get(k) != facts.get(k)}
    report.facts = facts
    return _protected(kind, changes) or {}


def _apply(session: Session, report: ChangeReport, _data: dict[str, Any], _on: date) -> dict:
    """办结: the kind's module writes the change; its refusal refuses the approval."""
    kind = kind_of(session, report, report.community_id)
    building = session.get(node_model(), report.node_id).as_ref()
    facts = load_facts(session, kind, building, dict(report.facts or {}))
    outcome = kind.apply(session, report, facts) or ""
    report.outcome = str(outcome)[:200]
    return {"outcome": [None, report.outcome]} if report.outcome else {}


def _summary(report: ChangeReport, label: Any) -> str:
    kind = all_kinds().get(report.kind)
    return _(
        "%(step)s: change report %(kind)s #%(id)s",
        step=str(label),
        kind=str(kind.label) if kind else report.kind,
        id=report.id,
    )


# Who takes each step, checked at the report's building (the workflow engine checks a step's
# permission at the community, where a building leader holds nothing).
STEP_PERMISSIONS = {
    "verify": VERIFY,
    "approve": VERIFY,
    "return": VERIFY,
    "reject": VERIFY,
    "resubmit": REPORT,
}
DENIED = {
    VERIFY: _l("Only a worker of the community verifies change reports."),
    REPORT: _l("Only the building's leader reports again."),
}


WORKFLOW = Workflow(
    object_type="changes.report",
    states=STATES,
    transitions=(
        Transition(
            "verify",
            ("reported",),
            "verified",
            _l("Verify"),
            apply=_correct,
        ),
        Transition(
            "approve",
            ("verified",),
            "done",
            _l("Complete the report"),
            apply=_apply,
            refused=_l("Only a verified report can be completed."),
        ),
        Transition(
            "return",
            OPEN,
            "returned",
            _l("Return"),
            comment=_l("Say why the report is returned."),
        ),
        Transition(
            "resubmit",
            ("returned",),
            "reported",
            _l("Report again"),
            apply=_correct,
        ),
        Transition(
            "reject",
            OPEN,
            "rejected",
            _l("Not adopted"),
            comment=_l("Say why the report is not adopted."),
        ),
    ),
    event_model=ChangeReportEvent,
    key="report_id",
    summary=_summary,
    labels={"report": _l("Report")},
    earliest=("reported_on", _l("The date cannot be before the report.")),
)


def take_step(
    session: Session,
    report: ChangeReport,
    step: str,
    data: dict[str, Any],
    user: Any = None,
    *,
    scope: Scope | None = None,
) -> ChangeReport:
    """Take ``step``; on approval, offer the applied report to every module
    (``jiedao_change_applied``) in the same transaction."""
    needed = STEP_PERMISSIONS.get(step)
    building = session.get(node_model(), report.node_id)
    if needed and not (scope or current_scope()).allows(needed, building.path):
        message = str(DENIED[needed])
        raise NotPermitted(message, {"status": [message]})
    WORKFLOW.run(session, report, step, data, user, scope=scope)
    if step == "approve":
        offer(session, report)
    return report


def offer(session: Session, report: ChangeReport) -> None:
    """``jiedao_change_applied`` for every module, in a savepoint: a module that raises is
    switched off (as in any hook) and what it wrote is undone, then the others are asked again
    without it, so the approval never keeps half of a broken module's work."""
    system = plugin_system()
    for _attempt in range(len(system.order) + 1):  # each pass switches one more module off
        before = list(system.order)
        with session.begin_nested() as savepoint:
            system.call("jiedao_change_applied", session=session, report=report)
            if system.order == before:
                return
            savepoint.rollback()


def audit_unmask(session: Session, report: ChangeReport) -> None:
    """Someone holding ``changes.sensitive.view`` read the report's S2 facts in clear."""
    audit.record(
        "changes.report.unmask",
        node=session.get(node_model(), report.node_id).as_ref(),
        object_type=ChangeReport.__tablename__,
        object_id=report.id,
        summary=_l("Showed the unmasked facts of change report #%(id)s", id=report.id),
    )


def count_waiting(session: Session, scope: Scope, community: NodeRef) -> int:
    """Reports of the community waiting to be verified, for the list's heading."""
    modules = {k.module for k in kinds_at(session, community.id).values()}
    stmt = sa.select(sa.func.count(ChangeReport.id)).where(
        visible_clause(scope, community, modules), ChangeReport.status == "reported"
    )
    return session.scalar(stmt) or 0


__all__ = [
    "OPEN",
    "REPORT",
    "SENSITIVE",
    "STATES",
    "VERIFY",
    "WORKFLOW",
    "ChangeReport",
    "ChangeReportEvent",
    "dump_report",
    "facts_for",
    "get_report",
    "kind_of",
    "load_facts",
    "reaches",
    "report_buildings",
    "submit",
    "take_step",
    "visible_clause",
]

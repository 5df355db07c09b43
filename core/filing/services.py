"""The report engine: instances opened and auto-filled, overrides with reasons, the workflow
level by level up the tree, and the consolidation of a node's children — each a few set-based
queries, whatever the number of children."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit, clock
from core.errors import Conflict, DomainError, NotPermitted
from core.figures import evaluate
from core.filing.declaration import REVIEWED_BY, ChangeCheck, Field, Report, SumCheck
from core.filing.models import FilingEvent, FilingInstance
from core.permissions import Scope
from core.reports import Period
from core.tenancy import (
    COMMUNITY,
    communities_on,
    enabled_communities,
    may_use,
    module_on,
    node_model,
    plugin_system,
)
from core.tree import subtree_clause
from core.workflow import Transition, Workflow

STATES: dict[str, Any] = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
    "locked": _l("Locked"),
    "correction": _l("Correction requested"),
}
# How a child's report shows at its parent besides its own states.
MISSING, LATE = "missing", "late"
SHOWN: dict[str, Any] = {**STATES, MISSING: _l("Not filed"), LATE: _l("Overdue, not filed")}
FILED = ("submitted", "approved", "locked", "correction")  # values frozen
COUNTED = ("approved", "locked", "correction")  # consolidated by the parent
EDITABLE = ("draft", "returned")
CHILD_KIND = {"district": "street", "street": COMMUNITY}
REVIEW_STEPS = ("return", "approve", "lock", "grant", "refuse")


# --- declarations ----------------------------------------------------------------------------


def reports() -> dict[str, Report]:
    """Every active plugin's reports by key, each stamped with its module."""
    return {
        r.key: r if r.module else dataclasses.replace(r, module=name)
        for name, found in plugin_system().call("jiedao_reports")
        for r in found
    }


def indicators() -> dict[str, Any]:
    return {
        i.name: i if i.module else dataclasses.replace(i, module=name)
        for name, found in plugin_system().call("jiedao_indicators")
        for i in found
    }


def parse_period(report: Report, text: str) -> Period:
    """The report's period named ``text`` (2026-03 for a monthly report); 422 naming it."""
    period = Period.parse(text)
    if period is None or not report.matches(period):
        message = _("This is not a period of this report.")
        raise DomainError(message, {"period": [message]})
    if period.start > clock.today():
        message = _("This period has not begun yet.")
        raise DomainError(message, {"period": [message]})
    return period


# --- places ----------------------------------------------------------------------------------


def may_read(scope: Scope, report: Report, node: Any) -> bool:
    """Whoever files or reviews it, and the module's users — or, if it names one, the holders
    of its ``read`` permission."""
    readers = scope.allows(report.read, node.path) if report.read else None
    return (
        (may_use(scope, report.module, node.path) if readers is None else readers)
        or scope.allows(report.submit, node.path)
        or scope.allows(report.review, node.path)
    )


def due_on(report: Report, period: Period, level: str) -> date:
    return report.due.on(period, level)


def is_late(
    report: Report, period: Period, level: str, status: str, submitted: date | None, day: date
) -> bool:
    """Not filed by the due day: still unfiled after it, or filed after it."""
    due = due_on(report, period, level)
    if submitted is not None and status in FILED:
        return submitted > due
    return day > due


# --- values ----------------------------------------------------------------------------------


def _number(field: Field, value: Any) -> Any:
    if value is None:
        return None
    return round(value) if field.kind in ("indicator", "int") else round(float(value), 4)


def ratios(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    """Every ratio field recomputed from its numerator and denominator fields."""
    found = {}
    for f in report.fields:
        if f.kind == "ratio":
            top, bottom = values.get(f.numerator), values.get(f.denominator)
            found[f.key] = round(f.per * top / bottom, 1) if top is not None and bottom else None
    return found


def children_sums(session: Session, report: Report, node: Any, period: Period) -> dict[str, Any]:
    """The sum of every summed field over ``node``'s children's counted reports (the children
    as the tree has them now, as :func:`children` lists them): one query."""
    summed = [f for f in report.fields if f.summed]
    if not summed:
        return {}
    model = node_model()
    stmt = sa.select(*(sa.func.sum(FilingInstance.values[f.key].as_float()) for f in summed)).where(
        FilingInstance.report == report.key,
        FilingInstance.period == period.key,
        FilingInstance.node_id.in_(sa.select(model.id).where(model.parent_id == node.id)),
        FilingInstance.status.in_(COUNTED),
    )
    row = session.execute(stmt).one()
    return {f.key: _number(f, v) if v is not None else 0 for f, v in zip(summed, row, strict=True)}


def auto_values(session: Session, report: Report, node: Any, period: Period) -> dict[str, Any]:
    """What fills itself: at a community the indicators over it; above, the sum of the
    children's approved figures (every summed field)."""
    if node.kind != COMMUNITY:
        return children_sums(session, report, node, period)
    every = indicators()
    communities = communities_on(node, report.module)
    memo: dict[str, Any] = {}
    found = {}
    for f in report.fields:
        if f.kind == "indicator" and f.indicator in every:
            value = evaluate(session, every, f.indicator, communities, period, memo)
            found[f.key] = _number(f, value.value)
    return found


def _auto_fields(report: Report, node: Any) -> list[Field]:
    if node.kind == COMMUNITY:
        return [f for f in report.fields if f.kind == "indicator"]
    return [f for f in report.fields if f.summed]


def refresh(session: Session, report: Report, instance: FilingInstance, node: Any) -> None:
    """Recompute the auto values of an unfiled report; overridden ones keep their figure."""
    period = Period.parse(instance.period)
    auto = auto_values(session, report, node, period)
    values = dict(instance.values or {})
    for f in _auto_fields(report, node):
        if f.key not in (instance.reasons or {}):
            values[f.key] = auto.get(f.key)
    if node.kind == COMMUNITY:
        for f in report.fields:
            if f.fill is not None and values.get(f.key) in (None, ""):
                communities = communities_on(node, report.module)
                values[f.key] = f.parse(f.fill(session, communities, period))
    values.update(ratios(report, values))
    instance.auto, instance.values = auto, values


def _instance_of(node_id: Any, report: Report, period_key: str) -> sa.ColumnElement[bool]:
    """The condition on the one instance of ``report`` a node files for a period; ``node_id``
    a value, or a node column to join on."""
    return sa.and_(
        FilingInstance.node_id == node_id,
        FilingInstance.report == report.key,
        FilingInstance.period == period_key,
    )


def open_instance(session: Session, report: Report, node: Any, period: Period) -> FilingInstance:
    """The node's report for the period, created on first open; an unfiled one refreshed."""
    instance = session.scalar(
        sa.select(FilingInstance).where(_instance_of(node.id, report, period.key))
    )
    if instance is None:
        instance = FilingInstance(
            report=report.key,
            period=period.key,
            node_id=node.id,
            level=node.kind,
            status="draft",
            values={},
            auto={},
            reasons={},
            comments={},
        )
        session.add(instance)
    if instance.status in EDITABLE:
        refresh(session, report, instance, node)
    session.flush()
    return instance


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors)


PARSE_MESSAGES = {
    "number": _l("Enter a number."),
    "whole": _l("Enter a whole number."),
    "min": _l("The figure is below the smallest allowed."),
    "max": _l("The figure is above the largest allowed."),
}


def save_values(
    session: Session,
    report: Report,
    instance: FilingInstance,
    node: Any,
    values: dict[str, Any],
    reasons: dict[str, Any],
    user: Any = None,
    scope: Scope | None = None,
) -> FilingInstance:
    """Enter figures: typed entries as given; an auto value overridden only with a reason
    (修改原因), given back to its source when set to it again. All or nothing."""
    if scope is not None and not scope.allows(report.submit, node.path):
        message = _("You may not file this report.")
        raise NotPermitted(message, {"status": [message]})
    if node.is_archived:
        raise DomainError(_("An archived community is read-only."))
    if instance.status not in EDITABLE:
        message = _("A filed report cannot be changed; ask for a correction.")
        raise Conflict(message, {"status": [message]})
    fields = report.by_key
    auto_keys = {f.key for f in _auto_fields(report, node)}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for key, raw in (values or {}).items():
        f = fields.get(key)
        if f is None or f.kind == "ratio":
            errors[key] = [_("This field cannot be entered.")]
            continue
        try:
            parsed[key] = f.parse(raw)
        except ValueError as exc:
            errors[key] = [str(PARSE_MESSAGES[str(exc)])]
    for key in reasons or {}:
        if key not in fields:
            errors.setdefault(key, [_("This field cannot be entered.")])
    new_reasons = dict(instance.reasons or {})
    for key, value in parsed.items():
        if key not in auto_keys or key in errors:
            continue
        reason = str((reasons or {}).get(key) or "").strip()[:300]
        if value == (instance.auto or {}).get(key):
            new_reasons.pop(key, None)  # back to the computed figure
        elif reason:
            new_reasons[key] = reason
        elif key not in new_reasons:
            errors[key] = [_("Give the reason for changing a figure filled in automatically.")]
    _refuse(errors)
    old = dict(instance.values or {})
    merged = {**old, **parsed}
    for key in auto_keys - set(new_reasons):
        merged[key] = (instance.auto or {}).get(key)
    merged.update(ratios(report, merged))
    instance.values, instance.reasons = merged, new_reasons
    session.flush()
    changed = {k: [old.get(k), v] for k, v in merged.items() if old.get(k) != v}
    if changed:
        audit.record(
            "filing.edit",
            node=node.as_ref(),
            object_type=FilingInstance.__tablename__,
            object_id=instance.id,
            summary=f"{report.label} {instance.period}",
            details=changed,
            user=user,
        )
    return instance


def previous_values(session: Session, report: Report, node: Any, period: Period) -> dict:
    """The node's filed figures of the previous period (none if it was not filed)."""
    found = session.scalar(
        sa.select(FilingInstance.values).where(
            _instance_of(node.id, report, report.before(period).key),
            FilingInstance.status.in_(FILED),
        )
    )
    return found or {}


def run_checks(
    report: Report, values: dict[str, Any], previous: dict[str, Any]
) -> list[dict[str, Any]]:
    """The checks' findings: errors (parts that do not add up) and warnings (large changes)."""
    labels = {f.key: str(f.label) for f in report.fields}
    found = []
    for check in report.checks:
        if isinstance(check, SumCheck):
            parts = [values.get(k) or 0 for k in check.parts]
            total = values.get(check.total) or 0
            if abs(sum(parts) - total) > 1e-6:
                found.append(
                    {
                        "severity": check.severity,
                        "fields": [check.total, *check.parts],
                        "message": _(
                            "%(total)s (%(value)s) is not the sum of %(parts)s (%(sum)s).",
                            total=labels[check.total],
                            value=total,
                            parts="、".join(labels[k] for k in check.parts),
                            sum=sum(parts),
                        ),
                    }
                )
        elif isinstance(check, ChangeCheck):
            now, before = values.get(check.field), previous.get(check.field)
            if now is None or not before:
                continue
            change = 100.0 * (now - before) / before
            if abs(change) > check.threshold:
                found.append(
                    {
                        "severity": check.severity,
                        "fields": [check.field],
                        "message": _(
                            "%(field)s changed by %(change)s%% against the previous period "
                            "(%(before)s → %(now)s).",
                            field=labels[check.field],
                            change=round(change, 1),
                            before=before,
                            now=now,
                        ),
                    }
                )
    return found


# --- workflow --------------------------------------------------------------------------------


def _context(session: Session, obj: FilingInstance) -> tuple[Report, Any]:
    return reports()[obj.report], session.get(node_model(), obj.node_id)


def _freeze(session: Session, obj: FilingInstance, data: dict, on: date) -> dict:
    """Submit: the figures computed one last time, checked, and kept as filed."""
    report, node = _context(session, obj)
    refresh(session, report, obj, node)
    previous = previous_values(session, report, node, Period.parse(obj.period))
    errors = [c for c in run_checks(report, obj.values, previous) if c["severity"] == "error"]
    if errors:
        fields: dict[str, list[str]] = {}
        for finding in errors:
            for key in finding["fields"]:
                fields.setdefault(key, []).append(str(finding["message"]))
        raise DomainError(str(errors[0]["message"]), fields)
    obj.submitted_on = on
    return {"submitted_on": [None, on]}


def _return(session: Session, obj: FilingInstance, data: dict, on: date) -> dict:
    """Return: the reviewer's comments per field, kept on the report until it is approved."""
    report, _node = _context(session, obj)
    raw = data.get("fields") or {}
    if not isinstance(raw, dict):
        raise DomainError(_("Comments are given per field."), {"fields": [_("Not valid.")]})
    comments = {k: str(v).strip()[:500] for k, v in raw.items() if str(v or "").strip()}
    unknown = [k for k in comments if k not in report.by_key]
    if unknown:
        message = _("This field cannot be entered.")
        raise DomainError(message, {k: [message] for k in unknown})
    if not comments and not (data.get("comment") or "").strip():
        message = _("Say what is to be corrected: a comment on the report or on a field.")
        raise DomainError(message, {"comment": [message]})
    old, obj.comments = obj.comments, comments
    return {"comments": [old, comments]}


def _clear_comments(session: Session, obj: FilingInstance, data: dict, on: date) -> dict:
    obj.comments = {}
    return {}


def _reopen(session: Session, obj: FilingInstance, data: dict, on: date) -> dict:
    """A granted correction: back to draft; the figures as filed stay until re-entered."""
    obj.submitted_on = None
    return {}


WORKFLOW = Workflow(
    object_type="filing",
    states=STATES,
    transitions=(
        Transition("submit", ("draft", "returned"), "submitted", _l("Submit"), apply=_freeze),
        Transition("return", ("submitted",), "returned", _l("Return"), apply=_return),
        Transition("approve", ("submitted",), "approved", _l("Approve"), apply=_clear_comments),
        Transition("lock", ("approved",), "locked", _l("Lock")),
        Transition(
            "correction",
            ("locked",),
            "correction",
            _l("Request a correction"),
            comment=_l("Give the reason for the correction."),
        ),
        Transition("grant", ("correction",), "draft", _l("Grant the correction"), apply=_reopen),
        Transition("refuse", ("correction",), "locked", _l("Refuse the correction")),
    ),
    event_model=FilingEvent,
    key="instance_id",
    summary=lambda obj, label: f"{obj.report} {obj.period}: {label}",
)


def reviewer_node(session: Session, node: Any) -> Any:
    """The node whose staff review ``node``'s report (its parent), None at the top."""
    if node.kind not in REVIEWED_BY or node.parent_id is None:
        return None
    return session.get(node_model(), node.parent_id)


def allowed_steps(
    session: Session, report: Report, instance: FilingInstance, node: Any, scope: Scope
) -> list[str]:
    """The steps this user may take now (the page's buttons)."""
    parent = reviewer_node(session, node)
    if parent is None:
        return []
    found = []
    for step in WORKFLOW.next_steps(instance):
        if step in REVIEW_STEPS:
            if scope.allows(report.review, parent.path):
                found.append(step)
        elif scope.allows(report.submit, node.path):
            found.append(step)
    return found


def take_step(
    session: Session,
    report: Report,
    instance: FilingInstance,
    node: Any,
    step: str,
    data: dict[str, Any],
    scope: Scope,
    user: Any = None,
) -> FilingInstance:
    """A step of the report's workflow: filing steps by the node's staff, review steps by the
    level above; refused (409, 403, 422) before anything is written."""
    if step not in WORKFLOW.by_name:
        message = _("Unknown step.")
        raise DomainError(message, {"action": [message]})
    parent = reviewer_node(session, node)
    if parent is None:
        message = _("This report is compiled here, not filed further up.")
        raise Conflict(message, {"status": [message]})
    if step in REVIEW_STEPS:
        if not scope.allows(report.review, parent.path):
            message = _("Only the level above reviews this report.")
            raise NotPermitted(message, {"status": [message]})
    elif not scope.allows(report.submit, node.path):
        message = _("You may not file this report.")
        raise NotPermitted(message, {"status": [message]})
    clean = {"comment": data.get("comment") or "", "fields": data.get("fields") or {}}
    return WORKFLOW.run(session, instance, step, clean, user, scope=scope)


# --- consolidation ---------------------------------------------------------------------------


def children(
    session: Session, report: Report, node: Any, period: Period, day: date
) -> list[dict[str, Any]]:
    """Each child (community of a street, street of a district) where the module runs, with its
    report's state, whether it is late, and its filed figures: one query."""
    kind = CHILD_KIND.get(node.kind)
    if kind is None:
        return []
    model = node_model()
    if kind == COMMUNITY:
        running = model.id.in_(enabled_communities(report.module))
    else:
        beneath = sa.select(model.parent_id).where(
            model.kind == COMMUNITY, model.id.in_(enabled_communities(report.module))
        )
        running = model.id.in_(beneath)
    stmt = (
        sa.select(
            model.id,
            model.ref,
            model.name,
            FilingInstance.status,
            FilingInstance.submitted_on,
            FilingInstance.values,
        )
        .outerjoin(
            FilingInstance,
            _instance_of(model.id, report, period.key),
        )
        .where(model.parent_id == node.id, model.kind == kind, running)
        .order_by(model.code, model.id)
    )
    rows = []
    for node_id, ref, name, status, submitted, values in session.execute(stmt):
        state = status or MISSING
        late = is_late(report, period, kind, state, submitted, day)
        shown = LATE if late and state not in FILED else state
        rows.append(
            {
                "id": node_id,
                "ref": ref,
                "name": name,
                "status": state,
                "shown": shown,
                "late": late,
                "submitted_on": submitted.isoformat() if submitted else None,
                "counted": state in COUNTED,
                "values": (values or {}) if state in FILED else {},
            }
        )
    return rows


def community_counts(
    session: Session, report: Report, node: Any, period: Period, day: date
) -> dict[str, int]:
    """How many of the communities under ``node`` (where the module runs) stand in each state,
    unfiled ones past their due day counted as late: one GROUP BY, whatever their number."""
    model = node_model()
    status = sa.func.coalesce(FilingInstance.status, MISSING)
    stmt = (
        sa.select(status, sa.func.count())
        .select_from(model)
        .outerjoin(
            FilingInstance,
            _instance_of(model.id, report, period.key),
        )
        .where(
            model.kind == COMMUNITY,
            subtree_clause(model.path, node.path),
            model.id.in_(enabled_communities(report.module)),
        )
        .group_by(status)
    )
    overdue = day > due_on(report, period, COMMUNITY)
    counts: dict[str, int] = {}
    for state, number in session.execute(stmt):
        shown = LATE if overdue and state not in FILED else state
        counts[shown] = counts.get(shown, 0) + number
    return counts


def consolidation(
    session: Session, report: Report, node: Any, period: Period, day: date
) -> dict[str, Any]:
    """A street's or district's view of its children: their states, how many are in each, and
    the totals of the approved ones (ratios from the summed parts); at a district also the
    states of every community beneath."""
    rows = children(session, report, node, period, day)
    totals = children_sums(session, report, node, period)
    totals.update(ratios(report, totals))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["shown"]] = counts.get(row["shown"], 0) + 1
    found = {"children": rows, "totals": totals, "counts": counts}
    if node.kind == "district":
        found["communities"] = community_counts(session, report, node, period, day)
    return found


# --- the list of a node's reports and the workbench ------------------------------------------


def node_reports(
    session: Session, node: Any, scope: Scope, day: date, count: int = 6
) -> list[dict[str, Any]]:
    """The reports the user may read at ``node`` with their last ``count`` periods and states
    (one query for the states)."""
    found = [
        r
        for r in reports().values()
        if node.kind in r.levels and may_read(scope, r, node) and module_on(session, node, r.module)
    ]
    if not found:
        return []
    states = {
        (key, period): (status, submitted)
        for key, period, status, submitted in session.execute(
            sa.select(
                FilingInstance.report,
                FilingInstance.period,
                FilingInstance.status,
                FilingInstance.submitted_on,
            ).where(FilingInstance.node_id == node.id)
        )
    }
    listed = []
    for report in found:
        period = report.last_closed(day)
        periods = []
        for _i in range(count):
            status, submitted = states.get((report.key, period.key), (MISSING, None))
            late = is_late(report, period, node.kind, status, submitted, day)
            periods.append(
                {
                    "period": period.key,
                    "label": period.label(),
                    "status": status,
                    "shown": LATE if late and status not in FILED else status,
                    "late": late,
                    "due": due_on(report, period, node.kind).isoformat(),
                }
            )
            period = report.before(period)
        listed.append({"report": report, "periods": periods})
    return listed


@dataclasses.dataclass(frozen=True)
class WorkEntry:
    """What the home page shows of one report at one of the user's places."""

    key: str
    label: Any
    level: str


@dataclasses.dataclass(frozen=True)
class WorkItem:
    source: WorkEntry
    node: Any
    count: int
    url: str


def work_items(session: Session, scope: Scope, day: date) -> list[WorkItem]:
    """Reports of the period being filed that are not filed yet at the user's places (their
    communities and streets where the module runs): due before the due day, overdue after it.
    One query per report."""
    model = node_model()
    items = []
    for report in reports().values():
        nodes = scope.nodes(report.submit)
        if not nodes:
            continue
        period = report.last_closed(day)
        filed = sa.select(FilingInstance.node_id).where(
            FilingInstance.report == report.key,
            FilingInstance.period == period.key,
            FilingInstance.status.in_(FILED),
        )
        community_level = sa.and_(
            model.kind == COMMUNITY, model.id.in_(enabled_communities(report.module))
        )
        streets = sa.select(model.parent_id).where(community_level)
        levels = [community_level]
        if "street" in report.levels:
            levels.append(sa.and_(model.kind == "street", model.id.in_(streets)))
        under = [subtree_clause(model.path, n.path) for n in nodes]
        late_kinds = [k for k in (COMMUNITY, "street") if day > due_on(report, period, k)]
        overdue = model.kind.in_(late_kinds)
        columns = []
        for clause in under:
            columns.append(sa.func.sum(sa.case((sa.and_(clause, overdue), 1), else_=0)))
            columns.append(sa.func.sum(sa.case((sa.and_(clause, ~overdue), 1), else_=0)))
        stmt = sa.select(*columns).where(
            sa.or_(*levels), sa.or_(*under), model.id.not_in(filed), model.status != "archived"
        )
        row = session.execute(stmt).one()
        for i, node in enumerate(nodes):
            late, due = int(row[2 * i] or 0), int(row[2 * i + 1] or 0)
            url = f"/n/{node.ref}/reports"
            label = f"{report.label} · {period.label()}"
            if late:
                text = _("Overdue, not filed: %(report)s", report=label)
                entry = WorkEntry(f"filing.{report.key}.late", text, "overdue")
                items.append(WorkItem(entry, node, late, url))
            if due:
                text = _("To file: %(report)s", report=label)
                entry = WorkEntry(f"filing.{report.key}.due", text, "due")
                items.append(WorkItem(entry, node, due, url))
        items += _unreviewed(session, scope, report, period, day)
    return items


def _unreviewed(
    session: Session, scope: Scope, report: Report, period: Period, day: date
) -> list[WorkItem]:
    """Reports filed to the user's places and still waiting for their review after the
    report's review day (``Due.review``): 逾期未审 on the reviewer's workbench."""
    if not report.due.review or day <= due_on(report, period, "review"):
        return []
    model, items = node_model(), []
    for node in scope.nodes(report.review):
        below = sa.select(model.id).where(model.parent_id == node.id)
        waiting = session.scalar(
            sa.select(sa.func.count(FilingInstance.id)).where(
                FilingInstance.report == report.key,
                FilingInstance.period == period.key,
                FilingInstance.status == "submitted",
                FilingInstance.node_id.in_(below),
            )
        )
        if waiting:
            label = f"{report.label} · {period.label()}"
            text = _("Overdue, not reviewed: %(report)s", report=label)
            entry = WorkEntry(f"filing.{report.key}.unreviewed", text, "overdue")
            items.append(WorkItem(entry, node, waiting, f"/n/{node.ref}/reports"))
    return items

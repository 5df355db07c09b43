"""The audit log as admins read it: actions by their translated labels, filters, a link from an
entry to its record while the reader may still open it, an xlsx export and the retention purge.

Action labels come from core (:data:`CORE_ACTIONS`), from the modules (hook
``jiedao_audit_actions``: action → lazy label) and from every ledger and workflow, whose
actions (``<module>.<name>.create``, ``….<step>``) are named by the ledger's label and the
step's. Every read goes through the reader's ``audit.view`` scope first; a filter or a link can
only narrow it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit, clock
from core.db import utcnow
from core.errors import DomainError
from core.exchange import Column
from core.models import AuditLog, User
from core.permissions import Scope, scope_clause
from core.tree import NodeRef, node_ref, node_refs, node_table, subtree_clause

PERMISSION = "audit.view"
FAILED_SIGN_IN = "user.login_failed"
EXPORT_LIMIT = 50_000  # entries in one export: a filtered month of a street, many times over

CORE_ACTIONS: dict[str, Any] = {
    "user.login": _l("Signed in"),
    FAILED_SIGN_IN: _l("Failed sign-in"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password_reset": _l("Password reset by an admin"),
    "user.password_change": _l("Own password changed"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "role.create": _l("Role created"),
    "assignment.create": _l("Role given"),
    "assignment.delete": _l("Role removed"),
    "users.import": _l("Users imported"),
    "node.create": _l("Place created"),
    "node.update": _l("Place changed"),
    "node.move": _l("Place moved"),
    "node.move_in": _l("Place moved in"),
    "node.move_out": _l("Place moved out"),
    "node.merge": _l("Places merged"),
    "node.merge_in": _l("Place merged in"),
    "node.archive": _l("Place archived"),
    "node.restore": _l("Place restored"),
    "tree.import": _l("Tree imported"),
    "module.enable": _l("Module switched on"),
    "module.disable": _l("Module switched off"),
    "module.settings": _l("Module settings changed"),
    "preset.create": _l("Module preset created"),
    "preset.update": _l("Module preset changed"),
    "preset.delete": _l("Module preset deleted"),
    "preset.apply": _l("Module preset applied"),
    "export": _l("Ledger exported"),
    "holiday.set": _l("Holiday set"),
    "holiday.clear": _l("Holiday cleared"),
    "holiday.school": _l("School holidays set"),
    "holiday.school_clear": _l("School holidays cleared"),
    "target.set": _l("Target set"),
    "target.clear": _l("Target cleared"),
    "filing.edit": _l("Report edited"),
    "changes.report.unmask": _l("Change report viewed in clear"),
    "attachment.create": _l("File attached"),
    "attachment.delete": _l("Attachment deleted"),
    "audit.export": _l("Audit log exported"),
}

# What a ledger's history calls its writes, for ``<ledger>.<verb>``.
LEDGER_VERBS: dict[str, Any] = {
    "create": _l("registered"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "restore": _l("restored"),
    "unmask": _l("viewed in clear"),
    "renumber": _l("renumbered"),
}


def _of(what: Any, action: Any) -> Any:
    return _l("%(what)s: %(action)s", what=what, action=action)


def _core_workflows() -> Iterator[tuple[Any, Any]]:
    """Core's own workflows, with the words for their records."""
    from core.changes.services import WORKFLOW as CHANGES
    from core.filing.services import WORKFLOW as FILING

    yield CHANGES, _l("Change report")
    yield FILING, _l("Report")


def _declared() -> dict[str, Any]:
    """Every label: core's first (no module relabels them), then the modules', then those
    derived from the ledgers and workflows."""
    from core.tenancy import plugin_system

    labels = dict(CORE_ACTIONS)
    system = plugin_system()
    for _name, declared in system.call("jiedao_audit_actions"):
        for action, label in dict(declared).items():
            labels.setdefault(action, label)
    workflows = list(_core_workflows())
    for _name, ledgers in system.call("jiedao_ledgers"):
        for ledger in ledgers:
            for verb, label in LEDGER_VERBS.items():
                labels.setdefault(f"{ledger.object_type}.{verb}", _of(ledger.label, label))
            labels.setdefault(
                f"{ledger.module}.export.unmasked", _l("Exported with sensitive fields in clear")
            )
            if ledger.workflow is not None:
                workflows.append((ledger.workflow, ledger.label))
    for workflow, what in workflows:
        for step, label in workflow.actions.items():
            labels.setdefault(f"{workflow.object_type}.{step}", _of(what, label))
    return labels


def action_labels() -> dict[str, Any]:
    """Action → lazy label, gathered once per app."""
    found = current_app.extensions.get("jiedao.audit_actions")
    if found is None:
        found = current_app.extensions["jiedao.audit_actions"] = _declared()
    return found


def label_of(action: str) -> str:
    """The action's label in the reader's language; an action nobody labelled shows its code."""
    label = action_labels().get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """(action, label) for the picker, by label in the reader's language."""
    return sorted(((a, str(label)) for a, label in action_labels().items()), key=lambda c: c[1])


# --- filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the log to; every part is optional."""

    action: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None
    place: NodeRef | None = None

    def args(self) -> dict[str, str]:
        """The filters as query arguments (the pager's and the export's links)."""
        values = {
            "action": self.action,
            "user": self.actor,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "place": self.place.ref if self.place else "",
        }
        return {key: value for key, value in values.items() if value}


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(_("Some fields are not valid."), {field: [message]})


def _day(args: Any, field: str) -> date | None:
    raw = (args.get(field) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _refuse(field, _("Give a date such as 2026-03-01.")) from None


def parse_filters(session: Session, scope: Scope, args: Any) -> Filters:
    """The filters of a request's arguments (``action``, ``user``, ``from``, ``to``, ``place``),
    or a refusal naming the argument. A place outside the reader's scope is refused like one
    that does not exist."""
    start, end = _day(args, "from"), _day(args, "to")
    if start and end and end < start:
        raise _refuse("to", _("The end date is before the start date."))
    ref = (args.get("place") or "").strip()[:64]
    place = None
    if ref:
        place = node_ref(session, ref=ref)
        if place is None or not scope.allows(PERMISSION, place):
            raise _refuse(
                "place", _("No place with code %(code)s in your part of the tree.", code=ref)
            )
    return Filters(
        action=(args.get("action") or "").strip()[:64],
        actor=(args.get("user") or "").strip()[:64],
        start=start,
        end=end,
        place=place,
    )


def _instant(day: date) -> datetime:
    """Midnight starting ``day`` in the platform's time zone."""
    return datetime.combine(day, time(), tzinfo=clock.zone())


def entries(filters: Filters) -> sa.Select:
    """The entries the reader may see (scope first), narrowed by ``filters``, newest first."""
    stmt = sa.select(AuditLog).where(scope_clause(AuditLog, PERMISSION))
    if filters.action:
        stmt = stmt.where(AuditLog.action == filters.action)
    if filters.actor:
        stmt = stmt.where(sa.func.lower(AuditLog.username) == filters.actor.lower())
    if filters.start:
        stmt = stmt.where(AuditLog.at >= _instant(filters.start))
    if filters.end:
        stmt = stmt.where(AuditLog.at < _instant(filters.end + timedelta(days=1)))
    if filters.place:
        stmt = stmt.where(subtree_clause(AuditLog.node_path, filters.place.path))
    return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())


# --- links to records --------------------------------------------------------------------------

Resolver = Callable[[Session, Scope, set[str]], dict[str, str]]


def _users(session: Session, scope: Scope, ids: set[str]) -> dict[str, str]:
    """Accounts the reader manages (by home node), to their page."""
    wanted = [int(i) for i in ids if i.isdigit()]
    nodes = scope.nodes("users.manage")
    if not wanted or not nodes:
        return {}
    found = session.scalars(
        sa.select(User.id).where(User.id.in_(wanted), User.__scope_clause__(nodes))
    )
    return {str(uid): url_for("accounts.user", user_id=uid) for uid in found}


def _nodes(session: Session, scope: Scope, refs: set[str]) -> dict[str, str]:
    """Places the reader may see in the tree, to their page."""
    nodes = scope.nodes("tenants.view")
    if not refs or not nodes:
        return {}
    found = session.scalars(
        sa.select(node_table.c.ref).where(
            node_table.c.ref.in_(refs),
            sa.or_(*(subtree_clause(node_table.c.path, n.path) for n in nodes)),
        )
    )
    return {ref: url_for("tenants.node", ref=ref) for ref in found}


def _ledger_resolver(ledger: Any) -> Resolver:
    """Records of ``ledger`` the reader may open now: not deleted, in their scope for the
    ledger's view permission, in a community where the module is on."""

    def resolve(session: Session, scope: Scope, ids: set[str]) -> dict[str, str]:
        from core.tenancy import enabled_communities

        wanted = [int(i) for i in ids if i.isdigit()]
        nodes = scope.nodes(ledger.view)
        if not wanted or not nodes:
            return {}
        model = ledger.model
        stmt = (
            sa.select(model.id, node_table.c.ref)
            .join(node_table, node_table.c.id == model.community_id)
            .where(
                model.id.in_(wanted),
                model.__scope_clause__(nodes),
                model.community_id.in_(enabled_communities(ledger.module)),
            )
        )
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        if ledger.scope is not None:
            stmt = stmt.where(ledger.scope())
        detail = ledger.endpoint("detail")
        return {
            str(record_id): url_for(detail, community=ref, record_id=record_id)
            for record_id, ref in session.execute(stmt)
        }

    return resolve


def resolvers() -> dict[str, Resolver]:
    """Object type (as entries name it) → the links of its objects; gathered once per app."""
    found = current_app.extensions.get("jiedao.audit_links")
    if found is None:
        from core.tenancy import plugin_system

        by_table: dict[str, list[Resolver]] = {}
        for _name, ledgers in plugin_system().call("jiedao_ledgers"):
            for ledger in ledgers:
                by_table.setdefault(ledger.model.__tablename__, []).append(_ledger_resolver(ledger))
        found = {"user": _users, "node": _nodes}
        for table, each in by_table.items():
            found.setdefault(table, each[0] if len(each) == 1 else _any_of(each))
        current_app.extensions["jiedao.audit_links"] = found
    return found


def _any_of(resolvers_: list[Resolver]) -> Resolver:
    """Several ledgers share one table (the activities of different modules): a record opens
    in the one whose rows it is."""

    def resolve(session: Session, scope: Scope, ids: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for resolver in resolvers_:
            found.update(resolver(session, scope, ids - found.keys()))
        return found

    return resolve


def links(session: Session, scope: Scope, items: Iterable[AuditLog]) -> dict[int, str]:
    """Entry id → the link to its record, for the records the reader may still open: one query
    per kind of record on the page."""
    wanted: dict[str, set[str]] = {}
    for entry in items:
        if entry.object_id:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    known = resolvers()
    found = {
        kind: known[kind](session, scope, ids) for kind, ids in wanted.items() if kind in known
    }
    return {
        entry.id: found[entry.object_type][entry.object_id]
        for entry in items
        if entry.object_id in found.get(entry.object_type, {})
    }


def places(session: Session, items: Iterable[AuditLog]) -> dict[int, NodeRef]:
    """Node id → the node, for the entries of a page."""
    return node_refs(session, {entry.node_id for entry in items if entry.node_id})


# --- reading out -------------------------------------------------------------------------------


def describe(entry: AuditLog, place: NodeRef | None, link: str | None) -> dict[str, Any]:
    """One entry as the API and the export give it, in the reader's language."""
    return {
        "id": entry.id,
        "at": entry.at,
        "username": entry.username,
        "action": entry.action,
        "action_label": label_of(entry.action),
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": audit.summary_of(entry),
        "place": place.ref if place else None,
        "place_name": place.name if place else None,
        "details": entry.details,
        "url": link,
    }


EXPORT_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, label)
    for key, label in (
        ("at", _l("Time")),
        ("username", _l("User")),
        ("action_label", _l("Action")),
        ("place_name", _l("Place")),
        ("summary", _l("Summary")),
        ("action", _l("Action code")),
        ("address", _l("Address")),
    )
)


def export_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    """The entries of ``stmt`` (at most :data:`EXPORT_LIMIT`) as rows of :data:`EXPORT_COLUMNS`,
    read in chunks; times in the platform's time zone."""
    chunk: list[AuditLog] = []
    result = session.scalars(stmt.limit(EXPORT_LIMIT).execution_options(yield_per=1000))
    for entry in result:
        chunk.append(entry)
        if len(chunk) == 1000:
            yield from _rows(session, chunk)
            chunk = []
    yield from _rows(session, chunk)


def _rows(session: Session, chunk: list[AuditLog]) -> Iterator[dict[str, Any]]:
    found = places(session, chunk)
    for entry in chunk:
        place = found.get(entry.node_id) if entry.node_id else None
        yield {
            **describe(entry, place, None),
            "at": clock.localtime(entry.at).replace(tzinfo=None),
            "address": entry.ip or "",
        }


# --- retention ---------------------------------------------------------------------------------


def purge(session: Session, days: int, *, dry_run: bool = False, batch: int = 5000) -> int:
    """Delete the entries older than ``days`` days, in batches (each its own transaction, so a
    large first purge holds no long lock); returns how many there were. ``dry_run`` counts
    only."""
    cutoff = utcnow() - timedelta(days=days)
    old = AuditLog.at < cutoff
    if dry_run:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(old)) or 0
    deleted = 0
    while True:
        ids = list(session.scalars(sa.select(AuditLog.id).where(old).limit(batch)))
        if not ids:
            return deleted
        session.execute(sa.delete(AuditLog).where(AuditLog.id.in_(ids)))
        session.commit()
        deleted += len(ids)

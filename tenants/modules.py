"""Modules per community: which plugins run where, with settings and history.

The plugin blueprints that scope every plugin route and refuse it where its module is off live
in ``core.tenancy`` (the plugin SDK is built on them) and read this module's ``tenants_module``
table as a schema contract; they are re-exported here for existing imports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit, exchange
from core.db import Base, utcnow
from core.errors import DomainError
from core.permissions import Scope
from core.plugins import CORE_AREAS, PluginInfo
from core.records.ledger import ledgers_exports, ledgers_imports
from core.tenancy import (  # noqa: F401 - plugins and tests import these from here
    CommunityBlueprint,
    RollupBlueprint,
    enabled_communities,
    module_label,
    module_scope_clause,
    module_settings,
    plugin_system,
    require,
    settings_schema,
)
from core.tenancy import may_use as _may_use
from core.tree import NodeRef, subtree_clause
from tenants.models import Node, NodeKind, NodeStatus


class ModuleState(Base):
    """Module M at community C: on or off, and its settings (kept while off)."""

    __tablename__ = "tenants_module"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "module"),
        sa.Index("ix_tenants_module_module_enabled", "module", "enabled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("tenants_node.id"))
    module: Mapped[str] = mapped_column(sa.String(64))
    enabled: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))


class ModuleEvent(Base):
    """History: who switched what on or off, or changed settings, where and when."""

    __tablename__ = "tenants_module_event"
    __table_args__ = (sa.Index("ix_tenants_module_event_community_at", "community_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("tenants_node.id"))
    module: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(16))  # enabled, disabled, settings
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


# --- what is installed -----------------------------------------------------------------------


def _active_plugin(name: str) -> PluginInfo:
    info = plugin_system().plugins.get(name)
    if info is None or info.manifest is None:
        message = _("There is no module named %(name)s.", name=name)
        raise DomainError(message, {"module": [message]})
    if not info.active:
        message = _("The module %(name)s cannot be used: %(reason)s", name=name, reason=info.reason)
        raise DomainError(message, {"module": [message]})
    return info


def validated_settings(module: str, data: dict[str, Any]) -> dict[str, Any]:
    """Settings through the plugin's schema: defaults filled in; errors as a 422 with fields."""
    schema = settings_schema(module)
    if schema is None:
        return {}
    from core.errors import validation_fields

    try:
        return schema.dump(schema.load(data))
    except ma.ValidationError as exc:
        raise DomainError(_("Some settings are not valid."), validation_fields(exc)) from None


# --- state -----------------------------------------------------------------------------------


def enabled_modules(session: Session, community_id: int) -> set[str]:
    rows = session.scalars(
        sa.select(ModuleState.module).where(
            ModuleState.community_id == community_id, ModuleState.enabled.is_(True)
        )
    )
    active = {info.name for info in plugin_system().active()}
    return set(rows) & active


def is_enabled(session: Session, community_id: int, module: str) -> bool:
    """Is ``module`` on at the community (a core area is on everywhere)?"""
    if module in CORE_AREAS:
        return True
    return bool(
        session.scalar(
            sa.select(ModuleState.id).where(
                ModuleState.community_id == community_id,
                ModuleState.module == module,
                ModuleState.enabled.is_(True),
            )
        )
    )


def communities_query(node: Node) -> sa.Select:
    """Active communities in the subtree of ``node``, by code."""
    return (
        sa.select(Node)
        .where(
            Node.kind == NodeKind.COMMUNITY,
            Node.status == NodeStatus.ACTIVE,
            subtree_clause(Node.path, node.path),
        )
        .order_by(Node.code)
    )


def communities_under(session: Session, node: Node) -> list[Node]:
    """Active communities in the subtree of ``node`` (the node itself if it is one)."""
    if node.kind == NodeKind.COMMUNITY:
        return [node]
    return list(session.scalars(communities_query(node)))


def usage_counts(session: Session) -> dict[str, int]:
    """How many communities run each module."""
    stmt = (
        sa.select(ModuleState.module, sa.func.count())
        .where(ModuleState.enabled.is_(True))
        .group_by(ModuleState.module)
    )
    return dict(session.execute(stmt).all())


# --- switching -------------------------------------------------------------------------------


@dataclass
class SwitchResult:
    changed: list[str] = field(default_factory=list)  # community refs
    also: list[str] = field(default_factory=list)  # dependency modules switched with it
    messages: list[str] = field(default_factory=list)


def _dependencies(module: str) -> list[str]:
    """``module``'s dependencies, deepest first, all active (or a refusal naming the problem)."""
    order: list[str] = []

    def visit(name: str) -> None:
        info = _active_plugin(name)
        for dep in info.manifest.requires:
            if dep not in order:
                visit(dep)
        if name not in order:
            order.append(name)

    visit(module)
    return order[:-1]


def dependencies(module: str) -> list[str]:
    """The modules ``module`` needs, deepest first (a refusal if any is missing or broken)."""
    return _dependencies(module)


def dependency_order(names: list[str]) -> list[str]:
    """``names`` ordered so that each comes after the ones it depends on."""
    wanted = set(names)
    order: list[str] = []
    for name in sorted(names):
        for needed in [*_dependencies(name), name]:
            if needed in wanted and needed not in order:
                order.append(needed)
    return order


def _dependents(module: str) -> list[str]:
    return [
        info.name for info in plugin_system().active() if module in (info.manifest.requires or ())
    ]


def _blocking_dependents(session: Session, communities: list[Node], module: str) -> list[str]:
    """Why ``module`` cannot be switched off: one message per community where a module that
    depends on it is on."""
    dependents = _dependents(module)
    messages = []
    for community in communities:
        blocking = [d for d in dependents if is_enabled(session, community.id, d)]
        if blocking:
            messages.append(
                _(
                    "%(module)s is needed by %(others)s at %(place)s; switch those off first.",
                    module=module_label(module),
                    others="、".join(module_label(d) for d in blocking),
                    place=community.name,
                )
            )
    return messages


def _record(
    session: Session, community: Node, module: str, action: str, details: dict | None, actor: Any
) -> None:
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    session.add(
        ModuleEvent(
            community_id=community.id,
            module=module,
            action=action,
            user_id=actor.id if authenticated else None,
            username=actor.username if authenticated else "",
            details=details,
        )
    )


def _audit_switch(node: Node, module: str, result: SwitchResult, *, on: bool) -> None:
    """The one audit entry of switching ``module`` on or off at the communities under ``node``
    (none if nothing changed); both directions side by side so they stay alike."""
    if not result.changed:
        return
    words = {"module": module_label(module), "count": len(result.changed), "place": node.name}
    if on:
        action = "module.enable"
        summary = _("Switched %(module)s on at %(count)s communities under %(place)s", **words)
        details = {"communities": result.changed, "also": result.also}
    else:
        action = "module.disable"
        summary = _("Switched %(module)s off at %(count)s communities under %(place)s", **words)
        details = {"communities": result.changed}
    audit.record(
        action,
        node=node.as_ref(),
        object_type="module",
        object_id=module,
        summary=summary,
        details=details,
    )


def _state(session: Session, community: Node, module: str) -> ModuleState:
    state = session.scalar(
        sa.select(ModuleState).where(
            ModuleState.community_id == community.id, ModuleState.module == module
        )
    )
    if state is None:
        state = ModuleState(community_id=community.id, module=module, enabled=False, settings={})
        session.add(state)
    return state


def _actor() -> Any:
    from flask import has_request_context

    return current_user if has_request_context() and current_user.is_authenticated else None


def enable(
    session: Session, node: Node, module: str, settings: dict[str, Any] | None = None
) -> SwitchResult:
    """Switch ``module`` on at a community, or at every community under a street or district,
    together with the modules it depends on. Callers check ``modules.manage`` at ``node``."""
    if node.is_archived:
        raise DomainError(_("An archived node is read-only."))
    dependencies = _dependencies(module)  # refuses unknown or broken modules and dependencies
    data = validated_settings(module, settings or {}) if settings is not None else None
    actor = _actor()
    result = SwitchResult()
    for community in communities_under(session, node):
        for name in [*dependencies, module]:
            state = _state(session, community, name)
            if name == module and data is not None:
                state.settings = data
            if state.enabled:
                continue
            state.enabled = True
            state.updated_by_id = actor.id if actor else None
            if not state.settings:
                state.settings = validated_settings(name, {})
            session.flush()
            _record(session, community, name, "enabled", None, actor)
            plugin_system().call(
                "jiedao_module_enabled",
                session=session,
                community=community.as_ref(),
                module=name,
                settings=dict(state.settings),
            )
            if name != module and name not in result.also:
                result.also.append(name)
            if community.ref not in result.changed:
                result.changed.append(community.ref)
    if result.also:
        result.messages.append(
            _(
                "Also switched on, because %(module)s needs them: %(deps)s",
                module=module_label(module),
                deps="、".join(module_label(m) for m in result.also),
            )
        )
    _audit_switch(node, module, result, on=True)
    return result


def disable(session: Session, node: Node, module: str) -> SwitchResult:
    """Switch ``module`` off at a community (or all under a street/district); its data stays.
    Refused while a module that depends on it is on there."""
    if node.is_archived:
        raise DomainError(_("An archived node is read-only."))
    if module not in plugin_system().plugins:
        message = _("There is no module named %(name)s.", name=module)
        raise DomainError(message, {"module": [message]})
    actor = _actor()
    result = SwitchResult()
    communities = communities_under(session, node)
    for message in _blocking_dependents(session, communities, module)[:1]:
        raise DomainError(message, {"module": [message]})
    for community in communities:
        state = _state(session, community, module)
        if not state.enabled:
            continue
        state.enabled = False
        state.updated_by_id = actor.id if actor else None
        session.flush()
        _record(session, community, module, "disabled", None, actor)
        plugin_system().call(
            "jiedao_module_disabled", session=session, community=community.as_ref(), module=module
        )
        result.changed.append(community.ref)
    _audit_switch(node, module, result, on=False)
    return result


@dataclass
class LedgerCount:
    """How many live records one of a module's ledgers holds, in all and by community id."""

    label: str
    total: int
    by_community: dict[int, int]


@dataclass
class SwitchPreview:
    """What switching ``module`` on or off at ``node`` would do, shown before it is done: the
    communities whose switch changes, the dependencies switched on with it, the reasons it is
    refused (then nothing changes) and, switching off, the records that stay."""

    node: Node
    module: str
    on: bool
    communities: list[Node] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    records: list[LedgerCount] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "communities": [c.ref for c in self.communities],
            "also": self.also,
            "refusals": self.refusals,
            "records": [{"ledger": r.label, "kept": r.total} for r in self.records],
        }


def record_counts(session: Session, module: str, community_ids: list[int]) -> list[LedgerCount]:
    """The live records of each of ``module``'s ledgers at the communities: one grouped count
    per ledger."""
    counts = []
    for found in _contributions("jiedao_ledgers"):
        if found.module != module:
            continue
        model = found.model
        stmt = (
            sa.select(model.community_id, sa.func.count())
            .where(model.community_id.in_(community_ids))
            .group_by(model.community_id)
        )
        if found.scope is not None:
            stmt = stmt.where(found.scope())
        by_community = {cid: n for cid, n in session.execute(stmt).all()} if community_ids else {}
        counts.append(LedgerCount(str(found.label), sum(by_community.values()), by_community))
    return counts


def _switched_on(session: Session, communities: list[Node], names: list[str]) -> dict[int, set]:
    """Which of the modules ``names`` are on at each of the communities, by community id."""
    found: dict[int, set] = {c.id: set() for c in communities}
    if not communities:
        return found
    rows = session.execute(
        sa.select(ModuleState.community_id, ModuleState.module).where(
            ModuleState.community_id.in_(list(found)),
            ModuleState.module.in_(names),
            ModuleState.enabled.is_(True),
        )
    )
    for community_id, name in rows:
        found[community_id].add(name)
    return found


def preview_switch(session: Session, node: Node, module: str, *, on: bool) -> SwitchPreview:
    """What :func:`enable` (``on``) or :func:`disable` would change at ``node``, changing
    nothing. An unknown or broken module is refused as those are."""
    if node.is_archived:
        raise DomainError(_("An archived node is read-only."))
    communities = communities_under(session, node)
    preview = SwitchPreview(node, module, on)
    if on:
        dependencies = _dependencies(module)
        names = [*dependencies, module]
        running = _switched_on(session, communities, names)
        preview.communities = [c for c in communities if not set(names) <= running[c.id]]
        preview.also = [
            d for d in dependencies if any(d not in running[c.id] for c in preview.communities)
        ]
        return preview
    if module not in plugin_system().plugins:
        message = _("There is no module named %(name)s.", name=module)
        raise DomainError(message, {"module": [message]})
    running = _switched_on(session, communities, [module])
    preview.communities = [c for c in communities if module in running[c.id]]
    preview.refusals = _blocking_dependents(session, communities, module)
    preview.records = record_counts(session, module, [c.id for c in preview.communities])
    return preview


def update_settings(session: Session, community: Node, module: str, data: dict[str, Any]) -> dict:
    _active_plugin(module)
    if community.kind != NodeKind.COMMUNITY:
        raise DomainError(_("Settings belong to a community."))
    clean = validated_settings(module, data)
    state = _state(session, community, module)
    old = dict(state.settings or {})
    state.settings = clean
    actor = _actor()
    state.updated_by_id = actor.id if actor else None
    changes = {k: [old.get(k), v] for k, v in clean.items() if old.get(k) != v}
    _record(session, community, module, "settings", changes, actor)
    audit.record(
        "module.settings",
        node=community.as_ref(),
        object_type="module",
        object_id=module,
        summary=_l("Changed the settings of %(module)s", module=module_label(module)),
        details=changes,
    )
    return clean


# --- indicators, exports, calendar -----------------------------------------------------------


def _contributions(hook: str) -> list[Any]:
    """What the active plugins return from ``hook``, each stamped with its plugin's name."""
    return [
        item if item.module else dataclasses.replace(item, module=name)
        for name, found in plugin_system().call(hook)
        for item in found
    ]


def indicators() -> dict[str, Any]:
    """Every active plugin's indicators by name."""
    return {ind.name: ind for ind in _contributions("jiedao_indicators")}


def ledger(module: str, name: str) -> Any:
    """An active plugin's ledger by its module and name, or None."""
    for found in _contributions("jiedao_ledgers"):
        if found.module == module and found.name == name:
            return found
    return None


def indicator_communities(node: NodeRef, module: str) -> sa.Select:
    """Ids of the communities under ``node`` where ``module`` is on: what a figure rolls up over."""
    return sa.select(Node.id).where(
        Node.kind == NodeKind.COMMUNITY,
        subtree_clause(Node.path, node.path),
        Node.id.in_(enabled_communities(module)),
    )


def counted_communities(session: Session, node: NodeRef, module: str) -> sa.Select:
    """:func:`indicator_communities` with the ids read first, as a SELECT over them. Given the
    subquery, PostgreSQL estimates a handful of communities and counts a district's figure with
    one index loop per community over the whole table (12.8 s over 2M hazards, against 0.55 s
    by hand); given the ids, it scans the table once."""
    ids = list(session.scalars(indicator_communities(node, module)))
    return sa.select(Node.id).where(Node.id.in_(ids))


def indicator_values(
    session: Session, scope: Scope, node: NodeRef, period: Any, optional: bool = False
) -> list[dict]:
    """The figures the user may read at ``node`` (one of the module's permissions there): each
    with what it is (kind, stock or flow, direction, how it is computed), its value and, for a
    ratio, the totals it divides. Optional ones (不作考核) only when ``optional``; a
    compartment's figure (``community_permission``) withheld at a community from whoever lacks
    that permission there."""
    from core.figures import Value, as_of, evaluate
    from tenants.figure_views import records_url

    every = indicators()
    values: list[dict] = []
    memos: dict[str, tuple[dict, sa.Select]] = {}
    for indicator in every.values():
        if not _may_use(scope, indicator.module, node.path):
            continue
        if indicator.optional and not optional:
            continue
        if indicator.module not in memos:
            memos[indicator.module] = ({}, counted_communities(session, node, indicator.module))
        memo, communities = memos[indicator.module]
        closed = indicator.community_permission and node.kind == NodeKind.COMMUNITY
        try:
            value = evaluate(session, every, indicator.name, communities, period, memo)
            if closed and not scope.allows(indicator.community_permission, node.path):
                value = Value(None, suppressed=True)
        except Exception as exc:  # a plugin's figure must not take the page down
            plugin_system().mark_broken(
                indicator.module, f"indicator {indicator.name} failed: {exc}"
            )
            continue
        values.append(
            {
                "name": indicator.name,
                "label": str(indicator.label),
                "unit": str(indicator.unit),
                "module": indicator.module,
                "kind": indicator.kind,
                "stock": indicator.stock,
                "as_of": as_of(period).isoformat() if indicator.stock else None,
                "direction": indicator.direction or None,
                "description": str(indicator.description),
                "records": records_url(indicator, node.ref, period),
                "optional": indicator.optional,
                **value.as_json(),
            }
        )
    return values


def exports() -> dict[str, Any]:
    """Every active plugin's exports: those it declares and those of its ledgers."""
    found = _contributions("jiedao_exports") + ledgers_exports(_contributions("jiedao_ledgers"))
    return {exp.name: exp for exp in found}


@dataclass(frozen=True)
class ExportScope:
    """``scope_clause(Model)`` for an export at ``place``: the user's scope for the export's
    permission, the place's subtree, and only communities where the module is on. The export
    reads ``place`` too: S3 values come out (to holders who ask) only in one community's export,
    never in a street's or a district's, where they are counts only."""

    place: NodeRef
    export: Any

    def __call__(self, model: Any) -> sa.ColumnElement[bool]:
        from core.permissions import scope_clause

        return sa.and_(
            scope_clause(model, self.export.permission),
            model.__scope_clause__([self.place]),
            model.community_id.in_(enabled_communities(self.export.module)),
        )


def export_scope(node: NodeRef, export: Any) -> ExportScope:
    """The scope of an export at ``node`` (:class:`ExportScope`)."""
    return ExportScope(node, export)


def calendar() -> list[Any]:
    """The national festivals (``core.calendar.NATIONAL``) and every active plugin's entries."""
    from core.calendar import NATIONAL

    return [*NATIONAL, *_contributions("jiedao_calendar")]


def imports() -> dict[str, Any]:
    """Every active plugin's imports: those it declares and those of its ledgers."""
    found = _contributions("jiedao_imports") + ledgers_imports(_contributions("jiedao_ledgers"))
    return {imp.name: imp for imp in found}


# The import engine lives in core (:mod:`core.exchange`); these names stay importable from here.
ImportReport = exchange.ImportReport
cell_text = exchange.cell_text


def check_import(spec: Any, table: Any) -> exchange.ImportReport:
    """Every row of ``table`` through the import's schema only (nothing is written); the
    problems by spreadsheet row. :func:`core.exchange.run_import` also runs the writer."""
    return exchange.run_import(
        None, _SchemaOnly(spec.columns, spec.schema), table, None, dry_run=True
    )


@dataclass(frozen=True)
class _SchemaOnly:
    columns: Any
    schema: Any
    write_row: None = None
    save: None = None

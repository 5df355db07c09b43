"""The hook contract between the platform and its plugins (pluggy).

A plugin is a module (or package) named by an entry point in the group ``jiedao.plugins``. It
carries ``manifest = core.plugins.Manifest(...)`` and implements any of the hooks below with the
public marker::

    from core.hookspecs import hookimpl

    @hookimpl
    def jiedao_permissions(registry):
        registry.declare("eldercare.edit", _l("Record home visits"), grants=["program_worker"])

A hook that only imports something kept in one of the plugin's modules and returns it is one
line: ``jiedao_ledgers = core.sdk.lazy_hook("jiedao_ledgers", "eldercare.ledgers:LEDGERS")``.

Core's own parts (``core.accounts``) and ``tenants`` implement these same hooks. A plugin may add
hookspecs of its own for other plugins: put them in a module and point ``jiedao_hookspecs`` (a
module attribute of the plugin) at it. ``docs/plugins.md`` documents every hook with an example.
Hooks that return something return it for the plugin that implements them; core gathers the
results, and a plugin that raises is marked broken without taking the platform down.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    import marshmallow
    from flask import Blueprint, Flask
    from sqlalchemy.orm import Session

    from core.changes.kinds import ChangeKind
    from core.changes.models import ChangeReport
    from core.filing.declaration import Report
    from core.navigation import NavEntry
    from core.permissions import PermissionRegistry
    from core.records.ledger import Ledger
    from core.reminders import Reminder
    from core.reports import CalendarEntry, Export, Import, Indicator
    from core.tree import NodeRef
    from core.workbench import WorkSource

PROJECT = "jiedao"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- code, schema and assets -----------------------------------------------------------------


@hookspec
def jiedao_models() -> list[Any]:
    """Return the modules that define the plugin's SQLAlchemy models (tables prefixed
    ``<plugin>_``), so core imports them before migrations and scope checks."""


@hookspec
def jiedao_migrations() -> Path:
    """Return the folder of the plugin's Alembic versions (its own branch, labelled with the
    plugin's name). Default when not implemented: ``<package>/migrations``."""


@hookspec
def jiedao_templates() -> Path:
    """Return a folder of Jinja templates (default: ``<package>/templates``); put them in a
    subfolder named after the plugin (``templates/eldercare/index.html``)."""


@hookspec
def jiedao_translations() -> Path:
    """Return the plugin's Babel catalogue folder (default: ``<package>/translations``)."""


@hookspec
def jiedao_permissions(registry: PermissionRegistry) -> None:
    """Declare permissions with ``registry.declare(name, label, grants=[built-in role keys])``;
    ``grants`` are the built-in roles that get the permission by default. A plugin may also
    contribute a built-in role: ``registry.declare_role("<plugin>_…", label, patterns)``
    (its own permissions plus ``tenants.view``)."""


@hookspec
def jiedao_blueprints(app: Flask) -> list[Blueprint]:
    """Return blueprints. Plugins return ``tenants.modules.CommunityBlueprint`` (pages and API
    under ``/c/<community>/<plugin>``) or ``RollupBlueprint`` (read views of a street or district
    under ``/r/<node>/<plugin>``): core refuses other blueprints from plugins, because those two
    enforce the scope and the module switch for every route."""


@hookspec
def jiedao_navigation() -> list[NavEntry]:
    """Return sidebar entries; each names the permission it needs (and, for plugins, the module:
    shown only where the module is on)."""


@hookspec
def jiedao_settings_schema() -> type[marshmallow.Schema]:
    """Return the marshmallow schema of the plugin's per-community settings; ``load_default``
    values are the defaults a community starts with."""


# --- lifecycle -------------------------------------------------------------------------------


@hookspec
def jiedao_module_enabled(
    session: Session, community: NodeRef, module: str, settings: dict
) -> None:
    """A module was switched on at a community (called for every plugin; check ``module``)."""


@hookspec
def jiedao_module_disabled(session: Session, community: NodeRef, module: str) -> None:
    """A module was switched off at a community; its data stays."""


@hookspec
def jiedao_node_created(session: Session, node: NodeRef) -> None:
    """A tree node was created."""


@hookspec
def jiedao_node_moved(
    session: Session, node: NodeRef, old_parent: NodeRef, new_parent: NodeRef
) -> None:
    """A node moved to another parent with its subtree (a building to another grid or community,
    a community to another street). ``node`` carries the new path and ref; the paths and keys of
    the subtree and of every tenant-owned row beneath it are already rewritten."""


@hookspec
def jiedao_node_merged(session: Session, source: NodeRef, target: NodeRef) -> None:
    """Community ``source`` was merged into ``target`` (tenant-owned rows already moved; the
    source is archived and points to the target; ``jiedao_node_archived`` is not called for it)."""


@hookspec
def jiedao_node_archived(session: Session, node: NodeRef) -> None:
    """A node was archived with its subtree (it stays readable, no longer writable); called once,
    for the node the user archived."""


@hookspec
def jiedao_node_restored(session: Session, node: NodeRef) -> None:
    """An archived node was restored, with the part of its subtree archived together with it."""


# --- figures, files, calendar ----------------------------------------------------------------


@hookspec
def jiedao_indicators() -> list[Indicator]:
    """Return named, unit-bearing figures (``core.reports.Indicator``) that core computes for any
    node and period, over the communities beneath it where the module is on."""


@hookspec
def jiedao_ledgers() -> list[Ledger]:
    """Return the plugin's ledgers (``core.sdk.Ledger``): each exports and imports as it is
    declared (``exportable``/``importable``), without ``jiedao_exports``/``jiedao_imports``."""


@hookspec
def jiedao_exports() -> list[Export]:
    """Return ledger exports (``core.reports.Export``); core applies the user's scope, writes
    xlsx or CSV and audits the download."""


@hookspec
def jiedao_imports() -> list[Import]:
    """Return row imports (``core.reports.Import``): rows pass the schema, all or nothing."""


@hookspec
def jiedao_workbench() -> list[WorkSource]:
    """Return what the home page's 今日待办 counts (``core.workbench.WorkSource``): each source's
    rows that need someone today, counted in the user's scope where the module is on."""


@hookspec
def jiedao_reminders() -> list[Reminder]:
    """Return the deadlines the platform watches (``core.reminders.Reminder``): once a day it
    tells the community's staff of cases due soon or overdue, and the street of cases overdue
    too long."""


@hookspec
def jiedao_reports() -> list[Report]:
    """Return the module's upward reports (``core.sdk.Report``: fields, checks, due days); core
    keeps an instance per node and period, auto-filled, reviewed level by level, consolidated."""


@hookspec
def jiedao_calendar() -> list[CalendarEntry]:
    """Return observance days and campaign periods (12.4 宪法日, 11.9 消防日, 安全生产月 …)."""


# --- change reports (楼门院长信息反馈) ---------------------------------------------------------


@hookspec
def jiedao_change_kinds() -> list[ChangeKind]:
    """Return the kinds of change building leaders may report and this module applies
    (``core.changes.ChangeKind``: 迁入, 死亡, 新开店铺 …). A kind is offered at a community where
    the module is on; its ``apply(session, report, facts)`` writes the approved change in the
    approval's transaction, or raises ``DomainError`` to refuse the approval (nothing is written)."""


@hookspec
def jiedao_change_applied(session: Session, report: ChangeReport) -> None:
    """A change report was approved and applied (``report.kind``, ``report.facts`` with the
    building at ``report.node_id``); called for every module, in the approval's transaction, so
    e.g. family planning can propose a card for a birth. Do not raise to refuse: a module that
    raises is reported and switched off, and what it wrote in this call is undone."""


# --- operations ------------------------------------------------------------------------------


@hookspec
def jiedao_cli(cli: click.Group) -> None:
    """Add commands to the ``jiedao`` command line."""


@hookspec
def jiedao_demo_seed(session: Session, options: dict[str, Any]) -> None:
    """Add demo data; called by ``jiedao demo`` after the tree, in dependency order. Must be
    idempotent. ``options["password"]`` is the demo password; ``options["scale"]`` is
    ``"demo"`` (quick to start) or ``"street"`` (one street of about 20,000 residents, for
    benchmarks; absent means ``"demo"``)."""


@hookspec
def jiedao_app_ready(app: Flask) -> None:
    """Called once the app is assembled (template globals, extra handlers …)."""


@hookspec
def jiedao_volunteer_kinds() -> dict[str, Any]:
    """Volunteer kinds a module adds to core's register (key → lazy label), e.g. a 巡逻队员;
    core's own kinds (五老, 调解员 …) cannot be relabelled."""


@hookspec
def jiedao_team_kinds() -> dict[str, Any]:
    """Team kinds a module adds to core's register (key → lazy label)."""


@hookspec
def jiedao_audit_actions() -> dict[str, Any]:
    """Labels of the module's audit actions (action → lazy label) that its ledgers do not name
    already: the audit log shows these words instead of the code, and its action picker lists
    them. A ledger's writes (``<module>.<name>.create`` …) and its workflow's steps are named
    from the ledger's and the steps' labels; core's actions cannot be relabelled."""

"""Permissions: the registry of dotted permission strings, built-in roles, and the one API that
every view uses to ask "may this user do P at node N" and "which rows may this user see for P".

A role holds permission *patterns* (``tenants.view``, ``safety.*``, ``*``); an assignment gives a
role to a user at a node, valid in the node's whole subtree. The user's assignments are loaded in
one query per request (:func:`current_scope`); every check after that is in memory, and list
filtering is a SQL predicate built by the model (``Model.__scope_clause__(nodes)``), never a loop
over loaded rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, NotFound

from core.tree import KINDS, NodeRef, node_table

F = TypeVar("F", bound=Callable[..., Any])
ROLE_KEY = re.compile(r"[a-z][a-z0-9_]{2,63}")
NAMESPACE = re.compile(r"[a-z][a-z0-9_]*")  # a component's or plugin's name, ahead of the dot


@dataclass(frozen=True)
class Permission:
    name: str
    label: Any
    description: Any = ""


class PermissionRegistry:
    """All permissions declared by core and by components/plugins, by name."""

    def __init__(self) -> None:
        self._permissions: dict[str, Permission] = {}
        # built-in role key -> permissions that plugins grant it by default
        self.default_grants: dict[str, set[str]] = {}
        # roles contributed by plugins (declare_role), by key, in declaration order
        self.plugin_roles: dict[str, BuiltinRole] = {}

    @classmethod
    def with_core(cls) -> PermissionRegistry:
        """A registry holding core's own permissions, before any component or plugin adds its."""
        declared = cls()
        for name, label in CORE_PERMISSIONS:
            declared.declare(name, label)
        return declared

    def declare(
        self, name: str, label: Any, description: Any = "", *, grants: Iterable[str] = ()
    ) -> Permission:
        """Declare a permission; ``grants`` names built-in roles that hold it by default."""
        if not name or any(ch in name for ch in "*?[] ") or name.count(".") < 1:
            raise ValueError(f"permission names are dotted words like 'tenants.view', not {name!r}")
        if name in self._permissions:
            raise ValueError(f"permission {name!r} is declared twice")
        unknown = set(grants) - BUILTIN_ROLE_KEYS
        if unknown:
            raise ValueError(f"{name}: unknown built-in roles {sorted(unknown)}")
        permission = Permission(name, label, description)
        self._permissions[name] = permission
        for role in roles_holding(grants):
            self.default_grants.setdefault(role, set()).add(name)
        return permission

    def declare_role(
        self,
        key: str,
        label: Any,
        patterns: Iterable[str],
        description: Any = "",
        *,
        kinds: Iterable[str] = (),
    ) -> BuiltinRole:
        """Declare a built-in role contributed by a plugin (e.g. a bureau's read-only inspector of
        one program). ``sync_builtin_roles`` creates it and keeps its permissions like the core
        built-ins; admins grant it through the usual user and role pages. ``kinds``: the node
        kinds it may be granted at (none: any kind)."""
        patterns = tuple(dict.fromkeys(patterns))
        if not ROLE_KEY.fullmatch(key or ""):
            raise ValueError(f"role keys are lower-case words like 'safety_inspector', not {key!r}")
        if key in BUILTIN_ROLE_KEYS or key in self.plugin_roles:
            raise ValueError(f"role {key!r} is declared twice")
        if not patterns:
            raise ValueError(f"role {key!r} carries no permissions")
        unknown = [p for p in patterns if not any(ch in p for ch in "*?[") and p not in self]
        if unknown:
            raise ValueError(f"role {key!r}: undeclared permissions {unknown}")
        kinds = tuple(kinds)
        if set(kinds) - set(KINDS):
            raise ValueError(f"role {key!r}: unknown node kinds {sorted(set(kinds) - set(KINDS))}")
        role = BuiltinRole(key, label, patterns, description, kinds)
        self.plugin_roles[key] = role
        return role

    def role(self, key: str) -> BuiltinRole | None:
        """A built-in role of core or of a plugin, by key."""
        return builtin_role(key) or self.plugin_roles.get(key)

    def builtin_roles(self) -> tuple[BuiltinRole, ...]:
        """Core's built-in roles, then the plugins'."""
        return (*BUILTIN_ROLES, *self.plugin_roles.values())

    def for_plugin(self, plugin: str) -> PermissionRegistry:
        """The registry as a plugin sees it: it may declare only ``<plugin>.…`` permissions."""
        return _PluginRegistry(self, plugin)  # type: ignore[return-value]

    def remove_prefix(self, prefix: str) -> None:
        """Forget a broken plugin's permissions."""
        for name in [n for n in self._permissions if n.startswith(prefix)]:
            del self._permissions[name]
        for granted in self.default_grants.values():
            granted.difference_update({n for n in granted if n.startswith(prefix)})
        # A plugin role keeps its key and label (assignments stay valid) but loses what the
        # broken plugin gave it; the next sync_builtin_roles removes those grants from that role
        # (the default grants the plugin gave core's built-in roles stay: see ``governs``).
        for key, role in list(self.plugin_roles.items()):
            kept = tuple(p for p in role.patterns if not p.startswith(prefix))
            if kept != role.patterns:
                self.plugin_roles[key] = BuiltinRole(
                    key, role.label, kept, role.description, role.kinds
                )

    def governs(self, pattern: str) -> bool:
        """Whether this registry speaks for ``pattern``: its namespace (``safety`` of
        ``safety.view``) is one that a loaded component or plugin declares permissions in, or it
        is a wildcard pattern. A grant in any other namespace belongs to a plugin that is not
        loaded in this process (off by ``JIEDAO_PLUGINS``, broken, uninstalled): syncing roles
        leaves it as it is, since the servers may well load that plugin."""
        namespace = pattern.split(".", 1)[0]
        if not NAMESPACE.fullmatch(namespace):
            return True
        return any(name.split(".", 1)[0] == namespace for name in self._permissions)

    def __contains__(self, name: object) -> bool:
        return name in self._permissions

    def __iter__(self):
        return iter(sorted(self._permissions.values(), key=lambda p: p.name))

    def get(self, name: str) -> Permission | None:
        return self._permissions.get(name)

    def expand(self, patterns: Iterable[str]) -> set[str]:
        """The declared permissions that a set of patterns grants."""
        patterns = list(patterns)
        return {name for name in self._permissions if any(fnmatchcase(name, p) for p in patterns)}


class _PluginRegistry:
    def __init__(self, registry: PermissionRegistry, plugin: str) -> None:
        self._registry = registry
        self._plugin = plugin

    def declare(self, name: str, label: Any, description: Any = "", *, grants: Iterable[str] = ()):
        if not name.startswith(f"{self._plugin}."):
            raise ValueError(
                f"plugin {self._plugin} may only declare {self._plugin}.… permissions, not {name!r}"
            )
        return self._registry.declare(name, label, description, grants=grants)

    def declare_ledger_permissions(
        self, *, view: Any, edit: Any, restore: Any, sensitive: Any = None
    ) -> None:
        """The permissions a module's ledgers use, given their labels, with the platform's
        grants, so every module hands them out alike: ``<plugin>.view`` to program workers and
        inspectors, ``<plugin>.edit`` to program workers, ``<plugin>.restore`` (deleted records)
        and ``<plugin>.sensitive.view`` (S2/S3 fields, when the module has any) to community
        admins. Each grant reaches the built-in roles above the one named."""
        prefix = self._plugin
        self.declare(f"{prefix}.view", view, grants=["program_worker", "inspector"])
        self.declare(f"{prefix}.edit", edit, grants=["program_worker"])
        self.declare(f"{prefix}.restore", restore, grants=["community_admin"])
        if sensitive is not None:
            self.declare(f"{prefix}.sensitive.view", sensitive, grants=["community_admin"])

    def declare_role(
        self, key: str, label: Any, patterns: Iterable[str], description: Any = "", **options: Any
    ) -> BuiltinRole:
        """A plugin's role: key ``<plugin>_…``, carrying only the plugin's own permissions and
        ``tenants.view`` (so its holders can find their places in the tree); ``options`` as
        :meth:`PermissionRegistry.declare_role` takes them (``kinds``)."""
        if not (key or "").startswith(f"{self._plugin}_"):
            raise ValueError(f"plugin {self._plugin} may only declare {self._plugin}_… roles")
        patterns = tuple(patterns)
        foreign = [
            p for p in patterns if p != "tenants.view" and not p.startswith(f"{self._plugin}.")
        ]
        if foreign:
            raise ValueError(
                f"role {key!r} may carry only {self._plugin}.… permissions and tenants.view, "
                f"not {foreign}"
            )
        return self._registry.declare_role(key, label, patterns, description, **options)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._registry, attr)


@dataclass(frozen=True)
class BuiltinRole:
    """A role core or a plugin declares. ``kinds``: the node kinds it may be granted at, as
    the role means it (a district admin at a district); empty for any kind."""

    key: str
    label: Any
    patterns: tuple[str, ...]
    description: Any = ""
    kinds: tuple[str, ...] = ()


CORE_PERMISSIONS: tuple[tuple[str, Any], ...] = (
    ("tenants.view", _l("View the tenant tree")),
    ("tenants.manage", _l("Create and edit tree nodes")),
    ("users.manage", _l("Manage users and their roles")),
    ("modules.manage", _l("Turn program modules on and off")),
    ("audit.view", _l("Read the audit log")),
    ("calendar.manage", _l("Edit the public holidays and adjusted working days")),
)

# Plugins add their own grants to these roles through their permission hooks (plugin-system issue).
BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        "district_admin",
        _l("District admin"),
        ("*",),
        _l("Everything in the district"),
        ("district",),
    ),
    BuiltinRole(
        "street_admin",
        _l("Street admin"),
        ("tenants.view", "tenants.manage", "users.manage", "modules.manage", "audit.view"),
        _l("Runs one street office and its communities"),
        ("street",),
    ),
    BuiltinRole(
        "community_admin",
        _l("Community admin"),
        ("tenants.view", "tenants.manage", "users.manage", "audit.view"),
        _l("Runs one community: grids, buildings, staff accounts"),
        ("community",),
    ),
    BuiltinRole(
        "program_worker",
        _l("Program worker"),
        ("tenants.view",),
        _l("Keeps program ledgers"),
        ("community", "grid"),
    ),
    BuiltinRole(
        "building_leader",
        _l("Building leader"),
        ("tenants.view",),
        _l("Looks after buildings"),
        ("grid", "building"),
    ),
    BuiltinRole(
        "inspector",
        _l("Read-only inspector"),
        ("tenants.view", "audit.view"),
        _l("Reads, never writes"),
        ("district", "street"),
    ),
)
BUILTIN_ROLE_KEYS = frozenset(role.key for role in BUILTIN_ROLES)

# Built-in roles that hand out other built-in roles hold everything those carry (nobody grants
# more than they hold), so a plugin's default grant to a role also goes to the roles above it.
BUILTIN_ROLES_ABOVE: dict[str, tuple[str, ...]] = {
    "building_leader": ("community_admin",),
    "program_worker": ("community_admin",),
    "community_admin": ("street_admin",),
    "inspector": ("street_admin",),
    "street_admin": (),
}


def roles_holding(grants: Iterable[str]) -> set[str]:
    """The roles given, plus every built-in role above them (the district admin holds ``*``)."""
    held: set[str] = set()
    pending = list(grants)
    while pending:
        role = pending.pop()
        if role not in held:
            held.add(role)
            pending.extend(BUILTIN_ROLES_ABOVE.get(role, ()))
    return held


def builtin_role(key: str) -> BuiltinRole | None:
    """A core built-in role by key (plugins' roles: ``PermissionRegistry.role``)."""
    return next((role for role in BUILTIN_ROLES if role.key == key), None)


def registry() -> PermissionRegistry:
    return current_app.extensions["jiedao.permissions"]


@dataclass
class Scope:
    """What one user may do where: (permission pattern, node) pairs from their assignments.
    The grants are fixed once made: a scope is shared by the requests of its user
    (``core.access_cache``), which remember which nodes each permission they asked about
    matched."""

    user_id: int | None
    grants: list[tuple[str, NodeRef]] = field(default_factory=list)
    _matched: dict[str, list[NodeRef]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _matching(self, permission: str) -> list[NodeRef]:
        found = self._matched.get(permission)
        if found is None:
            found = [node for pattern, node in self.grants if fnmatchcase(permission, pattern)]
            self._matched[permission] = found
        return found

    def nodes(self, permission: str) -> list[NodeRef]:
        """The topmost nodes where the user holds ``permission`` (nested ones are dropped)."""
        nodes = sorted(set(self._matching(permission)), key=lambda n: len(n.path))
        roots: list[NodeRef] = []
        for node in nodes:
            if not any(root.contains(node) for root in roots):
                roots.append(node)
        return roots

    def allows(self, permission: str, target: NodeRef | str) -> bool:
        """May the user do ``permission`` at ``target`` (a node or a materialized path)?"""
        return any(node.contains(target) for node in self._matching(permission))

    def holds_anywhere(self, permission: str) -> bool:
        return bool(self._matching(permission))

    def permissions_at(self, target: NodeRef | str, declared: PermissionRegistry) -> set[str]:
        patterns = [pattern for pattern, node in self.grants if node.contains(target)]
        return declared.expand(patterns)


def load_scope(session: Session, user_id: int) -> Scope:
    """All of a user's grants with their nodes, in one query."""
    from core.models import Assignment, RolePermission

    stmt = (
        sa.select(
            RolePermission.permission,
            node_table.c.id,
            node_table.c.kind,
            node_table.c.ref,
            node_table.c.name,
            node_table.c.path,
        )
        .join(Assignment, Assignment.role_id == RolePermission.role_id)
        .join(node_table, node_table.c.id == Assignment.node_id)
        .where(Assignment.user_id == user_id)
    )
    grants = [(row[0], NodeRef(*row[1:])) for row in session.execute(stmt)]
    return Scope(user_id, grants)


def current_scope() -> Scope:
    """The signed-in user's scope, loaded once per request."""
    scope = g.get("_jiedao_scope")
    if scope is None:
        user = current_user._get_current_object()
        signed_in = user is not None and user.is_authenticated
        scope = _cached_scope(user.id) if signed_in else Scope(None)
        g._jiedao_scope = scope
    return scope


def _cached_scope(user_id: int) -> Scope:
    """The user's scope from the process's cache while the access stamp stands (assignments,
    roles and node paths unchanged, ``core.access_cache``), else loaded and kept."""
    from core import access_cache
    from core.db import db

    scopes = access_cache.kept("scopes")
    if scopes is None:
        return load_scope(db.session, user_id)
    scope = scopes.get(user_id)
    if scope is None:
        scope = load_scope(db.session, user_id)
        scopes.put(user_id, scope)
    return scope


def reset_scope() -> None:
    """Forget the cached scope (after the user's own assignments change)."""
    g.pop("_jiedao_scope", None)


def can(permission: str, target: NodeRef | str) -> bool:
    return current_scope().allows(permission, target)


def require(permission: str, target: NodeRef | str) -> None:
    """Raise 403 unless the user may do ``permission`` at ``target``."""
    if not can(permission, target):
        raise Forbidden()


class ScopedModel(Protocol):
    @classmethod
    def __scope_clause__(cls, nodes: list[NodeRef]) -> sa.ColumnElement[bool]: ...


def scope_clause(model: type[ScopedModel], permission: str) -> sa.ColumnElement[bool]:
    """The SQL predicate "rows of ``model`` the user may see for ``permission``"."""
    nodes = current_scope().nodes(permission)
    if not nodes:
        return sa.false()
    return model.__scope_clause__(nodes)


def scoped(stmt: sa.Select, model: type[ScopedModel], permission: str) -> sa.Select:
    """Filter a select to what the user may see for ``permission`` — in SQL, before loading."""
    return stmt.where(scope_clause(model, permission))


def get_in_scope_or_404(stmt: sa.Select, model: type[ScopedModel], permission: str) -> Any:
    """One row through the scope filter; rows outside it do not exist for this user (404)."""
    from core.db import db

    obj = db.session.scalars(scoped(stmt, model, permission)).first()
    if obj is None:
        raise NotFound()
    return obj


def permission_required(permission: str) -> Callable[[F], F]:
    """View decorator: signed in, and holding ``permission`` somewhere in the tree.

    Views still scope their queries with :func:`scoped`; this only turns away users who could
    see nothing at all, with 403.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_scope().holds_anywhere(permission):
                raise Forbidden()
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def may_grant(
    scope: Scope, role_patterns: Iterable[str], node: NodeRef, declared: PermissionRegistry
) -> bool:
    """An admin may grant a role at ``node`` only if they manage users there and already hold
    every permission the role carries there: nobody hands out more than they have."""
    if not scope.allows("users.manage", node):
        return False
    wanted = declared.expand(role_patterns)
    held_patterns = [pattern for pattern, grant_node in scope.grants if grant_node.contains(node)]
    # Literal pattern check as well, so "*" can only be granted by someone holding "*".
    literal_ok = all(any(fnmatchcase(p, held) for held in held_patterns) for p in role_patterns)
    return literal_ok and wanted <= declared.expand(held_patterns)

"""Tenant-owned rows and the plugin blueprints that scope every plugin route.

These sit in core, not in ``tenants``, because the plugin SDK (``core.sdk``) is built on them and
core never imports ``tenants``. Like :mod:`core.tree`, they rely on schema contracts instead of
imports: the tree's ``tenants_node`` table (its ORM class is found in the declarative registry
by table name) and the module switches' ``tenants_module`` table (``community_id``, ``module``,
``enabled``), both owned by ``tenants``.

A plugin's pages live under the community they act on (``/c/<community>/<plugin>/…``, API
``/api/v1/c/<community>/<plugin>/…``); read views of a street or district under
``/r/<node>/<plugin>/…``. Both blueprint kinds check, before any view of the plugin runs: the
plugin is active, the user holds one of its permissions at that place, and (for community routes)
the module is on there. A plugin cannot forget these checks because core refuses plugin
blueprints of any other kind.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship
from werkzeug.exceptions import Forbidden, NotFound

from core.db import Base
from core.permissions import Scope, current_scope, registry, scope_clause
from core.plugins import CORE_AREAS, PluginSystem
from core.tree import KINDS, NODE_TABLE, NodeRef, node_table, subtree_clause

MODULE_TABLE = "tenants_module"
COMMUNITY = "community"
BUILDING = "building"

module_table = sa.table(
    MODULE_TABLE,
    sa.column("community_id", sa.Integer),
    sa.column("module", sa.String),
    sa.column("enabled", sa.Boolean),
    sa.column("settings", sa.JSON),
)


@cache
def node_model() -> Any:
    """The ORM class mapped to the tree's table (``tenants.models.Node``), without importing it."""
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == NODE_TABLE:
            return mapper.class_
    raise LookupError(f"no ORM class maps {NODE_TABLE}")


# --- scope predicates ------------------------------------------------------------------------

_KEY_OF_KIND = {"district": "district_id", "street": "street_id", COMMUNITY: "community_id"}


def key_in(column: Any, ids: list[int]) -> sa.ColumnElement[bool]:
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


def keyed_scope_clause(
    model: Any, nodes: list[NodeRef], below_community: Any
) -> sa.ColumnElement[bool]:
    """One ``key IN (ids)`` per kind (an OR of equalities on one column makes PostgreSQL leave
    the index-only path, see benchmarks/README.md); nodes below communities go to
    ``below_community(nodes)``."""
    ids: dict[str, list[int]] = {}
    deep: list[NodeRef] = []
    for node in nodes:
        key = _KEY_OF_KIND.get(node.kind)
        if key is None:
            deep.append(node)
        else:
            ids.setdefault(key, []).append(node.id)
    clauses = [key_in(getattr(model, key), values) for key, values in ids.items()]
    if deep:
        clauses.append(below_community(deep))
    return sa.or_(*clauses)


def community_of(node: NodeRef) -> int:
    """The id of the community above a grid or building, read from its path (the chain of ids
    district / street / community / …): the ``community_id`` every row beneath it carries."""
    return int(node.path.strip("/").split("/")[KINDS.index(COMMUNITY)])


class TenantOwned:
    """Mixin for tables whose rows belong to a place in the tree.

    Set ``node`` (or ``node_id``); ``district_id``, ``street_id`` and ``community_id`` are filled
    from the node on flush (by ``tenants.models``) and indexed, so "every row in street S" is one
    indexed equality and a row never needs the tree walked to be scoped.
    """

    @declared_attr
    def node_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)

    @declared_attr
    def district_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.Integer, index=True)

    @declared_attr
    def street_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.Integer, index=True)

    @declared_attr
    def community_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.Integer, index=True)

    @declared_attr
    def node(cls) -> Mapped[Any]:
        return relationship("Node", foreign_keys=lambda: [cls.node_id])  # type: ignore[list-item]

    @classmethod
    def __scope_clause__(cls, nodes: list[NodeRef]) -> sa.ColumnElement[bool]:
        """Rows under any of ``nodes``: indexed key lookups for districts, streets and communities;
        for grids and buildings, the owning node must lie in their subtree."""

        def below_community(deep: list[NodeRef]) -> sa.ColumnElement[bool]:
            buildings = [n.id for n in deep if n.kind == BUILDING]  # leaves
            grids = [n for n in deep if n.kind != BUILDING]
            clauses = [key_in(cls.node_id, buildings)] if buildings else []
            for grid in grids:
                # A grid's rows all carry its community's key: the indexed equality narrows
                # (and orders) the rows, the subtree then picks the grid's among them.
                inner = sa.select(node_table.c.id).where(
                    subtree_clause(node_table.c.path, grid.path)
                )
                clauses.append(
                    sa.and_(cls.community_id == community_of(grid), cls.node_id.in_(inner))
                )
            return sa.or_(*clauses)

        return keyed_scope_clause(cls, nodes, below_community)


# --- modules ---------------------------------------------------------------------------------


def plugin_system() -> PluginSystem:
    return current_app.extensions["jiedao.plugins"]


def module_label(name: str) -> str:
    info = plugin_system().plugins.get(name)
    return str(info.manifest.label) if info and info.manifest else name


def enabled_communities(module: str) -> sa.Select:
    """SELECT of the ids of communities where ``module`` is on (every community for a core
    area, :data:`CORE_AREAS`)."""
    if module in CORE_AREAS:
        return sa.select(node_table.c.id).where(node_table.c.kind == COMMUNITY)
    return sa.select(module_table.c.community_id).where(
        module_table.c.module == module, module_table.c.enabled.is_(True)
    )


def communities_on(node: Any, module: str) -> sa.Select:
    """Ids of the communities under ``node`` (itself, for a community) where ``module`` is on:
    what its figures, reports and targets count over."""
    return sa.select(node_table.c.id).where(
        node_table.c.kind == COMMUNITY,
        subtree_clause(node_table.c.path, node.path),
        node_table.c.id.in_(enabled_communities(module)),
    )


def module_on(session: Session, node: Any, module: str) -> bool:
    """Does ``module`` run at ``node`` (at a community beneath it, for a street or district)?"""
    return session.scalar(communities_on(node, module).limit(1)) is not None


def settings_schema(module: str) -> ma.Schema | None:
    """The plugin's settings schema (``jiedao_settings_schema``), if it declares one."""
    for name, schema_class in plugin_system().call("jiedao_settings_schema"):
        if name == module:
            return schema_class()
    return None


def module_settings(session: Session, community_id: int, module: str) -> dict[str, Any]:
    """The community's settings of a module, with the plugin's defaults for what is unset."""
    stored = session.scalar(
        sa.select(module_table.c.settings).where(
            module_table.c.community_id == community_id, module_table.c.module == module
        )
    )
    schema = settings_schema(module)
    if schema is None:
        return dict(stored or {})
    try:
        return schema.dump(schema.load(stored or {}))
    except ma.ValidationError:  # settings of an older plugin version: fall back to defaults
        return schema.dump(schema.load({}))


def _module_permissions(module: str) -> list[str]:
    """The permissions a plugin declared (computed once per app)."""
    cache_ = current_app.extensions.setdefault("jiedao.module_permissions", {})
    if module not in cache_:
        cache_[module] = [p.name for p in registry() if p.name.startswith(f"{module}.")]
    return cache_[module]


def may_use(scope: Scope, module: str, place: NodeRef | str) -> bool:
    """Does the user hold any of the module's permissions at ``place`` (a node or a path)?"""
    path = place if isinstance(place, str) else place.path
    return any(scope.allows(p, path) for p in _module_permissions(module))


# --- plugin blueprints ------------------------------------------------------------------------


def _cached_place(key: tuple[Any, ...], load: Any) -> Any:
    """``load()``'s node (or (node, module on) row) for the URL's place, from the process's
    cache while the access stamp stands (nodes and module switches unchanged), attached to this
    request's session; places that are not found are not kept."""
    from core import access_cache

    places = access_cache.kept("places")
    if places is None:
        return load()
    cached = places.get(key)
    if cached is None:
        found = load()
        if found is None:
            return None
        if isinstance(found, sa.Row):
            cached = (access_cache.detached_copy(found[0]), *found[1:])
        else:
            cached = access_cache.detached_copy(found)
        places.put(key, cached)
        return found
    if isinstance(cached, tuple):
        return (access_cache.attach(cached[0]), *cached[1:])
    return access_cache.attach(cached)


class _ModuleBlueprint(Blueprint):
    """Shared checks of plugin blueprints: plugin active, user signed in and holding one of the
    plugin's permissions at the place in the URL."""

    place_arg = ""

    def __init__(
        self, module: str, name: str, import_name: str, *, api: bool = False, **kwargs: Any
    ) -> None:
        prefix = f"/api/v1{self.prefix(module)}" if api else self.prefix(module)
        kwargs.setdefault("url_prefix", prefix)
        super().__init__(name, import_name, **kwargs)
        self.jiedao_module = module
        self.jiedao_api = api
        self.url_value_preprocessor(self._take_place)
        self.url_defaults(self._give_place)
        self.before_request(self._guard)

    @staticmethod
    def prefix(module: str) -> str:
        raise NotImplementedError

    def _take_place(self, _endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.place_ref = (values or {}).pop(self.place_arg, None)

    def _give_place(self, endpoint: str, values: dict[str, Any]) -> None:
        place = g.get("place")
        if place is not None and self.place_arg not in values:
            values[self.place_arg] = place.ref

    def _load_place(self) -> Any:
        from core.db import db

        def load() -> Any:
            node_cls = node_model()
            return db.session.scalar(sa.select(node_cls).where(node_cls.ref == g.get("place_ref")))

        node = _cached_place(("node", g.get("place_ref")), load)
        if node is None or not may_use(current_scope(), self.jiedao_module, node.path):
            raise NotFound()
        return node

    def _guard(self) -> Any:
        if not plugin_system().is_active(self.jiedao_module):
            exc = NotFound()
            exc.jiedao_message = _("The module %(name)s is not available.", name=self.jiedao_module)
            raise exc
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        g.place = self._load_place()
        g.module = self.jiedao_module
        return None


class CommunityBlueprint(_ModuleBlueprint):
    """A plugin's pages (or, with ``api=True``, JSON endpoints) for one community:
    ``/c/<community>/<module>/…``. Views find the community in ``g.community``."""

    place_arg = "community"

    @staticmethod
    def prefix(module: str) -> str:
        return f"/c/<community>/{module}"

    def _load_place(self) -> Any:
        from core.db import db

        def load() -> Any:
            node_cls = node_model()
            # The community and whether the module is on there, in one query.
            return db.session.execute(
                sa.select(node_cls, module_table.c.enabled)
                .outerjoin(
                    module_table,
                    sa.and_(
                        module_table.c.community_id == node_cls.id,
                        module_table.c.module == self.jiedao_module,
                    ),
                )
                .where(node_cls.ref == g.get("place_ref"), node_cls.kind == COMMUNITY)
            ).first()

        row = _cached_place(("community", g.get("place_ref"), self.jiedao_module), load)
        if row is None or not may_use(current_scope(), self.jiedao_module, row[0].path):
            raise NotFound()
        node, enabled = row
        if request.method not in {"GET", "HEAD", "OPTIONS"} and node.is_archived:
            exc = Forbidden()
            exc.jiedao_message = _("An archived node is read-only.")
            raise exc
        if not enabled:
            exc = NotFound()
            exc.jiedao_message = _(
                "The module %(module)s is not enabled in %(place)s.",
                module=module_label(self.jiedao_module),
                place=node.name,
            )
            raise exc
        g.community = node
        return node


class RollupBlueprint(_ModuleBlueprint):
    """A plugin's read views over a street or district: ``/r/<node>/<module>/…``. Views find the
    node in ``g.node`` and should filter with :func:`module_scope_clause`."""

    place_arg = "node"

    @staticmethod
    def prefix(module: str) -> str:
        return f"/r/<node>/{module}"

    def _load_place(self) -> Any:
        node = super()._load_place()
        if request.method not in {"GET", "HEAD"}:
            raise Forbidden()  # roll-ups read; writes happen under a community
        g.node = node
        return node


def require(permission: str) -> None:
    """Inside a plugin route: the user must hold ``permission`` at the route's place (403)."""
    if not current_scope().allows(permission, g.place.path):
        raise Forbidden()


def module_scope_clause(model: Any, permission: str) -> sa.ColumnElement[bool]:
    """Rows of a TenantOwned ``model`` the user may see for ``permission``, in communities where
    the route's module is on, under the route's place."""
    return sa.and_(
        scope_clause(model, permission),
        model.__scope_clause__([g.place.as_ref()]),
        model.community_id.in_(enabled_communities(g.module)),
    )

"""Tree changes of real life: move, merge, archive, restore (a rename is
``tenants.services.update_node``, audited as ``node.update`` and shown in the same history).

Each operation validates everything first (nothing is written on refusal), then rewrites the tree
and every tenant-owned row beneath it with set-based UPDATEs — one statement per table, never a
row loaded — records history in the audit log and tells the plugins through the lifecycle hooks.
The caller commits (one transaction per operation) or rolls back.

Refusals are :class:`~core.errors.DomainError` (422, or :class:`Refused` 403 when the user's scope
is crossed) with the reason, so the API answers JSON and the pages show the form again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit, numbering
from core.db import Base, utcnow
from core.errors import Conflict, DomainError
from core.models import Assignment, AuditLog, User
from core.permissions import Scope
from core.tree import subtree_clause
from tenants import modules
from tenants.codes import LOCAL_CODE, code_error, make_ref
from tenants.models import (
    ALLOWED_PARENTS,
    KIND_LABELS,
    Node,
    NodeKind,
    NodeStatus,
    TenantOwned,
)
from tenants.services import record_node_event

# What can move: communities change street, grids and buildings change community (or grid).
# Streets and districts carry division codes that every code beneath them begins with; moving
# them is a re-coding by the statistics bureau, not a tree change.
MOVABLE = (NodeKind.COMMUNITY, NodeKind.GRID, NodeKind.BUILDING)
COMMUNITY_CODE_LENGTH = 12


class Refused(DomainError):
    """The user's scope does not cover the place (403, with the reason)."""

    status = 403
    code = "forbidden"


# --- helpers -----------------------------------------------------------------------------------


def _tell(hook: str, **kwargs: Any) -> None:
    """Call a lifecycle hook of every plugin (a plugin that raises is marked broken)."""
    if has_app_context() and "jiedao.plugins" in current_app.extensions:
        current_app.extensions["jiedao.plugins"].call(hook, **kwargs)


def _label(kind: str) -> str:
    return str(KIND_LABELS[NodeKind(kind)])


def _require_manage(scope: Scope, node: Node) -> None:
    if not scope.allows("tenants.manage", node.path):
        raise Refused(
            _(
                "You may not change the tree at %(place)s: it is outside your part of the tree.",
                place=node.name,
            )
        )


def _require_active(node: Node, field_name: str | None = None) -> None:
    if node.is_archived:
        message = _("%(place)s is archived: it is read-only.", place=node.name)
        raise Conflict(message, {field_name: [message]} if field_name else None)


def tenant_owned_models(session: Session) -> list[tuple[sa.Table, type]]:
    """Every mapped ``TenantOwned`` class (core, tenants and every plugin) whose table exists in
    this database, with its table, found through the mapper registry — so a plugin's ledger moves
    with the tree without the plugin doing anything."""
    present = set(sa.inspect(session.connection()).get_table_names())
    found: dict[str, tuple[sa.Table, type]] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        table = mapper.local_table
        if not (isinstance(cls, type) and issubclass(cls, TenantOwned)):
            continue
        if not isinstance(table, sa.Table) or table.name not in present:
            continue
        if {"node_id", "district_id", "street_id", "community_id"} <= set(table.c.keys()):
            found[table.name] = (table, cls)
    return [found[name] for name in sorted(found)]


def tenant_owned_tables(session: Session) -> list[sa.Table]:
    """The tables of :func:`tenant_owned_models`."""
    return [table for table, _cls in tenant_owned_models(session)]


def module_of_table(table: str) -> str | None:
    """The plugin whose ``<name>_`` prefixes the table (the longest name wins), if any."""
    if not (has_app_context() and "jiedao.plugins" in current_app.extensions):
        return None
    names = [n for n in modules.plugin_system().plugins if table.startswith(f"{n}_")]
    return max(names, key=len) if names else None


def module_label_of_table(table: str) -> str:
    """The manifest label of the module owning ``table`` (the platform's own tables: "Platform")."""
    module = module_of_table(table)
    return modules.module_label(module) if module else _("Platform")


def _community_of(session: Session, node: Node) -> Node | None:
    if node.kind == NodeKind.COMMUNITY:
        return node
    return session.get(Node, node.community_id) if node.community_id else None


def _ref_taken(session: Session, ref: str, exclude: list[int] | None = None) -> bool:
    stmt = sa.select(Node.id).where(Node.ref == ref)
    if exclude:
        stmt = stmt.where(Node.id.not_in(exclude))
    return session.scalar(stmt) is not None


def suggest_community_code(session: Session, street: Node) -> str | None:
    """The next free 12-digit code under a street (archived communities keep theirs)."""
    used = {
        code[-3:]
        for code in session.scalars(
            sa.select(Node.code).where(Node.ref.like(f"{street.code}%"), Node.kind == "community")
        )
    }
    numbers = sorted(int(u) for u in used if u.isdigit())
    start = (numbers[-1] + 1) if numbers else 1
    for n in [*range(start, 1000), *range(1, start)]:
        if f"{n:03d}" not in used:
            return f"{street.code}{n:03d}"
    return None


def suggest_local_code(session: Session, kind: NodeKind, code: str, community_code: str) -> str:
    """A free grid/building code in a community, made from ``code`` with a ``-2``, ``-3`` …"""
    for n in range(2, 1000):
        candidate = f"{code[:28]}-{n}"
        if not _ref_taken(session, make_ref(kind, candidate, community_code)):
            return candidate
    return code


def _subtree_ids(session: Session, node: Node) -> list[int]:
    return list(session.scalars(sa.select(Node.id).where(subtree_clause(Node.path, node.path))))


# --- move --------------------------------------------------------------------------------------


@dataclass
class MoveResult:
    node: Node
    old_parent: Node
    new_parent: Node
    old_ref: str
    new_ref: str
    nodes: int
    rows: dict[str, int] = field(default_factory=dict)


def check_move(
    session: Session, node: Node, target: Node | None, *, code: str | None, scope: Scope
) -> tuple[str, str]:
    """Refuse a move with the reason, or return the node's (new code, new ref)."""
    _require_manage(scope, node)
    _require_active(node)
    kind = NodeKind(node.kind)
    if kind not in MOVABLE:
        message = _("A %(kind)s cannot be moved.", kind=_label(node.kind))
        raise DomainError(message, {"parent": [message]})
    if target is None:
        message = _("Choose the place to move it to.")
        raise DomainError(message, {"parent": [message]})
    if target.id == node.id or target.path.startswith(node.path):
        message = _("%(place)s cannot be moved under itself.", place=node.name)
        raise DomainError(message, {"parent": [message]})
    if NodeKind(target.kind) not in ALLOWED_PARENTS[kind]:
        message = _(
            "A %(kind)s can only be placed under: %(parents)s.",
            kind=_label(node.kind),
            parents="、".join(str(KIND_LABELS[k]) for k in ALLOWED_PARENTS[kind]),
        )
        raise DomainError(message, {"parent": [message]})
    _require_active(target, "parent")
    _require_manage(scope, target)
    if target.id == node.parent_id:
        message = _("%(place)s is already there.", place=node.name)
        raise DomainError(message, {"parent": [message]})
    code = (code or "").strip() or None

    if kind == NodeKind.COMMUNITY:
        # A community's division code begins with its street's: a new street, a new code.
        if code is None or code == node.code:
            suggestion = suggest_community_code(session, target)
            message = _(
                "A community moved to %(street)s needs a new code beginning with %(prefix)s "
                "(for example %(suggestion)s).",
                street=target.name,
                prefix=target.code,
                suggestion=suggestion or "—",
            )
            raise DomainError(message, {"code": [message], "suggestion": suggestion})
        error = code_error(kind, code, NodeKind.STREET, target.code)
        if error:
            raise DomainError(error, {"code": [error]})
        if _ref_taken(session, code):
            message = _("Code %(code)s is already used.", code=code)
            raise Conflict(message, {"code": [message]})
        return code, code

    # Grids and buildings: their code must be free in the community they land in.
    new_code = code or node.code
    if code is not None and not LOCAL_CODE.fullmatch(code):
        error = code_error(kind, code, None, None) or ""
        raise DomainError(error, {"code": [error]})
    old_community = _community_of(session, node)
    new_community = _community_of(session, target)
    assert old_community is not None and new_community is not None
    new_ref = make_ref(kind, new_code, new_community.code)
    subtree = _subtree_ids(session, node)
    if new_ref != node.ref and _ref_taken(session, new_ref, subtree):
        suggestion = suggest_local_code(session, kind, new_code, new_community.code)
        message = _(
            "Code %(code)s is already used in %(community)s: give it a new code "
            "(for example %(suggestion)s).",
            code=new_code,
            community=new_community.name,
            suggestion=suggestion,
        )
        raise Conflict(message, {"code": [message], "suggestion": suggestion})
    if kind == NodeKind.GRID and old_community.id != new_community.id:
        # The grid's buildings change community with it: their codes must be free there too.
        prefix = len(old_community.code)
        rows = session.execute(
            sa.select(Node.code, Node.ref).where(
                subtree_clause(Node.path, node.path), Node.id != node.id
            )
        ).all()
        wanted = {new_community.code + ref[prefix:]: c for c, ref in rows}
        clashes = (
            sorted(
                wanted[r]
                for r in session.scalars(
                    sa.select(Node.ref).where(Node.ref.in_(wanted), Node.id.not_in(subtree))
                )
            )
            if wanted
            else []
        )
        if clashes:
            message = _(
                "These codes are already used in %(community)s: %(codes)s.",
                community=new_community.name,
                codes="、".join(clashes),
            )
            raise Conflict(message, {"parent": [message]})
    return new_code, new_ref


def move(
    session: Session, node: Node, target: Node | None, *, code: str | None = None, scope: Scope
) -> MoveResult:
    """Move ``node`` with its subtree under ``target``, rewriting paths, depths, keys and refs
    of the subtree and the keys of every tenant-owned row beneath it."""
    new_code, new_ref = check_move(session, node, target, code=code, scope=scope)
    assert target is not None
    session.flush()
    kind = NodeKind(node.kind)
    old_parent = session.get(Node, node.parent_id)
    assert old_parent is not None
    old_path, new_path, old_ref = node.path, f"{target.path}{node.id}/", node.ref
    old_code = node.code
    keys: dict[str, Any] = {"district_id": target.district_id, "street_id": target.street_id}
    if kind != NodeKind.COMMUNITY:
        keys["community_id"] = target.community_id

    # Tenant-owned rows first (their selection uses the old keys/path): one UPDATE per table.
    tables = tenant_owned_tables(session)
    rows: dict[str, int] = {}
    if kind == NodeKind.COMMUNITY:
        for table in tables:
            stmt = table.update().where(table.c.community_id == node.id).values(**keys)
            rows[table.name] = session.execute(stmt).rowcount
    else:
        ids = _subtree_ids(session, node)
        for table in tables:
            stmt = table.update().where(table.c.node_id.in_(ids)).values(**keys)
            rows[table.name] = session.execute(stmt).rowcount

    # The subtree's nodes: one UPDATE.
    nodes = Node.__table__
    if kind == NodeKind.COMMUNITY:
        old_prefix, new_prefix = old_code, new_code
    else:
        old_community = _community_of(session, old_parent)
        new_community = _community_of(session, target)
        assert old_community is not None and new_community is not None
        old_prefix, new_prefix = old_community.code, new_community.code
    path_type = nodes.c.path.type
    values: dict[str, Any] = {
        "path": sa.literal(new_path, path_type) + sa.func.substr(nodes.c.path, len(old_path) + 1),
        "depth": nodes.c.depth + (target.depth + 1 - node.depth),
        "ref": sa.case(
            (nodes.c.id == node.id, sa.literal(new_ref)),
            else_=sa.literal(new_prefix) + sa.func.substr(nodes.c.ref, len(old_prefix) + 1),
        ),
        "updated_at": utcnow(),
        **keys,
    }
    count = session.execute(
        nodes.update().where(subtree_clause(nodes.c.path, old_path)).values(**values)
    ).rowcount
    session.execute(
        nodes.update()
        .where(nodes.c.id == node.id)
        .values(parent_id=target.id, code=new_code, updated_at=utcnow())
    )
    session.expire_all()  # the ORM objects of the session saw none of this
    session.refresh(node)

    details = {
        "from": old_parent.ref,
        "to": target.ref,
        "ref": [old_ref, node.ref],
        "nodes": count,
        "rows": rows,
    }
    if new_code != old_code:
        details["code"] = [old_code, new_code]
    summary = _(
        "Moved %(name)s from %(old)s to %(new)s",
        name=node.name,
        old=old_parent.name,
        new=target.name,
    )
    for place, action in (
        (node, "node.move"),
        (old_parent, "node.move_out"),
        (target, "node.move_in"),
    ):
        record_node_event(action, node, summary, details, at=place)
    _tell(
        "jiedao_node_moved",
        session=session,
        node=node.as_ref(),
        old_parent=old_parent.as_ref(),
        new_parent=target.as_ref(),
    )
    return MoveResult(node, old_parent, target, old_ref, node.ref, count, rows)


MOVE_MANY_LIMIT = 500  # buildings in one bulk move: a page's worth, several times over


def move_buildings(
    session: Session, buildings: list[Node], target: Node | None, *, scope: Scope
) -> list[MoveResult]:
    """Move several buildings under one grid or community in one transaction. Every building is
    checked first; if any is refused, nothing moves and the refusal gives every reason, each
    naming its building (``fields["buildings"]``)."""
    if not buildings:
        message = _("Tick the buildings to move.")
        raise DomainError(message, {"buildings": [message]})
    if len(buildings) > MOVE_MANY_LIMIT:
        message = _("At most %(count)s buildings move at once.", count=MOVE_MANY_LIMIT)
        raise DomainError(message, {"buildings": [message]})
    if target is None:
        message = _("Choose the place to move it to.")
        raise DomainError(message, {"parent": [message]})
    reasons: list[str] = []
    refusals: set[type[DomainError]] = set()
    new_refs: dict[str, Node] = {}
    for building in buildings:
        try:
            if building.kind != NodeKind.BUILDING:
                message = _(
                    "Only buildings move together: %(place)s is a %(kind)s.",
                    place=building.name,
                    kind=_label(building.kind),
                )
                raise DomainError(message)
            _code, new_ref = check_move(session, building, target, code=None, scope=scope)
        except DomainError as exc:
            refusals.add(type(exc))
            reasons.append(_("%(place)s: %(reason)s", place=building.name, reason=exc.message))
            continue
        twin = new_refs.get(new_ref)
        if twin is not None:
            refusals.add(Conflict)
            reasons.append(
                _(
                    "%(place)s: its code %(code)s is also the code of %(other)s.",
                    place=building.name,
                    code=building.code,
                    other=twin.name,
                )
            )
        new_refs[new_ref] = building
    if reasons:
        message = _(
            "Nothing was moved: %(count)s of the %(total)s buildings cannot move.",
            count=len(reasons),
            total=len(buildings),
        )
        # The gravest refusal answers for all: scope crossed (403), then a clash (409).
        error = next((e for e in (Refused, Conflict) if e in refusals), DomainError)
        raise error(message, {"buildings": reasons})
    return [move(session, building, target, scope=scope) for building in buildings]


def place_labels(session: Session, nodes: list[Node]) -> dict[int, str]:
    """Each node's name with the place that tells it apart from its namesakes: a grid's or a
    building's with its community ("永安里东社区 · 第一网格"), a community's with its street;
    one query for all of them."""
    owners = {
        n.id: n.community_id if n.kind in (NodeKind.GRID, NodeKind.BUILDING) else n.street_id
        for n in nodes
        if n.kind in (NodeKind.GRID, NodeKind.BUILDING, NodeKind.COMMUNITY)
    }
    wanted = {owner for owner in owners.values() if owner is not None}
    names = (
        dict(session.execute(sa.select(Node.id, Node.name).where(Node.id.in_(wanted))).all())
        if wanted
        else {}
    )
    return {
        n.id: f"{names[owners[n.id]]} · {n.name}" if owners.get(n.id) in names else n.name
        for n in nodes
    }


def move_targets(session: Session, node: Node, scope: Scope, text: str = "") -> sa.Select:
    """Places ``node`` may move to that the user manages: right kind, active, not beneath it."""
    from tenants.services import search_query

    kinds = [k.value for k in ALLOWED_PARENTS.get(NodeKind(node.kind), ())]
    stmt = search_query(text).where(
        Node.kind.in_(kinds),
        Node.status == NodeStatus.ACTIVE,
        Node.id != node.parent_id,
        sa.not_(subtree_clause(Node.path, node.path)),
    )
    return _managed(stmt, scope)


def building_targets(place: Node, scope: Scope, text: str = "") -> sa.Select:
    """Active grids and communities the user manages that buildings may move to: those matching
    ``text``, or without it those of ``place``'s street."""
    from tenants.services import search_query

    stmt = search_query(text).where(
        Node.kind.in_([NodeKind.GRID.value, NodeKind.COMMUNITY.value]),
        Node.status == NodeStatus.ACTIVE,
    )
    if not text and place.street_id:
        stmt = stmt.where(Node.street_id == place.street_id)
    return _managed(stmt, scope)


def merge_targets(session: Session, node: Node, scope: Scope, text: str = "") -> sa.Select:
    """Active communities other than ``node`` that the user manages."""
    from tenants.services import search_query

    stmt = search_query(text, NodeKind.COMMUNITY.value).where(
        Node.status == NodeStatus.ACTIVE, Node.id != node.id
    )
    return _managed(stmt, scope)


def _managed(stmt: sa.Select, scope: Scope) -> sa.Select:
    roots = scope.nodes("tenants.manage")
    return stmt.where(Node.__scope_clause__(roots) if roots else sa.false())


# --- merge -------------------------------------------------------------------------------------


@dataclass
class Clash:
    kind: str
    code: str
    name: str
    new_code: str | None = None


@dataclass
class LedgerRows:
    """How many rows of one ledger (or of a module's ledgers without a name) a merge moves."""

    module: str | None  # plugin name; None for the platform's own tables
    module_label: str
    label: str
    rows: int
    tables: list[str] = field(default_factory=list)


@dataclass
class MergePreview:
    """What a merge of ``source`` into ``target`` moves, counted before anything is written."""

    source: Node
    target: Node
    nodes: dict[str, int] = field(default_factory=dict)  # kind -> count
    rows: dict[str, int] = field(default_factory=dict)  # table -> count
    ledgers: list[LedgerRows] = field(default_factory=list)  # the rows, in words
    assignments: int = 0
    users: int = 0
    modules: list[str] = field(default_factory=list)  # on at the source
    new_modules: list[str] = field(default_factory=list)  # switched on at the target by it
    clashes: list[Clash] = field(default_factory=list)
    numbering: numbering.MergeNumbering = field(default_factory=numbering.MergeNumbering)

    @property
    def renumberings(self) -> list[numbering.Renumbering]:
        """The source's records whose number the target already holds: they get new ones."""
        return self.numbering.renumberings

    @staticmethod
    def module_labels(names: list[str]) -> list[str]:
        """The modules' manifest labels (安全生产), not their keys."""
        return [modules.module_label(name) for name in names]

    @staticmethod
    def ledger_name(item: numbering.Renumbering) -> str:
        """「安全生产 · 隐患排查治理」: the module's label and the ledger's (and column's) name."""
        return f"{module_label_of_table(item.table)} · {item.numbered.ledger}"

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source.ref,
            "target": self.target.ref,
            "nodes": self.nodes,
            "rows": self.rows,
            "ledgers": [
                {
                    "module": ledger.module,
                    "module_label": ledger.module_label,
                    "label": ledger.label,
                    "rows": ledger.rows,
                    "tables": ledger.tables,
                }
                for ledger in self.ledgers
            ],
            "assignments": self.assignments,
            "users": self.users,
            "modules": self.modules,
            "new_modules": self.new_modules,
            "clashes": [c.__dict__ for c in self.clashes],
            "renumbered": [
                {
                    "ledger": item.table,
                    "column": item.numbered.key,
                    "label": self.ledger_name(item),
                    "id": item.row_id,
                    "from": item.old,
                    "to": item.new,
                }
                for item in self.renumberings
            ],
        }


def _ledger_rows(session: Session, source: Node) -> tuple[dict[str, int], list[LedgerRows]]:
    """The source's rows per table, and in words: per module, each named ledger with its count
    and the ledgers without a name (``__label__``) together as "other records"."""
    rows: dict[str, int] = {}
    named: list[LedgerRows] = []
    unnamed: dict[str | None, LedgerRows] = {}
    for table, cls in tenant_owned_models(session):
        count = session.scalar(
            sa.select(sa.func.count()).select_from(table).where(table.c.community_id == source.id)
        )
        if not count:
            continue
        rows[table.name] = count
        module = module_of_table(table.name)
        module_label = module_label_of_table(table.name)
        if getattr(cls, "__label__", None):
            named.append(
                LedgerRows(module, module_label, numbering.ledger_label(cls), count, [table.name])
            )
            continue
        other = unnamed.setdefault(
            module, LedgerRows(module, module_label, _("Other records"), 0, [])
        )
        other.rows += count
        other.tables.append(table.name)
    # By module; in each, the named ledgers by name, then the module's other records.
    ledgers = sorted(named, key=lambda item: item.label) + list(unnamed.values())
    return rows, sorted(ledgers, key=lambda item: item.module_label)


def _check_merge(session: Session, source: Node, target: Node | None, scope: Scope) -> Node:
    _require_manage(scope, source)
    if source.kind != NodeKind.COMMUNITY:
        message = _("Only communities can be merged.")
        raise DomainError(message, {"into": [message]})
    _require_active(source)
    if target is None:
        message = _("Choose the community to merge into.")
        raise DomainError(message, {"into": [message]})
    if target.id == source.id:
        message = _("A community cannot be merged into itself.")
        raise DomainError(message, {"into": [message]})
    if target.kind != NodeKind.COMMUNITY:
        message = _(
            "Only communities can be merged: %(place)s is a %(kind)s.",
            place=target.name,
            kind=_label(target.kind),
        )
        raise DomainError(message, {"into": [message]})
    _require_active(target, "into")
    _require_manage(scope, target)
    return target


def merge_preview(
    session: Session, source: Node, target: Node | None, *, scope: Scope
) -> MergePreview:
    """Check a merge and count what it would move (nothing is written)."""
    target = _check_merge(session, source, target, scope)
    preview = MergePreview(source, target)
    below = sa.and_(subtree_clause(Node.path, source.path), Node.id != source.id)
    preview.nodes = dict(
        session.execute(
            sa.select(Node.kind, sa.func.count()).where(below).group_by(Node.kind)
        ).all()
    )
    preview.rows, preview.ledgers = _ledger_rows(session, source)
    # Numbers (隐患编号 …) both communities hold: the source's records get new ones.
    preview.numbering = numbering.plan_merge(session, source.id, target.id)
    preview.assignments = session.scalar(
        sa.select(sa.func.count()).where(Assignment.node_id == source.id)
    )
    preview.users = session.scalar(sa.select(sa.func.count()).where(User.home_node_id == source.id))
    preview.modules = sorted(modules.enabled_modules(session, source.id))
    at_target = modules.enabled_modules(session, target.id)
    preview.new_modules = [m for m in preview.modules if m not in at_target]
    # Grid and building codes must be unique in the merged community.
    taken = set(
        session.scalars(
            sa.select(Node.code).where(Node.community_id == target.id, Node.id != target.id)
        )
    )
    children = session.execute(
        sa.select(Node.kind, Node.code, Node.name).where(below).order_by(Node.kind, Node.code)
    ).all()
    taken_refs = set(
        session.scalars(
            sa.select(Node.ref).where(Node.community_id == target.id, Node.id != target.id)
        )
    )
    mine = {make_ref(NodeKind(k), c, target.code) for k, c, _n in children}
    for kind, code, name in children:
        if make_ref(NodeKind(kind), code, target.code) not in taken_refs:
            continue
        clash = Clash(kind, code, name)
        suffix = source.code[-3:]
        for candidate in [
            f"{code[:28]}-{suffix}",
            *(f"{code[:24]}-{suffix}-{n}" for n in range(2, 99)),
        ]:
            ref = make_ref(NodeKind(kind), candidate, target.code)
            if ref not in taken_refs and ref not in mine and candidate not in taken:
                clash.new_code = candidate
                mine.add(ref)
                break
        preview.clashes.append(clash)
    return preview


def merge(
    session: Session,
    source: Node,
    target: Node | None,
    *,
    scope: Scope,
    rename_clashes: bool = False,
) -> MergePreview:
    """Merge community ``source`` into ``target``: its grids and buildings, tenant-owned rows,
    module enablement, role assignments and accounts move; ``source`` is archived and points to
    ``target``. Codes that clash are refused (listed) unless ``rename_clashes``, which gives each
    clashing grid/building its code with the source's last three digits appended."""
    preview = merge_preview(session, source, target, scope=scope)
    target = preview.target
    if preview.clashes and (not rename_clashes or any(c.new_code is None for c in preview.clashes)):
        codes = "、".join(f"{c.code} ({c.name})" for c in preview.clashes)
        message = _(
            "These codes are used in both communities: %(codes)s. Rename them first, or choose "
            "to add a suffix to the merged ones.",
            codes=codes,
        )
        raise Conflict(message, {"into": [message]})
    session.flush()
    nodes = Node.__table__
    now = utcnow()
    # 1. Clashing codes get their suffix (a handful of rows).
    for clash in preview.clashes:
        new_ref = make_ref(NodeKind(clash.kind), clash.new_code or clash.code, source.code)
        session.execute(
            nodes.update()
            .where(
                nodes.c.community_id == source.id,
                nodes.c.kind == clash.kind,
                nodes.c.code == clash.code,
            )
            .values(code=clash.new_code, ref=new_ref, updated_at=now)
        )
    # 2. Numbers the target holds already: the source's records get fresh ones from the
    #    target's counters, which go past every number moving in (before the rows move: the
    #    numbers are unique per community).
    renumbered = numbering.carry_out_merge(session, preview.numbering, target.id)
    preview.numbering.renumberings = renumbered
    # 3. Tenant-owned rows: beneath the source get the target's keys; the source's own rows
    #    belong to the target.
    keys = {
        "district_id": target.district_id,
        "street_id": target.street_id,
        "community_id": target.id,
    }
    moved: dict[str, int] = {}
    for table in tenant_owned_tables(session):
        moved[table.name] = session.execute(
            table.update().where(table.c.community_id == source.id).values(**keys)
        ).rowcount
        session.execute(
            table.update().where(table.c.node_id == source.id).values(node_id=target.id)
        )
    # 4. Grids and buildings go under the target (same depth: both are communities).
    session.execute(
        nodes.update()
        .where(subtree_clause(nodes.c.path, source.path), nodes.c.id != source.id)
        .values(
            path=sa.literal(target.path, nodes.c.path.type)
            + sa.func.substr(nodes.c.path, len(source.path) + 1),
            ref=sa.literal(target.code) + sa.func.substr(nodes.c.ref, len(source.code) + 1),
            updated_at=now,
            **keys,
        )
    )
    session.execute(
        nodes.update().where(nodes.c.parent_id == source.id).values(parent_id=target.id)
    )
    # 5. Role assignments at the source hold at the target (duplicates dropped); accounts that
    #    belonged to the source belong to the target.
    assignments = Assignment.__table__
    twin = assignments.alias("twin")
    session.execute(
        assignments.delete().where(
            assignments.c.node_id == source.id,
            sa.exists().where(
                twin.c.node_id == target.id,
                twin.c.user_id == assignments.c.user_id,
                twin.c.role_id == assignments.c.role_id,
            ),
        )
    )
    session.execute(
        assignments.update().where(assignments.c.node_id == source.id).values(node_id=target.id)
    )
    session.execute(
        User.__table__.update()
        .where(User.__table__.c.home_node_id == source.id)
        .values(home_node_id=target.id)
    )
    # 6. The source is archived and points to the target.
    session.execute(
        nodes.update()
        .where(nodes.c.id == source.id)
        .values(
            status=NodeStatus.ARCHIVED.value,
            archived_at=now,
            merged_into_id=target.id,
            updated_at=now,
        )
    )
    session.expire_all()
    session.refresh(source)
    session.refresh(target)
    # 7. Modules on at the source are on at the target (the target's settings win).
    carried = _carry_modules(session, source, target)
    preview.new_modules = carried

    details = {
        "from": source.ref,
        "into": target.ref,
        "nodes": preview.nodes,
        "rows": moved,
        "assignments": preview.assignments,
        "users": preview.users,
        "modules": carried,
        "renamed": {c.code: c.new_code for c in preview.clashes},
        "renumbered": _renumbered_summary(renumbered),
    }
    summary = _("Merged %(source)s into %(target)s", source=source.name, target=target.name)
    _audit_renumberings(session, renumbered, source, target)
    for place, action in ((source, "node.merge"), (target, "node.merge_in")):
        record_node_event(action, source, summary, details, at=place)
    _tell("jiedao_node_merged", session=session, source=source.as_ref(), target=target.as_ref())
    preview.rows = moved
    return preview


def _renumbered_summary(renumbered: list[numbering.Renumbering]) -> dict[str, dict[str, str]]:
    """``{"safety_hazard.number": {"YH2026-0001": "YH2026-0002"}}``: the merge's own record."""
    summary: dict[str, dict[str, str]] = {}
    for item in renumbered:
        summary.setdefault(f"{item.table}.{item.numbered.key}", {})[item.old] = item.new
    return summary


def renumber_action(table: str) -> str:
    """The audit action of a renumbered record: ``safety.hazard.renumber`` for
    ``safety_hazard``, next to the ledger's own actions."""
    module = module_of_table(table)
    if module:
        return f"{module}.{table.removeprefix(f'{module}_')}.renumber"
    return f"{table}.renumber"


def _audit_renumberings(
    session: Session, renumbered: list[numbering.Renumbering], source: Node, target: Node
) -> None:
    """One audit entry per renumbered record, at its place after the merge (the source's own
    records are the target's now), old number → new."""
    places: dict[int, Node] = {}
    for item in renumbered:
        node_id = target.id if item.node_id == source.id else item.node_id
        place = places.get(node_id) or session.get(Node, node_id)
        places[node_id] = place
        audit.record(
            renumber_action(item.table),
            node=place.as_ref(),
            object_type=item.table,
            object_id=item.row_id,
            summary=_l(
                "%(ledger)s: %(old)s is now %(new)s (%(source)s merged into %(target)s)",
                ledger=MergePreview.ledger_name(item),
                old=item.old,
                new=item.new,
                source=source.name,
                target=target.name,
            ),
            details={item.numbered.key: [item.old, item.new], "merged_from": source.ref},
        )


def _carry_modules(session: Session, source: Node, target: Node) -> list[str]:
    """Switch on at ``target`` every module on at ``source``; the target's settings win, a
    module new to the target brings the source's settings. Recorded in the module history."""
    actor = modules._actor()
    carried: list[str] = []
    states = session.scalars(
        sa.select(modules.ModuleState)
        .where(modules.ModuleState.community_id == source.id, modules.ModuleState.enabled.is_(True))
        .order_by(modules.ModuleState.module)
    ).all()
    for state in states:
        there = modules._state(session, target, state.module)
        if there.enabled:
            continue
        there.enabled = True
        if not there.settings:
            there.settings = dict(state.settings or {})
        there.updated_by_id = actor.id if actor else None
        session.flush()
        modules._record(
            session, target, state.module, "enabled", {"merged_from": source.ref}, actor
        )
        if modules.plugin_system().is_active(state.module):
            _tell(
                "jiedao_module_enabled",
                session=session,
                community=target.as_ref(),
                module=state.module,
                settings=dict(there.settings),
            )
        carried.append(state.module)
    return carried


# --- archive and restore -----------------------------------------------------------------------


def archive(session: Session, node: Node, *, scope: Scope) -> int:
    """Archive ``node`` with its subtree: readable, no longer writable, data kept. Returns how
    many nodes were archived."""
    _require_manage(scope, node)
    if node.kind == NodeKind.DISTRICT:
        raise DomainError(_("A district cannot be archived."))
    _require_active(node)
    session.flush()
    now = utcnow()
    nodes = Node.__table__
    count = session.execute(
        nodes.update()
        .where(subtree_clause(nodes.c.path, node.path), nodes.c.status == NodeStatus.ACTIVE.value)
        .values(status=NodeStatus.ARCHIVED.value, archived_at=now, updated_at=now)
    ).rowcount
    session.expire_all()
    session.refresh(node)
    record_node_event(
        "node.archive", node, _("Archived %(name)s", name=node.name), {"nodes": count}
    )
    _tell("jiedao_node_archived", session=session, node=node.as_ref())
    return count


def restore(session: Session, node: Node, *, scope: Scope) -> int:
    """Bring back an archived node and what was archived together with it (places archived
    before it on their own, and merged communities, stay archived)."""
    _require_manage(scope, node)
    if not node.is_archived:
        raise DomainError(_("%(place)s is not archived.", place=node.name))
    if node.merged_into_id is not None:
        raise Conflict(
            _(
                "A merged community cannot be restored: its places and records now belong to "
                "the community it was merged into."
            )
        )
    parent = session.get(Node, node.parent_id) if node.parent_id else None
    if parent is not None and parent.is_archived:
        raise Conflict(_("%(parent)s is archived: restore it first.", parent=parent.name))
    session.flush()
    nodes = Node.__table__
    now = utcnow()
    archived_with_it = sa.select(nodes.c.archived_at).where(nodes.c.id == node.id).scalar_subquery()
    count = session.execute(
        nodes.update()
        .where(
            subtree_clause(nodes.c.path, node.path),
            nodes.c.id != node.id,
            nodes.c.archived_at == archived_with_it,
            nodes.c.merged_into_id.is_(None),
        )
        .values(status=NodeStatus.ACTIVE.value, archived_at=None, updated_at=now)
    ).rowcount
    session.execute(
        nodes.update()
        .where(nodes.c.id == node.id)
        .values(status=NodeStatus.ACTIVE.value, archived_at=None, updated_at=now)
    )
    session.expire_all()
    session.refresh(node)
    record_node_event(
        "node.restore", node, _("Restored %(name)s", name=node.name), {"nodes": count + 1}
    )
    _tell("jiedao_node_restored", session=session, node=node.as_ref())
    return count + 1


# --- history -----------------------------------------------------------------------------------


def history_query(node: Node) -> sa.Select:
    """The node's tree history (``node.*`` audit entries), newest first. Ids never change, so a
    moved node keeps its history."""
    return (
        sa.select(AuditLog)
        .where(AuditLog.node_id == node.id, AuditLog.action.like("node.%"))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )


HISTORY_LABELS = {
    "node.create": lambda: _("Created"),
    "node.update": lambda: _("Changed"),
    "node.move": lambda: _("Moved"),
    "node.move_in": lambda: _("Moved in"),
    "node.move_out": lambda: _("Moved out"),
    "node.merge": lambda: _("Merged"),
    "node.merge_in": lambda: _("Merged in"),
    "node.archive": lambda: _("Archived"),
    "node.restore": lambda: _("Restored"),
}


def history_label(action: str) -> str:
    label = HISTORY_LABELS.get(action)
    return label() if label else action

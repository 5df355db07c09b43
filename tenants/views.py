"""Tree pages: places in scope, search, node detail with children and counts, create and edit."""

from __future__ import annotations

from itertools import pairwise

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.api import paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form, save
from core.permissions import (
    can,
    current_scope,
    get_in_scope_or_404,
    permission_required,
    require,
    scoped,
)
from tenants import services
from tenants.models import CHILD_KINDS, KIND_LABELS, Node, NodeKind
from tenants.schemas import NodeUpdateSchema

bp = Blueprint("tenants", __name__, template_folder="templates")

# ``?node=REF`` of the API: the place (and its subtree) an operation is about.
NODE_QUERY = {"in": "query", "name": "node", "schema": {"type": "string"}}


def load_node(ref: str, permission: str = "tenants.view") -> Node:
    """A node the user may see, else 404 — the same answer as for a node that does not exist."""
    return get_in_scope_or_404(sa.select(Node).where(Node.ref == ref), Node, permission)


def breadcrumb(node: Node) -> list[tuple[str, str | None]]:
    """Ancestors as (label, url); only nodes the user may open are links."""
    trail = [*services.ancestors(db.session, node), node]
    return [
        (n.name, url_for("tenants.node", ref=n.ref) if can("tenants.view", n.path) else None)
        for n in trail
    ]


def tree_roots() -> list[Node]:
    """The highest places the user may see (the tree's roots), highest first."""
    roots = current_scope().nodes("tenants.view")
    if not roots:
        return []
    return list(
        db.session.scalars(
            sa.select(Node).where(Node.id.in_([r.id for r in roots])).order_by(Node.depth, Node.ref)
        )
    )


@bp.get("/tree")
@permission_required("tenants.view")
def tree():
    """The user's places as an expandable tree, and search by name or code within them; a
    result's "show in the tree" (``?open=REF``) opens the tree along the path to it."""
    q = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in NodeKind}:
        kind = None
    results = None
    paths: dict[int, list[Node]] = {}
    if q or kind:
        stmt = scoped(services.search_query(q, kind), Node, "tenants.view")
        results = paginate(stmt)
        paths = services.paths_of(db.session, results.items)
    root_nodes = tree_roots()
    opened, target = _opened(request.args.get("open", ""), list(root_nodes))
    return render_template(
        "tenants/tree.html",
        roots=services.children_with_counts(db.session, None, page_nodes=list(root_nodes)),
        opened=opened,
        target=target,
        results=results,
        paths=paths,
        q=q,
        kind=kind,
        kinds=KIND_LABELS,
        breadcrumb=breadcrumb(target) if target is not None else None,
    )


def _opened(ref: str, roots: list[Node]) -> tuple[dict[int, services.TreeLevel], Node | None]:
    """The tree levels to show open for ``?open=REF``: the children of every node on the path
    from the user's root to it, by parent id (none for a ref outside the user's scope)."""
    if not ref:
        return {}, None
    target = db.session.scalars(
        scoped(sa.select(Node).where(Node.ref == ref), Node, "tenants.view")
    ).first()
    if target is None:
        return {}, None
    path = services.path_to(db.session, target, roots)
    levels = {
        parent.id: services.tree_level(db.session, parent, keep=child)
        for parent, child in pairwise(path)
    }
    return levels, target


@bp.get("/tree/children/<ref>")
@login_required
def tree_children(ref: str):
    """One level of the tree, as the list items the tree page inserts when a node expands."""
    level = services.tree_level(db.session, load_node(ref))
    return render_template(
        "tenants/_tree_level.html", level=level, opened={}, target=None, kinds=KIND_LABELS
    )


def _render_node(node: Node, form, status: int = 200):
    g.node_in_view = node  # the sidebar shows this community's modules
    page = paginate(services.children_query(node))
    child_kinds = CHILD_KINDS[NodeKind(node.kind)]
    if form is None:
        wanted = request.args.get("kind", "")
        default = wanted if wanted in child_kinds else (child_kinds[0].value if child_kinds else "")
        form = empty_form(kind=default)
    return render_template(
        "tenants/node.html",
        node=node,
        page=page,
        rows=services.children_with_counts(db.session, node, page_nodes=page.items),
        counts=services.descendant_counts(db.session, node),
        breadcrumb=breadcrumb(node),
        kinds=KIND_LABELS,
        child_kinds=child_kinds,
        kind_options=[(k.value, str(KIND_LABELS[k])) for k in child_kinds],
        can_manage=can("tenants.manage", node.path) and not node.is_archived,
        form=form,
    ), status


@bp.get("/n/<ref>")
@login_required
def node(ref: str):
    return _render_node(load_node(ref), None)


@bp.post("/n/<ref>/children")
@login_required
def create_child(ref: str):
    parent = load_node(ref)
    require("tenants.manage", parent.path)
    values = {k: request.form.get(k, "") for k in ("kind", "code", "name")}
    try:
        child = services.create_node(db.session, parent=parent, **values)
    except DomainError as exc:
        db.session.rollback()
        return _render_node(parent, empty_form(**values).fail(exc), exc.status)
    db.session.commit()
    flash(_("%(name)s was added.", name=child.name), "success")
    # Land on the message (not the form's #add), keeping the kind for the next entry.
    return redirect(url_for("tenants.node", ref=parent.ref, kind=child.kind, _anchor="main"))


@bp.route("/n/<ref>/edit", methods=["GET", "POST"])
@login_required
def edit(ref: str):
    node = load_node(ref)
    require("tenants.manage", node.path)
    form = empty_form(name=node.name, code=node.code)
    status = 200
    if request.method == "POST":
        form = load_form(NodeUpdateSchema())
        saved, status = save(form, lambda: services.update_node(db.session, node, **form.data))
        if saved:
            return redirect(url_for("tenants.node", ref=node.ref))
    return render_template(
        "tenants/edit.html", node=node, form=form, breadcrumb=breadcrumb(node)
    ), status

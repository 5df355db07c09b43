"""Pages and API of tree changes: move, merge, archive, restore, and a node's history.

Views find the node in the user's scope (404 outside it), call :mod:`tenants.changes` — which
checks ``tenants.manage`` over the node and over the target (403 with the reason) — and commit.
A refusal rolls back: nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.api import Operations, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, refused
from core.permissions import can, current_scope, require, scoped
from core.tree import subtree_clause
from core.validation import Schema, required_text
from tenants import changes
from tenants.models import ALLOWED_PARENTS, KIND_LABELS, Node, NodeKind
from tenants.schemas import NodeChangeSchema, NodeSchema
from tenants.views import breadcrumb, load_node

bp = Blueprint("tree_changes", __name__, template_folder="templates")
api = Blueprint("tree_changes_api", __name__, url_prefix="/api/v1/nodes")
TAGS = ["tree"]
ops = Operations(api, tags=TAGS)
HISTORY_ON_PAGE = 20
PICKER_SIZE = 20


class MoveSchema(Schema):
    parent = required_text(64, metadata={"description": "ref of the new parent"})
    code = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=32),
        metadata={"description": "new code (a community moved to another street needs one)"},
    )


class MoveBuildingsSchema(Schema):
    buildings = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=64)),
        required=True,
        validate=ma.validate.Length(min=1, max=changes.MOVE_MANY_LIMIT),
        metadata={"description": "refs of the buildings to move"},
    )
    parent = required_text(64, metadata={"description": "ref of the grid or community"})


class MergeSchema(Schema):
    into = required_text(64, metadata={"description": "ref of the community to merge into"})
    rename_clashes = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "give clashing grid/building codes a suffix instead of refusing"},
    )
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "only check and count what would move"}
    )


class HistorySchema(Schema):
    at = ma.fields.DateTime()
    username = ma.fields.String()
    action = ma.fields.String()
    label = ma.fields.Function(lambda e: changes.history_label(e.action))
    summary = ma.fields.String()
    details = ma.fields.Dict(allow_none=True)


def blueprints() -> list[Blueprint]:
    return [bp, api]


# --- shared ------------------------------------------------------------------------------------


def _target(ref: str | None, field_name: str) -> Node | None:
    """The chosen target in the user's view scope; a ref that is unknown or outside the scope
    gets the same answer, so nothing leaks."""
    ref = (ref or "").strip()
    if not ref:
        return None
    target = db.session.scalars(
        scoped(sa.select(Node).where(Node.ref == ref), Node, "tenants.view")
    ).first()
    if target is None:
        message = _("There is no place %(ref)s in your part of the tree.", ref=ref)
        raise DomainError(message, {field_name: [message]})
    return target


@dataclass
class NodeChanges:
    """What the node page shows of tree changes (template ``tenants/_changes.html``)."""

    can_change: bool
    can_move: bool
    can_merge: bool
    can_archive: bool
    can_restore: bool
    merged_into: Node | None
    show_history: bool
    history: list[Any]


def node_changes(node: Node) -> NodeChanges:
    manage = can("tenants.manage", node.path)
    kind = NodeKind(node.kind)
    merged_into = db.session.get(Node, node.merged_into_id) if node.merged_into_id else None
    if merged_into is not None and not can("tenants.view", merged_into.path):
        merged_into = None
    show_history = can("audit.view", node.path) or manage
    history = (
        list(db.session.scalars(changes.history_query(node).limit(HISTORY_ON_PAGE)))
        if show_history
        else []
    )
    active = not node.is_archived
    return NodeChanges(
        can_change=manage,
        can_move=manage and active and kind in changes.MOVABLE,
        can_merge=manage and active and kind == NodeKind.COMMUNITY,
        can_archive=manage and active and kind != NodeKind.DISTRICT,
        can_restore=manage and node.is_archived and node.merged_into_id is None,
        merged_into=merged_into,
        show_history=show_history,
        history=history,
    )


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {
        "tree_changes": node_changes,
        "history_label": changes.history_label,
        "target_label": _target_label,
    }


def _picker(stmt: sa.Select) -> list[Node]:
    return list(db.session.scalars(stmt.limit(PICKER_SIZE)))


def _target_items(candidates: list[Node]) -> list[dict[str, str]]:
    """``{"id": ref, "label": …}`` of the picker: each target named with its community or
    street (a street has many 第一网格), and its code."""
    labels = changes.place_labels(db.session, candidates)
    return [{"id": c.ref, "label": f"{labels[c.id]} ({c.ref})"} for c in candidates]


def _target_label(ref: str) -> str:
    """What the target picker shows for the place it holds when the form comes back: its
    label for a place the user sees, the code as typed otherwise."""
    found = db.session.scalars(
        scoped(sa.select(Node).where(Node.ref == ref), Node, "tenants.view")
    ).first()
    return _target_items([found])[0]["label"] if found is not None else ref


_TARGETS = {
    "move": lambda node, scope, q: changes.move_targets(db.session, node, scope, q),
    "buildings": lambda node, scope, q: changes.building_targets(node, scope, q),
    "merge": lambda node, scope, q: changes.merge_targets(db.session, node, scope, q),
}


@bp.get("/n/<ref>/targets/<any(move,buildings,merge):what>")
@login_required
def targets(ref: str, what: str):
    """The target picker of the move pages: places the user manages that the node (``move``)
    or buildings beneath it (``buildings``) may move to, or it may merge into (``merge``),
    found by name or code."""
    node = load_node(ref)
    require("tenants.manage", node.path)
    q = request.args.get("q", "").strip()[:100]
    if not q or (what == "merge" and node.kind != NodeKind.COMMUNITY):
        return jsonify({"items": []})
    found = _picker(_TARGETS[what](node, current_scope(), q))
    return jsonify({"items": _target_items(found)})


# --- pages -------------------------------------------------------------------------------------


@bp.route("/n/<ref>/move", methods=["GET", "POST"])
@login_required
def move(ref: str):
    node = load_node(ref)
    require("tenants.manage", node.path)
    values = {
        "parent": request.values.get("parent", "").strip(),
        "code": request.values.get("code", "").strip(),
    }
    form, status = empty_form(**values), 200
    if request.method == "POST":
        try:
            target = _target(values["parent"], "parent")
            result = changes.move(
                db.session, node, target, code=values["code"] or None, scope=current_scope()
            )
        except DomainError as exc:
            db.session.rollback()
            node = load_node(ref)
            suggestion = exc.fields.get("suggestion")
            if suggestion and not values["code"]:
                form.values["code"] = suggestion
            exc.fields.pop("suggestion", None)
            form.fail(exc)
            status = exc.status
        else:
            db.session.commit()
            flash(
                _("%(name)s was moved to %(place)s.", name=node.name, place=result.new_parent.name),
                "success",
            )
            return redirect(url_for("tenants.node", ref=result.new_ref))
    elif values["parent"] and node.kind == NodeKind.COMMUNITY and not values["code"]:
        street = db.session.scalars(
            scoped(sa.select(Node).where(Node.ref == values["parent"]), Node, "tenants.view")
        ).first()
        if street is not None and street.kind == NodeKind.STREET:
            form.values["code"] = changes.suggest_community_code(db.session, street) or ""
    kinds = "、".join(str(KIND_LABELS[k]) for k in ALLOWED_PARENTS.get(NodeKind(node.kind), ()))
    return render_template("tenants/change_move.html", node=node, form=form, kinds=kinds), status


def _chosen_buildings(place: Node, refs: list[str]) -> list[Node]:
    """The ticked buildings beneath ``place``, in the user's view scope, in the order of their
    codes; a ref that is unknown, outside the scope or outside ``place`` is a 404."""
    wanted = list(dict.fromkeys(r.strip() for r in refs if r.strip()))
    if not wanted:
        return []
    stmt = sa.select(Node).where(
        Node.ref.in_(wanted), subtree_clause(Node.path, place.path), Node.id != place.id
    )
    found = list(db.session.scalars(scoped(stmt, Node, "tenants.view").order_by(Node.code)))
    if len(found) != len(wanted):
        abort(404)
    return found


@bp.route("/n/<ref>/move-buildings", methods=["GET", "POST"])
@login_required
def move_buildings(ref: str):
    """Move the buildings ticked on a community's or grid's page into one grid or community,
    all or none; the targets are named with their community."""
    place = load_node(ref)
    require("tenants.manage", place.path)
    buildings = _chosen_buildings(place, request.values.getlist("building"))
    parent = request.values.get("parent", "").strip()
    form, status = empty_form(parent=parent), 200
    if request.method == "POST":
        try:
            target = _target(parent, "parent")
            results = changes.move_buildings(db.session, buildings, target, scope=current_scope())
        except DomainError as exc:
            status = refused(form, exc)
            place = load_node(ref)
            buildings = _chosen_buildings(place, request.values.getlist("building"))
        else:
            db.session.commit()
            assert target is not None
            flash(
                _(
                    "%(count)s buildings were moved to %(place)s.",
                    count=len(results),
                    place=changes.place_labels(db.session, [target])[target.id],
                ),
                "success",
            )
            return redirect(url_for("tenants.node", ref=target.ref))
    return render_template(
        "tenants/change_move_buildings.html",
        node=place,
        buildings=buildings,
        form=form,
        breadcrumb=breadcrumb(place),
    ), status


@bp.route("/n/<ref>/merge", methods=["GET", "POST"])
@login_required
def merge(ref: str):
    node = load_node(ref)
    require("tenants.manage", node.path)
    into = request.values.get("into", "").strip()
    form, status, preview = empty_form(into=into), 200, None
    try:
        target = _target(into, "into")
        if target is not None:
            preview = changes.merge_preview(db.session, node, target, scope=current_scope())
        if request.method == "POST":
            rename = request.form.get("rename_clashes") in ("1", "on", "true")
            changes.merge(db.session, node, target, scope=current_scope(), rename_clashes=rename)
            db.session.commit()
            assert target is not None
            flash(
                _("%(source)s was merged into %(target)s.", source=node.name, target=target.name),
                "success",
            )
            return redirect(url_for("tenants.node", ref=target.ref))
    except DomainError as exc:
        status = refused(form, exc)
        node = load_node(ref)
        if request.method == "POST" and into:
            try:  # show the counts again next to the reason
                preview = changes.merge_preview(
                    db.session, node, _target(into, "into"), scope=current_scope()
                )
            except DomainError:
                preview = None
    return render_template(
        "tenants/change_merge.html",
        node=node,
        form=form,
        preview=preview,
        kinds=KIND_LABELS,
    ), status


_OPERATIONS = {"archive": changes.archive, "restore": changes.restore}
_COUNT_KEYS = {"archive": "archived", "restore": "restored"}  # the API's key of the count


def _confirm(ref: str, action: str):
    node = load_node(ref)
    require("tenants.manage", node.path)
    form, status = empty_form(), 200
    if request.method == "POST":
        try:
            count = _OPERATIONS[action](db.session, node, scope=current_scope())
        except DomainError as exc:
            status = refused(form, exc)
            node = load_node(ref)
        else:
            db.session.commit()
            if action == "archive":
                flash(_("%(name)s was archived (%(count)s places).", name=node.name, count=count))
            else:
                flash(_("%(name)s was restored (%(count)s places).", name=node.name, count=count))
            return redirect(url_for("tenants.node", ref=node.ref))
    counts = {}
    if action == "archive":
        from tenants.services import descendant_counts

        counts = descendant_counts(db.session, node)
    return render_template(
        "tenants/change_confirm.html",
        node=node,
        form=form,
        action=action,
        counts=counts,
        kinds=KIND_LABELS,
    ), status


@bp.route("/n/<ref>/archive", methods=["GET", "POST"])
@login_required
def archive(ref: str):
    return _confirm(ref, "archive")


@bp.route("/n/<ref>/restore", methods=["GET", "POST"])
@login_required
def restore(ref: str):
    return _confirm(ref, "restore")


# --- API ---------------------------------------------------------------------------------------


def _node_json(node: Node) -> dict[str, Any]:
    db.session.refresh(node)
    body = NodeSchema().dump(node)
    body["merged_into"] = node.merged_into.ref if node.merged_into_id else None
    return body


@ops.post(
    "/<ref>/move",
    "tenants.manage",
    "Move a building to another grid or community, a grid to another community, or a community "
    "to another street (with a new code); paths, refs and every tenant-owned row beneath follow",
    request_schema=MoveSchema,
    response_schema=NodeChangeSchema,
)
def api_move(ref: str):
    node = load_node(ref)
    data = json_body(MoveSchema())
    target = _target(data["parent"], "parent")
    result = changes.move(db.session, node, target, code=data["code"], scope=current_scope())
    db.session.commit()
    body = _node_json(result.node)
    body["moved"] = {"nodes": result.nodes, "rows": result.rows, "old_ref": result.old_ref}
    return jsonify(body)


@ops.post(
    "/<ref>/move-buildings",
    "tenants.manage",
    "Move several buildings beneath a community or grid into one grid or community, in one "
    "transaction: if one is refused, none moves and the error lists every reason by building",
    request_schema=MoveBuildingsSchema,
)
def api_move_buildings(ref: str):
    place = load_node(ref)
    require("tenants.manage", place.path)
    data = json_body(MoveBuildingsSchema())
    buildings = _chosen_buildings(place, data["buildings"])
    target = _target(data["parent"], "parent")
    results = changes.move_buildings(db.session, buildings, target, scope=current_scope())
    db.session.commit()
    return jsonify(
        {
            "moved": [{"old_ref": r.old_ref, "ref": r.new_ref} for r in results],
            "parent": results[0].new_parent.ref,
        }
    )


@ops.post(
    "/<ref>/merge",
    "tenants.manage",
    "Merge a community into another: grids, buildings, tenant-owned rows, modules, role "
    "assignments and accounts move; the source is archived and points to the target. Ledger "
    "numbers both communities hold (e.g. hazard numbers) are renumbered in the source's records "
    "from the target's counters (listed in renumbered, audited per record). "
    "dry_run only counts what would move.",
    request_schema=MergeSchema,
)
def api_merge(ref: str):
    node = load_node(ref)
    data = json_body(MergeSchema())
    target = _target(data["into"], "into")
    if data["dry_run"]:
        preview = changes.merge_preview(db.session, node, target, scope=current_scope())
        return jsonify({"dry_run": True, **preview.as_json()})
    result = changes.merge(
        db.session, node, target, scope=current_scope(), rename_clashes=data["rename_clashes"]
    )
    db.session.commit()
    return jsonify({"dry_run": False, **result.as_json(), "node": _node_json(node)})


def _api_archive_or_restore(ref: str, action: str):
    """Archive or restore a node (the API's side of :func:`_confirm`): the node as JSON with
    the count of places changed under ``archived`` or ``restored``."""
    node = load_node(ref)
    count = _OPERATIONS[action](db.session, node, scope=current_scope())
    db.session.commit()
    return jsonify({**_node_json(node), _COUNT_KEYS[action]: count})


@ops.post(
    "/<ref>/archive",
    "tenants.manage",
    "Archive a node with its subtree (readable, no longer writable; data kept)",
    response_schema=NodeChangeSchema,
)
def api_archive(ref: str):
    return _api_archive_or_restore(ref, "archive")


@ops.post(
    "/<ref>/restore",
    "tenants.manage",
    "Restore an archived node and what was archived with it",
    response_schema=NodeChangeSchema,
)
def api_restore(ref: str):
    return _api_archive_or_restore(ref, "restore")


@ops.get(
    "/<ref>/history",
    "tenants.view",
    "A node's tree history (created, changed, moved, merged, archived, restored), newest first",
    response_schema=HistorySchema,
    paginated=True,
)
def api_history(ref: str):
    node = load_node(ref)
    if not (can("audit.view", node.path) or can("tenants.manage", node.path)):
        require("audit.view", node.path)
    return jsonify(paginate(changes.history_query(node)).to_json(HistorySchema()))

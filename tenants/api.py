"""``/api/v1/nodes``: list and search the tree in scope, create, read, update, children."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.permissions import get_in_scope_or_404, permission_required, require, scoped
from tenants import services
from tenants.models import Node
from tenants.schemas import NodeCreateSchema, NodeSchema, NodeSearchArgs, NodeUpdateSchema

api = Blueprint("tenants_api", __name__, url_prefix="/api/v1/nodes")
TAGS = ["tree"]
REF_PARAM = [{"in": "path", "name": "ref", "required": True, "schema": {"type": "string"}}]


def _node_in_scope(ref: str) -> Node:
    stmt = sa.select(Node).where(Node.ref == ref).options(selectinload(Node.parent))
    return get_in_scope_or_404(stmt, Node, "tenants.view")


@api.get("")
@permission_required("tenants.view")
@api_doc(
    "List or search nodes in your scope",
    response_schema=NodeSchema,
    paginated=True,
    tags=TAGS,
    parameters=[
        {"in": "query", "name": "q", "schema": {"type": "string"}},
        {"in": "query", "name": "kind", "schema": {"type": "string"}},
    ],
)
def list_nodes():
    args = NodeSearchArgs().load(request.args.to_dict())
    stmt = scoped(services.search_query(args["q"], args["kind"]), Node, "tenants.view")
    return jsonify(paginate(stmt.options(selectinload(Node.parent))).to_json(NodeSchema()))


@api.post("")
@permission_required("tenants.manage")
@api_doc(
    "Create a node under a parent",
    request_schema=NodeCreateSchema,
    response_schema=NodeSchema,
    status=201,
    tags=TAGS,
)
def create_node():
    data = json_body(NodeCreateSchema())
    parent = get_in_scope_or_404(
        sa.select(Node).where(Node.ref == data["parent"]), Node, "tenants.view"
    )
    require("tenants.manage", parent.path)
    node = services.create_node(
        db.session, parent=parent, kind=data["kind"], code=data["code"], name=data["name"]
    )
    db.session.commit()
    return jsonify(NodeSchema().dump(node)), 201


@api.get("/<ref>")
@permission_required("tenants.view")
@api_doc("Read a node", response_schema=NodeSchema, tags=TAGS, parameters=REF_PARAM)
def read_node(ref: str):
    node = _node_in_scope(ref)
    body = NodeSchema().dump(node)
    body["counts"] = services.descendant_counts(db.session, node)
    return jsonify(body)


@api.patch("/<ref>")
@permission_required("tenants.view")
@api_doc(
    "Rename a node or correct its code",
    request_schema=NodeUpdateSchema,
    response_schema=NodeSchema,
    tags=TAGS,
    parameters=REF_PARAM,
)
def update_node(ref: str):
    node = _node_in_scope(ref)
    require("tenants.manage", node.path)
    data = json_body(NodeUpdateSchema())
    if not data:
        raise DomainError(_("Nothing to change: give name or code."))
    services.update_node(db.session, node, **data)
    db.session.commit()
    return jsonify(NodeSchema().dump(node))


@api.get("/<ref>/children")
@permission_required("tenants.view")
@api_doc(
    "Children of a node",
    response_schema=NodeSchema,
    paginated=True,
    tags=TAGS,
    parameters=REF_PARAM,
)
def children(ref: str):
    node = _node_in_scope(ref)
    stmt = services.children_query(node).options(selectinload(Node.parent))
    return jsonify(paginate(stmt).to_json(NodeSchema()))

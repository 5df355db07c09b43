"""``/api/v1/nodes``: list and search the tree in scope, create, read, update, children."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from core.api import Operations, json_body, paginate
from core.calendar import YEAR_PARAM, calendar_year, year_of
from core.db import db
from core.errors import DomainError
from core.figures import PERIOD_ARGS, parse_period
from core.permissions import get_in_scope_or_404, require, scoped
from core.school_holidays import city_of, periods
from core.tree import subtree_clause
from tenants import modules, services
from tenants.models import Node, NodeKind
from tenants.schemas import (
    REF_PARAM,
    ModuleSwitchSchema,
    NodeCreateSchema,
    NodeSchema,
    NodeSearchArgs,
    NodeUpdateSchema,
    NodeWithCountsSchema,
    PluginSchema,
)
from tenants.views import NODE_QUERY, load_node, tree_roots

api = Blueprint("tenants_api", __name__, url_prefix="/api/v1/nodes")
TAGS = ["tree"]
ops = Operations(api, tags=TAGS)


def _node_in_scope(ref: str) -> Node:
    stmt = sa.select(Node).where(Node.ref == ref).options(selectinload(Node.parent))
    return get_in_scope_or_404(stmt, Node, "tenants.view")


@ops.get(
    "",
    "tenants.view",
    "List or search nodes in your scope",
    response_schema=NodeSchema,
    paginated=True,
    parameters=[
        {"in": "query", "name": "q", "schema": {"type": "string"}},
        {"in": "query", "name": "kind", "schema": {"type": "string"}},
    ],
)
def list_nodes():
    args = NodeSearchArgs().load(request.args.to_dict())
    stmt = scoped(services.search_query(args["q"], args["kind"]), Node, "tenants.view")
    return jsonify(paginate(stmt.options(selectinload(Node.parent))).to_json(NodeSchema()))


@ops.post(
    "",
    "tenants.manage",
    "Create a node under a parent",
    request_schema=NodeCreateSchema,
    response_schema=NodeSchema,
    status=201,
)
def create_node():
    data = json_body(NodeCreateSchema())
    parent = load_node(data["parent"])
    require("tenants.manage", parent.path)
    node = services.create_node(
        db.session, parent=parent, kind=data["kind"], code=data["code"], name=data["name"]
    )
    db.session.commit()
    return jsonify(NodeSchema().dump(node)), 201


@ops.get("/<ref>", "tenants.view", "Read a node", response_schema=NodeWithCountsSchema)
def read_node(ref: str):
    node = _node_in_scope(ref)
    body = NodeSchema().dump(node)
    body["counts"] = services.descendant_counts(db.session, node)
    return jsonify(body)


@ops.patch(
    "/<ref>",
    "tenants.view",
    "Rename a node or correct its code",
    request_schema=NodeUpdateSchema,
    response_schema=NodeSchema,
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


@ops.get(
    "/<ref>/children",
    "tenants.view",
    "Children of a node, each with how many nodes of each kind lie beneath it",
    response_schema=NodeWithCountsSchema,
    paginated=True,
)
def children(ref: str):
    """One level of the tree for a client that expands it lazily: a page of children and their
    counts by kind (one grouped query per kind of child, never the subtree itself)."""
    node = _node_in_scope(ref)
    page = paginate(services.children_query(node).options(selectinload(Node.parent)))
    counts = {
        row.node.id: row.counts
        for row in services.children_with_counts(db.session, node, page_nodes=page.items)
    }
    dump = NodeSchema()
    return jsonify(page.to_json(lambda child: {**dump.dump(child), "counts": counts[child.id]}))


@ops.get(
    "/<ref>/path",
    "tenants.view",
    "The nodes from the top of your part of the tree down to a node: what to open to show it",
    response_schema=NodeSchema,
    listed=True,
)
def path(ref: str):
    """The search path of a match: its ancestors the user may see, from the highest place the
    user holds down to the node itself; nothing above the user's scope is named."""
    node = _node_in_scope(ref)
    roots = tree_roots()
    trail = services.path_to(db.session, node, roots)
    return jsonify({"items": NodeSchema().dump(trail, many=True)})


# --- modules ---------------------------------------------------------------------------------

modules_api = Blueprint("modules_api", __name__, url_prefix="/api/v1")
MODULE_TAGS = ["modules"]
modules_ops = Operations(modules_api, tags=MODULE_TAGS)
SETTINGS_PARAMS = [
    *REF_PARAM,
    {"in": "path", "name": "module", "required": True, "schema": {"type": "string"}},
]


@modules_ops.get(
    "/modules", "tenants.view", "Installed plugins with status and how many communities use them"
)
def installed_modules():
    system = modules.plugin_system()
    usage = modules.usage_counts(db.session)
    items = PluginSchema().dump(sorted(system.plugins.values(), key=lambda p: p.name), many=True)
    for item in items:
        item["communities"] = usage.get(item["name"], 0)
    return jsonify({"items": items})


@modules_ops.get(
    "/nodes/<ref>/modules",
    "tenants.view",
    "Modules switched on at each community under a node",
    paginated=True,
)
def node_modules(ref: str):
    node = _node_in_scope(ref)
    stmt = sa.select(Node).where(Node.kind == NodeKind.COMMUNITY).order_by(Node.code)
    stmt = (
        stmt.where(Node.id == node.id)
        if node.kind == NodeKind.COMMUNITY
        else stmt.where(subtree_clause(Node.path, node.path))
    )
    page = paginate(stmt)
    body = {
        "items": [
            {
                "ref": c.ref,
                "name": c.name,
                "modules": sorted(modules.enabled_modules(db.session, c.id)),
            }
            for c in page.items
        ],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }
    return jsonify(body)


@modules_ops.post(
    "/nodes/<ref>/modules",
    "modules.manage",
    "Switch a module on or off at a community, or at every community under a street or "
    "district (dependencies are switched on with it); dry_run only says which communities "
    "would change, the refusals, and switching off the records that stay",
    request_schema=ModuleSwitchSchema,
)
def switch_module(ref: str):
    node = _node_in_scope(ref)
    require("modules.manage", node.path)
    data = json_body(ModuleSwitchSchema())
    if data["dry_run"]:
        preview = modules.preview_switch(db.session, node, data["module"], on=data["enabled"])
        return jsonify({"dry_run": True, **preview.as_json()})
    if data["enabled"]:
        result = modules.enable(db.session, node, data["module"], data["settings"])
    else:
        result = modules.disable(db.session, node, data["module"])
    db.session.commit()
    return jsonify({"changed": result.changed, "also": result.also, "messages": result.messages})


@modules_ops.get(
    "/nodes/<ref>/modules/<module>/settings",
    "tenants.view",
    "A module's settings at a community (defaults filled in)",
    parameters=SETTINGS_PARAMS,
)
def read_settings(ref: str, module: str):
    node = _node_in_scope(ref)
    if node.kind != NodeKind.COMMUNITY or module not in modules.plugin_system().plugins:
        raise NotFound()
    return jsonify(modules.module_settings(db.session, node.id, module))


@modules_ops.put(
    "/nodes/<ref>/modules/<module>/settings",
    "modules.manage",
    "Replace a module's settings at a community (validated by the plugin)",
    parameters=SETTINGS_PARAMS,
)
def write_settings(ref: str, module: str):
    node = _node_in_scope(ref)
    require("modules.manage", node.path)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("The request body must be a JSON object."))
    clean = modules.update_settings(db.session, node, module, data)
    db.session.commit()
    return jsonify(clean)


@modules_ops.get(
    "/nodes/<ref>/indicators",
    "tenants.view",
    "Plugin figures for a node in a period (?period=2026-03, 2026Q1, 2026H1 or 2026; or ?year=, "
    "?quarter=, ?from=&to=; this year by default), rolled up over the communities beneath it "
    "where each module is on: a ratio from the summed numerators and denominators, a stock as "
    "of the period's last day (or today), small counts of sensitive data withheld; statistics "
    "no longer assessed (不作考核) only with ?optional=1",
    parameters=PERIOD_ARGS,
)
def node_indicators(ref: str):
    from core.permissions import current_scope

    node = _node_in_scope(ref)
    period, label = parse_period(request.args)
    optional = request.args.get("optional") in ("1", "true")
    items = modules.indicator_values(
        db.session, current_scope(), node.as_ref(), period, optional=optional
    )
    return jsonify(
        {
            "node": node.ref,
            "year": period.start.year,
            "period": {
                "key": period.key,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": label,
            },
            "items": items,
        }
    )


@modules_ops.get(
    "/calendar",
    None,
    "Observance days and campaigns of a year (?year=, default this year): the national "
    "festivals (lunar ones on their Gregorian date) and those the plugins contribute, by date; "
    "with ?node=REF also the school holidays of that place's city",
    parameters=[YEAR_PARAM, NODE_QUERY],
)
@login_required
def calendar():
    year = calendar_year(request.args)
    node = request.args.get("node")
    school = periods(db.session, city_of(load_node(node).ref), year) if node else None
    entries = [
        e for e in modules.calendar() if modules.plugin_system().is_active(e.module) or not e.module
    ]
    items = [
        {
            "month": o.start.month,
            "day": o.start.day,
            "label": str(o.entry.label),
            "module": o.entry.module,
            "end_month": o.end.month if o.end else None,
            "end_day": o.end.day if o.end else None,
            "date": o.start.isoformat(),
            "end": o.end.isoformat() if o.end else None,
            "kind": o.entry.kind,
        }
        for o in year_of(entries, year, school)
    ]
    return jsonify({"year": year, "items": items})


@modules_ops.post(
    "/nodes/<ref>/imports/<name>",
    "tenants.view",
    "Import rows of a plugin ledger into a community from an xlsx or CSV file (UTF-8 or GBK): "
    "every row is checked and written in a savepoint; any problem and nothing is kept (422, or "
    "409 when every problem is a duplicate of data already there, with every problem in "
    "error.rows as {row, column, value, reason}, rows numbered as the spreadsheet shows them). "
    "?dry_run=1 runs the same checks and writes, then rolls them back. Rows taken with a "
    "warning (a resident ID registered in another community too) are listed in warnings, as "
    "{row, column, value, reason}, beside rows or created. A file of more rows than "
    "JIEDAO_IMPORT_INLINE_ROWS runs as a background job: 202 with {job}, whose report is at "
    "GET /api/v1/jobs/<id>.",
    parameters=[
        *REF_PARAM,
        {"in": "path", "name": "name", "required": True, "schema": {"type": "string"}},
        {"in": "query", "name": "dry_run", "schema": {"type": "boolean"}},
    ],
)
def import_rows(ref: str, name: str):
    from tenants import import_views

    community, spec = import_views.ledger_import_target(ref, name, writing=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError(_("Choose a file to import."), {"file": [_("Choose a file to import.")]})
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    content = upload.read()
    if import_views.runs_in_background(upload.filename, content):
        return import_views.start_api_import(
            community, spec, upload.filename, content, dry_run=dry_run
        )
    report = import_views.run_ledger_import(
        community, spec, upload.filename, content, dry_run=dry_run
    )
    if not report.ok:
        db.session.rollback()
        body, status = import_views.import_refusal(report)
        return jsonify(body), status
    warned = import_views.import_warnings(report)
    if dry_run:
        db.session.rollback()
        return jsonify({"dry_run": True, "rows": report.written, **warned})
    db.session.commit()
    return jsonify({"created": report.written, **warned})

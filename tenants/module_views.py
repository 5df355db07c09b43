"""Module pages: installed plugins, the communities × modules matrix, per-community settings;
and the module context of the sidebar."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from core.api import Page, page_args
from core.db import db
from core.errors import DomainError
from core.forms import FormResult, empty_form
from core.navigation import NavEntry
from core.permissions import can, current_scope, permission_required, require
from tenants import modules
from tenants.models import Node, NodeKind
from tenants.views import breadcrumb, load_node

bp = Blueprint("modules", __name__)


@bp.get("/modules")
@permission_required("modules.manage")
def installed():
    system = modules.plugin_system()
    return render_template(
        "tenants/modules_installed.html",
        plugins=sorted(system.plugins.values(), key=lambda p: p.name),
        usage=modules.usage_counts(db.session),
    )


def _matrix(node: Node) -> tuple[Page, dict[int, set[str]]]:
    stmt = sa.select(Node).where(Node.kind == NodeKind.COMMUNITY).order_by(Node.code)
    if node.kind != NodeKind.COMMUNITY:
        from core.tree import subtree_clause

        stmt = stmt.where(subtree_clause(Node.path, node.path))
    else:
        stmt = stmt.where(Node.id == node.id)
    page = Page(stmt, *page_args())
    ids = [c.id for c in page.items]
    on: dict[int, set[str]] = {i: set() for i in ids}
    rows = db.session.execute(
        sa.select(modules.ModuleState.community_id, modules.ModuleState.module).where(
            modules.ModuleState.community_id.in_(ids), modules.ModuleState.enabled.is_(True)
        )
    )
    for community_id, module in rows:
        on[community_id].add(module)
    return page, on


@bp.route("/n/<ref>/modules", methods=["GET", "POST"])
@login_required
def matrix(ref: str):
    node = load_node(ref)
    if node.kind not in (NodeKind.DISTRICT, NodeKind.STREET, NodeKind.COMMUNITY):
        return redirect(url_for("tenants.node", ref=ref))
    if request.method == "POST":
        target = load_node(request.form.get("target") or ref)
        require("modules.manage", target.path)
        module = request.form.get("module", "")
        try:
            if request.form.get("action") == "disable":
                result = modules.disable(db.session, target, module)
            else:
                result = modules.enable(db.session, target, module)
            db.session.commit()
            for message in result.messages:
                flash(message, "info")
            flash(
                _(
                    "%(module)s: changed at %(count)s communities.",
                    module=modules.module_label(module),
                    count=len(result.changed),
                ),
                "success",
            )
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(url_for("modules.matrix", ref=ref, page=request.args.get("page")))
    page, on = _matrix(node)
    return render_template(
        "tenants/modules_matrix.html",
        node=node,
        page=page,
        on=on,
        installed=modules.plugin_system().active(),
        can_manage=can("modules.manage", node.path) and not node.is_archived,
        breadcrumb=breadcrumb(node),
        entry_urls=_entry_urls(node) if node.kind == NodeKind.COMMUNITY else {},
    )


def settings_fields(schema: ma.Schema) -> list[dict[str, Any]]:
    """What the settings form shows for each schema field."""
    fields = []
    for name, field in schema.fields.items():
        kind = "text"
        options = None
        if isinstance(field, ma.fields.Boolean):
            kind = "checkbox"
        elif isinstance(field, ma.fields.Integer | ma.fields.Float | ma.fields.Decimal):
            kind = "number"
        for validator in field.validators:
            if isinstance(validator, ma.validate.OneOf):
                kind, options = "select", [(str(c), str(c)) for c in validator.choices]
        fields.append(
            {
                "name": name,
                "label": field.metadata.get("label", name),
                "help": field.metadata.get("help"),
                "kind": kind,
                "options": options,
                "required": field.required,
            }
        )
    return fields


@bp.route("/n/<ref>/modules/<module>/settings", methods=["GET", "POST"])
@login_required
def settings(ref: str, module: str):
    community = load_node(ref)
    if community.kind != NodeKind.COMMUNITY:
        return redirect(url_for("modules.matrix", ref=ref))
    require("modules.manage", community.path)
    schema = modules.settings_schema(module)
    if schema is None or not modules.plugin_system().is_active(module):
        flash(_("%(module)s has no settings.", module=modules.module_label(module)), "info")
        return redirect(url_for("modules.matrix", ref=ref))
    current = modules.module_settings(db.session, community.id, module)
    form = empty_form(
        **{k: ("true" if v is True else "" if v is False else v) for k, v in current.items()}
    )
    status = 200
    if request.method == "POST":
        fields = settings_fields(schema)
        values = {f["name"]: request.form.get(f["name"], "") for f in fields}
        data: dict[str, Any] = {}
        for f in fields:
            raw = values[f["name"]]
            if f["kind"] == "checkbox":
                data[f["name"]] = raw in ("true", "on")
            elif raw != "":
                data[f["name"]] = raw
        try:
            modules.update_settings(db.session, community, module, data)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("modules.matrix", ref=ref))
        except DomainError as exc:
            db.session.rollback()
            form = FormResult(values, None, {}).fail(exc)
            status = exc.status
    return render_template(
        "tenants/modules_settings.html",
        community=community,
        module=module,
        label=modules.module_label(module),
        fields=settings_fields(schema),
        form=form,
        breadcrumb=breadcrumb(community),
    ), status


# --- the sidebar's module section -----------------------------------------------------------
#
# A plugin's entries (``NavEntry(module=...)``) point at a CommunityBlueprint view (shown at a
# community where the module is on) or at a RollupBlueprint view (shown at a street or district
# with a community beneath where it is on). Which one is read from the endpoint's blueprint, so
# an entry cannot name the wrong kind of place.

PLACE_KINDS = (NodeKind.COMMUNITY, NodeKind.STREET, NodeKind.DISTRICT)


def _module_entries() -> list[NavEntry]:
    from flask import current_app

    return [e for e in current_app.extensions["jiedao.navigation"] if e.module]


def _place_arg(entry: NavEntry) -> str | None:
    """``"community"`` or ``"node"``: the URL argument of the entry's plugin blueprint."""
    from flask import current_app

    blueprint = current_app.blueprints.get(entry.endpoint.rpartition(".")[0])
    return getattr(blueprint, "place_arg", None) or None


def _entry_urls(community: Node) -> dict[str, str]:
    """The first navigation entry of each enabled module the user may use, for ``community``."""
    scope = current_scope()
    enabled = modules.enabled_modules(db.session, community.id)
    urls: dict[str, str] = {}
    for entry in _module_entries():
        if (
            entry.module in enabled
            and entry.module not in urls
            and _place_arg(entry) == "community"
            and (entry.permission is None or scope.allows(entry.permission, community.path))
        ):
            urls[entry.module] = url_for(entry.endpoint, community=community.ref)
    return urls


def _context_place() -> Node | None:
    """The community, street or district the user is working at: the one in the URL (a plugin
    page's place, a tree page's node), else their only root node."""
    place = g.get("place") or g.get("node_in_view")
    if place is not None and place.kind in PLACE_KINDS:
        return place
    roots = current_scope().nodes("tenants.view")
    if len(roots) == 1 and roots[0].kind in PLACE_KINDS:
        return db.session.get(Node, roots[0].id)
    return None


def _running_beneath(place: Node, candidates: set[str]) -> set[str]:
    """Which of ``candidates`` are on at one community or more beneath a street or district.

    One SELECT of an EXISTS per module, each walking the place's communities by ``parent_id``
    (a community's parent is always a street) and probing the (community, module) key, so it
    stops at the first community where the module is on and never reads grids or buildings.
    """
    if not candidates:
        return set()
    if place.kind == NodeKind.STREET:
        beneath = Node.parent_id == place.id
    else:
        streets = sa.select(Node.id).where(Node.parent_id == place.id)
        beneath = Node.parent_id.in_(streets.scalar_subquery())
    ordered = sorted(candidates)
    state = modules.ModuleState
    checks = [
        sa.exists().where(
            beneath,
            sa.exists().where(
                state.community_id == Node.id, state.module == module, state.enabled.is_(True)
            ),
        )
        for module in ordered
    ]
    row = db.session.execute(sa.select(*checks)).one()
    return {module for module, on in zip(ordered, row, strict=True) if on}


def module_nav_context() -> dict[str, Any]:
    """``module_nav``: the place's name and its plugin entries as (label, url, active)."""
    if not current_user.is_authenticated or request.endpoint == "static":
        return {}
    place = _context_place()
    if place is None:
        return {}
    place_arg = "community" if place.kind == NodeKind.COMMUNITY else "node"
    scope = current_scope()
    system = modules.plugin_system()
    usable = [
        entry
        for entry in _module_entries()
        if _place_arg(entry) == place_arg
        and system.is_active(entry.module)
        and (entry.permission is None or scope.allows(entry.permission, place.path))
    ]
    if not usable:
        return {}
    if place_arg == "community":
        running = modules.enabled_modules(db.session, place.id)
    else:
        running = _running_beneath(place, {entry.module for entry in usable})
    entries = [
        (
            entry.label,
            url_for(entry.endpoint, **{place_arg: place.ref}),
            request.endpoint == entry.endpoint,
        )
        for entry in usable
        if entry.module in running
    ]
    if not entries:
        return {}
    return {"module_nav": {"place": place, "entries": entries}}


@bp.get("/n/<ref>/exports/<name>.<fmt>")
@login_required
def export(ref: str, name: str, fmt: str):
    """A plugin ledger as xlsx or CSV, with the user's scope applied; the download is audited."""
    from flask import Response

    from core import audit
    from core.reports import write_csv, write_xlsx

    node = load_node(ref)
    found = modules.exports().get(name)
    if (
        found is None
        or fmt not in ("xlsx", "csv")
        or not modules.plugin_system().is_active(found.module)
    ):
        raise NotFound()
    require(found.permission, node.path)
    rows = found.rows(
        db.session, modules.export_scope(node.as_ref(), found), request.args.to_dict()
    )
    if fmt == "xlsx":
        body = write_xlsx(found.columns, rows, str(found.label))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = write_csv(found.columns, rows)
        mimetype = "text/csv; charset=utf-8"
    audit.record(
        "export",
        node=node.as_ref(),
        object_type="export",
        object_id=name,
        summary=_("Exported %(name)s of %(place)s", name=str(found.label), place=node.name),
        details={"format": fmt, "filters": request.args.to_dict()},
    )
    db.session.commit()
    filename = f"{name}-{node.ref}.{fmt}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )

"""Module pages: installed plugins, the communities × modules matrix, per-community settings;
and the module context of the sidebar."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from core import audit, exchange, jobs
from core.api import Page, page_args
from core.db import db
from core.errors import DomainError
from core.forms import FormResult, empty_form
from core.navigation import NavEntry
from core.permissions import can, current_scope, permission_required, require
from core.plugins import CORE_AREAS
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
        # One click switches a module on at one community; switching off, or switching every
        # community of a street or district, goes through the page that shows what changes.
        target = load_node(request.form.get("target") or ref)
        require("modules.manage", target.path)
        module = request.form.get("module", "")
        if request.form.get("action") == "disable" or target.kind != NodeKind.COMMUNITY:
            switch = "off" if request.form.get("action") == "disable" else "on"
            return redirect(
                url_for("modules.switch", ref=target.ref, module=module, switch=switch, back=ref)
            )
        try:
            _switched(modules.enable(db.session, target, module), module)
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


def _switched(result: modules.SwitchResult, module: str) -> None:
    """Commit a switch and say what it changed."""
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


PREVIEW_ROWS = 200  # communities listed by name on a switch's page; the rest are counted


def _module_pages(module: str) -> list[str]:
    """The sidebar entries ``module`` shows at a community: the pages switching it off hides."""
    return [
        str(e.label)
        for e in _module_entries()
        if e.module == module and _place_arg(e) == "community"
    ]


@bp.route("/n/<ref>/modules/<module>/<any(on, off):switch>", methods=["GET", "POST"])
@login_required
def switch(ref: str, module: str, switch: str):
    """Switching ``module`` on or off at a community or at every community under ``ref``, after
    a page that shows the communities it changes and, switching off, what their users lose
    (the pages) and keep (the records, counted)."""
    node = load_node(ref)
    require("modules.manage", node.path)
    back = load_node(request.values.get("back") or ref)
    if module not in modules.plugin_system().plugins:
        raise NotFound()
    on = switch == "on"
    status = 200
    try:
        preview = modules.preview_switch(db.session, node, module, on=on)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("modules.matrix", ref=back.ref))
    if request.method == "POST" and not preview.refusals:
        apply = modules.enable if on else modules.disable
        try:
            _switched(apply(db.session, node, module), module)
            return redirect(url_for("modules.matrix", ref=back.ref))
        except DomainError as exc:
            db.session.rollback()
            preview.refusals.append(exc.message)
    if preview.refusals:
        status = 409 if request.method == "POST" else 200
    return render_template(
        "tenants/modules_switch.html",
        preview=preview,
        label=modules.module_label(module),
        pages=_module_pages(module),
        also=[modules.module_label(m) for m in preview.also],
        shown=preview.communities[:PREVIEW_ROWS],
        back=back,
        breadcrumb=breadcrumb(node),
    ), status


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
    core_areas = candidates & CORE_AREAS  # on in every community
    candidates = candidates - CORE_AREAS
    if not candidates:
        return core_areas
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
    return core_areas | {module for module, on in zip(ordered, row, strict=True) if on}


def modules_running_at(place: Node) -> set[str]:
    """The active modules on at ``place``: at its community (a community, grid or building), or
    at one community or more beneath a street or district."""
    if place.kind in (NodeKind.STREET, NodeKind.DISTRICT):
        names = {info.name for info in modules.plugin_system().active()}
        return _running_beneath(place, names)
    system = modules.plugin_system()
    on = modules.enabled_modules(db.session, place.community_id)
    return {module for module in on if system.is_active(module)}


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
        running = set(modules.enabled_modules(db.session, place.id)) | CORE_AREAS
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


def _export_target(ref: str, name: str, fmt: str) -> tuple[Node, Any]:
    """The node and the export of ``/n/<ref>/exports/<name>.<fmt>``: the node in the user's
    scope, the export known, in a known format and its module installed (404 otherwise), and
    the export's permission held there (403)."""
    node = load_node(ref)
    found = modules.exports().get(name)
    if (
        found is None
        or fmt not in ("xlsx", "csv")
        or not modules.plugin_system().is_active(found.module)
    ):
        raise NotFound()
    require(found.permission, node.path)
    return node, found


def _audit_export(
    node: Node, found: Any, fmt: str, filters: dict[str, str], columns: list[exchange.Column]
) -> None:
    audit.record(
        "export",
        node=node.as_ref(),
        object_type="export",
        object_id=found.name,
        summary=_l("Exported %(name)s of %(place)s", name=str(found.label), place=node.name),
        details={"format": fmt, "filters": filters, "columns": [c.key for c in columns]},
    )


@bp.get("/n/<ref>/exports/<name>.<fmt>")
@login_required
def export(ref: str, name: str, fmt: str):
    """A plugin ledger as xlsx or CSV, with the user's scope applied; the download is audited.
    ``?columns=key1,key2`` keeps those columns, in that order; the other arguments are the
    export's filters. Memory stays flat in the number of rows: the xlsx is built in a temporary
    file and sent from it, the CSV is sent while it is written. An export of more than
    ``JIEDAO_EXPORT_INLINE_ROWS`` rows runs as a background job: 202 and the job's page."""
    node, found = _export_target(ref, name, fmt)
    filters = request.args.to_dict()
    columns = exchange.select_columns(found.columns, filters.pop("columns", None))
    inline_rows = current_app.config["EXPORT_INLINE_ROWS"]
    # The rows are read in a session of their own, which a CSV keeps open while it is sent; the
    # request's session (the audit entries) is committed before the view returns.
    reader = Session(db.engine)
    try:
        rows = iter(found.rows(reader, modules.export_scope(node.as_ref(), found), filters))
        # Read here, so that a refused filter is a 4xx, not a broken file; one row more than
        # may be sent inline tells an export for the background.
        head = list(islice(rows, inline_rows + 1))
        if len(head) > inline_rows:
            reader.close()
            db.session.rollback()  # the job audits what it exports, as this request would
            return _start_export_job(node, found, fmt)
        rows = chain(head, rows)
        _audit_export(node, found, fmt, filters, columns)
        filename = f"{name}-{node.ref}.{fmt}"
        if fmt == "xlsx":
            response = _xlsx_response(columns, rows, str(found.label), filename)
            reader.close()
        else:
            response = _csv_response(columns, rows, filename, reader)
    except BaseException:
        reader.close()
        raise
    db.session.commit()
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_export_job(node: Node, found: Any, fmt: str) -> Response:
    job = jobs.start(
        "ledger_export",
        _("Export %(name)s of %(place)s", name=str(found.label), place=node.name),
        {"ref": node.ref, "name": found.name, "fmt": fmt, "args": request.args.to_dict()},
        node=node.as_ref(),
        path=request.path,
    )
    wants_json = request.accept_mimetypes.best_match(["text/html", MIMETYPE_JSON])
    return jobs.answer(job, api_request=wants_json == MIMETYPE_JSON)


MIMETYPE_JSON = "application/json"
PROGRESS_BATCH = 500  # rows between two progress notes of an export job


@jobs.handler("ledger_export")
def _export_job(params: dict[str, Any], progress: jobs.JobProgress) -> dict[str, Any]:
    """An export too large for a request, run as its user with the same checks, rows, masking
    and audit; the file waits in the jobs' folder for :func:`core.jobs.download`."""
    fmt = params["fmt"]
    node, found = _export_target(params["ref"], params["name"], fmt)
    filters = dict(params["args"])
    columns = exchange.select_columns(found.columns, filters.pop("columns", None))
    stored = f"{secrets.token_urlsafe(12)}.{fmt}"
    path = jobs.files_dir() / stored
    try:
        with Session(db.engine) as reader, path.open("wb") as target:
            scope = modules.export_scope(node.as_ref(), found)
            if found.total is not None:
                total, exact = found.total(reader, scope, filters)
                progress(0, total, estimated=not exact)
            rows = _counted(found.rows(reader, scope, filters), progress)
            if fmt == "xlsx":
                exchange.save_xlsx(columns, rows, str(found.label), target)
            else:
                for chunk in exchange.iter_csv(columns, rows):
                    target.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _audit_export(node, found, fmt, filters, columns)
    return {
        "file": stored,
        "filename": f"{found.name}-{node.ref}.{fmt}",
        "mimetype": exchange.XLSX_MIMETYPE if fmt == "xlsx" else exchange.CSV_MIMETYPE,
        "rows": progress.done,
    }


def _counted(rows: Iterable[dict], progress: jobs.JobProgress) -> Iterator[dict]:
    """The rows as they come, telling ``progress`` every :data:`PROGRESS_BATCH` of them."""
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_BATCH == 0:
            progress(PROGRESS_BATCH)
    progress(count % PROGRESS_BATCH)


def _xlsx_response(
    columns: list[exchange.Column], rows: Iterator[dict], title: str, filename: str
) -> Response:
    target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
    try:
        exchange.save_xlsx(columns, rows, title, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return send_file(
        target,
        mimetype=exchange.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=filename,
        etag=False,
        conditional=False,
    )


def _csv_response(
    columns: list[exchange.Column], rows: Iterator[dict], filename: str, reader: Session
) -> Response:
    def stream() -> Iterator[bytes]:
        try:
            yield from exchange.iter_csv(columns, rows)
        finally:
            reader.close()

    return Response(
        stream_with_context(stream()),
        mimetype=exchange.CSV_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )

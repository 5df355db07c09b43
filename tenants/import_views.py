"""Spreadsheet import and export pages and their JSON API.

Web flow: upload → the file is kept server-side under a random token and checked (a dry run) →
the report (row, column, value, reason) or the counts of what would change → confirm → the
import runs again from the kept file, in one transaction → the result (one-time passwords of
new accounts are shown on that page only, never stored in clear).

The same flow serves every import a plugin contributes (``jiedao_imports``), at a community:
``/n/<community>/imports/<name>`` (endpoint ``imports.ledger_import``, arguments ``ref`` and
``name``; ``?next=`` a page to return to). Templates link to it with
``ledger_import_url(name, community)``, which is None where the user may not import.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden, NotFound

from core import audit, exchange, jobs
from core.accounts.views import safe_local_path
from core.api import Operations
from core.db import db
from core.errors import DomainError
from core.permissions import current_scope, permission_required, require
from tenants import imports, modules
from tenants.models import Node, NodeKind
from tenants.views import NODE_QUERY, load_node

bp = Blueprint("imports", __name__, template_folder="templates")
api = Blueprint("imports_api", __name__, url_prefix="/api/v1")
ops = Operations(api, tags=["imports"])

XLSX = exchange.XLSX_MIMETYPE
STAGED_FOR = 24 * 3600  # seconds an unconfirmed upload is kept
# A ledger's sheet holds personal data (ID numbers, phones): kept an hour for the confirm step.
LEDGER_STAGED_FOR = 3600
KINDS = {"tree": "tenants.manage", "users": "users.manage"}


# --- helpers -------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> Response:
    response = make_response(content)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return time.strftime("%Y%m%d")


def _node_for(ref: str | None, permission: str) -> Node | None:
    """A node in the user's scope (404 otherwise, as for a node that does not exist) where they
    hold ``permission`` (403 if they only see it)."""
    if not ref:
        return None
    node = load_node(ref)
    require(permission, node.path)
    return node


def _staging_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _expired(meta_path: Path, now: float) -> bool:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        lifetime = float(meta.get("lifetime", STAGED_FOR))
        return now - meta_path.stat().st_mtime > lifetime
    except (OSError, ValueError):
        return True


def _stage(
    kind: str, filename: str, content: bytes, under: Node | None, lifetime: int = STAGED_FOR
) -> str:
    """Keep an upload until it is confirmed (or for ``lifetime`` seconds); returns its token.
    Expired uploads of anyone are removed on the way."""
    folder = _staging_dir()
    now = time.time()
    for old in folder.glob("*.json"):
        if _expired(old, now):
            old.unlink(missing_ok=True)
            old.with_suffix(".bin").unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.bin").write_bytes(content)
    meta = {
        "user_id": current_user.id,
        "kind": kind,
        "filename": filename,
        "under": under.ref if under is not None else None,
        "lifetime": lifetime,
    }
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _staged(kind: str, token: str) -> tuple[dict[str, Any], bytes]:
    """The kept upload of this user; a stale or foreign token is a clear 422, not a 500."""
    folder = _staging_dir()
    meta_path = folder / f"{token}.json"
    if (
        not token.replace("-", "").replace("_", "").isalnum()
        or not meta_path.is_file()
        or _expired(meta_path, time.time())
    ):
        raise DomainError(_("This upload has expired. Choose the file again."))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id or meta.get("kind") != kind:
        raise DomainError(_("This upload has expired. Choose the file again."))
    return meta, (folder / f"{token}.bin").read_bytes()


def _unstage(token: str) -> None:
    folder = _staging_dir()
    (folder / f"{token}.json").unlink(missing_ok=True)
    (folder / f"{token}.bin").unlink(missing_ok=True)


def _run(kind: str, filename: str, content: bytes, *, dry_run: bool, under: Node | None) -> Any:
    """One import in one transaction: committed if it wrote and all was well, else rolled back."""
    if kind == "tree":
        result = imports.import_tree(
            db.session, filename, content, scope=current_scope(), dry_run=dry_run, under=under
        )
    else:
        result = imports.import_users(
            db.session, filename, content, scope=current_scope(), dry_run=dry_run
        )
    if result.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def _upload() -> tuple[str, bytes] | None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read()


# --- pages ---------------------------------------------------------------------------------


def _page(kind: str, *, under: Node | None = None, status: int = 200, **context: Any):
    response = make_response(
        render_template(
            "tenants/import.html",
            kind=kind,
            under=under,
            title=_("Import places") if kind == "tree" else _("Import users"),
            **context,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # one-time passwords must not be cached
    return response


def _import_page(kind: str):
    under = _node_for(request.values.get("node"), KINDS[kind]) if kind == "tree" else None
    if request.method == "GET":
        return _page(kind, under=under)
    token = request.form.get("token", "")
    if token:  # confirm a checked upload
        meta, content = _staged(kind, token)
        if meta["under"] and (under is None or under.ref != meta["under"]):
            under = _node_for(meta["under"], KINDS[kind])
        result = _run(kind, meta["filename"], content, dry_run=False, under=under)
        if result.ok:
            _unstage(token)
        return _page(kind, under=under, result=result, status=200 if result.ok else 422)
    upload = _upload()
    if upload is None:
        return _page(kind, under=under, status=422, file_error=_("Choose a file to import."))
    filename, content = upload
    result = _run(kind, filename, content, dry_run=True, under=under)
    if not result.ok:
        return _page(kind, under=under, result=result, status=422)
    token = _stage(kind, filename, content, under) if (result.created or result.updated) else ""
    return _page(kind, under=under, result=result, token=token)


@bp.route("/imports/tree", methods=["GET", "POST"])
@permission_required("tenants.manage")
def tree_import():
    return _import_page("tree")


@bp.route("/imports/users", methods=["GET", "POST"])
@permission_required("users.manage")
def users_import():
    return _import_page("users")


@bp.get("/imports/tree/template.xlsx")
@permission_required("tenants.manage")
def tree_template():
    return _xlsx(imports.tree_template_xlsx(), "tree-template.xlsx")


@bp.get("/imports/users/template.xlsx")
@permission_required("users.manage")
def users_template():
    return _xlsx(imports.users_template_xlsx(), "users-template.xlsx")


def _export_tree() -> Response:
    ref = request.args.get("node")
    if ref:
        roots = [_node_for(ref, "tenants.view")]
    else:
        ids = [n.id for n in current_scope().nodes("tenants.view")]
        roots = list(db.session.scalars(sa.select(Node).where(Node.id.in_(ids))))
    name = f"tree-{ref or 'all'}-{_stamp()}.xlsx"
    return _xlsx(imports.export_tree(db.session, roots), name)


def _export_users() -> Response:
    from core.permissions import Scope

    scope = current_scope()
    ref = request.args.get("node")
    if ref:
        node = _node_for(ref, "users.manage")
        scope = Scope(scope.user_id, [("users.manage", node.as_ref())])
    return _xlsx(imports.export_users(db.session, scope), f"users-{ref or 'all'}-{_stamp()}.xlsx")


@bp.get("/exports/tree.xlsx")
@permission_required("tenants.view")
def tree_export():
    return _export_tree()


@bp.get("/exports/users.xlsx")
@permission_required("users.manage")
def users_export():
    return _export_users()


# --- API -----------------------------------------------------------------------------------

FILE_PARAMS = [
    {"in": "query", "name": "dry_run", "schema": {"type": "boolean"}},
]


def _api_import(kind: str):
    upload = _upload()
    if upload is None:
        raise DomainError(_("Choose a file to import."), {"file": [_("Choose a file to import.")]})
    under = _node_for(request.args.get("node"), KINDS[kind]) if kind == "tree" else None
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    result = _run(kind, upload[0], upload[1], dry_run=dry_run, under=under)
    body = result.as_dict()
    if not result.ok:
        message = _("%(count)s problems; nothing was imported.", count=len(result.errors))
        return jsonify(
            {
                "error": {
                    "code": "invalid_rows",
                    "message": message,
                    "fields": {},
                    "rows": result.errors,
                },
                "report": body,
            }
        ), 422
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@ops.post(
    "/imports/tree",
    "tenants.manage",
    "Import streets, communities, grids and buildings from a multipart 'file' (.xlsx, or .csv in "
    "UTF-8 or GBK). Every row is checked first; any problem → 422 with the rows and nothing "
    "written. ?dry_run=1 only checks. ?node=REF: parent of grid/building rows without one. "
    "Returns created/updated/unchanged counts.",
    parameters=[*FILE_PARAMS, NODE_QUERY],
)
def api_tree_import():
    return _api_import("tree")


@ops.post(
    "/imports/users",
    "users.manage",
    "Import users, one row per role (multipart 'file'). New accounts get a one-time password, "
    "returned once in new_accounts; they must change it at first sign-in. ?dry_run=1 only checks.",
    parameters=FILE_PARAMS,
)
def api_users_import():
    return _api_import("users")


@ops.get(
    "/exports/tree",
    "tenants.view",
    "The tree in your scope (or ?node=REF's subtree) as xlsx in the import format",
    parameters=[NODE_QUERY],
)
def api_tree_export():
    return _export_tree()


@ops.get(
    "/exports/users",
    "users.manage",
    "Users in your scope with their roles, as xlsx in the import format",
    parameters=[NODE_QUERY],
)
def api_users_export():
    return _export_users()


@ops.get(
    "/imports/<kind>/template",
    "tenants.view",
    "The import template (tree or users): Chinese headers and an example row",
    parameters=[{"in": "path", "name": "kind", "required": True, "schema": {"type": "string"}}],
)
def api_template(kind: str):
    if kind == "tree":
        return _xlsx(imports.tree_template_xlsx(), "tree-template.xlsx")
    if kind == "users":
        return _xlsx(imports.users_template_xlsx(), "users-template.xlsx")
    raise NotFound()


# --- plugin ledger imports at a community ------------------------------------------------


def ledger_import_target(ref: str, name: str, *, writing: bool = False) -> tuple[Node, Any]:
    """The community and the import for ``/n/<ref>/imports/<name>``, with the API's checks: the
    community in the user's scope (404), the import known (404), its module on there (422) and
    the import's permission held there (403); writing at an archived community is refused."""
    community = load_node(ref)
    spec = modules.imports().get(name)
    if spec is None or community.kind != NodeKind.COMMUNITY:
        raise NotFound()
    if not modules.is_enabled(db.session, community.id, spec.module):
        raise DomainError(
            _(
                "The module %(module)s is not enabled in %(place)s.",
                module=modules.module_label(spec.module),
                place=community.name,
            )
        )
    require(spec.permission, community.path)
    if writing and community.is_archived:
        exc = Forbidden()
        exc.jiedao_message = _("An archived node is read-only.")
        raise exc
    return community, spec


def run_ledger_import(
    community: Node,
    spec: Any,
    filename: str,
    content: bytes,
    *,
    dry_run: bool,
    progress: exchange.Progress | None = None,
) -> exchange.ImportReport:
    """Read the upload (a refusal naming ``file`` if it cannot be), check and write every row
    (:func:`core.exchange.run_import`) and audit an import that wrote. The caller commits."""
    table = exchange.read_upload(filename, content, stream=True)  # held a batch at a time
    report = exchange.run_import(
        db.session, spec, table, community, dry_run=dry_run, progress=progress
    )
    if report.ok and not dry_run:
        audit.record(
            "import",
            node=community.as_ref(),
            object_type="import",
            object_id=spec.name,
            summary=_l(
                "Imported %(count)s rows of %(name)s", count=report.written, name=str(spec.label)
            ),
            details={"file": filename, "rows": report.written},
        )
    return report


def import_warnings(report: exchange.ImportReport) -> dict[str, Any]:
    """``{"warnings": [...]}`` for an answer when rows were taken with a warning, else ``{}``."""
    return {"warnings": report.warnings} if report.warnings else {}


def import_refusal(report: exchange.ImportReport) -> tuple[dict[str, Any], int]:
    """The API's answer to an import with problems: every problem in ``rows``; 409 when each
    one is a conflict with data already there (a duplicate), else 422."""
    body = {
        "error": {
            "code": "conflict" if report.conflict else "invalid_rows",
            "message": report.message(),
            "fields": report.fields(),
            "rows": report.errors,
        }
    }
    return body, 409 if report.conflict else 422


def _ledger_page(community: Node, spec: Any, *, status: int = 200, **context: Any):
    response = make_response(
        render_template(
            "tenants/ledger_import.html",
            community=community,
            spec=spec,
            guide=exchange.column_guide(spec.columns, spec.schema),
            back=safe_local_path(request.values.get("next")),
            **context,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _ledger_run(
    community: Node,
    spec: Any,
    filename: str,
    content: bytes,
    *,
    dry_run: bool,
    progress: exchange.Progress | None = None,
) -> exchange.ImportReport:
    report = run_ledger_import(
        community, spec, filename, content, dry_run=dry_run, progress=progress
    )
    if report.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return report


@bp.route("/n/<ref>/imports/<name>", methods=["GET", "POST"])
@login_required
def ledger_import(ref: str, name: str):
    """Upload → check (a dry run: every check the import runs) → the report, or confirm → the
    import of exactly the checked file, kept server-side under a token until then."""
    community, spec = ledger_import_target(ref, name, writing=request.method == "POST")
    if request.method == "GET":
        return _ledger_page(community, spec)
    kind = f"ledger:{name}"
    token = request.form.get("token", "")
    if token:
        meta, content = _staged(kind, token)
        if meta.get("under") != community.ref:
            raise DomainError(_("This upload has expired. Choose the file again."))
        if runs_in_background(meta["filename"], content):
            return _start_ledger_import(community, spec, token, dry_run=False)
        report = _ledger_run(community, spec, meta["filename"], content, dry_run=False)
        _unstage(token)  # spent either way: a refused file is corrected and chosen again
        if not report.ok:
            return _ledger_page(
                community, spec, report=report, filename=meta["filename"], status=422
            )
        flash(
            _(
                "Imported %(count)s rows into %(name)s.",
                count=report.written,
                name=str(spec.label),
            ),
            "success",
        )
        back = safe_local_path(request.form.get("next"))
        return redirect(back or url_for("imports.ledger_import", ref=ref, name=name))
    upload = _upload()
    if upload is None:
        return _ledger_page(community, spec, status=422, file_error=_("Choose a file to import."))
    filename, content = upload
    if runs_in_background(filename, content):
        token = _stage(kind, filename, content, community, LEDGER_STAGED_FOR)
        return _start_ledger_import(community, spec, token, dry_run=True)
    try:
        report = _ledger_run(community, spec, filename, content, dry_run=True)
    except DomainError as exc:  # the file itself: unreadable, empty, too long
        db.session.rollback()
        return _ledger_page(community, spec, status=exc.status, file_error=exc.message)
    if not report.ok:
        return _ledger_page(community, spec, report=report, filename=filename, status=422)
    if not report.written:
        return _ledger_page(
            community, spec, status=422, file_error=_("The file has no rows to import.")
        )
    token = _stage(kind, filename, content, community, LEDGER_STAGED_FOR)
    return _ledger_page(community, spec, report=report, filename=filename, token=token)


# --- large ledger imports: background jobs --------------------------------------------------


def runs_in_background(filename: str, content: bytes) -> bool:
    """Whether an upload has more rows than ``JIEDAO_IMPORT_INLINE_ROWS`` (by an estimate that
    does not parse it): then it is checked and imported by a job, not in the request."""
    return exchange.estimate_rows(filename, content) > current_app.config["IMPORT_INLINE_ROWS"]


def _start_ledger_import(
    community: Node, spec: Any, token: str, *, dry_run: bool, api_request: bool = False
) -> Response:
    """Queue the check (``dry_run``) or the import of the staged upload ``token``: 202 with the
    job, whose page shows the report (and, after a good check, the confirm button)."""
    title = _("Import %(name)s", name=str(spec.label))
    job = jobs.start(
        "ledger_import",
        f"{title} · {community.name}",
        {
            "ref": community.ref,
            "name": spec.name,
            "token": token,
            "dry_run": dry_run,
            "next": safe_local_path(request.values.get("next")),
        },
        node=community.as_ref(),
        path=request.path,
    )
    return jobs.answer(job, api_request=api_request)


def start_api_import(
    community: Node, spec: Any, filename: str, content: bytes, *, dry_run: bool
) -> Response:
    """The API's import of a large file: staged and run as a job (202, ``GET /api/v1/jobs/<id>``
    for its report)."""
    token = _stage(f"ledger:{spec.name}", filename, content, community, LEDGER_STAGED_FOR)
    return _start_ledger_import(community, spec, token, dry_run=dry_run, api_request=True)


@jobs.handler("ledger_import")
def _ledger_import_job(params: dict[str, Any], progress: jobs.JobProgress) -> dict[str, Any]:
    """Check or import a staged upload as the page would, all or nothing; the upload stays
    staged only after a good check, for the confirm."""
    community, spec = ledger_import_target(params["ref"], params["name"], writing=True)
    token = params["token"]
    meta, content = _staged(f"ledger:{spec.name}", token)
    if meta.get("under") != community.ref:
        raise DomainError(_("This upload has expired. Choose the file again."))
    dry_run = bool(params["dry_run"])
    try:
        report = _ledger_run(
            community, spec, meta["filename"], content, dry_run=dry_run, progress=progress
        )
    except BaseException:
        _unstage(token)
        raise
    confirmable = dry_run and report.ok and bool(report.written)
    if not confirmable:
        _unstage(token)
    return {
        "ref": community.ref,
        "name": spec.name,
        "label": str(spec.label),
        "filename": meta["filename"],
        "dry_run": dry_run,
        "ok": report.ok,
        "written": report.written,
        "errors": report.errors,
        "warnings": report.warnings,
        "message": report.message() or None,
        "conflict": report.conflict,
        "token": token if confirmable else None,
        "next": params.get("next"),
    }


jobs.result_template("ledger_import", "tenants/_ledger_import_job.html")


@bp.get("/n/<ref>/imports/<name>/template.xlsx")
@login_required
def ledger_template(ref: str, name: str):
    """The import's header row (its column labels) and no example row: an example left in by
    mistake would be imported as a record (a made-up resident with a made-up ID number)."""
    _community, spec = ledger_import_target(ref, name)
    content = exchange.template_xlsx(
        spec.columns, (), str(spec.label), typed=exchange.typed_columns(spec.columns, spec.schema)
    )
    return _xlsx(content, f"{name}-template.xlsx")


def ledger_imports_at(node: Any) -> list[tuple[str, str]]:
    """(label, URL) of each import the user may run at ``node`` (a community whose module is
    on, holding the import's permission there); empty elsewhere."""
    if (
        node is None
        or not current_user.is_authenticated
        or getattr(node, "kind", None) != NodeKind.COMMUNITY
        or getattr(node, "is_archived", False)
    ):
        return []
    enabled = modules.enabled_modules(db.session, node.id)
    scope = current_scope()
    return [
        (str(spec.label), url_for("imports.ledger_import", ref=node.ref, name=spec.name))
        for spec in modules.imports().values()
        if spec.module in enabled and scope.allows(spec.permission, node.path)
    ]


def ledger_import_url(name: str, community: Any, back: str | None = None) -> str | None:
    """The import page of ``name`` at ``community`` if the user may import there, else None:
    ``{% set url = ledger_import_url('registry.residents', g.community) %}``."""
    if (
        community is None
        or not current_user.is_authenticated
        or getattr(community, "kind", None) != NodeKind.COMMUNITY
        or getattr(community, "is_archived", False)
    ):
        return None
    spec = modules.imports().get(name)
    if (
        spec is None
        or not current_scope().allows(spec.permission, community.path)
        or not modules.is_enabled(db.session, community.id, spec.module)
    ):
        return None
    return url_for("imports.ledger_import", ref=community.ref, name=name, next=back)


@bp.app_context_processor
def _import_links() -> dict[str, Any]:
    """``may_import(permission)`` for the import/export links on the tree pages;
    ``ledger_import_url`` and ``ledger_imports_at`` for plugin ledgers' "import" buttons."""

    def may_import(permission: str) -> bool:
        return bool(current_user.is_authenticated and current_scope().holds_anywhere(permission))

    return {
        "may_import": may_import,
        "ledger_import_url": ledger_import_url,
        "ledger_imports_at": ledger_imports_at,
    }

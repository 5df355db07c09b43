"""Pages (``/c/<community>/changes/…``) and API (``/api/v1/c/<community>/changes/…``) of change
reports. Both check, before any view runs: signed in, the community exists and the user reports
or verifies there (at the community, above it, or at one of its buildings), and some module that
applies change kinds is on there — otherwise 404. Views are thin; :mod:`services` does the work.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden, NotFound

from core.api import api_doc, json_body, paginate
from core.attachments import IMAGES, add_attachment, attachment_file_response, attachments_of
from core.attachments.models import Attachment
from core.changes import services
from core.changes.kinds import ChangeKind, kinds_at
from core.changes.models import ChangeReport
from core.changes.services import REPORT, SENSITIVE, STATES, VERIFY
from core.db import db
from core.errors import DomainError
from core.forms import FormResult, empty_form, refused
from core.permissions import current_scope
from core.records.sensitivity import protect
from core.tenancy import node_model
from core.validation import Schema

bp = Blueprint("changes", __name__, template_folder="templates")
api = Blueprint("changes_api", __name__, url_prefix="/api/v1/c/<community>/changes")
PAGES = "/c/<community>/changes"


# --- the community guard ----------------------------------------------------------------------


def _take_community(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.change_community_ref = (values or {}).pop("community", None)


def _give_community(_endpoint: str, values: dict[str, Any]) -> None:
    community = g.get("community")
    if community is not None and "community" not in values:
        values["community"] = community.ref


def _guard() -> Any:
    """Signed in; the community reachable for reporting or verifying; a kind on there."""
    ref = g.get("change_community_ref")
    if ref is None:  # the pages without a community (start, queue)
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    node = node_model()
    community = db.session.scalar(sa.select(node).where(node.ref == ref, node.kind == "community"))
    scope = current_scope()
    if community is None or not (
        services.reaches(scope, REPORT, community.as_ref())
        or services.reaches(scope, VERIFY, community.as_ref())
    ):
        raise NotFound()
    kinds = kinds_at(db.session, community.id)
    if not kinds:
        exc = NotFound()
        exc.jiedao_message = _(
            "No module that takes change reports is enabled in %(place)s.", place=community.name
        )
        raise exc
    if request.method not in {"GET", "HEAD", "OPTIONS"} and community.is_archived:
        exc = Forbidden()
        exc.jiedao_message = _("An archived node is read-only.")
        raise exc
    g.community, g.place, g.change_kinds = community, community, kinds
    return None


for blueprint in (bp, api):
    blueprint.url_value_preprocessor(_take_community)
    blueprint.url_defaults(_give_community)
    blueprint.before_request(_guard)


def _report_or_404(report_id: int) -> ChangeReport:
    report = services.get_report(db.session, current_scope(), g.community.as_ref(), report_id)
    if report is None:
        raise NotFound()
    return report


def _may(permission: str, report: ChangeReport | None = None) -> bool:
    scope = current_scope()
    if report is None:
        return services.reaches(scope, permission, g.community.as_ref())
    building = db.session.get(node_model(), report.node_id)
    return scope.allows(permission, building.path)


def _unmasked(report: ChangeReport) -> bool:
    """Facts in clear: only for a holder of ``changes.sensitive.view`` who asks (audited)."""
    if request.args.get("unmask") != "1" or not _may(SENSITIVE, report):
        return False
    services.audit_unmask(db.session, report)
    db.session.commit()
    return True


def _building(ref: str | None) -> Any:
    """The building the user reports for: the one named, else their first."""
    buildings = services.report_buildings(db.session, current_scope(), g.community.as_ref())
    if not buildings:
        raise Forbidden()
    if not ref:
        return buildings[0]
    for building in buildings:
        if ref in (building.ref, building.code):
            return building
    services.refuse("building", _("You cannot report for this building."))


def _form_facts(kind: ChangeKind) -> dict[str, Any]:
    """The kind's fields as the form sent them (empty ones left out)."""
    return {
        name: request.form[name].strip()
        for name in kind.schema().fields
        if request.form.get(name, "").strip()
    }


# --- pages without a community ---------------------------------------------------------------


def _first_community(permission: str) -> Any:
    """The community of the user's first place for ``permission``, if it is one community."""
    node = node_model()
    for place in current_scope().nodes(permission):
        if place.kind in ("community", "building", "grid"):
            found = db.session.get(node, place.id)
            return db.session.get(node, found.community_id) if place.kind != "community" else found
    return None


@bp.get("/changes/")
@login_required
def start():
    """信息反馈 from the sidebar: the reporter's community."""
    community = _first_community(REPORT) or _first_community(VERIFY)
    if community is None:
        raise NotFound()
    return redirect(url_for("changes.index", community=community.ref))


@bp.get("/changes/queue")
@login_required
def queue():
    """待核实 from the sidebar: the worker's community, reports waiting to be verified."""
    community = _first_community(VERIFY)
    if community is None:
        raise NotFound()
    return redirect(url_for("changes.index", community=community.ref, status="reported"))


# --- community pages --------------------------------------------------------------------------


@bp.get(f"{PAGES}/")
def index():
    """The reports of the community the user may read: a leader's building, a worker's all."""
    status = request.args.get("status") or ""
    modules = {k.module for k in g.change_kinds.values()}
    stmt = sa.select(ChangeReport).where(
        services.visible_clause(current_scope(), g.community.as_ref(), modules)
    )
    if status in STATES:
        stmt = stmt.where(ChangeReport.status == status)
    if request.args.get("mine") == "1":
        stmt = stmt.where(ChangeReport.reporter_id == current_user.id)
    page = paginate(stmt.order_by(ChangeReport.id.desc()))
    buildings = {
        n.id: n.name
        for n in db.session.scalars(
            sa.select(node_model()).where(
                node_model().id.in_({r.node_id for r in page.items} or {0})
            )
        )
    }
    return render_template(
        "changes/index.html",
        page=page,
        status=status,
        states=STATES,
        kinds=g.change_kinds,
        buildings=buildings,
        may_report=_may(REPORT),
        may_verify=_may(VERIFY),
    )


def _render_new(kind: ChangeKind | None, form: FormResult, building: Any, status: int = 200):
    buildings = services.report_buildings(db.session, current_scope(), g.community.as_ref())
    options = (
        {name: opts(db.session, building.as_ref()) for name, opts in kind.subjects.items()}
        if kind is not None
        else {}
    )
    fields = list(kind.schema().fields.items()) if kind is not None else []
    return (
        render_template(
            "changes/new.html",
            kind=kind,
            kinds=g.change_kinds,
            form=form,
            fields=fields,
            options=options,
            building=building,
            buildings=buildings,
        ),
        status,
    )


@bp.route(f"{PAGES}/new", methods=["GET", "POST"])
def new():
    """上报: pick the kind (big buttons), then its facts, a note and a photo."""
    if not _may(REPORT):
        raise Forbidden()
    key = request.values.get("kind") or ""
    kind = g.change_kinds.get(key)
    if key and kind is None:
        raise NotFound()
    try:
        building = _building(request.values.get("building"))
    except DomainError as exc:
        building = _building(None)
        return _render_new(kind, empty_form(**request.form).fail(exc), building, exc.status)
    if request.method == "GET" or kind is None:
        return _render_new(kind, empty_form(building=building.ref), building)
    form = empty_form(**request.form.to_dict())
    try:
        report = services.submit(
            db.session,
            g.community,
            building.as_ref(),
            kind.key,
            _form_facts(kind),
            request.form.get("note", ""),
        )
        photo = request.files.get("photo")
        if photo is not None and photo.filename:
            add_attachment(
                db.session,
                report,
                photo,
                module=services.MODULE_FOLDER,
                owner_type=services.OWNER_TYPE,
                types=IMAGES,
                field="photo",
            )
    except DomainError as exc:
        return _render_new(kind, form, building, refused(form, exc))
    db.session.commit()
    flash(_("Reported. A worker of the community will verify it."), "success")
    return redirect(url_for("changes.detail", report_id=report.id), 303)


def _render_detail(report: ChangeReport, form: FormResult | None = None, status: int = 200):
    kind = g.change_kinds.get(report.kind)
    if kind is None:  # a kind its module no longer declares
        raise NotFound()
    unmasked = _unmasked(report)
    building = db.session.get(node_model(), report.node_id)
    steps = [
        s
        for s in services.WORKFLOW.next_steps(report)
        if _may(REPORT if s == "resubmit" else VERIFY, report)
    ]
    fields = list(kind.schema().fields.items()) if kind else []
    options = {name: opts(db.session, building.as_ref()) for name, opts in kind.subjects.items()}
    if form is None:
        # The correction form starts from the facts; S2 ones are left blank unless shown in
        # clear (leaving them blank keeps them).
        shown = protect(kind.schema(), dict(report.facts), unmasked)
        form = empty_form(**{k: v for k, v in shown.items() if v == report.facts.get(k)})
    return (
        render_template(
            "changes/detail.html",
            report=report,
            kind=kind,
            facts=services.facts_for(db.session, kind, report, unmasked),
            unmasked=unmasked,
            may_unmask=_may(SENSITIVE, report),
            building=building,
            states=STATES,
            steps=steps,
            step_labels=services.WORKFLOW.actions,
            timeline=services.WORKFLOW.timeline(db.session, report),
            photos=attachments_of(db.session, services.OWNER_TYPE, report.id),
            fields=fields,
            options=options,
            form=form,
        ),
        status,
    )


@bp.get(f"{PAGES}/<int:report_id>")
def detail(report_id: int):
    return _render_detail(_report_or_404(report_id))


@bp.post(f"{PAGES}/<int:report_id>/<step>")
def step(report_id: int, step: str):
    """核实 / 办结 / 退回 / 不予采纳 / 再次上报; a refusal shows on the report's page (4xx)."""
    report = _report_or_404(report_id)
    kind = g.change_kinds.get(report.kind)
    data: dict[str, Any] = {"comment": request.form.get("comment", "")}
    if step in ("verify", "resubmit") and kind is not None:
        data["facts"] = _form_facts(kind)
    try:
        services.take_step(db.session, report, step, data)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        form = empty_form(**request.form.to_dict()).fail(exc)
        return _render_detail(_report_or_404(report_id), form, exc.status)
    db.session.commit()
    flash(
        _("%(step)s: done.", step=str(services.WORKFLOW.actions.get(step, step))),
        "success",
    )
    return redirect(url_for("changes.detail", report_id=report.id), 303)


@bp.get(f"{PAGES}/photos/<int:attachment_id>")
def photo(attachment_id: int):
    """A report's photo, for those who may read the report (404 otherwise)."""
    attachment = db.session.scalar(
        sa.select(Attachment).where(
            Attachment.id == attachment_id,
            Attachment.owner_type == services.OWNER_TYPE,
            Attachment.community_id == g.community.id,
        )
    )
    if attachment is None:
        raise NotFound()
    _report_or_404(attachment.owner_id)
    return attachment_file_response(attachment)


# --- API ----------------------------------------------------------------------------------------


class ReportInSchema(Schema):
    kind = ma.fields.String(required=True)
    building = ma.fields.String(load_default=None)
    facts = ma.fields.Dict(required=True)
    note = ma.fields.String(load_default="")


class StepInSchema(Schema):
    comment = ma.fields.String(load_default="")
    on = ma.fields.Date(load_default=None)
    facts = ma.fields.Dict(load_default=None)


def _dump(report: ChangeReport) -> dict[str, Any]:
    kind = g.change_kinds.get(report.kind)
    return services.dump_report(db.session, report, kind, _unmasked(report))


@api.get("/kinds")
@api_doc(summary="Kinds of change reportable here, with their fields", tags=["changes"])
def api_kinds():
    return jsonify(
        {
            "items": [
                {
                    "key": kind.key,
                    "label": str(kind.label),
                    "module": kind.module,
                    "fields": list(kind.schema().fields),
                    "subjects": list(kind.subjects),
                }
                for kind in g.change_kinds.values()
            ]
        }
    )


@api.get("/reports")
@api_doc(summary="Change reports the user may read here (?status=)", tags=["changes"])
def api_reports():
    modules = {k.module for k in g.change_kinds.values()}
    stmt = sa.select(ChangeReport).where(
        services.visible_clause(current_scope(), g.community.as_ref(), modules)
    )
    status = request.args.get("status")
    if status:
        stmt = stmt.where(ChangeReport.status == status)
    page = paginate(stmt.order_by(ChangeReport.id.desc()))
    return jsonify(
        page.to_json(
            lambda r: services.dump_report(db.session, r, g.change_kinds.get(r.kind), False)
        )
    )


@api.post("/reports")
@api_doc(
    summary="上报: report a change at one of the user's buildings",
    request_schema=ReportInSchema,
    status=201,
    tags=["changes"],
)
def api_submit():
    if not _may(REPORT):
        raise Forbidden()
    data = json_body(ReportInSchema())
    try:
        building = _building(data["building"])
        report = services.submit(
            db.session,
            g.community,
            building.as_ref(),
            data["kind"],
            data["facts"],
            data["note"],
        )
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return jsonify(_dump(report)), 201


@api.get("/reports/<int:report_id>")
@api_doc(summary="One change report with its timeline (?unmask=1 for S2 facts)", tags=["changes"])
def api_report(report_id: int):
    report = _report_or_404(report_id)
    body = _dump(report)
    body["events"] = [
        services.WORKFLOW.dump_event(e) for e in services.WORKFLOW.timeline(db.session, report)
    ]
    return jsonify(body)


@api.post("/reports/<int:report_id>/<step>")
@api_doc(
    summary="A step: verify, approve, return, resubmit, reject",
    request_schema=StepInSchema,
    tags=["changes"],
)
def api_step(report_id: int, step: str):
    report = _report_or_404(report_id)
    data = json_body(StepInSchema())
    try:
        services.take_step(db.session, report, step, data)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return jsonify(_dump(report))


@api.post("/reports/<int:report_id>/photos")
@api_doc(summary="A photo of the report (multipart field ``photo``)", status=201, tags=["changes"])
def api_photo(report_id: int):
    report = _report_or_404(report_id)
    if not (_may(REPORT, report) or _may(VERIFY, report)):
        raise Forbidden()
    try:
        attachment = add_attachment(
            db.session,
            report,
            request.files.get("photo"),
            module=services.MODULE_FOLDER,
            owner_type=services.OWNER_TYPE,
            types=IMAGES,
            field="photo",
        )
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    url = url_for("changes.photo", attachment_id=attachment.id)
    return jsonify({"id": attachment.id, "filename": attachment.filename, "url": url}), 201

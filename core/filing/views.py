"""Pages and API of upward reports: a node's reports and periods, one report's page (figures,
overrides with reasons, the reviewer's comments, checks, steps, the children's states at a
street or district) and its xlsx files. Views are thin: :mod:`core.filing.services` decides."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from core import clock
from core.api import Operations
from core.db import db
from core.errors import DomainError
from core.exchange import Column, write_xlsx
from core.filing import services
from core.filing.declaration import Report
from core.filing.models import FilingInstance
from core.permissions import current_scope
from core.reports import Period
from core.tenancy import node_model

bp = Blueprint("filing", __name__, template_folder="templates")
api = Blueprint("filing_api", __name__, url_prefix="/api/v1/nodes")
ops = Operations(api, tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- lookups ---------------------------------------------------------------------------------


def _node(ref: str) -> Any:
    model = node_model()
    node = db.session.scalar(sa.select(model).where(model.ref == ref))
    if node is None:
        raise NotFound()
    return node


def _report_at(ref: str, key: str) -> tuple[Report, Any]:
    """The report and the node, or 404: unknown, not filed at this kind of node, outside the
    user's scope, or the module is not on there."""
    node = _node(ref)
    report = services.reports().get(key)
    if (
        report is None
        or node.kind not in report.levels
        or not services.may_read(current_scope(), report, node)
        or not services.module_on(db.session, node, report.module)
    ):
        raise NotFound()
    return report, node


def _open(ref: str, key: str, period_text: str) -> tuple[Report, Any, Period, FilingInstance]:
    report, node = _report_at(ref, key)
    period = services.parse_period(report, period_text)
    instance = services.open_instance(db.session, report, node, period)
    return report, node, period, instance


def _read(ref: str, key: str, period_text: str) -> dict[str, Any]:
    """The instance as the API shows it, for the views that only read; committed, as opening
    a period's instance for the first time creates it."""
    body = _dump(*_open(ref, key, period_text))
    db.session.commit()
    return body


# --- what the page and the API show ----------------------------------------------------------


def _dump(report: Report, node: Any, period: Period, instance: FilingInstance) -> dict[str, Any]:
    session = db.session
    day = clock.today()
    previous = services.previous_values(session, report, node, period)
    values = instance.values or {}
    body: dict[str, Any] = {
        "report": report.key,
        "label": str(report.label),
        "module": report.module,
        "instructions": str(report.instructions),
        "node": {"ref": node.ref, "name": node.name, "kind": node.kind},
        "period": period.key,
        "period_label": period.label(),
        "status": instance.status,
        "status_label": str(services.STATES[instance.status]),
        "due": services.due_on(report, period, node.kind).isoformat(),
        "review_due": (
            services.due_on(report, period, "review").isoformat() if report.due.review else None
        ),
        "late": services.is_late(
            report, period, node.kind, instance.status, instance.submitted_on, day
        ),
        "submitted_on": instance.submitted_on.isoformat() if instance.submitted_on else None,
        "fields": [
            {
                "key": f.key,
                "label": str(f.label),
                "unit": str(f.unit),
                "kind": f.kind,
                "help": str(f.help),
                "value": values.get(f.key),
                "auto": (instance.auto or {}).get(f.key),
                "overridden": f.key in (instance.reasons or {}),
                "reason": (instance.reasons or {}).get(f.key),
                "comment": (instance.comments or {}).get(f.key),
                "previous": previous.get(f.key),
            }
            for f in report.fields
        ],
        "checks": [
            {**c, "message": str(c["message"])}
            for c in services.run_checks(report, values, previous)
        ],
        "steps": services.allowed_steps(session, report, instance, node, current_scope()),
        "events": [
            services.WORKFLOW.dump_event(e) for e in services.WORKFLOW.timeline(session, instance)
        ],
    }
    if node.kind in services.CHILD_KIND:
        body["consolidation"] = services.consolidation(session, report, node, period, day)
    return body


def _list(ref: str) -> tuple[Any, list[dict[str, Any]]]:
    """The node's reports the user may read; a node outside the user's tree is not found."""
    node = _node(ref)
    scope = current_scope()
    if not scope.allows("tenants.view", node.path):
        raise NotFound()
    return node, services.node_reports(db.session, node, scope, clock.today())


# --- pages -----------------------------------------------------------------------------------


@bp.get("/n/<ref>/reports")
@login_required
def node_reports(ref: str):
    node, listed = _list(ref)
    return render_template("filing/list.html", node=node, listed=listed, shown=services.SHOWN)


def _page(report, node, period, instance, errors=None, status=200, typed=None):
    body = _dump(report, node, period, instance)
    html = render_template(
        "filing/instance.html",
        body=body,
        node=node,
        report=report,
        errors=errors or {},
        typed=typed or {},
        shown=services.SHOWN,
        actions=services.WORKFLOW.actions,
    )
    return html, status


@bp.route("/n/<ref>/reports/<key>/<period>", methods=["GET", "POST"])
@login_required
def instance_page(ref: str, key: str, period: str):
    report, node, period_, instance = _open(ref, key, period)
    if request.method == "GET":
        db.session.commit()
        return _page(report, node, period_, instance)
    values = {
        f.key: request.form[f"value-{f.key}"]
        for f in report.fields
        if f"value-{f.key}" in request.form
    }
    reasons = {
        f.key: request.form[f"reason-{f.key}"]
        for f in report.fields
        if request.form.get(f"reason-{f.key}")
    }
    try:
        services.save_values(
            db.session, report, instance, node, values, reasons, current_user, current_scope()
        )
    except DomainError as exc:
        db.session.rollback()
        report, node, period_, instance = _open(ref, key, period)
        return _page(report, node, period_, instance, exc.fields, exc.status, values)
    db.session.commit()
    return redirect(url_for("filing.instance_page", ref=ref, key=key, period=period))


@bp.post("/n/<ref>/reports/<key>/<period>/step/<step>")
@login_required
def step_page(ref: str, key: str, period: str, step: str):
    report, node, period_, instance = _open(ref, key, period)
    fields = {
        f.key: request.form[f"comment-{f.key}"]
        for f in report.fields
        if request.form.get(f"comment-{f.key}")
    }
    data = {"comment": request.form.get("comment", ""), "fields": fields}
    try:
        services.take_step(
            db.session, report, instance, node, step, data, current_scope(), current_user
        )
    except DomainError as exc:
        db.session.rollback()
        report, node, period_, instance = _open(ref, key, period)
        return _page(report, node, period_, instance, exc.fields, exc.status)
    db.session.commit()
    return redirect(url_for("filing.instance_page", ref=ref, key=key, period=period))


def _xlsx(rows: list[dict[str, Any]], columns: list[Column], title: str, name: str) -> Response:
    data = write_xlsx(columns, rows, title)
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename={name}.xlsx"
    return response


def _heading(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The lines above the figures, as a filed form has them: title, period, unit, state."""
    return [
        {"item": _("Report title"), "value": body["label"]},
        {"item": _("Period"), "value": body["period_label"]},
        {"item": _("Reporting unit"), "value": body["node"]["name"]},
        {"item": _("Status"), "value": body["status_label"]},
        {"item": "", "value": None},
    ]


@bp.get("/n/<ref>/reports/<key>/<period>.xlsx")
@login_required
def instance_xlsx(ref: str, key: str, period: str):
    body = _read(ref, key, period)
    columns = [
        Column("item", _("Report item")),
        Column("value", _("Figure")),
        Column("unit", _("Unit")),
        Column("reason", _("Reason for the change")),
    ]
    rows = _heading(body) + [
        {"item": f["label"], "value": f["value"], "unit": f["unit"], "reason": f["reason"] or ""}
        for f in body["fields"]
    ]
    return _xlsx(rows, columns, body["label"], f"{key}-{body['period']}-{body['node']['ref']}")


@bp.get("/n/<ref>/reports/<key>/<period>/children.xlsx")
@login_required
def children_xlsx(ref: str, key: str, period: str):
    body = _read(ref, key, period)
    if "consolidation" not in body:
        raise NotFound()
    columns = [Column("name", _("Reporting unit")), Column("status", _("Status"))]
    columns += [Column(f["key"], f["label"]) for f in body["fields"]]
    rows = [
        {"name": c["name"], "status": str(services.SHOWN[c["shown"]]), **c["values"]}
        for c in body["consolidation"]["children"]
    ]
    rows.append({"name": _("Total"), "status": "", **body["consolidation"]["totals"]})
    name = f"{key}-{body['period']}-{body['node']['ref']}-children"
    return _xlsx(rows, columns, body["label"], name)


# --- API -------------------------------------------------------------------------------------


def _dump_list(node: Any, listed: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "node": node.ref,
        "items": [
            {
                "report": item["report"].key,
                "label": str(item["report"].label),
                "module": item["report"].module,
                "frequency": item["report"].frequency,
                "periods": item["periods"],
            }
            for item in listed
        ],
    }


@ops.get("/<ref>/reports", None, "The node's upward reports and their recent periods' states")
@login_required
def api_list(ref: str):
    node, listed = _list(ref)
    return jsonify(_dump_list(node, listed))


@ops.get("/<ref>/reports/<key>/<period>", None, "One report of the node for a period")
@login_required
def api_instance(ref: str, key: str, period: str):
    return jsonify(_read(ref, key, period))


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        message = _("The request body must be a JSON object.")
        raise DomainError(message, {"body": [message]})
    return data


@ops.patch(
    "/<ref>/reports/<key>/<period>",
    None,
    "Enter figures: {values: {field: figure}, reasons: {field: why an auto value changed}}",
)
@login_required
def api_save(ref: str, key: str, period: str):
    report, node, period_, instance = _open(ref, key, period)
    data = _json()
    values, reasons = data.get("values") or {}, data.get("reasons") or {}
    if not isinstance(values, dict) or not isinstance(reasons, dict):
        message = _("Figures and reasons are given per field.")
        raise DomainError(message, {"values": [message]})
    services.save_values(
        db.session, report, instance, node, values, reasons, current_user, current_scope()
    )
    body = _dump(report, node, period_, instance)
    db.session.commit()
    return jsonify(body)


@ops.post(
    "/<ref>/reports/<key>/<period>/<step>",
    None,
    "A step: submit, return (comment, fields: {field: comment}), approve, lock, correction, "
    "grant, refuse",
)
@login_required
def api_step(ref: str, key: str, period: str, step: str):
    report, node, period_, instance = _open(ref, key, period)
    data = _json()
    services.take_step(
        db.session, report, instance, node, step, data, current_scope(), current_user
    )
    body = _dump(report, node, period_, instance)
    db.session.commit()
    return jsonify(body)

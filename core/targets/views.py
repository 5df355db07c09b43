"""Pages and API of targets: a node's targets in a period with their progress lights and their
split to the places below; forms to set and split them. Views are thin:
:mod:`core.targets.services` decides."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from core import clock
from core.api import Operations
from core.db import db
from core.errors import DomainError
from core.permissions import current_scope
from core.targets import MANAGE, services
from core.tenancy import node_model

bp = Blueprint("targets", __name__, template_folder="templates")
api = Blueprint("targets_api", __name__, url_prefix="/api/v1/nodes")
ops = Operations(api, tags=["indicators"])
PERIOD_ARG = {
    "in": "query",
    "name": "period",
    "description": "2026 (the default: this year), 2026H1, 2026Q1 or 2026-03",
    "schema": {"type": "string"},
}


def _node(ref: str) -> Any:
    """The node, or 404: unknown, outside the user's tree, or not a place that holds targets."""
    model = node_model()
    node = db.session.scalar(sa.select(model).where(model.ref == ref))
    if (
        node is None
        or node.kind not in services.LEVELS
        or not current_scope().allows("tenants.view", node.path)
    ):
        raise NotFound()
    return node


def _board(node: Any, period_text: str | None) -> tuple[Any, list[dict[str, Any]], bool]:
    scope = current_scope()
    day = clock.today()
    period = services.parse_period(period_text, day)
    may_set = scope.allows(MANAGE, node.path)
    return period, services.board(db.session, node, period, scope, day, every=may_set), may_set


def _page(node, period_text, errors=None, typed=None, status=200):
    period, items, may_set = _board(node, period_text)
    return render_template(
        "targets/page.html",
        node=node,
        period=period,
        items=items,
        may_set=may_set,
        errors=errors or {},
        typed=typed or {},
        colours=services.COLOURS,
    ), status


def _save(node: Any, name: str, period_text: str | None, value: Any, shares: dict, note: str):
    """Set and split the node's target of ``name`` as the signed-in user; the period saved."""
    period = services.parse_period(period_text, clock.today())
    services.save(
        db.session,
        node,
        name,
        period,
        current_scope(),
        current_user,
        value=value,
        shares=shares,
        note=note.strip(),
    )
    return period


@bp.route("/n/<ref>/targets", methods=["GET", "POST"])
@login_required
def page(ref: str):
    """目标与完成情况: the node's targets, progress and split; a form per figure for those who
    may set them."""
    node = _node(ref)
    period_text = request.args.get("period")
    if request.method == "GET":
        try:
            return _page(node, period_text)
        except DomainError as exc:
            return _page(node, None, exc.fields, status=exc.status)
    name = request.form.get("indicator", "")
    shares = {
        key.removeprefix("share-"): value
        for key, value in request.form.items()
        if key.startswith("share-")
    }
    try:
        period = _save(
            node,
            name,
            period_text,
            request.form.get("value", ""),
            shares,
            request.form.get("note", ""),
        )
    except DomainError as exc:
        db.session.rollback()
        typed = {"indicator": name, **request.form.to_dict()}
        return _page(node, period_text, exc.fields, typed, exc.status)
    db.session.commit()
    return redirect(url_for("targets.page", ref=ref, period=period.key) + f"#t-{name}")


def _dump(node: Any, period: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "node": node.ref,
        "period": {"key": period.key, "label": period.label()},
        "items": items,
    }


@ops.get(
    "/<ref>/targets",
    None,
    "The node's targets in ?period= (this year by default): each with its live value, the value "
    "expected by today (a flow count prorated over the period), its light (met, on_track, "
    "behind, far_behind, missed) and its split to the places below",
    parameters=[PERIOD_ARG],
)
@login_required
def api_list(ref: str):
    node = _node(ref)
    period, items, _may_set = _board(node, request.args.get("period"))
    return jsonify(_dump(node, period, items))


@ops.put(
    "/<ref>/targets/<name>",
    None,
    "Set the node's target of indicator <name> in ?period= and split it to the places below, "
    'all or nothing: {"value": 95, "note": "…", "shares": {"<place ref>": 30, …}}; a null value '
    "clears it, a missing one keeps it; the shares of a count add up to at least the target, "
    "each share of a rate is at least as strict",
    parameters=[PERIOD_ARG],
)
@login_required
def api_set(ref: str, name: str):
    node = _node(ref)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError(_("The request body must be a JSON object."))
    shares = body.get("shares") or {}
    if not isinstance(shares, dict):
        message = _("Give the shares as an object of place codes and targets.")
        raise DomainError(message, {"shares": [message]})
    note = body.get("note") or ""
    if not isinstance(note, str):
        message = _("The note must be text.")
        raise DomainError(message, {"note": [message]})
    period = _save(
        node, name, request.args.get("period"), body.get("value", services.KEEP), shares, note
    )
    db.session.commit()
    period, items, _may_set = _board(node, period.key)
    return jsonify(_dump(node, period, items))

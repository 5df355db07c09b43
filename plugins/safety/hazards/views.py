"""The routes of the hazard workflow the ledger cannot generate: a step (page and API), the
printable 整改通知书 and the timeline as JSON."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template
from flask_babel import gettext as _

from core.api import api_doc, json_body
from core.db import db
from core.errors import DomainError
from core.forms import load_form
from core.records.ledger import load
from core.sdk import require

from ..common import EDIT, MODULE, VIEW
from ..web import api, pages
from .ledgers import _context, hazards
from .schemas import TransitionSchema
from .workflow import TRANSITIONS, hazard_timeline, hazard_transition

STEPS = f"<any({','.join(TRANSITIONS)}):action>"


@pages.get("/hazards/<int:record_id>/notice")
def notice(record_id: int) -> Any:
    """整改通知书, laid out for printing (the browser's print dialog makes the PDF)."""
    require(VIEW)
    obj = load(hazards, record_id)
    if not obj.notice_number:
        abort(404)
    return render_template("safety/notice.html", record=obj, **_context())


@pages.post(f"/hazards/<int:record_id>/{STEPS}")
def hazard_step(record_id: int, action: str) -> Any:
    require(EDIT)
    obj = load(hazards, record_id)
    form = load_form(TransitionSchema())
    if form.ok:
        try:
            hazard_transition(db.session, obj, action, form.data)
        except DomainError as exc:
            db.session.rollback()
            form.fail(exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(hazards.url("detail", obj))
    flash(" ".join(m for ms in form.errors.values() for m in ms), "error")
    return redirect(hazards.url("detail", obj)), 303


@api.post(f"/hazards/<int:record_id>/{STEPS}")
@api_doc(
    "A workflow step: notify (整改通知书), start, submit (for re-inspection), close (re-inspection "
    "passed; major hazards need safety.hazard.close_major), reopen (re-inspection failed)",
    request_schema=TransitionSchema,
    tags=[MODULE],
)
def api_hazard_step(record_id: int, action: str) -> Any:
    require(EDIT)
    obj = load(hazards, record_id)
    hazard_transition(db.session, obj, action, json_body(TransitionSchema()))
    db.session.commit()
    return jsonify(hazards.dump(obj))


@api.get("/hazards/<int:record_id>/events")
@api_doc(
    "A hazard's timeline, oldest first: who, when, from which status to which, comment",
    tags=[MODULE],
)
def api_hazard_events(record_id: int) -> Any:
    require(VIEW)
    obj = load(hazards, record_id)
    steps = [
        {
            "at": e.at.isoformat(),
            "on": e.on.isoformat() if e.on else None,
            "action": e.action,
            "from": e.from_status,
            "to": e.to_status,
            "username": e.username,
            "comment": e.comment,
            "changes": e.changes,
        }
        for e in hazard_timeline(db.session, obj)
    ]
    return jsonify({"items": steps})

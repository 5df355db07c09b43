"""The routes of the hazard ledger that are the hazard's own: the printable 整改通知书 and the
timeline as JSON (the workflow steps are the ledger's ``steps``)."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template

from core.api import api_doc
from core.db import db
from core.records.ledger import load
from core.sdk import require

from ..common import MODULE, VIEW
from ..web import api, pages
from .ledgers import hazard_context, hazards
from .workflow import hazard_timeline


@pages.get("/hazards/<int:record_id>/notice")
def notice(record_id: int) -> Any:
    """整改通知书, laid out for printing (the browser's print dialog makes the PDF)."""
    require(VIEW)
    obj = load(hazards, record_id)
    if not obj.notice_number:
        abort(404)
    return render_template("safety/notice.html", record=obj, **hazard_context())


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

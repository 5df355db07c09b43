"""The route of the hazard ledger that is the hazard's own: the printable 整改通知书 (the workflow
steps and the timeline's API come from the ledger's ``workflow``)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from core.records.ledger import load
from core.sdk import require

from ..common import VIEW
from ..web import pages
from .ledgers import hazard_context, hazards


@pages.get("/hazards/<int:record_id>/notice")
def notice(record_id: int) -> Any:
    """整改通知书, laid out for printing (the browser's print dialog makes the PDF)."""
    require(VIEW)
    obj = load(hazards, record_id)
    if not obj.notice_number:
        abort(404)
    return render_template("safety/notice.html", record=obj, **hazard_context())

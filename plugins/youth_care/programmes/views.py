"""The programme's printable sign-in sheet (签到表): the children enrolled, numbered, their
guardians' phones masked as everywhere, and empty rows for children who come on the day."""

from __future__ import annotations

from typing import Any

from flask import render_template

from core.records.ledger import load
from core.sdk import require

from ..common import VIEW
from ..web import pages
from .ledgers import enrolments, programmes

BLANK_ROWS = 5


@pages.get("/programmes/<int:record_id>/sign-in-sheet")
def programme_sign_in_sheet(record_id: int) -> Any:
    require(VIEW)
    programme = load(programmes, record_id)
    rows = [enrolments.dump(e) for e in programme.enrolments]
    return render_template(
        "youth_care/programme_sign_in_sheet.html",
        ledger=programmes,
        record=programme,
        enrolled=rows,
        named=len(rows),
        blank=max(BLANK_ROWS, (programme.capacity or 0) - len(rows)),
        blank_cells=4,
    )

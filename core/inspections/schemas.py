"""The schema of one checklist result, for every module's inspection ledger, and the helpers
its form and page need (the module's rounds, the version an inspection was scored on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.db import db
from core.records.fields import Choice, Number, Text, describe
from core.validation import Schema

from .models import InspectionRound

RESULT_LABELS = {"ok": _l("Passed"), "fail": _l("Failed"), "na": _l("Not applicable")}


def _sparse(field: ma.fields.Field) -> ma.fields.Field:
    field.metadata["sparse"] = True  # a column of the page only when some row has it
    return field


class ResultSchema(Schema):
    """One result of a checklist (a ``List(Nested(ResultSchema))`` field of the ledger): a
    template item (its id, text, section and 分值 kept from the version used) or one added by
    hand; a scored item's result follows its score."""

    item = Text(_l("Item"), 300, required=True)
    result = Choice(_l("Result"), RESULT_LABELS, required=True)
    note = Text(_l("Note"), 500)
    score = _sparse(
        describe(ma.fields.Float(allow_none=True), label=_l("Score"), help=_l("Points scored"))
    )
    item_id = describe(
        ma.fields.Integer(allow_none=True), label=_l("Checklist item"), form=False, shown=False
    )
    section = Text(_l("Section"), dump_only=True, shown=False)
    max_points = describe(ma.fields.Float(dump_only=True), label=_l("Points"), shown=False)
    rectification_id = Number(_l("Rectification item"), dump_only=True, shown=False)

    @ma.pre_load
    def result_from_score(self, row: Any, **_kwargs: object) -> Any:
        """A scored item may come with its score alone; core sets its result from it."""
        if isinstance(row, dict) and row.get("score") not in (None, "") and not row.get("result"):
            row = {**row, "result": "ok"}
        return row

    @ma.post_dump
    def drop_empty(self, row: dict, **_kwargs: object) -> dict:
        """A hand-added pass/fail row shows as item, result and note only."""
        return {k: v for k, v in row.items() if v is not None or k in ("item", "result", "note")}


def round_choices(module: str) -> Callable[[], dict[int, str]]:
    """The community's rounds of ``module``, newest first, for a form's select."""

    def choices() -> dict[int, str]:
        from flask import g

        if "community" not in g:
            return {}
        rounds = db.session.scalars(
            sa.select(InspectionRound)
            .where(InspectionRound.module == module, InspectionRound.community_id == g.community.id)
            .order_by(InspectionRound.id.desc())
        )
        return {r.id: r.name for r in rounds}

    return choices


def checklist_version(inspection: Any) -> str | None:
    """模板版本: the checklist and the version an inspection was scored on."""
    template = inspection.checklist_template
    return f"{template.name} v{template.version}" if template else None

"""What the inspection form, the API, the list and the export accept and show."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import describe
from core.validation import ChoiceSchema, Schema, choice, optional_text, record_id, required_text

from ..common import building_choices, enterprise_choices
from .rules import CHECK_RESULTS, INSPECTION_KINDS, TARGET_KINDS, inspection_target

DATE = {"load_default": None, "allow_none": True}


def round_choices() -> dict[int, str]:
    """The community's safety inspection rounds, for the form's select."""
    from flask import g

    from core.db import db
    from core.sdk import InspectionRound

    if "community" not in g:
        return {}
    rounds = db.session.scalars(
        sa.select(InspectionRound)
        .where(InspectionRound.module == "safety", InspectionRound.community_id == g.community.id)
        .order_by(InspectionRound.id.desc())
    )
    return {r.id: r.name for r in rounds}


def checklist_version(inspection) -> str | None:
    """模板版本: the checklist and the version it was scored on."""
    from core.db import db
    from core.sdk import ChecklistTemplate

    if not inspection.checklist_id:
        return None
    template = db.session.get(ChecklistTemplate, inspection.checklist_id)
    return f"{template.name} v{template.version}" if template else None


def _sparse(field: ma.fields.Field) -> ma.fields.Field:
    field.metadata["sparse"] = True  # a column of the page only when some row has it
    return field


class CheckItemSchema(Schema):
    """One result of the checklist: a template item (its id, text, section, 分值 kept from the
    template version) or one added by hand; a scored item's result follows its score."""

    item = describe(required_text(300), label=_l("Item"))
    result = describe(choice(CHECK_RESULTS, required=True), label=_l("Result"))
    note = describe(optional_text(500), label=_l("Note"))
    score = _sparse(
        describe(ma.fields.Float(allow_none=True), label=_l("Score"), help=_l("Points scored"))
    )
    item_id = describe(
        ma.fields.Integer(allow_none=True), label=_l("Checklist item"), form=False, shown=False
    )
    section = describe(ma.fields.String(dump_only=True), label=_l("Section"), shown=False)
    max_points = describe(ma.fields.Float(dump_only=True), label=_l("Points"), shown=False)
    rectification_id = describe(
        ma.fields.Integer(dump_only=True), label=_l("Rectification item"), shown=False
    )

    @ma.pre_load
    def result_from_score(self, row: dict, **_kwargs: object) -> dict:
        """A scored item may come with its score alone; core sets its result from it."""
        if isinstance(row, dict) and row.get("score") not in (None, "") and not row.get("result"):
            row = {**row, "result": "ok"}
        return row

    @ma.post_dump
    def drop_empty(self, row: dict, **_kwargs: object) -> dict:
        """A hand-added pass/fail row shows as item, result and note only."""
        return {k: v for k, v in row.items() if v is not None or k in ("item", "result", "note")}


class InspectionSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    done_on = describe(
        ma.fields.Date(**DATE),
        label=_l("Done on"),
        column=True,
        sort=True,
        help=_l("Leave empty for an inspection that is only planned."),
    )
    planned_on = describe(
        ma.fields.Date(**DATE), label=_l("Planned for"), column=True, sort=True, export=False
    )
    kind = describe(
        choice(INSPECTION_KINDS, load_default="routine"),
        label=_l("Kind of inspection"),
        column=True,
        widget="select",
    )
    target = describe(
        ma.fields.Function(inspection_target, dump_only=True), label=_l("Inspected"), column=True
    )
    target_kind = describe(
        choice(TARGET_KINDS, load_default=None, allow_none=True),
        label=_l("Inspection target"),
        widget="select",
        export=False,
        help=_l(
            "Which checklist applies: an enterprise, a building, an area, a household or a rented flat."
        ),
    )
    target_name = describe(
        optional_text(200),
        label=_l("Household or flat"),
        export=False,
        help=_l("For a household or a rented flat: its address, e.g. 3号楼2单元101."),
    )
    round_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Inspection round"),
        widget="select",
        choices=round_choices,
        shown=False,
    )
    checklist_id = describe(
        record_id(load_default=None, allow_none=True),
        label=_l("Template version"),
        form=False,
        shown=False,
    )
    checklist_version = describe(
        ma.fields.Function(checklist_version, dump_only=True),
        label=_l("Template version"),
        export=False,
    )
    total_score = describe(
        ma.fields.Float(dump_only=True, allow_none=True),
        label=_l("Total score"),
        column=True,
        export=False,
    )
    planned = ma.fields.Boolean(load_default=False)
    enterprise_id = describe(
        record_id(load_default=None, allow_none=True, load_only=True),
        label=_l("Enterprise"),
        widget="select",
        choices=enterprise_choices,
    )
    building = describe(
        ma.fields.String(load_only=True, load_default=None, allow_none=True),
        label=_l("Building"),
        widget="select",
        choices=building_choices,
    )
    area = describe(
        optional_text(200),
        label=_l("Area"),
        export=False,
        help=_l(
            "When the inspection covers an area rather than an enterprise, e.g. 3号院 courtyards."
        ),
    )
    inspectors = describe(optional_text(200), label=_l("Inspectors"), column=True)
    checklist = describe(
        ma.fields.List(ma.fields.Nested(CheckItemSchema), **DATE),
        label=_l("Checklist"),
        export=False,
        help=_l("Add an item in the empty row; clear an item to leave it out."),
    )
    findings = describe(optional_text(5000), label=_l("Findings"), widget="textarea")
    hazards_found = describe(
        ma.fields.Function(lambda i: len(i.hazards), dump_only=True), label=_l("Hazards found")
    )
    created_at = ma.fields.DateTime(dump_only=True)

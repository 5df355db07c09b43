"""The benefit programmes, rolls and their lines (奖励费/奖励扶助/特别扶助 发放名册), declared.
A roll's page lists its lines (a part) with a form to add one; the workflow's steps move it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter, Part

from ..common import FpLedger
from . import rules
from .models import FpProgram, FpRoll, FpRollLine, FpRollObjection
from .schemas import (
    ObjectionSchema,
    PaymentImportSchema,
    ProgramSchema,
    RollLineSchema,
    RollSchema,
    RollStepSchema,
    problems_of,
)

programs = FpLedger(
    name="program",
    model=FpProgram,
    schema=ProgramSchema,
    title=_l("Benefit programmes"),
    label=_l("Benefit programme"),
    order=lambda: [FpProgram.kind, FpProgram.id],
    title_of=lambda p: p.name,
    importable=False,
)

roll_lines = FpLedger(
    name="roll_line",
    model=FpRollLine,
    schema=RollLineSchema,
    fixed=("roll_id", "resident_id"),
    title=_l("Benefit payment roll"),
    label=_l("Roll line"),
    filters=(Filter("roll", "int", _l("Roll"), column="roll_id"), Filter("line_kind")),
    order=lambda: [FpRollLine.roll_id.desc(), FpRollLine.id],
    options=lambda stmt: stmt.options(selectinload(FpRollLine.resident)),
    check=rules.check_line,
    title_of=lambda x: x.resident.name,
    # Its import is the payment results (已发放): rows of the bank's file, not new lines.
    import_schema=PaymentImportSchema,
    import_row=rules.import_payment,
)
LINES = Part(roll_lines, "roll_id", path="lines")

objections = FpLedger(
    name="roll_objection",
    model=FpRollObjection,
    schema=ObjectionSchema,
    fixed=("roll_id", "line_id"),  # what an objection is about stays what it was
    title=_l("Objections to benefit rolls"),
    label=_l("Objection"),
    filters=(Filter("roll", "int", _l("Roll"), column="roll_id"), Filter("status")),
    order=lambda: [FpRollObjection.roll_id.desc(), FpRollObjection.id],
    options=lambda stmt: stmt.options(
        selectinload(FpRollObjection.line).selectinload(FpRollLine.resident)
    ),
    check=rules.check_objection,
    update=rules.update_objection,
    # Who raised it is S2: the title (in the history and the audit log) names the day only.
    title_of=lambda o: f"{o.roll.program.name} {o.roll.period} {o.raised_on}",
    importable=False,
)
OBJECTIONS = Part(objections, "roll_id", path="objections")

rolls = FpLedger(
    name="roll",
    model=FpRoll,
    schema=RollSchema,
    fixed=("program_id", "period"),
    title=_l("Benefit rolls"),
    label=_l("Benefit roll"),
    filters=(Filter("status"),),
    order=lambda: [FpRoll.period.desc(), FpRoll.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(FpRoll.program), selectinload(FpRoll.lines).selectinload(FpRollLine.resident)
    ),
    create=rules.create_roll,
    check=rules.check_roll,
    title_of=lambda r: f"{r.program.name} {r.period}",
    importable=False,
    parts=(LINES, OBJECTIONS),
    dump_detail=lambda r, data: data.update(problems=problems_of(r)),
    workflow=rules.ROLL_FLOW,
    steps=rules.ROLL_FLOW.steps(
        RollStepSchema,
        "A step of the roll: check (社区核对), publicise (公示, 7 days), reopen (taken by "
        "upholding an objection), submit (to the street), "
        "return (退回, with a comment), pass, approve (区审批), pay (已发放), archive; refused "
        "while a paying line fails its checks, listing each",
    ),
    templates={"detail": "family_planning/record.html"},
)

LEDGERS = [programs, rolls, roll_lines, objections]

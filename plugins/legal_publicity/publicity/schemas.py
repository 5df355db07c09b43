"""What the board, study and consultation forms, the API, the exports and the imports accept.

A consulter's name and phone are identifiers (S2); the question and the answer are S3 when the
matter is a family one (婚姻家庭, 继承), S1 otherwise; history and the audit log seal or withhold
them whatever the matter."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S1,
    S2,
    S3,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Number,
    Schema,
    Text,
    chosen_record,
    not_future,
    optional_text,
    phone_number,
    record_choices,
)

from .models import LpBoard
from .rules import board_due_on, board_overdue
from .vocabularies import (
    BOARD_KINDS,
    CHANNELS,
    CONSULT_CATEGORIES,
    CONSULT_GROUPS,
    REFERRALS,
    S3_CATEGORIES,
    STUDY_AUDIENCES,
)

board_choices = record_choices(LpBoard.name, order=[LpBoard.name])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def by_matter(record: object) -> str:
    """The class of a consultation's question and answer: S3 for the matters of
    ``S3_CATEGORIES``."""
    return S3 if getattr(record, "category", None) in S3_CATEGORIES else S1


def _cycle(value: int | None) -> None:
    if value is not None and not 1 <= value <= 366:
        raise ma.ValidationError(_("Give a cycle between 1 and 366 days."))


def _score(value: int | None) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ma.ValidationError(_("A quiz score is between 0 and 100."))


class ConsultFollowUpSchema(Schema):
    """回访 of a consultation: its date and how the matter ended."""

    on = ma.fields.Date(load_default=None, allow_none=True)
    result = optional_text(500)


class BoardSchema(ChoiceSchema):
    """法治宣传阵地: a board renewed on its cycle."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Board name"), 100, required=True, column=True, sort=True)
    kind = Choice(_l("Kind of board"), BOARD_KINDS, default="board", column=True)
    location = Text(_l("Where it stands"), 200, column=True)
    cycle_days = Number(
        _l("Renewal cycle (days)"),
        validate=_cycle,
        help=_l("Left empty: 15 days for a blackboard newspaper, else the community's setting"),
    )
    set_up_on = Date(_l("Set up on"), validate=not_future)
    last_updated_on = Date(_l("Last renewed on"), dump_only=True, column=True)
    due_on = Computed(_l("Next renewal due"), lambda b: _iso(board_due_on(b)), column=True)
    overdue = Computed(_l("Overdue"), lambda b: board_overdue(b))


class BoardUpdateSchema(ChoiceSchema):
    """法治宣传栏更新登记: one renewal of a board."""

    id = ma.fields.Integer(dump_only=True)
    board_id, board = chosen_record(_l("Board"), board_choices, lambda u: u.board.name)
    updated_on = Date(_l("Renewed on"), required=True, validate=not_future, column=True, sort=True)
    theme = Text(_l("Theme of the renewal"), 200, required=True, column=True)


class StudySchema(ChoiceSchema):
    """学法记录: a study session, with an optional quiz."""

    id = ma.fields.Integer(dump_only=True)
    held_on = Date(_l("Study date"), required=True, validate=not_future, column=True, sort=True)
    topic = Text(_l("Study topic"), 200, required=True, column=True)
    audience = Choice(_l("Who studied"), STUDY_AUDIENCES, default="cadres", column=True)
    attendees = Number(_l("Attendees"), required=True, min=1, max=10000, column=True)
    leaders_attended = Number(
        _l("Residents' group leaders among them"), default=0, min=0, max=10000
    )
    quiz_score = Number(_l("Quiz score"), validate=_score, column=True)


class ConsultSchema(ChoiceSchema):
    """法律咨询登记表."""

    id = ma.fields.Integer(dump_only=True)
    consulted_on = Date(
        _l("Consulted on"), required=True, validate=not_future, column=True, sort=True
    )
    channel = Choice(_l("How they asked"), CHANNELS, default="visit", column=True)
    person = Text(
        _l("Person consulting"), 50, sensitivity=S2, column=True, help=_l("May stay anonymous")
    )
    phone = Text(_l("Contact phone"), 20, validate=phone_number, sensitivity=S2)
    group = Choice(_l("Group of the person"), CONSULT_GROUPS, default="other", column=True)
    category = Choice(_l("Legal matter"), CONSULT_CATEGORIES, default="other", column=True)
    question = Text(
        _l("Question"),
        2000,
        required=True,
        sensitivity=S3,
        record_sensitivity=by_matter,
        widget="textarea",
    )
    answer = Text(
        _l("Answer given"), 2000, sensitivity=S3, record_sensitivity=by_matter, widget="textarea"
    )
    referral = Choice(_l("Referred to"), REFERRALS, default="none", column=True)
    result = Text(_l("Result"), 500)
    followed_up_on = Date(_l("Followed up on"), dump_only=True)
    dispute = Computed(
        _l("Mediation case"), lambda c: c.dispute.number if c.dispute else None, column=True
    )

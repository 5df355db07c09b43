"""The 普法 ledgers, declared: the activity ledger (普法宣传活动台账, core's activity records with
the themes of the legal calendar), boards and their renewals (法治宣传栏更新登记), the study
record (学法记录) and the consultation register (法律咨询登记表)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, Part, Steps, WorkSource, activity_ledger, today

from ..common import EDIT, MODULE, RESTORE, SENSITIVE, VIEW, PublicityLedger
from .calendar import calendar_entries
from .models import LpBoard, LpBoardUpdate, LpConsult, LpStudy
from .rules import (
    boards_overdue_clause,
    check_board,
    check_update,
    consult_referred,
    follow_up,
    referral_unanswered,
)
from .schemas import (
    BoardSchema,
    BoardUpdateSchema,
    ConsultFollowUpSchema,
    ConsultSchema,
    StudySchema,
)
from .vocabularies import AUDIENCES, FORMS, LAWS, THEMES

activities = activity_ledger(
    MODULE,
    kinds=THEMES,
    target_groups=AUDIENCES,
    forms=FORMS,
    laws=LAWS,
    calendar=calendar_entries,
    view=VIEW,
    edit=EDIT,
    restore=RESTORE,
    sensitive=SENSITIVE,
    title=_l("Legal publicity activity register"),
    label=_l("Legal publicity activity"),
)

board_updates = PublicityLedger(
    name="board_update",
    model=LpBoardUpdate,
    schema=BoardUpdateSchema,
    fixed=("board_id",),
    title=_l("Board renewal register"),
    label=_l("Board renewal"),
    filters=(Filter("year", "year", _l("Year"), column="updated_on"),),
    order=lambda: [LpBoardUpdate.updated_on.desc(), LpBoardUpdate.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpBoardUpdate.board)),
    check=check_update,
    new_values=lambda: {"updated_on": today()},
)
RENEWALS = Part(board_updates, "board_id", path="renewals")

boards = PublicityLedger(
    name="board",
    model=LpBoard,
    schema=BoardSchema,
    title=_l("Rule-of-law publicity boards"),
    label=_l("Publicity board"),
    filters=(
        Filter("kind"),
        Filter.flag(
            "overdue",
            _l("Renewal overdue"),
            lambda: boards_overdue_clause(today()),
            description="1: boards whose last renewal plus their cycle is before today",
        ),
    ),
    order=lambda: [LpBoard.name, LpBoard.id],
    check=check_board,
    title_of=lambda b: b.name,
    parts=(RENEWALS,),
)

studies = PublicityLedger(
    name="study",
    model=LpStudy,
    schema=StudySchema,
    plural="studies",
    title=_l("Study record"),
    label=_l("Study session"),
    filters=(Filter("year", "year", _l("Year"), column="held_on"), Filter("audience")),
    order=lambda: [LpStudy.held_on.desc(), LpStudy.id.desc()],
    title_of=lambda s: f"{s.held_on} {s.topic}",
    new_values=lambda: {"held_on": today()},
)


def _consult_written(
    session: Session, community: Any, data: dict[str, Any], user: Any = None
) -> Any:
    consult = consults.create_record(session, community, data, user=user)
    consult_referred(session, consult, user=user)
    return consult


def _consult_edited(session: Session, consult: LpConsult, data: dict[str, Any]) -> LpConsult:
    consults.update_record(session, consult, data)
    consult_referred(session, consult)
    return consult


consults = PublicityLedger(
    name="consult",
    model=LpConsult,
    schema=ConsultSchema,
    title=_l("Legal consultation register"),
    label=_l("Legal consultation"),
    filters=(
        Filter("year", "year", _l("Year"), column="consulted_on"),
        Filter("category"),
        Filter("referral"),
        Filter("channel"),
        Filter.flag(
            "unanswered",
            _l("Referral not followed up"),
            lambda: referral_unanswered(today()),
            description="1: referrals not followed up within three days",
        ),
    ),
    order=lambda: [LpConsult.consulted_on.desc(), LpConsult.id.desc()],
    options=lambda stmt: stmt.options(selectinload(LpConsult.dispute)),
    create=_consult_written,
    update=_consult_edited,
    new_values=lambda: {"consulted_on": today()},
    steps=Steps(
        ("follow_up",),
        ConsultFollowUpSchema,
        follow_up,
        "回访 of a consultation: on (its date), result (how the matter ended)",
    ),
)

LEDGERS = [*activities.ledgers, boards, board_updates, studies, consults]

# 今日待办: boards past their renewal.
PUBLICITY_WORK = [
    WorkSource(
        "legal_publicity.boards_overdue",
        _l("Publicity boards due for renewal"),
        LpBoard,
        boards_overdue_clause,
        VIEW,
        "legal_publicity.boards",
        args={"overdue": 1},
        level="overdue",
    ),
    WorkSource(
        "legal_publicity.referrals_unanswered",
        _l("Referrals not followed up within three days"),
        LpConsult,
        referral_unanswered,
        VIEW,
        "legal_publicity.consults",
        args={"unanswered": 1},
        level="overdue",
    ),
]

"""The rules of 普法: when a board is due for renewal, and a consultation referred to people's
mediation opening its case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import db, refuse, today

from ..common import settings
from .models import LpBoard, LpBoardUpdate, LpConsult
from .vocabularies import DEFAULT_CYCLES


def board_due_on(board: LpBoard) -> date | None:
    """The day the board is next due: its last renewal (or its setting-up) plus its cycle."""
    start = board.last_updated_on or board.set_up_on
    return start + timedelta(days=board.cycle_days) if start else None


def board_overdue(board: LpBoard, day: date | None = None) -> bool:
    """Overdue when the last renewal plus the cycle is before ``day`` (today)."""
    due = board_due_on(board)
    return due is not None and due < (day or today())


def boards_overdue_clause(day: date) -> sa.ColumnElement[bool]:
    """Live boards whose last renewal (or setting-up) plus their cycle is before ``day``."""
    last = (
        sa.select(sa.func.max(LpBoardUpdate.updated_on))
        .where(LpBoardUpdate.board_id == LpBoard.id, LpBoardUpdate.deleted_at.is_(None))
        .scalar_subquery()
    )
    start = sa.func.coalesce(last, LpBoard.set_up_on)
    return sa.and_(LpBoard.deleted_at.is_(None), _plus_days(start, LpBoard.cycle_days) < day)


def _plus_days(start: Any, days: Any) -> sa.ColumnElement[date]:
    """``start + days`` for a column of days: PostgreSQL adds an integer to a date, SQLite
    shifts the ISO text with a modifier."""
    if db.session.get_bind().dialect.name == "sqlite":
        modifier = sa.literal("+") + sa.cast(days, sa.String) + sa.literal(" days")
        return sa.func.date(start, modifier, type_=sa.Date)
    return sa.type_coerce(start + days, sa.Date)


def check_board(session: Session, community: Any, data: dict[str, Any], board: Any) -> None:
    """A new board's cycle defaults by its kind (黑板报 15 days) or the community's setting."""
    if board is None:
        data.setdefault("set_up_on", None)
        data["set_up_on"] = data["set_up_on"] or today()
        if not data.get("cycle_days"):
            kind = data.get("kind") or "board"
            data["cycle_days"] = DEFAULT_CYCLES.get(
                kind, int(settings(session, community.id)["board_cycle_days"])
            )


def check_update(session: Session, community: Any, data: dict[str, Any], update: Any) -> None:
    board = session.get(LpBoard, data.get("board_id")) if data.get("board_id") else None
    if board is None or board.community_id != community.id or board.deleted_at is not None:
        refuse("board_id", _("There is no such board."))
    if data.get("updated_on") and data["updated_on"] < board.set_up_on:
        refuse("updated_on", _("A board is renewed after it was set up."))


AID_FOLLOWUP_DAYS = 3  # a legal-aid referral is followed up within three days


def referral_unanswered(day: date) -> sa.ColumnElement[bool]:
    """Referrals (other than to mediation, which opens its own case) not followed up within
    three days of the referral."""
    return sa.and_(
        LpConsult.referral.not_in(("none", "mediation")),
        LpConsult.followed_up_on.is_(None),
        LpConsult.consulted_on < day - timedelta(days=AID_FOLLOWUP_DAYS),
    )


def follow_up(session: Session, consult: LpConsult, step: str, data: dict[str, Any]) -> LpConsult:
    """回访 of a consultation: when, and how it ended; kept in the consultation's history."""
    from .ledgers import consults

    on = data.get("on") or today()
    if on > today():
        refuse("on", _("The date cannot be in the future."))
    if on < consult.consulted_on:
        refuse("on", _("A follow-up comes after the consultation."))
    result = (data.get("result") or "").strip()
    if not result:
        refuse("result", _("Say how the matter ended."))
    changes = {
        "followed_up_on": [consult.followed_up_on, on],
        "result": [consult.result, result],
    }
    consult.followed_up_on, consult.result = on, result
    session.flush()
    consults.history(session, consult, "follow_up", changes)
    return consult


def consult_referred(session: Session, consult: LpConsult, user: Any = None) -> None:
    """A referral to 人民调解 opens a case (source 当事人申请) linked from the consultation."""
    if consult.referral != "mediation" or consult.dispute_id is not None:
        return
    from tenants.models import Node

    from ..mediation.workflow import create_dispute

    community = session.get(Node, consult.community_id)
    dispute = create_dispute(
        session,
        community,
        {
            "source": "application",
            "dispute_type": _dispute_type(consult.category),
            "parties": consult.person or _("Anonymous"),
            "summary": consult.question,
            "mediators": _("To be assigned"),
            "registered_on": consult.consulted_on,
        },
        user=user,
    )
    consult.dispute_id = dispute.id
    consult.referred_on = consult.consulted_on
    session.flush()


def _dispute_type(category: str) -> str:
    """The kind of dispute a consultation's legal matter becomes."""
    return {
        "family": "family",
        "inheritance": "family",
        "housing": "housing",
        "labour": "labour",
        "loan": "contract",
        "consumer": "consumer",
        "property": "property",
        "tort": "damages",
    }.get(category, "other")

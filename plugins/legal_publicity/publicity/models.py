"""The 普法 tables: boards (法治宣传阵地) with their renewals, study sessions, consultations."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin

if TYPE_CHECKING:
    from ..mediation.models import LpDispute


class LpBoardUpdate(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One renewal of a board: its date and theme (a photo may be attached)."""

    __tablename__ = "legal_publicity_board_update"
    __table_args__ = (sa.Index("ix_legal_publicity_board_update_board", "board_id", "updated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_board.id"))
    updated_on: Mapped[date]
    theme: Mapped[str] = mapped_column(sa.String(200), default="")

    board: Mapped[LpBoard] = relationship()


class LpBoard(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """法治宣传栏, 橱窗, 电子屏, 黑板报 …: renewed every ``cycle_days``; overdue when its last
    renewal (or its setting-up) plus the cycle is before today."""

    __tablename__ = "legal_publicity_board"
    __table_args__ = (sa.Index("ix_legal_publicity_board_community", "community_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16), default="board")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    cycle_days: Mapped[int] = mapped_column(default=30)
    set_up_on: Mapped[date]

    # The latest live renewal, read in the same statement as the board.
    last_updated_on: Mapped[date | None] = column_property(
        sa.select(sa.func.max(LpBoardUpdate.updated_on))
        .where(LpBoardUpdate.board_id == id, LpBoardUpdate.deleted_at.is_(None))
        .correlate_except(LpBoardUpdate)
        .scalar_subquery()
    )
    updates: Mapped[list[LpBoardUpdate]] = relationship(
        primaryjoin="and_(LpBoardUpdate.board_id == LpBoard.id, LpBoardUpdate.deleted_at.is_(None))",
        order_by="LpBoardUpdate.updated_on",
        viewonly=True,
    )


class LpStudy(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """学法记录: a study session of cadres or 居民小组长, with an optional quiz."""

    __tablename__ = "legal_publicity_study"
    __table_args__ = (sa.Index("ix_legal_publicity_study_community", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(sa.String(200))
    audience: Mapped[str] = mapped_column(sa.String(16), default="cadres")
    attendees: Mapped[int] = mapped_column(default=0)
    leaders_attended: Mapped[int] = mapped_column(default=0)  # 居民小组长/楼门长 among them
    quiz_score: Mapped[int | None]


class LpConsult(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """法律咨询登记: 登记 → 解答 / 转介 → 回访; a referral to 人民调解 opens a case, one to legal aid
    is followed up within three days."""

    __tablename__ = "legal_publicity_consult"
    __table_args__ = (
        sa.Index("ix_legal_publicity_consult_community", "community_id", "consulted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consulted_on: Mapped[date]
    channel: Mapped[str] = mapped_column(sa.String(12), default="visit")
    person: Mapped[str] = mapped_column(sa.String(50), default="")  # may stay anonymous
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    group: Mapped[str] = mapped_column(sa.String(12), default="other")
    category: Mapped[str] = mapped_column(sa.String(12), default="other")
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    referral: Mapped[str] = mapped_column(sa.String(12), default="none")
    referred_on: Mapped[date | None]
    result: Mapped[str] = mapped_column(sa.String(500), default="")
    followed_up_on: Mapped[date | None]  # 回访 of a referral
    dispute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("legal_publicity_dispute.id"))

    dispute: Mapped[LpDispute | None] = relationship()

"""奖励扶助 / 特别扶助 / 独生子女父母奖励费: the programmes (their standards change, so they are
configuration), the rolls per period and their lines ("不漏报一人，也不错报一人")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk import (
    Base,
    SoftDeleteMixin,
    TenantOwned,
    TimestampMixin,
    WorkflowEventMixin,
    live_rows,
)
from plugins.registry.models import RegistryResident


class FpProgram(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A programme and its standard: who qualifies (a family category, an age) and how much."""

    __tablename__ = "family_planning_program"
    __label__ = _l("Benefit programmes")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # reward, support, special
    name: Mapped[str] = mapped_column(sa.String(50))
    cycle: Mapped[str] = mapped_column(sa.String(8), default="quarter")
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    min_age: Mapped[int | None]


class FpRoll(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A roll of one programme for one period: 草拟 → 社区核对 → 公示 → 街道审核 ⇄ 退回 →
    区审批 → 已发放 → 归档."""

    __tablename__ = "family_planning_roll"
    __label__ = _l("Benefit rolls")
    __table_args__ = (
        sa.Index("ix_family_planning_roll_community_period", "community_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_program.id"))
    period: Mapped[str] = mapped_column(sa.String(7))  # 2026Q2, 2026
    status: Mapped[str] = mapped_column(sa.String(12), default="draft")
    drafted_on: Mapped[date]
    publicity_until: Mapped[date | None]
    paid_on: Mapped[date | None]  # 已发放: the day the payment results came back
    deadline: Mapped[date | None]
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")

    program: Mapped[FpProgram] = relationship()
    lines: Mapped[list[FpRollLine]] = live_rows("FpRollLine", "roll_id", "FpRoll")
    objections: Mapped[list[FpRollObjection]] = live_rows("FpRollObjection", "roll_id", "FpRoll")


class FpRollLine(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One person on a roll: new, continuing, stopped (with why) or to be checked."""

    __tablename__ = "family_planning_roll_line"
    __table_args__ = (
        sa.Index("ix_family_planning_roll_line_roll", "roll_id"),
        sa.Index("ix_family_planning_roll_line_district_resident", "district_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_roll.id"))
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_resident.id"))
    family_id: Mapped[int | None] = mapped_column(sa.ForeignKey("family_planning_family.id"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    line_kind: Mapped[str] = mapped_column(sa.String(10), default="new")
    stop_reason: Mapped[str | None] = mapped_column(sa.String(12))
    account_last4: Mapped[str] = mapped_column(sa.String(4), default="")
    review_comment: Mapped[str] = mapped_column(sa.String(500), default="")  # the street's
    paid: Mapped[bool | None]  # the payment result, once imported
    paid_note: Mapped[str] = mapped_column(sa.String(200), default="")  # why a payment failed

    roll: Mapped[FpRoll] = relationship()
    resident: Mapped[RegistryResident] = relationship()


class FpRollObjection(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """An objection (异议) raised while a roll is publicised, and how it was resolved."""

    __tablename__ = "family_planning_roll_objection"
    __label__ = _l("Objections to benefit rolls")
    __table_args__ = (sa.Index("ix_family_planning_roll_objection_roll", "roll_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_roll.id"))
    # The line objected to (none: someone left off the roll, or the roll as a whole).
    line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("family_planning_roll_line.id"))
    raised_on: Mapped[date]
    raised_by: Mapped[str] = mapped_column(sa.String(50), default="")
    content: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="open")  # open, resolved
    outcome: Mapped[str | None] = mapped_column(sa.String(10))  # upheld, dismissed
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_on: Mapped[date | None]
    # What an upheld objection does to its line: removed from the roll, or its amount corrected.
    correction: Mapped[str | None] = mapped_column(sa.String(10))
    corrected_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))

    roll: Mapped[FpRoll] = relationship()
    line: Mapped[FpRollLine | None] = relationship()


class FpRollEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a roll's timeline."""

    __tablename__ = "family_planning_roll_event"
    __table_args__ = (sa.Index("ix_family_planning_roll_event_roll", "roll_id", "id"),)

    roll_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_roll.id"))

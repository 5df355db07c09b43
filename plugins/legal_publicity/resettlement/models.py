"""The 安置帮教 tables: the resettled-person register and its workflow's events."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, WorkflowEventMixin


class LpResettled(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """安置帮教对象: pending hand-over (待衔接) → in care (报到, team formed) → reassessed every
    six months → released from care (期满解除, confirmed by the 司法所), or reoffended,
    out of contact, moved away, deceased."""

    __tablename__ = "legal_publicity_resettled"
    __table_args__ = (
        sa.Index("ix_legal_publicity_resettled_community", "community_id", "status"),
        sa.Index("ix_legal_publicity_resettled_street", "street_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    category: Mapped[str] = mapped_column(sa.String(12), default="released")
    offence: Mapped[str] = mapped_column(sa.String(12), default="other")
    sentence_months: Mapped[int | None]
    released_on: Mapped[date]
    released_from: Mapped[str] = mapped_column(sa.String(100), default="")
    notice_on: Mapped[date | None]  # 衔接通知
    report_due: Mapped[date | None]
    reported_on: Mapped[date | None]
    care_until: Mapped[date | None]
    team: Mapped[str] = mapped_column(sa.String(300), default="")
    risk: Mapped[str] = mapped_column(sa.String(8), default="low")
    assessed_on: Mapped[date | None]
    placement: Mapped[str] = mapped_column(sa.String(12), default="none")
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    ended_on: Mapped[date | None]


class LpResettledEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a resettled person's timeline."""

    __tablename__ = "legal_publicity_resettled_event"
    __table_args__ = (
        sa.Index("ix_legal_publicity_resettled_event_resettled", "resettled_id", "id"),
    )

    resettled_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_resettled.id"))

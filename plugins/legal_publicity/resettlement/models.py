"""The 安置帮教 tables: the resettled-person register and its workflow's events, and the
社区矫正 协助 record with its visits."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class LpCorrection(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """社区矫正 协助: a person under community correction whom the community helps — only the
    矫正小组 membership and the visits; the case itself is the 司法所's (社区矫正法 2020)."""

    __tablename__ = "legal_publicity_correction"
    __table_args__ = (
        sa.Index("ix_legal_publicity_correction_community", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    kind: Mapped[str] = mapped_column(sa.String(12), default="probation")
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    group_members: Mapped[str] = mapped_column(sa.String(300), default="")
    our_role: Mapped[str] = mapped_column(sa.String(12), default="cadre")
    status: Mapped[str] = mapped_column(sa.String(12), default="assisting")

    visits: Mapped[list[LpCorrectionVisit]] = relationship(
        primaryjoin="and_(LpCorrectionVisit.correction_id == LpCorrection.id, "
        "LpCorrectionVisit.deleted_at.is_(None))",
        order_by="LpCorrectionVisit.visited_on",
        viewonly=True,
    )


class LpCorrectionVisit(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A visit of the community's members of the 矫正小组 to a person under correction."""

    __tablename__ = "legal_publicity_correction_visit"
    __table_args__ = (
        sa.Index("ix_legal_publicity_correction_visit_correction", "correction_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_correction.id"))
    visited_on: Mapped[date]
    visitors: Mapped[str] = mapped_column(sa.String(100), default="")
    findings: Mapped[str] = mapped_column(sa.Text, default="")

    correction: Mapped[LpCorrection] = relationship()

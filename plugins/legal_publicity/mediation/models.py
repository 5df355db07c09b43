"""The 人民调解 tables: screenings and their items, cases with their sessions, follow-ups and
the workflow's events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.numbering import Numbered
from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, WorkflowEventMixin


class LpScreening(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """矛盾纠纷排查: a screening meeting (例行 on the 1st and 16th, 节前专项, 敏感时期)."""

    __tablename__ = "legal_publicity_screening"
    __table_args__ = (
        sa.Index("ix_legal_publicity_screening_community", "community_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(12), default="routine")
    participants: Mapped[str] = mapped_column(sa.String(500), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    reported_on: Mapped[date | None]  # 排查情况 sent to the 司法所 (within two days)

    items: Mapped[list[LpScreeningItem]] = relationship(
        primaryjoin="and_(LpScreeningItem.screening_id == LpScreening.id, "
        "LpScreeningItem.deleted_at.is_(None))",
        order_by="LpScreeningItem.id",
        viewonly=True,
    )


class LpScreeningItem(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One dispute found by a screening: its risk, what is done (a case, a referral, watch,
    resolved) and the person who answers for it."""

    __tablename__ = "legal_publicity_screening_item"
    __table_args__ = (
        sa.Index("ix_legal_publicity_screening_item_screening", "screening_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_screening.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    parties: Mapped[str] = mapped_column(sa.String(200), default="")
    dispute_type: Mapped[str] = mapped_column(sa.String(16), default="other")
    risk: Mapped[str] = mapped_column(sa.String(12), default="general")
    action: Mapped[str] = mapped_column(sa.String(12), default="watch")
    referred_to: Mapped[str] = mapped_column(sa.String(12), default="")
    owner: Mapped[str] = mapped_column(sa.String(50))
    due_on: Mapped[date | None]
    dispute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("legal_publicity_dispute.id"))

    screening: Mapped[LpScreening] = relationship()
    dispute: Mapped[LpDispute | None] = relationship()


class LpDispute(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """人民调解案件: registered → accepted (or not) → mediated in sessions → an agreement, or
    mediation failed → followed up → closed → archived; 30 days from acceptance, extended once."""

    __tablename__ = "legal_publicity_dispute"
    __label__ = _l("Mediation cases")
    # 案件编号 TJ<year>-NNNN and 协议书编号 XY<year>-NNNN, per community (core.numbering).
    __numbered__ = {
        "number": "TJ",
        "agreement_number": Numbered("XY", _l("Agreement number")),
    }
    __table_args__ = (
        sa.UniqueConstraint("community_id", "number", name="uq_legal_publicity_dispute_number"),
        *(
            sa.Index(
                f"ix_legal_publicity_dispute_{scope}_reg", f"{scope}_id", "registered_on", "id"
            )
            for scope in ("community", "street")
        ),
        sa.Index("ix_legal_publicity_dispute_community_deadline", "community_id", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30))
    source: Mapped[str] = mapped_column(sa.String(12), default="application")
    dispute_type: Mapped[str] = mapped_column(sa.String(16), default="other")
    parties: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    people: Mapped[int] = mapped_column(default=2)
    risk: Mapped[str] = mapped_column(sa.String(12), default="general")
    mediators: Mapped[str] = mapped_column(sa.String(100), default="")
    registered_on: Mapped[date]
    accepted_on: Mapped[date | None]
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(12), default="registered")
    outcome: Mapped[str] = mapped_column(sa.String(12), default="")
    outcome_on: Mapped[date | None]
    agreement_number: Mapped[str] = mapped_column(sa.String(30), default="")
    agreement_text: Mapped[str] = mapped_column(sa.Text, default="")
    performance_due: Mapped[date | None]  # 履行期限
    judicial_confirm_on: Mapped[date | None]
    failed_route: Mapped[str] = mapped_column(sa.String(16), default="")
    followup_due: Mapped[date | None]
    closed_on: Mapped[date | None]
    notified_on: Mapped[date | None]  # 司法所 told of a risky or mass dispute

    sessions: Mapped[list[LpDisputeSession]] = relationship(
        primaryjoin="and_(LpDisputeSession.dispute_id == LpDispute.id, "
        "LpDisputeSession.deleted_at.is_(None))",
        order_by="LpDisputeSession.held_on",
        viewonly=True,
    )
    followups: Mapped[list[LpFollowup]] = relationship(
        primaryjoin="and_(LpFollowup.dispute_id == LpDispute.id, LpFollowup.deleted_at.is_(None))",
        order_by="LpFollowup.followed_on",
        viewonly=True,
    )


class LpDisputeSession(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """调解记录: one mediation session (date, place, who came, what was said)."""

    __tablename__ = "legal_publicity_dispute_session"
    __table_args__ = (
        sa.Index("ix_legal_publicity_dispute_session_dispute", "dispute_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_dispute.id"))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(100), default="")
    attendees: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    dispute: Mapped[LpDispute] = relationship()


class LpFollowup(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """调解回访: whether the agreement is being kept."""

    __tablename__ = "legal_publicity_followup"
    __table_args__ = (sa.Index("ix_legal_publicity_followup_dispute", "dispute_id", "followed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_dispute.id"))
    followed_on: Mapped[date]
    fulfilment: Mapped[str] = mapped_column(sa.String(12), default="kept")
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    dispute: Mapped[LpDispute] = relationship()


class LpDisputeEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a case's timeline: who, when, from which status to which, and why."""

    __tablename__ = "legal_publicity_dispute_event"
    __table_args__ = (sa.Index("ix_legal_publicity_dispute_event_dispute", "dispute_id", "id"),)

    dispute_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_publicity_dispute.id"))

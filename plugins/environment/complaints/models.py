"""环境诉求 and its timeline (``environment_complaint``, ``environment_complaint_event``)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, TimestampMixin, UTCDateTime
from core.sdk import WorkflowEventMixin, partial_index
from tenants.models import TenantOwned


class EnvironmentComplaint(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A resident's complaint, as 12345 hands it over: received, dispatched, handled, closed,
    followed up and archived; an unsatisfied follow-up sends it back once (重办)."""

    __tablename__ = "environment_complaint"
    __table_args__ = (
        partial_index(
            "uq_environment_complaint_community_ticket", "community_id", "ticket", unique=True
        ),
        sa.Index("ix_environment_complaint_community_received", "community_id", "received_at"),
        sa.Index("ix_environment_complaint_street_received", "street_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(sa.String(40))  # 工单号
    source: Mapped[str] = mapped_column(sa.String(12), default="hotline")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    complainant: Mapped[str] = mapped_column(sa.String(50), default="")
    # The registry's resident when the complainant is one (found by name and phone), never required.
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    category: Mapped[str] = mapped_column(sa.String(12), default="other")
    urgent: Mapped[bool] = mapped_column(default=False)
    content: Mapped[str] = mapped_column(sa.Text, default="")
    handler: Mapped[str] = mapped_column(sa.String(100), default="")  # 承办
    co_handler: Mapped[str] = mapped_column(sa.String(100), default="")  # 协办
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 首次联系
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 办结
    result: Mapped[str | None] = mapped_column(sa.String(12))
    result_note: Mapped[str] = mapped_column(sa.Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 回访
    satisfaction: Mapped[str | None] = mapped_column(sa.String(12))
    redone: Mapped[bool] = mapped_column(default=False)  # 重办 once
    status: Mapped[str] = mapped_column(sa.String(12), default="received")
    received_on: Mapped[date]  # the day it came in, for the workflow's dates and the figures
    # The days of the three deadlines, kept for core's daily reminders (催办).
    contact_due_on: Mapped[date | None]
    resolve_due_on: Mapped[date | None]
    follow_up_due_on: Mapped[date | None]


class EnvironmentComplaintEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of a complaint's timeline."""

    __tablename__ = "environment_complaint_event"
    __table_args__ = (sa.Index("ix_environment_complaint_event_complaint", "complaint_id", "id"),)

    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("environment_complaint.id"))

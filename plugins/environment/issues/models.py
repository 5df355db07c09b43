"""问题整改 and its timeline (``environment_issue``, ``environment_issue_event``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin, UTCDateTime
from core.sdk import WorkflowEventMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.environment.areas.models import EnvironmentArea
    from plugins.environment.inspections.models import EnvironmentInspection


class EnvironmentIssue(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A problem found (by an inspection or on patrol): told to whoever answers for it,
    rectified within its deadline (24 h for 垃圾满溢), re-checked, or referred (违建)."""

    __tablename__ = "environment_issue"
    __table_args__ = (
        sa.Index("ix_environment_issue_community_found", "community_id", "found_on"),
        sa.Index("ix_environment_issue_street_found", "street_id", "found_on"),
        sa.Index("ix_environment_issue_inspection", "inspection_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(16), default="other")
    description: Mapped[str] = mapped_column(sa.Text)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_area.id"))
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_inspection.id"))
    party: Mapped[str] = mapped_column(sa.String(100), default="")  # unit, 物业 or household
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    found_on: Mapped[date]
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default="found")
    closed_on: Mapped[date | None]

    area: Mapped[EnvironmentArea | None] = relationship()
    inspection: Mapped[EnvironmentInspection | None] = relationship()


class EnvironmentIssueEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of an issue's timeline."""

    __tablename__ = "environment_issue_event"
    __table_args__ = (sa.Index("ix_environment_issue_event_issue", "issue_id", "id"),)

    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("environment_issue.id"))
